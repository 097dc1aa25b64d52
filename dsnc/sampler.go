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
