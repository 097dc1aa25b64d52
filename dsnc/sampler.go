package dsnc

import (
	"fmt"
	"math/rand/v2"
)

// Batches returns one epoch of minibatches over rows 0..n-1: a random
// permutation drawn from r cut into batches of size rows; the last n%size
// rows of the permutation are left out (a different set every epoch). It
// returns ErrConfig when size < 1 or size > n. Cost O(n).
func Batches(n, size int, r *rand.Rand) ([][]int, error) {
	if size < 1 || size > n {
		return nil, fmt.Errorf("%w: batch size %d for %d rows", ErrConfig, size, n)
	}
	return cut(r.Perm(n), size), nil
}

// ClassBatches returns one epoch of minibatches in which rows of the same
// class come in groups, so that every batch holds same-class pairs for the
// regulariser of eq. 7–8: the rows of each class are shuffled and cut into
// groups of perClass (the last group of a class may be smaller), the groups
// are shuffled, concatenated and cut into batches of size rows. Every row
// appears at most once; the last few rows that do not fill a batch are left
// out. A batch lacks same-class pairs only when its classes have a single
// row each. It returns ErrConfig when size < 1, size > len(labels),
// perClass < 1, or a label is negative. Cost O(n).
func ClassBatches(labels []int, size, perClass int, r *rand.Rand) ([][]int, error) {
	n := len(labels)
	if size < 1 || size > n || perClass < 1 {
		return nil, fmt.Errorf("%w: batch size %d, %d per class, for %d rows", ErrConfig, size, perClass, n)
	}
	k := 0
	for i, y := range labels {
		if y < 0 {
			return nil, fmt.Errorf("%w: label %d of row %d", ErrConfig, y, i)
		}
		k = max(k, y+1)
	}
	byClass := make([][]int, k)
	for i, y := range labels {
		byClass[y] = append(byClass[y], i)
	}
	var groups [][]int
	for _, rows := range byClass {
		r.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
		for lo := 0; lo < len(rows); lo += perClass {
			groups = append(groups, rows[lo:min(lo+perClass, len(rows))])
		}
	}
	r.Shuffle(len(groups), func(i, j int) { groups[i], groups[j] = groups[j], groups[i] })
	order := make([]int, 0, n)
	for _, g := range groups {
		order = append(order, g...)
	}
	return cut(order, size), nil
}

func cut(order []int, size int) [][]int {
	out := make([][]int, 0, len(order)/size)
	for lo := 0; lo+size <= len(order); lo += size {
		out = append(out, order[lo:lo+size:lo+size])
	}
	return out
}

// Sampler draws the minibatches of successive epochs exactly as Fit does:
// ClassBatches when grouping by class (Fit with the regulariser), Batches
// otherwise, from a generator seeded with seed. A custom training loop that
// uses a Sampler with Fit's seed sees Fit's batches.
type Sampler struct {
	r        *rand.Rand
	labels   []int
	size     int
	perClass int
	grouped  bool
}

// samplerStream is the PCG stream of a Sampler's generator.
const samplerStream = 0x64736e63_62617463 // "dsncbatc"

// NewSampler returns a sampler over the rows with the given labels. With
// grouped set, rows of a class come perClass at a time (ClassBatches). It
// returns ErrConfig when size < 1 or size > len(labels), or, when grouped,
// perClass < 1 or a label is negative.
func NewSampler(labels []int, size, perClass int, grouped bool, seed uint64) (*Sampler, error) {
	s := &Sampler{r: rand.New(rand.NewPCG(seed, samplerStream)), labels: labels, size: size, perClass: perClass, grouped: grouped}
	if size < 1 || size > len(labels) {
		return nil, fmt.Errorf("%w: batch size %d for %d rows", ErrConfig, size, len(labels))
	}
	if grouped {
		if perClass < 1 {
			return nil, fmt.Errorf("%w: %d rows per class", ErrConfig, perClass)
		}
		for i, y := range labels {
			if y < 0 {
				return nil, fmt.Errorf("%w: label %d of row %d", ErrConfig, y, i)
			}
		}
	}
	return s, nil
}

// Epoch returns the next epoch's minibatches.
func (s *Sampler) Epoch() [][]int {
	var b [][]int
	var err error
	if s.grouped {
		b, err = ClassBatches(s.labels, s.size, s.perClass, s.r)
	} else {
		b, err = Batches(len(s.labels), s.size, s.r)
	}
	if err != nil { // checked by NewSampler
		panic(err)
	}
	return b
}
