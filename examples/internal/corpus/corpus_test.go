package corpus

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
)

// sharedRepublic is the data folder's copy of the text, relative to this
// package's directory; library users do not have it.
var sharedRepublic = filepath.Join("..", "..", "..", "..", "shared", "data", "republic", "republic_clean.txt")

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func TestRepublicTextChecksum(t *testing.T) {
	b, err := RepublicText()
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != 1195637 {
		t.Errorf("embedded Republic has %d bytes, want 1,195,637", len(b))
	}
	if got := sha(b); got != RepublicSHA256 {
		t.Errorf("embedded Republic sha256 = %s, want %s", got, RepublicSHA256)
	}
}

func checkPaperCounts(t *testing.T, toks []string) {
	t.Helper()
	if len(toks) != RepublicTokens {
		t.Errorf("%d tokens, want the paper's %d", len(toks), RepublicTokens)
	}
	v, err := NewVocabulary(toks)
	if err != nil {
		t.Fatal(err)
	}
	if v.Len() != RepublicWords {
		t.Errorf("%d distinct words, want the paper's %d", v.Len(), RepublicWords)
	}
}

func TestRepublicPaperCounts(t *testing.T) {
	toks, err := Tokens()
	if err != nil {
		t.Fatal(err)
	}
	checkPaperCounts(t, toks)
	if toks[0] != "book" || toks[1] != "i" || toks[2] != "i" || toks[3] != "went" {
		t.Errorf("first tokens %q, want [book i i went]", toks[:4])
	}
	if last := toks[len(toks)-1]; last != "describing" {
		t.Errorf("last token %q, want describing", last)
	}
}

// TestSharedCopyAgrees checks the shipped copy against the data folder's
// file, when the folder is there.
func TestSharedCopyAgrees(t *testing.T) {
	b, err := os.ReadFile(sharedRepublic)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("skipping: %s not found (the project's shared data folder is absent, as for library users)", sharedRepublic)
	}
	if err != nil {
		t.Fatal(err)
	}
	if got := sha(b); got != RepublicSHA256 {
		t.Fatalf("shared Republic sha256 = %s, want %s", got, RepublicSHA256)
	}
	shared, err := ReadTokens(bytes.NewReader(b), RepublicStart)
	if err != nil {
		t.Fatal(err)
	}
	checkPaperCounts(t, shared)
	shipped, err := Tokens()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(shared, shipped) {
		t.Error("tokens of the shared file and of the shipped copy differ")
	}
}

// referenceTokenize is the paper's preprocessing written the obvious way,
// rune by rune, to cross-check Tokenize.
func referenceTokenize(text string) []string {
	const punct = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
	var out []string
	for _, f := range strings.Fields(strings.ReplaceAll(text, "--", " ")) {
		var kept []rune
		for _, r := range f {
			if !strings.ContainsRune(punct, r) {
				kept = append(kept, r)
			}
		}
		ok := len(kept) > 0
		for _, r := range kept {
			ok = ok && unicode.IsLetter(r)
		}
		if ok {
			out = append(out, strings.ToLower(string(kept)))
		}
	}
	return out
}

func TestTokenize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"", nil},
		{"  \n\t ", nil},
		{"Hello, World!", []string{"hello", "world"}},
		{"don't well-being", []string{"dont", "wellbeing"}},
		{"A--B---C", []string{"a", "b", "c"}},
		{"scene--a festival", []string{"scene", "a", "festival"}},
		{"1st 2 (III.) -- ... x2", []string{"iii"}},
		{"'Tis \"quoted\" [sic]", []string{"tis", "quoted", "sic"}},
		{"Ἀθῆναι café naïve", []string{"ἀθῆναι", "café", "naïve"}},
		{"“curly” quotes", []string{"quotes"}},
		{"CRLF\r\nline", []string{"crlf", "line"}},
	} {
		got := Tokenize(tc.in)
		if !slices.Equal(got, tc.want) {
			t.Errorf("Tokenize(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if ref := referenceTokenize(tc.in); !slices.Equal(got, ref) {
			t.Errorf("Tokenize(%q) = %q, reference gives %q", tc.in, got, ref)
		}
	}
}

