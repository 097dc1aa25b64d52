package labelcode_test

import (
	"fmt"
	"math"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/labelcode/labelcode"
)

func TestNewDatasetErrors(t *testing.T) {
	nan := float32(math.NaN())
	inf := float32(math.Inf(-1))
	cases := []struct {
		name     string
		x        []float32
		y        []int
		features int
		classes  int
		want     error
		mention  string
	}{
		{"no rows", nil, nil, 2, 3, labelcode.ErrEmpty, "no rows"},
		{"no features", nil, []int{0}, 0, 3, labelcode.ErrEmpty, "0 features"},
		{"one class", []float32{1}, []int{0}, 1, 1, labelcode.ErrLabelRange, "at least 2"},
		{"short x", []float32{1, 2, 3}, []int{0, 1}, 2, 3, labelcode.ErrShape, "want 4"},
		{"label high", []float32{1, 2, 3, 4}, []int{0, 3}, 2, 3, labelcode.ErrLabelRange, "row 1"},
		{"label negative", []float32{1, 2, 3, 4}, []int{-1, 0}, 2, 3, labelcode.ErrLabelRange, "row 0"},
		{"nan", []float32{1, 2, 3, nan}, []int{0, 1}, 2, 3, labelcode.ErrNonFinite, "row 1, feature 1"},
		{"inf", []float32{inf, 2, 3, 4}, []int{0, 1}, 2, 3, labelcode.ErrNonFinite, "row 0, feature 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := labelcode.NewDataset(c.x, c.y, c.features, c.classes)
			require.ErrorIs(t, err, c.want)
			assert.Contains(t, err.Error(), c.mention)
		})
	}
}

func sequential(n, features, classes int) *labelcode.Dataset {
	x := make([]float32, n*features)
	y := make([]int, n)
	for i := range y {
		y[i] = i % classes
		for j := 0; j < features; j++ {
			x[i*features+j] = float32(i*100 + j)
		}
	}
	return &labelcode.Dataset{X: x, Y: y, Features: features, Classes: classes}
}

// TestValidateShapeOverflow checks that a row count and width whose
// product wraps around (4 × 2^62 is 0 in an int64) do not pass for an
// empty X: Row would then slice past it.
func TestValidateShapeOverflow(t *testing.T) {
	d := &labelcode.Dataset{Y: []int{0, 1, 0, 1}, Features: 1 << 62, Classes: 2}
	err := d.Validate()
	require.ErrorIs(t, err, labelcode.ErrShape)
	assert.ErrorContains(t, err, "overflows")
}

func TestSplitPartitionsRows(t *testing.T) {
	d := sequential(1000, 3, 7)
	require.NoError(t, d.Validate())
	train, val, test, err := d.Split(0.1, 0.1, 42)
	require.NoError(t, err)
	assert.Equal(t, 800, train.Len())
	assert.Equal(t, 100, val.Len())
	assert.Equal(t, 100, test.Len())

	// Every row lands in exactly one part, with its label and features intact.
	var seen []int
	for _, part := range []*labelcode.Dataset{train, val, test} {
		require.NoError(t, part.Validate())
		for i := 0; i < part.Len(); i++ {
			r := part.Row(i)
			orig := int(r[0]) / 100
			assert.Equal(t, d.Y[orig], part.Y[i])
			assert.Equal(t, d.Row(orig), r)
			seen = append(seen, orig)
		}
	}
	sort.Ints(seen)
	for i, s := range seen {
		require.Equal(t, i, s)
	}

	// Same seed, same split; another seed, another split.
	train2, _, _, err := d.Split(0.1, 0.1, 42)
	require.NoError(t, err)
	assert.Equal(t, train.Y, train2.Y)
	assert.Equal(t, train.X, train2.X)
	train3, _, _, err := d.Split(0.1, 0.1, 43)
	require.NoError(t, err)
	assert.NotEqual(t, train.X, train3.X)

	// A derived dataset does not alias its parent.
	train.X[0] = -1
	assert.NotEqual(t, float32(-1), train2.X[0])
}

func TestSplitErrors(t *testing.T) {
	d := sequential(10, 1, 2)
	for _, f := range [][2]float64{{-0.1, 0}, {0.5, 0.5}, {math.NaN(), 0}, {0, math.Inf(1)}} {
		_, _, _, err := d.Split(f[0], f[1], 1)
		assert.ErrorIs(t, err, labelcode.ErrFraction, "fractions %v", f)
	}
	_, _, _, err := sequential(1, 1, 2).Split(0.9, 0.09, 1)
	assert.NoError(t, err)
}

func TestClassCounts(t *testing.T) {
	assert.Equal(t, []int{4, 3, 3}, sequential(10, 1, 3).ClassCounts())
}

func ExampleDataset_Split() {
	x := make([]float32, 100)
	y := make([]int, 100)
	for i := range y {
		x[i], y[i] = float32(i), i%4
	}
	d, err := labelcode.NewDataset(x, y, 1, 4)
	if err != nil {
		panic(err)
	}
	train, val, test, err := d.Split(0.1, 0.1, 1)
	if err != nil {
		panic(err)
	}
	fmt.Println(train.Len(), val.Len(), test.Len())
	// Output: 80 10 10
}
