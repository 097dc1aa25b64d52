// Command republicsvm writes a small next-word data set from the Plato's
// Republic text the project ships (examples/internal/corpus/testdata) as
// LIBSVM files, for the Slurm test (.ci/slurm) and the cluster recipes in
// README: each row is a window of -context words (one-hot, position by
// position, over the -vocab most frequent words plus one "other" word) and
// its label is the next word, kept only when it is one of the -classes most
// frequent words. Word ids are by decreasing count, ties alphabetical, so
// the files are the same on every machine.
//
//	go run ./deploy/slurm/republicsvm -train train.svm -test test.svm
package main

import (
	"bufio"
	"compress/gzip"
	"flag"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

type config struct {
	text, train, test      string
	vocab, classes, window int
	rows, testRows         int
}

func main() {
	var c config
	flag.StringVar(&c.text, "text", "examples/internal/corpus/testdata/republic.txt.gz", "the shipped Republic text (gzip)")
	flag.StringVar(&c.train, "train", "republic-train.svm", "training file to write")
	flag.StringVar(&c.test, "test", "republic-test.svm", "test file to write (the rows after the training rows)")
	flag.IntVar(&c.vocab, "vocab", 200, "input words (the most frequent; the rest are one \"other\" word)")
	flag.IntVar(&c.classes, "classes", 50, "labels: the most frequent words (windows with another next word are dropped)")
	flag.IntVar(&c.window, "context", 3, "context words per row")
	flag.IntVar(&c.rows, "rows", 4000, "training rows")
	flag.IntVar(&c.testRows, "test-rows", 1000, "test rows")
	flag.Parse()
	if err := run(c); err != nil {
		fmt.Fprintln(os.Stderr, "republicsvm:", err)
		os.Exit(1)
	}
}

func run(c config) error {
	if c.vocab < 1 || c.classes < 1 || c.classes > c.vocab || c.window < 1 || c.rows < 1 || c.testRows < 0 {
		return fmt.Errorf("need 1 <= -classes <= -vocab, -context >= 1, -rows >= 1, -test-rows >= 0")
	}
	toks, err := tokens(c.text)
	if err != nil {
		return err
	}
	ids := rank(toks)
	tr, err := os.Create(c.train)
	if err != nil {
		return err
	}
	defer tr.Close()
	te, err := os.Create(c.test)
	if err != nil {
		return err
	}
	defer te.Close()
	wtr, wte := bufio.NewWriter(tr), bufio.NewWriter(te)
	n := 0
	for i := c.window; i < len(toks) && n < c.rows+c.testRows; i++ {
		label := ids[toks[i]]
		if label >= c.classes {
			continue
		}
		w := wtr
		if n >= c.rows {
			w = wte
		}
		fmt.Fprintf(w, "%d", label)
		for p := 0; p < c.window; p++ {
			id := min(ids[toks[i-c.window+p]], c.vocab) // c.vocab is "other"
			fmt.Fprintf(w, " %d:1", p*(c.vocab+1)+id+1)
		}
		w.WriteByte('\n')
		n++
	}
	if n < c.rows+c.testRows {
		return fmt.Errorf("the text gives %d rows, fewer than %d", n, c.rows+c.testRows)
	}
	for _, f := range []struct {
		w *bufio.Writer
		f *os.File
	}{{wtr, tr}, {wte, te}} {
		if err := f.w.Flush(); err != nil {
			return err
		}
		if err := f.f.Close(); err != nil {
			return err
		}
	}
	return nil
}

// tokens reads the gzip text from the line "BOOK I." on and splits it the
// way the Label Mapping paper does (corpus.Tokenize in the examples).
func tokens(path string) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	b, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	text := strings.ReplaceAll(string(b), "\r\n", "\n")
	start := strings.Index(text, "\nBOOK I.\n")
	if start < 0 {
		return nil, fmt.Errorf("%s: no line \"BOOK I.\"", path)
	}
	var toks []string
	for _, f := range strings.Fields(strings.ReplaceAll(text[start:], "--", " ")) {
		if !utf8.ValidString(f) {
			continue
		}
		w := strings.Map(func(r rune) rune {
			if r < 128 && unicode.IsPunct(r) || r < 128 && unicode.IsSymbol(r) {
				return -1
			}
			return r
		}, f)
		if w == "" || strings.IndexFunc(w, func(r rune) bool { return !unicode.IsLetter(r) }) >= 0 {
			continue
		}
		toks = append(toks, strings.ToLower(w))
	}
	if len(toks) == 0 {
		return nil, fmt.Errorf("%s: no words", path)
	}
	return toks, nil
}

// rank gives each word its rank by decreasing count, ties alphabetical.
func rank(toks []string) map[string]int {
	count := map[string]int{}
	for _, t := range toks {
		count[t]++
	}
	words := make([]string, 0, len(count))
	for w := range count {
		words = append(words, w)
	}
	sort.Slice(words, func(i, j int) bool {
		if count[words[i]] != count[words[j]] {
			return count[words[i]] > count[words[j]]
		}
		return words[i] < words[j]
	})
	ids := make(map[string]int, len(words))
	for i, w := range words {
		ids[w] = i
	}
	return ids
}
