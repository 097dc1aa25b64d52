package training

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"

	"github.com/labelcode/labelcode/internal/limits"
)

// Sampler draws the minibatches of successive epochs, as Run does: a fresh
// shuffle of the rows every epoch, cut into floor(rows/batch) batches (the
// rows left over sit out that epoch and are drawn in others). A class
// sampler (NewClassSampler) shuffles groups of rows of one class instead,
// so that a batch holds several rows of each class it contains, which
// DSNC's intra/inter-class regulariser needs. The same seed gives the
// same batches.
type Sampler struct {
	rng      *rand.Rand
	perm     []int
	batch    int
	labels   []int
	perClass int
	byClass  [][]int
	groups   [][]int
}

// samplerStream is the PCG stream of every Sampler ("nn-tran").
const samplerStream = 0x6e6e2d7472616e

// NewSampler returns a sampler over rows rows in batches of batch rows.
// It returns ErrConfig, wrapped, unless 1 <= batch <= rows. Cost O(rows).
func NewSampler(rows, batch int, seed uint64) (*Sampler, error) {
	if batch < 1 || batch > rows {
		return nil, fmt.Errorf("%w: batch size %d for %d rows", limits.ErrConfig, batch, rows)
	}
	s := &Sampler{rng: rand.New(rand.NewPCG(seed, samplerStream)), perm: make([]int, rows), batch: batch}
	for i := range s.perm {
		s.perm[i] = i
	}
	return s, nil
}

// NewClassSampler returns a sampler over the rows of labels (the label of
// each row, non-negative) that every epoch shuffles the rows of each
// class, cuts them into groups of perClass rows (the last group of a
// class may be shorter), shuffles the groups and cuts their concatenation
// into batches of batch rows. It returns ErrConfig, wrapped, unless
// 1 <= batch <= len(labels), perClass >= 1 and every label is
// non-negative. Cost O(rows·log rows) once, O(rows) per epoch.
func NewClassSampler(labels []int, batch, perClass int, seed uint64) (*Sampler, error) {
	n := len(labels)
	if batch < 1 || batch > n || perClass < 1 {
		return nil, fmt.Errorf("%w: batch size %d, %d rows per class, for %d rows", limits.ErrConfig, batch, perClass, n)
	}
	for i, y := range labels {
		if y < 0 {
			return nil, fmt.Errorf("%w: label %d of row %d", limits.ErrConfig, y, i)
		}
	}
	// The rows grouped by class, classes in ascending label order, without
	// a list per possible label (a label can be far above the row count).
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(labels[a], labels[b]) })
	s := &Sampler{rng: rand.New(rand.NewPCG(seed, samplerStream)), perm: make([]int, 0, n), batch: batch,
		labels: labels, perClass: perClass}
	for lo := 0; lo < n; {
		hi := lo + 1
		for hi < n && labels[order[hi]] == labels[order[lo]] {
			hi++
		}
		s.byClass = append(s.byClass, order[lo:hi:hi])
		lo = hi
	}
	return s, nil
}

// Batches returns the number of batches of an epoch: floor(rows/batch).
func (s *Sampler) Batches() int {
	if s.byClass != nil {
		return len(s.labels) / s.batch
	}
	return len(s.perm) / s.batch
}

// Epoch returns the next epoch's batches of row indices. They are views
// into the sampler's buffer, overwritten by the next call. Cost O(rows).
func (s *Sampler) Epoch() [][]int {
	if s.byClass != nil {
		s.groups = s.groups[:0]
		for _, rows := range s.byClass {
			s.rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
			for lo := 0; lo < len(rows); lo += s.perClass {
				s.groups = append(s.groups, rows[lo:min(lo+s.perClass, len(rows))])
			}
		}
		s.rng.Shuffle(len(s.groups), func(i, j int) { s.groups[i], s.groups[j] = s.groups[j], s.groups[i] })
		s.perm = s.perm[:0]
		for _, g := range s.groups {
			s.perm = append(s.perm, g...)
		}
	} else {
		s.rng.Shuffle(len(s.perm), func(i, j int) { s.perm[i], s.perm[j] = s.perm[j], s.perm[i] })
	}
	out := make([][]int, s.Batches())
	for b := range out {
		out[b] = s.perm[b*s.batch : (b+1)*s.batch : (b+1)*s.batch]
	}
	return out
}
