package i18n

import (
	"bufio"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// englishWord is a run of Latin letters a reader would take for a word.
var englishWord = regexp.MustCompile(`[A-Za-z][A-Za-z']+`)

// addresses are web and e-mail addresses: they read the same in every
// language, so the check leaves them out.
var addresses = regexp.MustCompile(`[a-z]+://[^\s│]+|[\w.+-]+@[\w-]+(\.[\w-]+)+`)

// allowedEnglish is testdata/english.txt: the Latin words a Russian screen
// may show (names, QIWI's values, key names), one or more per line, each
// line with a # note saying why. A line may start with the places it holds
// for ("views/live,views/casefile: paid # …"), so a common word allowed
// for one screen's data does not let an English label through elsewhere.
// It maps a word to its places ("" = everywhere).
func allowedEnglish(t *testing.T) map[string][]string {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "english.txt"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string][]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line, _, _ := strings.Cut(sc.Text(), "#")
		places := []string{""}
		if scope, rest, ok := strings.Cut(line, ":"); ok && strings.Contains(scope, "/") {
			places, line = strings.Split(strings.TrimSpace(scope), ","), rest
		}
		for _, w := range strings.Fields(line) {
			out[w] = append(out[w], places...)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// allows says whether word may stand in the golden at rel.
func allows(allowed map[string][]string, word, rel string) bool {
	for _, w := range []string{word, strings.ToLower(word)} {
		for _, place := range allowed[w] {
			if place == "" || strings.HasPrefix(rel, place+"/") {
				return true
			}
		}
	}
	return false
}

// TestRussianGoldensHaveNoEnglish: every screen is drawn in Russian
// (uitest.GoldenLangs writes <test>/ru.golden beside en.golden, the shell's
// own tests end in Russian), and no Russian golden shows an English word
// outside testdata/english.txt. Every package under views/ has Russian
// goldens, and every en.golden has its ru.golden.
func TestRussianGoldensHaveNoEnglish(t *testing.T) {
	allowed := allowedEnglish(t)
	root := ".."
	withRU := map[string]bool{}
	found := map[string][]string{} // word -> where
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); name != ".." && (strings.HasPrefix(name, ".") || name == "node_modules") {
				return filepath.SkipDir
			}
			return nil
		}
		name := d.Name()
		if name == "en.golden" {
			if _, err := os.Stat(filepath.Join(filepath.Dir(p), "ru.golden")); err != nil {
				t.Errorf("%s has no ru.golden beside it", p)
			}
		}
		if name != "ru.golden" && !strings.HasSuffix(name, "Russian.golden") {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		rel = filepath.ToSlash(rel)
		if parts := strings.Split(filepath.ToSlash(rel), "/"); len(parts) > 1 && parts[0] == "views" {
			withRU[parts[1]] = true
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(data), "\n") {
			for _, w := range englishWord.FindAllString(addresses.ReplaceAllString(line, " "), -1) {
				if !allows(allowed, w, rel) {
					found[w] = append(found[w], rel+":"+strconv.Itoa(i+1))
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	words := make([]string, 0, len(found))
	for w := range found {
		words = append(words, w)
	}
	sort.Strings(words)
	for _, w := range words {
		where := found[w]
		more := ""
		if len(where) > 3 {
			where, more = where[:3], " …"
		}
		t.Errorf("English %q in a Russian golden: %s%s (translate it, or add it to testdata/english.txt with why)", w, strings.Join(where, ", "), more)
	}
	views, err := os.ReadDir(filepath.Join(root, "views"))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range views {
		if v.IsDir() && !withRU[v.Name()] {
			t.Errorf("views/%s has no Russian golden (uitest.GoldenLangs)", v.Name())
		}
	}
}
