package labelcode_test

import (
	"errors"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/internal/memtest"
)

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

// TestReadLIBSVMOptionRanges checks that options outside their documented
// ranges (a negative Features made the reader panic in makeslice) are
// errors wrapping ErrTooLarge that name the option.
func TestReadLIBSVMOptionRanges(t *testing.T) {
	cases := []struct {
		opts labelcode.LIBSVMOptions
		name string
	}{
		{labelcode.LIBSVMOptions{Features: -1}, "Features"},
		{labelcode.LIBSVMOptions{Features: math.MinInt}, "Features"},
		{labelcode.LIBSVMOptions{Features: math.MaxInt32 + 1}, "Features"},
		{labelcode.LIBSVMOptions{Classes: -1}, "Classes"},
		{labelcode.LIBSVMOptions{Classes: labelcode.DefaultMaxValues + 1}, "Classes"},
		{labelcode.LIBSVMOptions{Classes: 11, MaxValues: 10}, "Classes"},
		{labelcode.LIBSVMOptions{MaxValues: -1}, "MaxValues"},
	}
	for _, c := range cases {
		_, err := labelcode.ReadLIBSVM(strings.NewReader("1 1:1\n"), c.opts)
		require.ErrorIs(t, err, labelcode.ErrTooLarge, "%+v", c.opts)
		assert.Contains(t, err.Error(), c.name, "%+v", c.opts)
	}
	// The widest row in range passes the option check; the matrix size
	// alone then decides.
	_, err := labelcode.ReadLIBSVM(strings.NewReader("1 1:1\n"), labelcode.LIBSVMOptions{Features: math.MaxInt32})
	require.ErrorIs(t, err, labelcode.ErrTooLarge)
	assert.ErrorContains(t, err, "1 rows of 2147483647 features")
}

// TestReadLIBSVMHugeIndex checks feature indices whose width overflowed
// rows × features (2^62, MaxInt64) or lies beyond any int: each is an error
// wrapping ErrTooLarge when the width is read from the file, and
// ErrLabelRange when the caller fixed it.
func TestReadLIBSVMHugeIndex(t *testing.T) {
	for _, idx := range []string{
		"4611686018427387904",  // 2^62
		"9223372036854775807",  // MaxInt64
		"9223372036854775808",  // MaxInt64 + 1: beyond int
		"2147483648",           // 2^31: the width would pass limits.MaxDim
		"99999999999999999999", // far beyond int
	} {
		for _, zero := range []bool{false, true} {
			text := "0 1:1\n1 " + idx + ":1\n2 2:1\n"
			_, err := labelcode.ReadLIBSVM(strings.NewReader(text), labelcode.LIBSVMOptions{ZeroBased: zero})
			require.ErrorIs(t, err, labelcode.ErrTooLarge, "index %s, zero-based %v", idx, zero)
			assert.Contains(t, err.Error(), "line 2")

			_, err = labelcode.ReadLIBSVM(strings.NewReader(text), labelcode.LIBSVMOptions{ZeroBased: zero, Features: 64})
			require.ErrorIs(t, err, labelcode.ErrLabelRange, "index %s with Features 64", idx)
		}
	}
	// The most negative indices are outside the row: subtracting the
	// one-based shift must not wrap them around to MaxInt64.
	for _, idx := range []string{"-9223372036854775808", "-9223372036854775809", "-1"} {
		_, err := labelcode.ReadLIBSVM(strings.NewReader("1 "+idx+":1\n"), labelcode.LIBSVMOptions{})
		require.ErrorIs(t, err, labelcode.ErrLabelRange, "index %s", idx)
	}
}

