package report

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	labelcode "github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/examples/internal/corpus"
	"github.com/labelcode/labelcode/labelmap"
)

// ErrWord reports a word id outside a WordEncoder's vocabulary.
var ErrWord = errors.New("report: word id out of range")

// WordEncoder turns a word id into a dense vector of Width() values:
// the input encoding of the text task. labelmap.InputEncoder (Label Mapping
// on the input side, an n-hot vector of the word's symbols) is one;
// CutOff and RandomProjection are the alternatives the examples compare it
// with.
type WordEncoder interface {
	// Width returns the length of an encoded word.
	Width() int
	// Encode writes the encoding of word into dst (grown when too short)
	// and returns it.
	Encode(word int, dst []float32) ([]float32, error)
}

// CutOff is the usual cut-off input encoding for a large vocabulary: the
// Width()-1 most frequent words are one-hot, every other word shares the
// last position. With corpus ids, which run by descending frequency, word
// id v goes to position min(v, Width()-1). It loses the identity of the
// rarer words, which is what the LM paper's Table IV contrasts Label
// Mapping with.
type CutOff struct {
	width, words int
}

// NewCutOff returns the cut-off encoding of a vocabulary of words ids in
// width positions (2 <= width <= words).
func NewCutOff(width, words int) (*CutOff, error) {
	if width < 2 || width > words {
		return nil, fmt.Errorf("report: cut-off width %d for %d words", width, words)
	}
	return &CutOff{width: width, words: words}, nil
}

// Width returns the length of an encoded word.
func (c *CutOff) Width() int { return c.width }

// Encode writes the one-hot vector of min(word, Width()-1) into dst.
func (c *CutOff) Encode(word int, dst []float32) ([]float32, error) {
	if word < 0 || word >= c.words {
		return dst, fmt.Errorf("%w: %d of %d", ErrWord, word, c.words)
	}
	dst = zeros(dst, c.width)
	dst[min(word, c.width-1)] = 1
	return dst, nil
}

// RandomProjection encodes each word as a fixed random dense vector: the
// word's one-hot vector times a words×width Gaussian matrix drawn from a
// seed, which almost surely keeps distinct words distinct. Entries have
// variance scale²/width, so a vector's squared length is about scale².
type RandomProjection struct {
	width int
	table []float32
}

// NewRandomProjection draws the projection of a vocabulary of words ids to
// width values from seed.
func NewRandomProjection(width, words int, scale float64, seed uint64) (*RandomProjection, error) {
	if width < 1 || words < 1 {
		return nil, fmt.Errorf("report: random projection of %d words to %d values", words, width)
	}
	r := rand.New(rand.NewPCG(seed, 0x72616e64))
	t := make([]float32, width*words)
	sd := scale / math.Sqrt(float64(width))
	for i := range t {
		t[i] = float32(sd * r.NormFloat64())
	}
	return &RandomProjection{width: width, table: t}, nil
}

// Width returns the length of an encoded word.
func (p *RandomProjection) Width() int { return p.width }

// Encode writes the word's random vector into dst.
func (p *RandomProjection) Encode(word int, dst []float32) ([]float32, error) {
	if word < 0 || word*p.width >= len(p.table) {
		return dst, fmt.Errorf("%w: %d of %d", ErrWord, word, len(p.table)/p.width)
	}
	dst = zeros(dst, p.width)
	copy(dst, p.table[word*p.width:(word+1)*p.width])
	return dst, nil
}

func zeros(dst []float32, n int) []float32 {
	if cap(dst) < n {
		return make([]float32, n)
	}
	dst = dst[:n]
	clear(dst)
	return dst
}

// WindowRows returns the next-word examples idx of w (all of them when idx
// is nil) as a Dataset: a row is the encodings of the c context words,
// oldest first, concatenated (c·enc.Width() values), its label the next
// word's id, with the given number of classes (the vocabulary size).
// Memory: 4·c·Width() bytes per row.
func WindowRows(w corpus.Windows, idx []int, enc WordEncoder, classes int) (*labelcode.Dataset, error) {
	n := len(idx)
	if idx == nil {
		n = w.Len()
	}
	c, width := w.ContextLen(), enc.Width()
	x := make([]float32, n*c*width)
	y := make([]int, n)
	var buf []float32
	for r := 0; r < n; r++ {
		i := r
		if idx != nil {
			i = idx[r]
		}
		for k, word := range w.Context(i) {
			var err error
			if buf, err = enc.Encode(word, buf); err != nil {
				return nil, fmt.Errorf("report: example %d: %w", i, err)
			}
			copy(x[(r*c+k)*width:], buf)
		}
		y[r] = w.Target(i)
	}
	return labelcode.NewDataset(x, y, c*width, classes)
}

// Sample returns k distinct indices of [0, n) drawn from seed, in
// increasing order; all of them when k >= n.
func Sample(n, k int, seed uint64) []int {
	if k >= n {
		idx := make([]int, n)
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	r := rand.New(rand.NewPCG(seed, 0x73616d70))
	perm := r.Perm(n)[:k]
	slices.Sort(perm)
	return perm
}

// First returns the indices 0..n-1 of the first n of total rows, or nil
// (every row, to WindowRows) when n <= 0 or n >= total.
func First(n, total int) []int {
	if n <= 0 || n >= total {
		return nil
	}
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

// RepublicWindows returns the Republic (corpus.Republic) and its next-word
// windows of context words, split as in the Label Mapping paper's task:
// the last 10% of the text held out for testing (corpus.Split).
func RepublicWindows(context int) (text *corpus.Corpus, train, test corpus.Windows, err error) {
	if text, err = corpus.Republic(); err != nil {
		return nil, train, test, err
	}
	if train, test, err = corpus.Split(text.IDs, context, 0.1); err != nil {
		return nil, train, test, err
	}
	return text, train, test, nil
}

// TextRows returns the rows a program's -train and -test flags ask for:
// trainRows windows of train drawn from seed (Sample), every one when
// trainRows is 0 or at least train.Len(), and the first testRows windows
// of test (First), each word encoded by enc (WindowRows).
func TextRows(train, test corpus.Windows, trainRows, testRows int, enc WordEncoder, classes int, seed uint64) (trainSet, testSet *labelcode.Dataset, err error) {
	var idx []int // nil: all
	if trainRows > 0 && trainRows < train.Len() {
		idx = Sample(train.Len(), trainRows, seed)
	}
	if trainSet, err = WindowRows(train, idx, enc, classes); err != nil {
		return nil, nil, err
	}
	if testSet, err = WindowRows(test, First(testRows, test.Len()), enc, classes); err != nil {
		return nil, nil, err
	}
	return trainSet, testSet, nil
}

// LMInput returns the Label Mapping input encoding of a vocabulary of
// words words (the LM paper, section V-C): a word is the sites-hot vector
// of its residues modulo the primes codes.ChoosePrimes(words, sites,
// min(2, sites)) chooses, which it also returns.
func LMInput(words, sites int) (*labelmap.InputEncoder, []int, error) {
	primes, err := codes.ChoosePrimes(words, sites, min(2, sites))
	if err != nil {
		return nil, nil, err
	}
	m, err := codes.NewPrimeResidue(words, primes)
	if err != nil {
		return nil, nil, err
	}
	enc, err := labelmap.NewInputEncoder(m)
	if err != nil {
		return nil, nil, err
	}
	return enc, primes, nil
}
