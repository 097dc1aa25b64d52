package corpus

import (
	"fmt"
	"math"
)

// Windows are the next-word prediction examples of a word id sequence for
// context length c: example i has the context ids[i : i+c] (the c previous
// words, oldest first) and the target ids[i+c]. There are len(ids)-c
// examples, one per position that has c words before it (stride 1). A
// Windows shares the sequence it was made from instead of copying the
// contexts, so it costs no memory; the zero value has no examples.
type Windows struct {
	ids []int
	c   int
}

// NewWindows returns the windows of ids for context length c. It returns an
// error wrapping ErrContext if c <= 0 and ErrTooShort if len(ids) <= c
// (no example). ids is shared, not copied: do not modify it afterwards.
func NewWindows(ids []int, c int) (Windows, error) {
	if c <= 0 {
		return Windows{}, fmt.Errorf("%w: got %d", ErrContext, c)
	}
	if len(ids) <= c {
		return Windows{}, fmt.Errorf("%w: %d tokens for context length %d (need at least %d)", ErrTooShort, len(ids), c, c+1)
	}
	return Windows{ids: ids, c: c}, nil
}

// Len returns the number of examples.
func (w Windows) Len() int {
	if len(w.ids) <= w.c {
		return 0
	}
	return len(w.ids) - w.c
}

// ContextLen returns the context length c.
func (w Windows) ContextLen() int { return w.c }

// Context returns the ids of example i's c context words, oldest first. The
// slice is part of the shared sequence: do not modify it. It panics if i is
// outside [0, Len()).
func (w Windows) Context(i int) []int {
	w.check(i)
	return w.ids[i : i+w.c : i+w.c]
}

// Target returns the id of example i's target word. It panics if i is
// outside [0, Len()).
func (w Windows) Target(i int) int {
	w.check(i)
	return w.ids[i+w.c]
}

func (w Windows) check(i int) {
	if i < 0 || i >= w.Len() {
		panic(fmt.Sprintf("corpus: window %d out of range [0, %d)", i, w.Len()))
	}
}

// Batch copies the examples idx[0], idx[1], ... into contexts (a len(idx) x
// c row-major matrix of ids) and targets, and returns both. Each slice is
// grown if its capacity is too small, so large enough slices are not
// reallocated. It panics if an index is outside [0, Len()).
func (w Windows) Batch(idx []int, contexts, targets []int) ([]int, []int) {
	n := len(idx) * w.c
	if cap(contexts) < n {
		contexts = make([]int, n)
	}
	contexts = contexts[:n]
	if cap(targets) < len(idx) {
		targets = make([]int, len(idx))
	}
	targets = targets[:len(idx)]
	for k, i := range idx {
		w.check(i)
		copy(contexts[k*w.c:(k+1)*w.c], w.ids[i:i+w.c])
		targets[k] = w.ids[i+w.c]
	}
	return contexts, targets
}

// Split holds out the end of a text as test data, by position: the last
// floor(testFraction * len(ids)) tokens form the test text and the rest the
// training text, and each is cut into windows of context length c on its
// own (NewWindows), so no test window sees a word of the training text and
// no training window a word of the test text. With the paper's 118,684
// tokens, testFraction 0.1 and c = 50 this gives 106,766 training and
// 11,818 test windows. It returns an error wrapping ErrFraction if
// testFraction is not inside (0, 1), ErrContext if c <= 0, and ErrTooShort
// if either part has no more than c tokens.
func Split(ids []int, c int, testFraction float64) (train, test Windows, err error) {
	if !(testFraction > 0 && testFraction < 1) {
		return Windows{}, Windows{}, fmt.Errorf("%w: got %v", ErrFraction, testFraction)
	}
	if c <= 0 {
		return Windows{}, Windows{}, fmt.Errorf("%w: got %d", ErrContext, c)
	}
	nTest := int(math.Floor(testFraction * float64(len(ids))))
	cut := len(ids) - nTest
	if train, err = NewWindows(ids[:cut:cut], c); err != nil {
		return Windows{}, Windows{}, fmt.Errorf("training part: %w", err)
	}
	if test, err = NewWindows(ids[cut:], c); err != nil {
		return Windows{}, Windows{}, fmt.Errorf("test part: %w", err)
	}
	return train, test, nil
}