func TestTokenizeMatchesReferenceOnRepublic(t *testing.T) {
	b, err := RepublicText()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(Tokenize(string(b)), referenceTokenize(string(b))) {
		t.Error("Tokenize and the reference differ on the whole Gutenberg file")
	}
}

func FuzzTokenize(f *testing.F) {
	for _, s := range []string{"", "a--b", "Don't!", "x2 1st", "naïve—café", "\xff\xfe--'a'", "BOOK I.\nthe end"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 1<<12 {
			return
		}
		got := Tokenize(s)
		if ref := referenceTokenize(s); !slices.Equal(got, ref) {
			t.Fatalf("Tokenize(%q) = %q, reference %q", s, got, ref)
		}
		for _, tok := range got {
			if tok == "" || tok != strings.ToLower(tok) {
				t.Fatalf("token %q empty or not lower-case", tok)
			}
			for _, r := range tok {
				if !unicode.IsLetter(r) {
					t.Fatalf("token %q has non-letter %q", tok, r)
				}
			}
		}
	})
}

func TestReadTokensStart(t *testing.T) {
	text := "Header BOOK I. not here\nIntro text.\r\nBOOK I.  \r\nThe start--here.\nBOOK I.\nagain"
	got, err := ReadTokens(strings.NewReader(text), "BOOK I.")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"book", "i", "the", "start", "here", "book", "i", "again"}
	if !slices.Equal(got, want) {
		t.Errorf("ReadTokens = %q, want %q", got, want)
	}
	all, err := ReadTokens(strings.NewReader(text), "")
	if err != nil || len(all) != 15 {
		t.Errorf("ReadTokens with no start: %d tokens (%v), want 15", len(all), err)
	}
	if _, err := ReadTokens(strings.NewReader(text), "BOOK II."); !errors.Is(err, ErrNoStart) {
		t.Errorf("missing start: error = %v, want ErrNoStart", err)
	}
	if _, err := ReadTokens(strings.NewReader("BOOK I.\n42 -- !!"), "BOOK I."); err != nil {
		t.Errorf("start line alone: %v", err)
	}
	if _, err := ReadTokens(strings.NewReader("... 42 --"), ""); !errors.Is(err, ErrEmpty) {
		t.Errorf("no tokens: error = %v, want ErrEmpty", err)
	}
	readErr := errors.New("disk on fire")
	if _, err := ReadTokens(errReader{readErr}, ""); !errors.Is(err, readErr) {
		t.Errorf("reader error = %v, want %v", err, readErr)
	}
}

type errReader struct{ err error }

func (r errReader) Read([]byte) (int, error) { return 0, r.err }

