package sandbox

import (
	"bytes"
	"image/jpeg"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// checkPDF validates the header, trailer, startxref and every xref offset.
func checkPDF(t *testing.T, pdf []byte) {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-1.4\n")) || !bytes.HasSuffix(pdf, []byte("%%EOF\n")) {
		t.Fatalf("PDF header/trailer: %q ... %q", pdf[:12], pdf[len(pdf)-8:])
	}
	m := regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`).FindSubmatch(pdf)
	if m == nil {
		t.Fatal("no startxref")
	}
	xref, _ := strconv.Atoi(string(m[1]))
	if !bytes.HasPrefix(pdf[xref:], []byte("xref\n0 ")) {
		t.Fatalf("startxref %d does not point at xref: %q", xref, pdf[xref:xref+10])
	}
	lines := strings.Split(string(pdf[xref:]), "\n")
	n, _ := strconv.Atoi(strings.Fields(lines[1])[1])
	if lines[2] != "0000000000 65535 f " {
		t.Fatalf("free entry %q", lines[2])
	}
	for i := 1; i < n; i++ {
		entry := lines[2+i]
		if len(entry)+1 != 20 {
			t.Fatalf("xref entry %q is not 20 bytes", entry)
		}
		off, _ := strconv.Atoi(entry[:10])
		want := strconv.Itoa(i) + " 0 obj"
		if !bytes.HasPrefix(pdf[off:], []byte(want)) {
			t.Fatalf("object %d offset %d points at %q", i, off, pdf[off:off+10])
		}
	}
	// The stream /Length is right.
	sm := regexp.MustCompile(`<< /Length (\d+) >>\nstream\n`).FindSubmatchIndex(pdf)
	length, _ := strconv.Atoi(string(pdf[sm[2]:sm[3]]))
	if !bytes.HasPrefix(pdf[sm[1]+length:], []byte("endstream")) {
		t.Fatal("stream /Length is wrong")
	}
}

func TestChequeFiles(t *testing.T) {
	e := newEnv(t, Options{})
	var ok, waiting *txn
	for _, tx := range e.txns(e.w) {
		if ok == nil && tx.status == "SUCCESS" && tx.typ == "OUT" && tx.comment != "" {
			ok = tx
		}
		if waiting == nil && tx.status == "WAITING" {
			waiting = tx
		}
	}
	base := "/payment-history/v1/transactions/" + itoa64(ok.id) + "/cheque/file"
	r := e.get(base + "?type=OUT&format=PDF")
	expect(t, r, 200)
	if r.hdr.Get("Content-Type") != "application/pdf" {
		t.Fatalf("content type %q", r.hdr.Get("Content-Type"))
	}
	checkPDF(t, r.body)
	if !bytes.Contains(r.body, []byte(itoa64(ok.id))) || !bytes.Contains(r.body, []byte(fmtKop(ok.sum))) {
		t.Fatal("receipt lacks id or amount")
	}
	j := e.get(base + "?type=OUT&format=JPEG")
	expect(t, j, 200)
	if _, err := jpeg.Decode(bytes.NewReader(j.body)); err != nil || j.hdr.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("JPEG: %v", err)
	}
	expectQiwiError(t, e.get(base+"?type=OUT"), 400, "validation.error")
	expectQiwiError(t, e.get(base+"?format=PDF"), 400, "validation.error")
	expectQiwiError(t, e.get(base+"?type=OUT&format=PNG"), 400, "validation.error")
	expect(t, e.get(base+"?type=IN&format=PDF"), 404)
	expect(t, e.get("/payment-history/v1/transactions/"+itoa64(waiting.id)+"/cheque/file?type=OUT&format=PDF"), 404)

	send := "/payment-history/v1/transactions/" + itoa64(ok.id) + "/cheque/send?type=OUT"
	s := e.post(send, map[string]string{"email": "me@example.com"})
	expect(t, s, 201)
	if len(s.body) != 0 {
		t.Fatalf("201 body %q", s.body)
	}
	expect(t, e.post(send, map[string]string{"email": "nobody"}), 400)
}