// TestReadLIBSVMWideFile checks that a tiny file naming a huge feature index
// (a 39-byte file asked for a 1 GiB matrix, index 2^40 for 8 TiB) is an
// error wrapping ErrTooLarge, returned before anything large is allocated.
func TestReadLIBSVMWideFile(t *testing.T) {
	for _, idx := range []int{1 << 27, 1 << 40, math.MaxInt32 - 1, labelcode.DefaultMaxValues/2 + 1} {
		text := "1 " + strconv.Itoa(idx) + ":1\n0 1:1\n"
		var err error
		n := memtest.Allocated(func() {
			_, err = labelcode.ReadLIBSVM(strings.NewReader(text), labelcode.LIBSVMOptions{})
		})
		require.ErrorIs(t, err, labelcode.ErrTooLarge, "index %d", idx)
		assert.Less(t, n, uint64(64<<20), "index %d: %d bytes allocated", idx, n)
		t.Logf("index %d: %v (%d bytes allocated)", idx, err, n)
	}
	_, err := labelcode.ReadLIBSVM(strings.NewReader("1 134217728:1\n0 1:1\n"), labelcode.LIBSVMOptions{})
	assert.ErrorContains(t, err, "134217728 features")
	assert.ErrorContains(t, err, "67108864")
}

// TestReadLIBSVMMaxValues checks the bound on the dense matrix, on the
// pairs held while parsing and on the classes, and that raising MaxValues
// lifts it.
func TestReadLIBSVMMaxValues(t *testing.T) {
	const text = "1 1:1\n0 50:2\n" // 2 rows × 50 features
	_, err := labelcode.ReadLIBSVM(strings.NewReader(text), labelcode.LIBSVMOptions{MaxValues: 99})
	require.ErrorIs(t, err, labelcode.ErrTooLarge)
	assert.ErrorContains(t, err, "2 rows of 50 features")
	d, err := labelcode.ReadLIBSVM(strings.NewReader(text), labelcode.LIBSVMOptions{MaxValues: 100})
	require.NoError(t, err)
	assert.Len(t, d.X, 100)

	// A fixed width counts in full, whatever the indices.
	_, err = labelcode.ReadLIBSVM(strings.NewReader(text), labelcode.LIBSVMOptions{Features: 60, MaxValues: 100})
	require.ErrorIs(t, err, labelcode.ErrTooLarge)

	// Repeated indices are pairs held while parsing, even though the last
	// value wins in the matrix.
	dup := "1 1:1 1:2 1:3 1:4\n"
	_, err = labelcode.ReadLIBSVM(strings.NewReader(dup), labelcode.LIBSVMOptions{MaxValues: 3})
	require.ErrorIs(t, err, labelcode.ErrTooLarge)
	d, err = labelcode.ReadLIBSVM(strings.NewReader(dup), labelcode.LIBSVMOptions{MaxValues: 4, Classes: 2})
	require.NoError(t, err)
	assert.Equal(t, []float32{4}, d.X)

	// Rows without features count as rows of one value.
	_, err = labelcode.ReadLIBSVM(strings.NewReader(strings.Repeat("1\n", 5)), labelcode.LIBSVMOptions{MaxValues: 4})
	require.ErrorIs(t, err, labelcode.ErrTooLarge)
	_, err = labelcode.ReadLIBSVM(strings.NewReader(strings.Repeat("1\n", 4)), labelcode.LIBSVMOptions{MaxValues: 4})
	require.ErrorIs(t, err, labelcode.ErrEmpty, "no feature in the file")

	// A label sets the number of classes, which MaxValues bounds as well,
	// so that ClassCounts of what was read stays small.
	for _, y := range []string{"1099511627776", "9223372036854775807", "9223372036854775808", "100"} {
		_, err = labelcode.ReadLIBSVM(strings.NewReader(y+" 1:1\n"), labelcode.LIBSVMOptions{MaxValues: 100})
		require.ErrorIs(t, err, labelcode.ErrTooLarge, "label %s", y)
		_, err = labelcode.ReadLIBSVM(strings.NewReader(y+" 1:1\n"), labelcode.LIBSVMOptions{Classes: 5})
		require.ErrorIs(t, err, labelcode.ErrLabelRange, "label %s with Classes 5", y)
	}
	_, err = labelcode.ReadLIBSVM(strings.NewReader("-9223372036854775809 1:1\n"), labelcode.LIBSVMOptions{})
	require.ErrorIs(t, err, labelcode.ErrLabelRange)
	d, err = labelcode.ReadLIBSVM(strings.NewReader("99 1:1\n"), labelcode.LIBSVMOptions{MaxValues: 100})
	require.NoError(t, err)
	assert.Equal(t, 100, d.Classes)
}

