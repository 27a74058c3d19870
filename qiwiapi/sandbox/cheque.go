package sandbox

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"strings"
)

// receiptLines is the text of a receipt (Latin only: Helvetica/WinAnsi).
func receiptLines(t *txn) []string {
	p := providers[t.prov]
	name := fmt.Sprint(t.prov)
	if p != nil {
		name = p.latin
	}
	cur := currencyCode(t.cur)
	lines := []string{
		"QIWI Wallet - payment receipt",
		"",
		"Transaction: " + itoa64(t.id),
		"Date: " + fmtMSK(t.date),
		"Type: " + t.typ,
		"Wallet: +" + t.w.number,
		"Provider: " + name + " (" + fmt.Sprint(t.prov) + ")",
		"Account: " + translit(t.account),
		"Amount: " + fmtKop(t.sum) + " " + cur,
		"Commission: " + fmtKop(t.comm) + " " + cur,
		"Total: " + fmtKop(t.total()) + " " + cur,
		"Status: " + t.status,
	}
	if t.comment != "" {
		lines = append(lines, "Comment: "+translit(t.comment))
	}
	return append(lines, "", "QIWI sandbox - not a real payment document")
}

// pdfString escapes a PDF literal string.
func pdfString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `(`, `\(`, `)`, `\)`)
	return "(" + r.Replace(s) + ")"
}

// chequePDF writes a one-page PDF 1.4 with a correct xref table.
func chequePDF(t *txn) []byte {
	var content bytes.Buffer
	content.WriteString("BT\n/F1 16 Tf\n40 540 Td\n20 TL\n")
	for i, l := range receiptLines(t) {
		if i == 1 {
			content.WriteString("/F1 11 Tf\n16 TL\n")
		}
		content.WriteString(pdfString(l) + " Tj T*\n")
	}
	content.WriteString("ET\n")

	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 420 595] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", content.Len(), content.String()),
		fmt.Sprintf("<< /Title %s /Producer (qiwidash sandbox) >>", pdfString("Receipt "+itoa64(t.id))),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, len(objs), xref)
	return b.Bytes()
}

// chequeJPEG draws a small receipt-like picture: a header bar and a
// "barcode" of the transaction id digits.
func chequeJPEG(t *txn) []byte {
	const w, h = 240, 160
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	white := color.RGBA{255, 255, 255, 255}
	orange := color.RGBA{255, 140, 0, 255}
	dark := color.RGBA{30, 30, 30, 255}
	for y := range h {
		for x := range w {
			c := white
			if y < 28 {
				c = orange
			}
			img.Set(x, y, c)
		}
	}
	digits := itoa64(t.id) + fmtKop(t.sum)
	x := 16
	for _, d := range digits {
		bw := 1 + int(d-'0')%4
		if d == '.' {
			bw = 1
		}
		for dx := 0; dx < bw && x+dx < w-16; dx++ {
			for y := 60; y < 130; y++ {
				img.Set(x+dx, y, dark)
			}
		}
		x += bw + 3
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 85}); err != nil {
		panic(err)
	}
	return b.Bytes()
}