func TestVocabulary(t *testing.T) {
	toks := strings.Fields("b a c b a b d c a b")
	v, err := NewVocabulary(toks)
	if err != nil {
		t.Fatal(err)
	}
	// b:4, a:3, c:2, d:1.
	if want := []string{"b", "a", "c", "d"}; !slices.Equal(v.Words(), want) {
		t.Errorf("words %q, want %q", v.Words(), want)
	}
	for id, n := range []int{4, 3, 2, 1} {
		if v.Count(id) != n {
			t.Errorf("Count(%d) = %d, want %d", id, v.Count(id), n)
		}
	}
	ids, err := v.Encode(toks, nil)
	if err != nil {
		t.Fatal(err)
	}
	back, err := v.Decode(ids, nil)
	if err != nil || !slices.Equal(back, toks) {
		t.Errorf("Decode(Encode) = %q, %v", back, err)
	}
	// Ties are alphabetical, whatever the order of first appearance.
	tie, _ := NewVocabulary([]string{"z", "y", "x", "y", "z", "x"})
	if want := []string{"x", "y", "z"}; !slices.Equal(tie.Words(), want) {
		t.Errorf("tied words %q, want %q", tie.Words(), want)
	}
	if _, err := v.Encode([]string{"a", "zebra"}, nil); !errors.Is(err, ErrUnknownWord) || !strings.Contains(err.Error(), "zebra") {
		t.Errorf("Encode(unknown) error = %v, want ErrUnknownWord naming zebra", err)
	}
	if _, ok := v.ID("zebra"); ok {
		t.Error("ID(zebra) found")
	}
	for _, bad := range []int{-1, 4} {
		if _, err := v.Decode([]int{0, bad}, nil); !errors.Is(err, ErrIDRange) {
			t.Errorf("Decode(%d) error = %v, want ErrIDRange", bad, err)
		}
	}
	if _, err := NewVocabulary(nil); !errors.Is(err, ErrEmpty) {
		t.Errorf("NewVocabulary(nil) error = %v, want ErrEmpty", err)
	}
	dst := make([]int, len(toks))
	if a := testing.AllocsPerRun(100, func() { v.Encode(toks, dst) }); a != 0 {
		t.Errorf("Encode with large enough dst: %v allocs", a)
	}
}

func TestRepublicVocabularyOrder(t *testing.T) {
	c, err := Republic()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.IDs) != RepublicTokens || c.Vocab.Len() != RepublicWords {
		t.Fatalf("%d ids, %d words", len(c.IDs), c.Vocab.Len())
	}
	if c.Vocab.Word(0) != "the" {
		t.Errorf("most frequent word %q, want the", c.Vocab.Word(0))
	}
	total := 0
	for id := range c.Vocab.Len() {
		total += c.Vocab.Count(id)
		if id > 0 {
			p, q := c.Vocab.Count(id-1), c.Vocab.Count(id)
			if p < q || p == q && c.Vocab.Word(id-1) >= c.Vocab.Word(id) {
				t.Fatalf("ids %d, %d out of order: %q x%d, %q x%d", id-1, id, c.Vocab.Word(id-1), p, c.Vocab.Word(id), q)
			}
		}
	}
	if total != RepublicTokens {
		t.Errorf("counts sum to %d, want %d", total, RepublicTokens)
	}
	for i, id := range c.IDs {
		if c.Vocab.Word(id) != c.Tokens[i] {
			t.Fatalf("IDs[%d] = %d is %q, token is %q", i, id, c.Vocab.Word(id), c.Tokens[i])
		}
	}
}

func TestLoad(t *testing.T) {
	c, err := Load(strings.NewReader("Preface.\nSTART\nThe cat saw the dog; the dog ran."), "START")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"start", "the", "cat", "saw", "the", "dog", "the", "dog", "ran"}; !slices.Equal(c.Tokens, want) {
		t.Errorf("tokens %q, want %q", c.Tokens, want)
	}
	if c.Vocab.Word(0) != "the" || c.Vocab.Word(1) != "dog" || c.IDs[1] != 0 {
		t.Errorf("vocabulary %q, ids %v", c.Vocab.Words(), c.IDs)
	}
	if _, err := Load(strings.NewReader("x"), "START"); !errors.Is(err, ErrNoStart) {
		t.Errorf("Load without start line: %v, want ErrNoStart", err)
	}
}