// errAfter is a reader that fails once read, standing for the rest of a
// large file.
type errAfter struct{}

var errRead = errors.New("read past the record that showed the matrix too large")

func (errAfter) Read([]byte) (int, error) { return 0, errRead }

// TestReadLIBSVMStopsEarly checks that the reader gives up at the first
// record that makes the matrix too large, without reading on.
func TestReadLIBSVMStopsEarly(t *testing.T) {
	r := io.MultiReader(strings.NewReader("0 1:1\n1 100000000:1\n"), errAfter{})
	_, err := labelcode.ReadLIBSVM(r, labelcode.LIBSVMOptions{})
	require.ErrorIs(t, err, labelcode.ErrTooLarge)
	assert.NotErrorIs(t, err, errRead)
	assert.ErrorContains(t, err, "line 2")
}

// FuzzReadLIBSVM reads fuzzed text with fuzzed options: the width fixed or
// read from the file (0), negative or huge, one- or zero-based, and a small
// MaxValues so that no execution allocates much. What it reads must be a
// valid dataset within the limit, read the same with its width fixed.
func FuzzReadLIBSVM(f *testing.F) {
	for _, s := range []string{"1 1:2\n", "0 1:1 2:2 # c\n3 4:5\n", "x", "1 0:1", "1 1:nan", "2 qid:1 3:1e38"} {
		f.Add(s, 64, 0, uint16(1000), false)
		f.Add(s, 0, 0, uint16(1000), false)
	}
	// The inputs that crashed the reader: a negative width, indices 2^62
	// and MaxInt64, a wide first row (index 2^27, 2^40) and the most
	// negative index.
	f.Add("1 1:1\n", -1, 0, uint16(1000), false)
	f.Add("1 1:1\n", math.MinInt, -3, uint16(0), true)
	f.Add("0 1:1\n1 4611686018427387904:1\n", 0, 0, uint16(1000), false)
	f.Add("0 1:1\n1 9223372036854775807:1\n", 0, 0, uint16(1000), true)
	f.Add("1 134217728:1\n0 1:1\n", 0, 0, uint16(65535), false)
	f.Add("1 1099511627776:1\n0 1:1\n", 0, 0, uint16(65535), false)
	f.Add("1 -9223372036854775808:1\n", 0, 0, uint16(1000), false)
	f.Add("1099511627776 1:1\n", 0, 0, uint16(1000), false)
	f.Fuzz(func(t *testing.T, s string, features, classes int, maxValues uint16, zeroBased bool) {
		if len(s) > 1<<12 {
			return
		}
		opts := labelcode.LIBSVMOptions{Features: features, Classes: classes, ZeroBased: zeroBased,
			MaxValues: int(maxValues) + 1} // never 0, the 256 MiB default
		d, err := labelcode.ReadLIBSVM(strings.NewReader(s), opts)
		if err != nil {
			for _, want := range []error{labelcode.ErrSyntax, labelcode.ErrLabelRange, labelcode.ErrNonFinite,
				labelcode.ErrEmpty, labelcode.ErrTooLarge} {
				if errors.Is(err, want) {
					return
				}
			}
			t.Fatalf("unexpected error kind: %v", err)
		}
		if err := d.Validate(); err != nil {
			t.Fatalf("reader returned an invalid dataset: %v", err)
		}
		if len(d.X) > opts.MaxValues || d.Classes > opts.MaxValues {
			t.Fatalf("%d values and %d classes exceed MaxValues %d", len(d.X), d.Classes, opts.MaxValues)
		}
		if features == 0 {
			opts.Features = d.Features
			fixed, err := labelcode.ReadLIBSVM(strings.NewReader(s), opts)
			if err != nil {
				t.Fatalf("read with its own width %d: %v", d.Features, err)
			}
			if !slices.Equal(d.X, fixed.X) || !slices.Equal(d.Y, fixed.Y) || d.Classes != fixed.Classes {
				t.Fatalf("width %d read from the file and fixed give different datasets", d.Features)
			}
		}
	})
}
