package decode

import (
	"fmt"
	"math"
	"sync"

	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/hamming"
	"github.com/labelcode/labelcode/internal/enum"
	"github.com/labelcode/labelcode/internal/limits"
)

// Loss is a margin loss for loss-based decoding of error-correcting output
// codes (Allwein, Schapire, Singer, "Reducing multiclass to binary", JMLR
// 2000). With the margin m = z·f of a bit whose code value is z ∈ {−1, +1}
// (bit 0 or 1) and whose classifier output is f, a label's loss is the sum
// of L(m) over the bits.
type Loss int

const (
	// ExponentialLoss is L(m) = exp(−m), the loss of AdaBoost.
	ExponentialLoss Loss = iota
	// LogisticLoss is L(m) = log(1 + exp(−m)).
	LogisticLoss
	// HingeLoss is L(m) = max(0, 1 − m), the loss of SVMs.
	HingeLoss
	// LinearLoss is L(m) = −m. With f = 2p − 1 it ranks labels exactly as
	// the L1 distance Σ_i |b_i − p_i| between code and probabilities does
	// (Dietterich and Bakiri's decoder), since |b − p| = (1 − m)/2.
	LinearLoss
)

var lossNames = []string{ExponentialLoss: "exponential", LogisticLoss: "logistic", HingeLoss: "hinge", LinearLoss: "linear"}

// String returns the loss's name.
func (l Loss) String() string { return enum.Name(lossNames, l, "Loss") }

// eval returns L(m).
func (l Loss) eval(m float64) float64 {
	switch l {
	case ExponentialLoss:
		return math.Exp(-m)
	case LogisticLoss:
		if m < 0 {
			return -m + math.Log1p(math.Exp(m))
		}
		return math.Log1p(math.Exp(-m))
	case HingeLoss:
		return max(0, 1-m)
	default:
		return -m
	}
}

// ECOC decodes binary error-correcting output codes (codes.Binary,
// codes.RandomBinary, or any mapping whose sites all have 2 classes): from
// hard bits by Hamming distance, or from soft bit probabilities by
// loss-based decoding. It is immutable and safe for concurrent use.
//
// Scores are "higher is better": the negated Hamming distance, or the
// negated loss.
type ECOC struct {
	m              codes.Mapping
	classes, nbits int
	words          int
	rows           []uint64        // packed code of each label
	index          *hamming.Linear // the same codes, for hard decoding
	mp             *MaxProduct     // for codes.Binary, whose search pays off
	pool           sync.Pool       // *ecocScratch
}

type ecocScratch struct {
	nb   []hamming.Neighbor
	cost []float64   // 2 per bit: −L for bit 0, −L for bit 1
	logp [][]float64 // views of cost, one per bit
	res  []Scored
}

// MaxECOCWords bounds the packed codes of an ECOC decoder: K·ceil(c/64)
// words of 8 bytes for K labels of c bits, at most 2^28 (2 GiB, twice that
// with the hamming.Linear copy), so that a mapping with a mistaken class
// count is an error rather than an out-of-memory crash. Every mapping of
// package codes whose own tables fit its limits fits this one except
// codes.Binary above 2^28 labels, which MaxProduct decodes without tables.
const MaxECOCWords = limits.DefaultMaxWeights

// NewECOC returns the decoder of m. It returns ErrParam if m is nil (or a
// typed nil pointer) or a site of m does not have exactly 2 classes, and
// ErrTooLarge if its K·ceil(c/64) packed words exceed MaxECOCWords. Cost:
// O(K·c) time to pack the codes, K·ceil(c/64)·16 bytes (the codes and a
// hamming.Linear copy).
func NewECOC(m codes.Mapping) (*ECOC, error) {
	if isNil(m) {
		return nil, fmt.Errorf("decode: NewECOC: nil mapping: %w", ErrParam)
	}
	c := m.Sites()
	for i := range c {
		if q := m.SiteClasses(i); q != 2 {
			return nil, fmt.Errorf("decode: NewECOC: site %d has %d classes, want 2: %w", i, q, ErrParam)
		}
	}
	if _, err := limits.Product("classes × words of the packed codes", MaxECOCWords, m.Classes(), hamming.Words(c)); err != nil {
		return nil, fmt.Errorf("decode: NewECOC: %w (MaxECOCWords)", err)
	}
	e := &ECOC{m: m, classes: m.Classes(), nbits: c, words: hamming.Words(c)}
	e.rows = make([]uint64, e.classes*e.words)
	var sym []int
	for y := range e.classes {
		row := e.rows[y*e.words : (y+1)*e.words]
		if rb, ok := m.(*codes.RandomBinary); ok {
			if _, err := rb.Packed(y, row); err != nil {
				return nil, err
			}
			continue
		}
		var err error
		if sym, err = m.Encode(y, sym); err != nil {
			return nil, err
		}
		for i, b := range sym {
			row[i/64] |= uint64(b&1) << (uint(i) % 64)
		}
	}
	e.index = hamming.NewLinear(c)
	if _, err := e.index.AddPacked(e.rows); err != nil {
		return nil, fmt.Errorf("decode: NewECOC: %w", err)
	}
	if mp, err := NewMaxProduct(m); err == nil && mp.l.lin != nil {
		e.mp = mp
	}
	return e, nil
}

