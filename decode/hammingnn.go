package decode

import (
	"fmt"
	"slices"
	"sync"

	"github.com/labelcode/labelcode/hamming"
)

// HammingNN is the nearest-neighbour decoder of DSNC: a code gets the label
// of the stored training codes nearest to it in Hamming distance, through a
// hamming.Index (Linear, MultiIndex or Table). With k > 1 the k nearest vote.
// It is safe for concurrent use as long as nothing is added to the index.
type HammingNN struct {
	index   hamming.Index
	labels  []int32
	classes int
	k       int
	pool    sync.Pool // *nnScratch
}

// Vote is a label found among the nearest stored codes.
type Vote struct {
	Label int
	// Votes is the number of the k nearest codes with this label.
	Votes int
	// DistanceSum is the sum of their distances to the query.
	DistanceSum int
	// Nearest is the distance of the nearest of them.
	Nearest int
}

type nnScratch struct {
	nb    []hamming.Neighbor
	votes []Vote
	first []int // position in nb of each vote's nearest code
}

// NewHammingNN returns the decoder that votes among the k nearest codes of
// index, labels[id] being the label of stored code id. labels is copied.
// Codes must not be added to index afterwards: Decode and Votes panic if
// the index no longer holds len(labels) codes.
//
// It returns ErrShape if index is nil (or a typed nil pointer) or empty or len(labels) !=
// index.Len(), ErrLabel if a label is outside [0, classes), and ErrParam if
// classes < 1 or k < 1. Cost: O(index.Len()).
func NewHammingNN(index hamming.Index, labels []int, classes, k int) (*HammingNN, error) {
	if isNil(index) || index.Len() == 0 {
		return nil, fmt.Errorf("decode: NewHammingNN: empty index: %w", ErrShape)
	}
	if len(labels) != index.Len() {
		return nil, fmt.Errorf("decode: NewHammingNN: %d labels for %d codes: %w", len(labels), index.Len(), ErrShape)
	}
	if classes < 1 || classes > 1<<31-1 {
		return nil, fmt.Errorf("decode: NewHammingNN: %d classes: %w", classes, ErrParam)
	}
	if k < 1 {
		return nil, fmt.Errorf("decode: NewHammingNN: k = %d: %w", k, ErrParam)
	}
	d := &HammingNN{index: index, labels: make([]int32, len(labels)), classes: classes, k: k}
	for id, y := range labels {
		if y < 0 || y >= classes {
			return nil, fmt.Errorf("decode: NewHammingNN: code %d has label %d, want [0, %d): %w", id, y, classes, ErrLabel)
		}
		d.labels[id] = int32(y)
	}
	return d, nil
}

// K returns the number of neighbours that vote.
func (d *HammingNN) K() int { return d.k }

// Classes returns the number of labels.
func (d *HammingNN) Classes() int { return d.classes }

// Decode returns the winning vote for code: the label held by most of the k
// nearest stored codes; ties go to the smaller sum of distances, then to
// the label of the nearer code (the nearest codes being ordered by distance
// and then by ID, as hamming.Index orders them). With k = 1 it is the label
// of the nearest code. It returns ErrCode if code is not a valid code of
// index.Bits() bits. It allocates nothing once warm. Cost: one k-nearest
// search of the index plus O(k·m), m <= k the number of distinct labels
// among the neighbours.
func (d *HammingNN) Decode(code []uint64) (Vote, error) {
	sc := d.get()
	defer d.pool.Put(sc)
	if err := d.vote(sc, code); err != nil {
		return Vote{}, err
	}
	best := 0
	for j := 1; j < len(sc.votes); j++ {
		if d.beats(sc, j, best) {
			best = j
		}
	}
	return sc.votes[best], nil
}

// Votes returns every label among the k nearest stored codes, best first in
// the order Decode uses, appended to dst[:0]. Errors as for Decode. With
// cap(dst) >= k it allocates nothing once warm.
func (d *HammingNN) Votes(code []uint64, dst []Vote) ([]Vote, error) {
	sc := d.get()
	defer d.pool.Put(sc)
	if err := d.vote(sc, code); err != nil {
		return dst[:0], err
	}
	// Insertion sort by rank: m <= k is small, and the order of first
	// positions makes the comparison total.
	v, f := sc.votes, sc.first
	for j := 1; j < len(v); j++ {
		for i := j; i > 0 && d.beats(sc, i, i-1); i-- {
			v[i], v[i-1] = v[i-1], v[i]
			f[i], f[i-1] = f[i-1], f[i]
		}
	}
	return append(dst[:0], v...), nil
}

func (d *HammingNN) get() *nnScratch {
	if sc, ok := d.pool.Get().(*nnScratch); ok {
		return sc
	}
	return &nnScratch{nb: make([]hamming.Neighbor, 0, 2*d.k)}
}

// vote searches the index and tallies the neighbours' labels into sc.votes
// in order of first appearance.
func (d *HammingNN) vote(sc *nnScratch, code []uint64) error {
	if err := checkCode(d.index.Bits(), code); err != nil {
		return err
	}
	if d.index.Len() != len(d.labels) {
		panic(fmt.Sprintf("decode: HammingNN: the index holds %d codes, %d labelled: codes were added after NewHammingNN", d.index.Len(), len(d.labels)))
	}
	sc.nb = d.index.Search(code, d.k, sc.nb)
	sc.votes, sc.first = sc.votes[:0], sc.first[:0]
	for pos, nb := range sc.nb {
		y := int(d.labels[nb.ID])
		j := slices.IndexFunc(sc.votes, func(v Vote) bool { return v.Label == y })
		if j < 0 {
			sc.votes = append(sc.votes, Vote{Label: y, Nearest: nb.Distance})
			sc.first = append(sc.first, pos)
			j = len(sc.votes) - 1
		}
		sc.votes[j].Votes++
		sc.votes[j].DistanceSum += nb.Distance
	}
	return nil
}

// beats reports whether vote i ranks before vote j.
func (d *HammingNN) beats(sc *nnScratch, i, j int) bool {
	a, b := sc.votes[i], sc.votes[j]
	if a.Votes != b.Votes {
		return a.Votes > b.Votes
	}
	if a.DistanceSum != b.DistanceSum {
		return a.DistanceSum < b.DistanceSum
	}
	return sc.first[i] < sc.first[j]
}
