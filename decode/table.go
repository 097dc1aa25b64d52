package decode

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/labelcode/labelcode/hamming"
	"gonum.org/v1/gonum/floats"
)

// MaxTableBits is the longest code a Table enumerates (2^24 labels of 4
// bytes: 64 MiB), the same limit as hamming.Table.
const MaxTableBits = hamming.MaxTableBits

// Table is a decoder for short codes that stores the label of every one of
// the 2^c possible codes, so that a decode is one memory read: DSNC's
// constant-time decoder ("all possible codes are enumerated and decoded").
// It is immutable and safe for concurrent use.
type Table struct {
	nbits, classes int
	labels         []int32
}

// NewTableFromIndex returns the table of 1-nearest-neighbour decoding: each
// code gets labels[id] for the stored code id of index nearest to it (the
// smallest ID among equally near ones), exactly what a HammingNN with k = 1
// over the same codes returns. It builds index's table if needed.
//
// It returns ErrShape if index is nil or empty or len(labels) !=
// index.Len(), ErrLabel if a label is outside [0, classes), and ErrParam if
// classes < 1; ctx.Err() if ctx is done first. Cost: O(2^c) after the
// index's own O(2^c·c) build; 4·2^c bytes.
func NewTableFromIndex(ctx context.Context, index *hamming.Table, labels []int, classes int) (*Table, error) {
	if index == nil || index.Len() == 0 {
		return nil, fmt.Errorf("decode: NewTableFromIndex: empty index: %w", ErrShape)
	}
	if len(labels) != index.Len() {
		return nil, fmt.Errorf("decode: NewTableFromIndex: %d labels for %d codes: %w", len(labels), index.Len(), ErrShape)
	}
	if classes < 1 {
		return nil, fmt.Errorf("decode: NewTableFromIndex: %d classes: %w", classes, ErrParam)
	}
	for id, y := range labels {
		if y < 0 || y >= classes {
			return nil, fmt.Errorf("decode: NewTableFromIndex: code %d has label %d, want [0, %d): %w", id, y, classes, ErrLabel)
		}
	}
	if err := index.Build(ctx, nil); err != nil {
		return nil, err
	}
	t := &Table{nbits: index.Bits(), classes: classes, labels: make([]int32, 1<<index.Bits())}
	for x := range t.labels {
		if x&0xffff == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		id, _ := index.Lookup(uint64(x))
		t.labels[x] = int32(labels[id])
	}
	return t, nil
}

// NewTableFromLinear returns the table of lin: each code gets the class
// lin.Decode returns for it, bit for bit (the scores are formed by the same
// additions in the same order). Every code's scores are its parent's plus
// one weight row, the parent being the code without its highest set bit,
// so the whole table costs O(2^c·K) additions and comparisons, spread over
// all cores. progress, if not nil, is called with the number of jobs done
// and their total (2^min(c,6)) after each job; it must be safe for
// concurrent use.
//
// It returns ErrParam if lin is nil (or was not made by NewLinear) or
// lin.Bits() > MaxTableBits, and ctx.Err() if ctx is done first. Memory: 4·2^c bytes plus O(c·K) per core.
func NewTableFromLinear(ctx context.Context, lin *Linear, progress func(done, total int)) (*Table, error) {
	if lin == nil || lin.wt == nil {
		return nil, fmt.Errorf("decode: NewTableFromLinear: nil decoder: %w", ErrParam)
	}
	c, k := lin.nbits, lin.classes
	if c > MaxTableBits {
		return nil, fmt.Errorf("decode: NewTableFromLinear: %d bits, at most %d: %w", c, MaxTableBits, ErrParam)
	}
	t := &Table{nbits: c, classes: k, labels: make([]int32, 1<<c)}
	// Job j fixes the low m bits to j; its codes' high bits are
	// enumerated depth first, adding rows in ascending bit order.
	m := min(c, 6)
	jobs := 1 << m
	var next, done atomic.Int64
	var wg sync.WaitGroup
	var failed atomic.Bool
	workers := min(runtime.GOMAXPROCS(0), jobs)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			stack := make([][]float64, c-m+1)
			for i := range stack {
				stack[i] = make([]float64, k)
			}
			for {
				j := int(next.Add(1) - 1)
				if j >= jobs || failed.Load() {
					return
				}
				if ctx.Err() != nil {
					failed.Store(true)
					return
				}
				base := stack[0]
				copy(base, lin.bias)
				for i := range m {
					if j&(1<<i) != 0 {
						floats.Add(base, lin.wt.RawRowView(i))
					}
				}
				t.fill(ctx, lin, stack, uint64(j), m, &failed)
				if progress != nil {
					progress(int(done.Add(1)), jobs)
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil || failed.Load() {
		if err == nil {
			err = context.Canceled
		}
		return nil, err
	}
	return t, nil
}

// fill labels code (whose scores are in stack[0]) and, depth first, every
// code that adds bits from `from` upwards.
func (t *Table) fill(ctx context.Context, lin *Linear, stack [][]float64, code uint64, from int, failed *atomic.Bool) {
	t.labels[code] = int32(argmax(stack[0]))
	if code&0xfff == 0 && ctx.Err() != nil {
		failed.Store(true)
		return
	}
	for i := from; i < t.nbits; i++ {
		child := stack[1]
		copy(child, stack[0])
		floats.Add(child, lin.wt.RawRowView(i))
		t.fill(ctx, lin, stack[1:], code|1<<i, i+1, failed)
		if failed.Load() {
			return
		}
	}
}

// argmax returns the index of the first largest element of s.
func argmax(s []float64) int {
	best := 0
	for i, x := range s {
		if x > s[best] {
			best = i
		}
	}
	return best
}

// Bits returns c, the code length.
func (t *Table) Bits() int { return t.nbits }

// Classes returns the number of labels.
func (t *Table) Classes() int { return t.classes }

// Lookup returns the label of code, given as a uint64 (bit i of the code
// is bit i of the value): one memory read. It panics if a bit at or above
// Bits() is set.
func (t *Table) Lookup(code uint64) int {
	if code>>uint(t.nbits) != 0 {
		panic(fmt.Sprintf("decode: Table.Lookup(%#x): bits at or above %d set", code, t.nbits))
	}
	return int(t.labels[code])
}

// Decode returns the label of a packed code (hamming's layout: one word, or
// none for 0 bits). It returns ErrCode for a code of the wrong length or
// with unused bits set. It allocates nothing. Cost: O(1).
func (t *Table) Decode(code []uint64) (int, error) {
	if err := checkCode(t.nbits, code); err != nil {
		return 0, err
	}
	if t.nbits == 0 {
		return int(t.labels[0]), nil
	}
	return int(t.labels[code[0]]), nil
}
