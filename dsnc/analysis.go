package dsnc

import (
	"fmt"
	"math"
	"slices"

	"github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/hamming"
	"github.com/labelcode/labelcode/internal/dsnccore"
)

// CodeStats describes the codes a model's threshold encoder gives the rows
// of a dataset, as the paper's Table 3 does.
type CodeStats struct {
	// Rows is the number of rows, Codes the number of distinct codes.
	Rows, Codes int
	// Intra is the mean Hamming distance between the codes of two distinct
	// rows of the same class, averaged over the classes with at least two
	// rows; IntraStd is its standard deviation over those classes.
	Intra, IntraStd float64
	// Inter is the mean Hamming distance between the code of a row of a
	// class and the code of a row of another class, averaged over the
	// classes present; InterStd is its standard deviation over them.
	Inter, InterStd float64
	// Balance holds, for every bit, the fraction of rows whose code has it
	// set: a bit near 0 or 1 carries little information, and codes whose
	// bits all sit there have collapsed.
	Balance []float64
	// DeadBits is the number of bits that are the same in every row's
	// code (balance exactly 0 or 1).
	DeadBits int
}

// String formats the statistics as in the paper's Table 3, followed by
// the dead bits and the range of the bits' balance.
func (s CodeStats) String() string {
	out := fmt.Sprintf("%d rows, %d distinct codes; intra-class %.2f ± %.2f, inter-class %.2f ± %.2f",
		s.Rows, s.Codes, s.Intra, s.IntraStd, s.Inter, s.InterStd)
	if len(s.Balance) > 0 {
		out += fmt.Sprintf("; %d of %d bits dead, balance %.2f–%.2f", s.DeadBits, len(s.Balance),
			slices.Min(s.Balance), slices.Max(s.Balance))
	}
	return out
}

// Analyze encodes every row of d with the model's threshold encoder and
// returns the code statistics of the paper's Table 3, with the balance of
// every bit and the number of dead bits (collapse shows there): on the training set
// they say how fragmented the learned code space is, on the test set how
// well it generalises. The mean distances are exact, computed from
// per-class bit counts (the mean distance between two sets of codes is
// Σ_bits (a₁·b₀ + a₀·b₁)/(|A|·|B|)), so the cost is O(N·(Σ In·Out) +
// N log N + Classes·Bits) rather than quadratic in N. It returns ErrConfig
// for a nil m, ErrNotFitted for a model without a network, the errors of
// d.Validate and ErrShape when d does not match m.
func (m *Model) Analyze(d *labelcode.Dataset) (CodeStats, error) {
	if m == nil {
		return CodeStats{}, fmt.Errorf("%w: Analyze: nil model", ErrConfig)
	}
	if err := m.check(); err != nil {
		return CodeStats{}, err
	}
	if err := m.checkData(d); err != nil {
		return CodeStats{}, err
	}
	e, err := dsnccore.NewEncoder(m.core())
	if err != nil {
		return CodeStats{}, err
	}
	codes := e.EncodeRows(d.X, d.Len())
	return codeStats(codes, d.Y, d.Classes, e.Bits()), nil
}

func codeStats(codes []uint64, labels []int, classes, nbits int) CodeStats {
	w := hamming.Words(nbits)
	n := len(labels)
	st := CodeStats{Rows: n}
	// distinct codes
	keys := make([][]uint64, n)
	for i := range keys {
		keys[i] = codes[i*w : (i+1)*w]
	}
	slices.SortFunc(keys, slices.Compare)
	st.Codes = len(slices.CompactFunc(keys, slices.Equal))

	ones := make([]int32, classes*nbits)
	total := make([]int64, nbits)
	size := make([]int64, classes)
	for r, y := range labels {
		size[y]++
		c := codes[r*w : (r+1)*w]
		for b := 0; b < nbits; b++ {
			if c[b>>6]>>(uint(b)&63)&1 == 1 {
				ones[y*nbits+b]++
				total[b]++
			}
		}
	}
	var intra, inter []float64
	for k := 0; k < classes; k++ {
		nk := size[k]
		if nk == 0 {
			continue
		}
		no := int64(n) - nk
		var sIntra, sInter float64
		for b := 0; b < nbits; b++ {
			a1 := int64(ones[k*nbits+b])
			a0 := nk - a1
			o1 := total[b] - a1
			o0 := no - o1
			sIntra += 2 * float64(a1) * float64(a0)
			sInter += float64(a1)*float64(o0) + float64(a0)*float64(o1)
		}
		if nk >= 2 {
			intra = append(intra, sIntra/(float64(nk)*float64(nk-1)))
		}
		if no > 0 {
			inter = append(inter, sInter/(float64(nk)*float64(no)))
		}
	}
	st.Intra, st.IntraStd = meanStd(intra)
	st.Inter, st.InterStd = meanStd(inter)
	st.Balance = make([]float64, nbits)
	for b, t := range total {
		if n > 0 {
			st.Balance[b] = float64(t) / float64(n)
		}
		if t == 0 || t == int64(n) {
			st.DeadBits++
		}
	}
	return st
}

// meanStd returns the mean and the population standard deviation; NaN for
// an empty slice.
func meanStd(v []float64) (mean, std float64) {
	if len(v) == 0 {
		return math.NaN(), math.NaN()
	}
	for _, x := range v {
		mean += x
	}
	mean /= float64(len(v))
	for _, x := range v {
		std += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(std / float64(len(v)))
}

// codeSampleRows is the most training rows whose distinct codes Fit counts
// after every epoch (training.Epoch.Codes).
const codeSampleRows = 4096

// codeSample returns the rows of d whose codes Fit counts after every
// epoch: all of them, or codeSampleRows spread evenly over d (copied).
func codeSample(d *labelcode.Dataset) []float32 {
	n := d.Len()
	if n <= codeSampleRows {
		return d.X
	}
	x := make([]float32, 0, codeSampleRows*d.Features)
	for i := range codeSampleRows {
		x = append(x, d.Row(i*n/codeSampleRows)...)
	}
	return x
}

// countCodes returns the number of distinct threshold codes m's encoder
// gives the rows of x (row-major), 0 if m cannot encode. Cost: one forward
// pass of the rows and a sort.
func countCodes(m *Model, x []float32) int {
	e, err := dsnccore.NewEncoder(m.core())
	if err != nil || e.Features() == 0 {
		return 0
	}
	rows := len(x) / e.Features()
	codes := e.EncodeRows(x, rows)
	w := e.Words()
	keys := make([][]uint64, rows)
	for i := range keys {
		keys[i] = codes[i*w : (i+1)*w]
	}
	slices.SortFunc(keys, slices.Compare)
	return len(slices.CompactFunc(keys, slices.Equal))
}