func TestWindows(t *testing.T) {
	ids := []int{5, 1, 4, 1, 5, 9, 2, 6}
	for c := 1; c < len(ids); c++ {
		w, err := NewWindows(ids, c)
		if err != nil {
			t.Fatal(err)
		}
		if w.Len() != len(ids)-c || w.ContextLen() != c {
			t.Fatalf("c=%d: Len %d, ContextLen %d", c, w.Len(), w.ContextLen())
		}
		idx := make([]int, w.Len())
		for i := range idx {
			idx[i] = w.Len() - 1 - i // reversed, to test the index mapping
		}
		ctxs, tgts := w.Batch(idx, nil, nil)
		for k, i := range idx {
			// Reference: the c words before position i+c.
			want := ids[i : i+c]
			if !slices.Equal(w.Context(i), want) || !slices.Equal(ctxs[k*c:(k+1)*c], want) {
				t.Fatalf("c=%d window %d: context %v / batch %v, want %v", c, i, w.Context(i), ctxs[k*c:(k+1)*c], want)
			}
			if w.Target(i) != ids[i+c] || tgts[k] != ids[i+c] {
				t.Fatalf("c=%d window %d: target %d / batch %d, want %d", c, i, w.Target(i), tgts[k], ids[i+c])
			}
		}
	}
	for _, tc := range []struct {
		ids  []int
		c    int
		want error
	}{
		{ids, 0, ErrContext},
		{ids, -3, ErrContext},
		{ids, len(ids), ErrTooShort},
		{nil, 1, ErrTooShort},
	} {
		if _, err := NewWindows(tc.ids, tc.c); !errors.Is(err, tc.want) {
			t.Errorf("NewWindows(%d ids, %d) error = %v, want %v", len(tc.ids), tc.c, err, tc.want)
		}
	}
	w, _ := NewWindows(ids, 3)
	for _, bad := range []int{-1, w.Len()} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Context(%d) did not panic", bad)
				}
			}()
			w.Context(bad)
		}()
	}
	ctx, tgt := make([]int, 6), make([]int, 2)
	if a := testing.AllocsPerRun(100, func() { w.Batch([]int{0, 4}, ctx, tgt) }); a != 0 {
		t.Errorf("Batch with large enough dst: %v allocs", a)
	}
	var zero Windows
	if zero.Len() != 0 {
		t.Errorf("zero Windows has %d examples", zero.Len())
	}
}

func TestSplit(t *testing.T) {
	ids := make([]int, 100)
	for i := range ids {
		ids[i] = i
	}
	train, test, err := Split(ids, 3, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 87 || test.Len() != 7 {
		t.Errorf("train %d, test %d windows; want 87, 7", train.Len(), test.Len())
	}
	// Test windows lie inside the last 10 tokens; training windows before.
	if got := test.Context(0); got[0] != 90 || test.Target(test.Len()-1) != 99 {
		t.Errorf("test starts with context %v, ends with target %d", got, test.Target(test.Len()-1))
	}
	if train.Target(train.Len()-1) != 89 {
		t.Errorf("last training target %d, want 89", train.Target(train.Len()-1))
	}
	for _, tc := range []struct {
		c    int
		frac float64
		want error
	}{
		{3, 0, ErrFraction},
		{3, 1, ErrFraction},
		{3, -0.1, ErrFraction},
		{3, 2, ErrFraction},
		{0, 0.1, ErrContext},
		{10, 0.1, ErrTooShort}, // 10 test tokens, need 11
		{89, 0.1, ErrTooShort}, // both parts too short
	} {
		if _, _, err := Split(ids, tc.c, tc.frac); !errors.Is(err, tc.want) {
			t.Errorf("Split(c=%d, %v) error = %v, want %v", tc.c, tc.frac, err, tc.want)
		}
	}
}

func TestRepublicSplitPaperSizes(t *testing.T) {
	c, err := Republic()
	if err != nil {
		t.Fatal(err)
	}
	all, err := NewWindows(c.IDs, 50)
	if err != nil {
		t.Fatal(err)
	}
	if all.Len() != 118634 {
		t.Errorf("%d windows of 50 words, the paper has 118,634", all.Len())
	}
	train, test, err := Split(c.IDs, 50, 0.1)
	if err != nil {
		t.Fatal(err)
	}
	if train.Len() != 106766 || test.Len() != 11818 {
		t.Errorf("split: %d training, %d test windows; want 106,766 and 11,818", train.Len(), test.Len())
	}
}
