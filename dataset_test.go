package labelcode_test

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
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

func TestReadLIBSVM(t *testing.T) {
	const text = `# ALOI-style file
3 1:0.5 4:-2 # comment
0 2:1e-3

1 qid:7 1:1 3:2
`
	d, err := labelcode.ReadLIBSVM(strings.NewReader(text), labelcode.LIBSVMOptions{})
	require.NoError(t, err)
	assert.Equal(t, 4, d.Features)
	assert.Equal(t, 4, d.Classes)
	assert.Equal(t, []int{3, 0, 1}, d.Y)
	assert.Equal(t, []float32{0.5, 0, 0, -2, 0, 0.001, 0, 0, 1, 0, 2, 0}, d.X)

	d, err = labelcode.ReadLIBSVM(strings.NewReader(text), labelcode.LIBSVMOptions{ZeroBased: true, Features: 6, Classes: 10})
	require.NoError(t, err)
	assert.Equal(t, 6, d.Features)
	assert.Equal(t, 10, d.Classes)
	assert.Equal(t, []float32{0, 0.5, 0, 0, -2, 0}, d.Row(0))
}

func TestReadLIBSVMErrors(t *testing.T) {
	cases := []struct {
		text string
		opts labelcode.LIBSVMOptions
		want error
		line string
	}{
		{"1 1:2\nx 1:2\n", labelcode.LIBSVMOptions{}, labelcode.ErrSyntax, "line 2"},
		{"1 1:2\n\n1 1-2\n", labelcode.LIBSVMOptions{}, labelcode.ErrSyntax, "line 3"},
		{"1 a:2\n", labelcode.LIBSVMOptions{}, labelcode.ErrSyntax, "line 1"},
		{"1 1:zz\n", labelcode.LIBSVMOptions{}, labelcode.ErrSyntax, "line 1"},
		{"1,2 1:1\n", labelcode.LIBSVMOptions{}, labelcode.ErrSyntax, "line 1"},
		{"1 1:nan\n", labelcode.LIBSVMOptions{}, labelcode.ErrNonFinite, "line 1"},
		{"1 1:1\n-1 1:1\n", labelcode.LIBSVMOptions{}, labelcode.ErrLabelRange, "line 2"},
		{"5 1:1\n", labelcode.LIBSVMOptions{Classes: 5}, labelcode.ErrLabelRange, "line 1"},
		{"1 0:1\n", labelcode.LIBSVMOptions{}, labelcode.ErrLabelRange, "line 1"},
		{"1 9:1\n", labelcode.LIBSVMOptions{Features: 8}, labelcode.ErrLabelRange, "line 1"},
		{"# only a comment\n\n", labelcode.LIBSVMOptions{}, labelcode.ErrEmpty, "no records"},
	}
	for _, c := range cases {
		_, err := labelcode.ReadLIBSVM(strings.NewReader(c.text), c.opts)
		require.ErrorIs(t, err, c.want, "%q", c.text)
		assert.Contains(t, err.Error(), c.line, "%q", c.text)
	}
}

func FuzzReadLIBSVM(f *testing.F) {
	for _, s := range []string{"1 1:2\n", "0 1:1 2:2 # c\n3 4:5\n", "x", "1 0:1", "1 1:nan", "2 qid:1 3:1e38"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 1<<12 {
			return
		}
		d, err := labelcode.ReadLIBSVM(strings.NewReader(s), labelcode.LIBSVMOptions{Features: 64})
		if err != nil {
			if !errors.Is(err, labelcode.ErrSyntax) && !errors.Is(err, labelcode.ErrLabelRange) &&
				!errors.Is(err, labelcode.ErrNonFinite) && !errors.Is(err, labelcode.ErrEmpty) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		if err := d.Validate(); err != nil {
			t.Fatalf("reader returned an invalid dataset: %v", err)
		}
	})
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