// Classes returns K.
func (e *ECOC) Classes() int { return e.classes }

// Bits returns c, the code length.
func (e *ECOC) Bits() int { return e.nbits }

func (e *ECOC) get() *ecocScratch {
	if sc, ok := e.pool.Get().(*ecocScratch); ok {
		return sc
	}
	sc := &ecocScratch{cost: make([]float64, 2*e.nbits), logp: make([][]float64, e.nbits)}
	for i := range sc.logp {
		sc.logp[i] = sc.cost[2*i : 2*i+2 : 2*i+2]
	}
	return sc
}

// DecodeBits returns the label whose code is nearest to code in Hamming
// distance (ties: the smallest label), with Score = −distance. code is
// packed as in package hamming. It returns ErrCode for a code of the wrong
// length or with unused bits set. It allocates nothing once warm. Cost:
// O(K·ceil(c/64)).
func (e *ECOC) DecodeBits(code []uint64) (Scored, error) {
	sc := e.get()
	defer e.pool.Put(sc)
	res, err := e.topKBits(sc, code, 1, sc.res[:0])
	sc.res = res
	if err != nil {
		return Scored{}, err
	}
	return res[0], nil
}

// TopKBits returns the k labels nearest to code, by ascending distance
// (descending Score = −distance), ties by ascending label, appended to
// dst[:0]. Errors as for DecodeBits. With cap(dst) >= k it allocates
// nothing once warm.
func (e *ECOC) TopKBits(code []uint64, k int, dst []Scored) ([]Scored, error) {
	sc := e.get()
	defer e.pool.Put(sc)
	return e.topKBits(sc, code, k, dst)
}

func (e *ECOC) topKBits(sc *ecocScratch, code []uint64, k int, dst []Scored) ([]Scored, error) {
	if err := checkCode(e.nbits, code); err != nil {
		return dst[:0], err
	}
	dst = dst[:0]
	if k <= 0 {
		return dst, nil
	}
	sc.nb = e.index.Search(code, k, sc.nb)
	for _, nb := range sc.nb {
		dst = append(dst, Scored{Label: nb.ID, Score: -float64(nb.Distance)})
	}
	return dst, nil
}

// DecodeSoft returns the label of least loss for bit probabilities probs
// (probs[i] = P(bit i = 1)), with Score = −loss: loss-based decoding with
// margins f_i = 2·probs[i] − 1 and the given loss,
//
//	loss(y) = Σ_i L(z_i(y)·f_i),   z_i(y) = +1 if bit i of y's code is 1, else −1,
//
// summed in bit order. Ties go to the smallest label. It returns
// ErrVectorLength if len(probs) != Bits(), ErrScore for a probability
// outside [0, 1] (or NaN), and ErrParam for an unknown loss. It allocates
// nothing once warm. Cost: O(K·c) (a scan of every label's code), or, for
// codes.Binary, a max-product search over the −L scores that is usually
// much faster.
func (e *ECOC) DecodeSoft(probs []float64, loss Loss) (Scored, error) {
	sc := e.get()
	defer e.pool.Put(sc)
	res, err := e.topKSoft(sc, probs, loss, 1, sc.res[:0])
	sc.res = res
	if err != nil {
		return Scored{}, err
	}
	return res[0], nil
}

// TopKSoft returns the k labels of least loss, by descending Score = −loss,
// ties by ascending label, appended to dst[:0]. Errors as for DecodeSoft.
// With cap(dst) >= k it allocates nothing once warm.
func (e *ECOC) TopKSoft(probs []float64, loss Loss, k int, dst []Scored) ([]Scored, error) {
	sc := e.get()
	defer e.pool.Put(sc)
	return e.topKSoft(sc, probs, loss, k, dst)
}

func (e *ECOC) topKSoft(sc *ecocScratch, probs []float64, loss Loss, k int, dst []Scored) ([]Scored, error) {
	if len(probs) != e.nbits {
		return dst[:0], fmt.Errorf("decode: ECOC: %d probabilities for %d bits: %w", len(probs), e.nbits, ErrVectorLength)
	}
	if loss < ExponentialLoss || loss > LinearLoss {
		return dst[:0], fmt.Errorf("decode: ECOC: %v: %w", loss, ErrParam)
	}
	for i, p := range probs {
		if !(p >= 0 && p <= 1) {
			return dst[:0], fmt.Errorf("decode: ECOC: probability %d is %v, want [0, 1]: %w", i, p, ErrScore)
		}
		f := 2*p - 1
		sc.cost[2*i] = -loss.eval(-f)
		sc.cost[2*i+1] = -loss.eval(f)
	}
	if k <= 0 {
		return dst[:0], nil
	}
	if e.mp != nil {
		return e.mp.TopK(sc.logp, k, dst)
	}
	var t topK
	t.reset(min(k, e.classes), dst)
	o := newOfferer(&t)
	w := e.words
	cost := sc.cost
	for y := range e.classes {
		row := e.rows[y*w : (y+1)*w]
		s := 0.0
		for i := range e.nbits {
			b := int(row[i/64]>>(uint(i)%64)) & 1
			s += cost[2*i+b]
		}
		if s > o.thr || !o.full {
			o.take(y, s)
		}
	}
	return t.sorted(), nil
}
