package labelcode

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/labelcode/labelcode/internal/limits"
)

// ErrSyntax reports a malformed record in a LIBSVM/SVMLight file.
var ErrSyntax = errors.New("labelcode: malformed LIBSVM record")

// DefaultMaxValues is the default bound on the size of the dense matrix
// ReadLIBSVM returns: 2^26 float32 values (256 MiB), about five times
// ALOI's 108,000 rows of 128 features. LIBSVMOptions.MaxValues raises it.
const DefaultMaxValues = 1 << 26

// maxLIBSVMLine bounds one line of a LIBSVM file (1 GiB).
const maxLIBSVMLine = 1 << 30

// LIBSVMOptions controls ReadLIBSVM. The zero value reads a file of any
// width and any number of classes within the default limits.
type LIBSVMOptions struct {
	// Features is the row width, in [0, 2^31−1]. Zero
	// means: one more than the largest feature index seen (after the index
	// shift). A negative or larger value is an error wrapping ErrTooLarge.
	Features int
	// Classes is K, in [0, MaxValues] (and at most 2^31−1). Zero means:
	// one more than the largest label seen. A negative or larger value is
	// an error wrapping ErrTooLarge.
	Classes int
	// ZeroBased says feature indices start at 0. The LIBSVM convention, and
	// the default, is 1-based indices: index i lands in column i-1.
	ZeroBased bool
	// MaxValues bounds the dense result: rows × Features float32 values,
	// the number of index:value pairs held while parsing, and Classes
	// (whether given or derived from the labels), so that neither the
	// matrix nor a per-class array of the dataset is larger than the
	// caller allowed. Zero means DefaultMaxValues (2^26, 256 MiB of
	// features); raise it to read a larger dense file. A negative value is
	// an error wrapping ErrTooLarge.
	MaxValues int
}

// ReadLIBSVM reads a dataset in the LIBSVM/SVMLight text format, the format
// in which ALOI and DMOZ are published:
//
//	<label> <index>:<value> <index>:<value> ... # optional comment
//
// Blank lines and lines starting with '#' are skipped; text after '#' is a
// comment; "qid:" pairs are ignored. Labels must be non-negative integers
// (multi-label records, "1,2", are rejected). Features absent from a record
// are zero; when an index repeats within a record, the last value wins.
//
// Memory: while parsing, ReadLIBSVM holds the records sparsely, in
// O(file size) (8 bytes per index:value pair, 16 per record, one line at a
// time of text); the dense result is rows × width float32 values, where
// width is opts.Features or one more than the largest index in the file.
// That product, the number of pairs and the number of classes are each
// bounded by opts.MaxValues (DefaultMaxValues when zero), checked without
// overflow as the file is read, so a short file naming index 2^40 is an
// error before anything large is allocated. A record without features
// counts as one value. The width is at most 2^31−1 whatever the limit.
//
// It returns ErrTooLarge for options outside their documented ranges, for
// a feature index, label or line (above 1 GiB) too large, and for a result
// larger than MaxValues (naming the rows, the width and the limit);
// ErrSyntax naming the line of a malformed record; ErrLabelRange for a
// label outside [0, Classes) or a feature index outside the row;
// ErrNonFinite for NaN or infinite values; and ErrEmpty for a file with no
// records or no features, all wrapped.
func ReadLIBSVM(r io.Reader, opts LIBSVMOptions) (*Dataset, error) {
	if err := limits.Check("LIBSVMOptions.MaxValues", opts.MaxValues, math.MaxInt); err != nil {
		return nil, err
	}
	maxValues := opts.MaxValues
	if maxValues == 0 {
		maxValues = DefaultMaxValues
	}
	maxClasses := min(maxValues, limits.MaxDim)
	if err := limits.Check("LIBSVMOptions.Features", opts.Features, limits.MaxDim); err != nil {
		return nil, err
	}
	if err := limits.Check("LIBSVMOptions.Classes (at most MaxValues)", opts.Classes, maxClasses); err != nil {
		return nil, err
	}
	// entry is one index:value pair; a column fits an int32 because it is
	// below limits.MaxDim.
	type entry struct {
		col int32
		val float32
	}
	var (
		labels  []int
		ends    []int // ends[i] is the end of row i in entries
		entries []entry
		maxCol  = -1
		maxY    = -1
		shift   = 1
		scanner = bufio.NewScanner(r)
	)
	if opts.ZeroBased {
		shift = 0
	}
	scanner.Buffer(make([]byte, 0, 1<<16), maxLIBSVMLine)
	line := 0
	for scanner.Scan() {
		line++
		text := scanner.Text()
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		fields := strings.Fields(text)
		if len(fields) == 0 {
			continue
		}
		// On a range error, Atoi returns the nearest int, which the range
		// checks below then reject as too large or negative.
		y, err := strconv.Atoi(fields[0])
		switch {
		case errors.Is(err, strconv.ErrSyntax):
			return nil, fmt.Errorf("%w: line %d: label %q is not an integer", ErrSyntax, line, fields[0])
		case y >= maxClasses && opts.Classes == 0:
			return nil, fmt.Errorf("%w: line %d: label %s, classes are limited to %d (LIBSVMOptions.MaxValues)",
				ErrTooLarge, line, fields[0], maxClasses)
		case y < 0 || (opts.Classes > 0 && y >= opts.Classes):
			return nil, fmt.Errorf("%w: line %d: label %d, classes are [0, %d)", ErrLabelRange, line, y, opts.Classes)
		}
		maxY = max(maxY, y)
		for _, f := range fields[1:] {
			k, v, ok := strings.Cut(f, ":")
			if !ok {
				return nil, fmt.Errorf("%w: line %d: %q is not index:value", ErrSyntax, line, f)
			}
			if k == "qid" {
				continue
			}
			idx, err := strconv.Atoi(k) // the nearest int on a range error, as for labels
			switch {
			case errors.Is(err, strconv.ErrSyntax):
				return nil, fmt.Errorf("%w: line %d: index %q is not an integer", ErrSyntax, line, k)
			case idx < shift:
				// Tested before any subtraction: idx-shift would wrap for
				// the most negative int.
				return nil, fmt.Errorf("%w: line %d: feature index %d outside the row", ErrLabelRange, line, idx)
			case opts.Features == 0 && idx-shift >= limits.MaxDim:
				return nil, fmt.Errorf("%w: line %d: feature index %s, row widths are limited to %d",
					ErrTooLarge, line, k, limits.MaxDim)
			case opts.Features > 0 && idx-shift >= opts.Features:
				return nil, fmt.Errorf("%w: line %d: feature index %d outside the row", ErrLabelRange, line, idx)
			}
			col := idx - shift
			val, err := strconv.ParseFloat(v, 32)
			if err != nil {
				return nil, fmt.Errorf("%w: line %d: value %q: %v", ErrSyntax, line, v, err)
			}
			if math.IsNaN(val) || math.IsInf(val, 0) {
				return nil, fmt.Errorf("%w: line %d: feature %d is %v", ErrNonFinite, line, idx, val)
			}
			if len(entries) >= maxValues {
				return nil, fmt.Errorf("%w: line %d: more than %d index:value pairs (LIBSVMOptions.MaxValues)",
					ErrTooLarge, line, maxValues)
			}
			maxCol = max(maxCol, col)
			entries = append(entries, entry{int32(col), float32(val)})
		}
		labels = append(labels, y)
		ends = append(ends, len(entries))
		// Rows and width only grow, so a file whose matrix would exceed
		// the limit is rejected at the first record that shows it, before
		// the rest is read.
		if err := checkLIBSVMSize(line, len(labels), libsvmWidth(opts.Features, maxCol), maxValues); err != nil {
			return nil, err
		}
	}
	if err := scanner.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, fmt.Errorf("%w: line %d is longer than %d bytes", ErrTooLarge, line+1, maxLIBSVMLine)
		}
		return nil, fmt.Errorf("labelcode: reading LIBSVM data: %w", err)
	}
	if len(labels) == 0 {
		return nil, fmt.Errorf("%w: no records", ErrEmpty)
	}
	features, classes := libsvmWidth(opts.Features, maxCol), opts.Classes
	if classes == 0 {
		classes = maxY + 1
	}
	if features == 0 {
		return nil, fmt.Errorf("%w: no feature index in %d records", ErrEmpty, len(labels))
	}
	// Checked again here, where the allocation is, so that the bound does
	// not rest on the loop alone.
	if err := checkLIBSVMSize(line, len(labels), features, maxValues); err != nil {
		return nil, err
	}
	x := make([]float32, len(labels)*features)
	start := 0
	for i, end := range ends {
		row := x[i*features : (i+1)*features]
		for _, e := range entries[start:end] {
			row[e.col] = e.val
		}
		start = end
	}
	return NewDataset(x, labels, features, classes)
}

// libsvmWidth returns the row width: the given one, or one more than the
// largest column seen (0 when none).
func libsvmWidth(features, maxCol int) int {
	if features > 0 {
		return features
	}
	return maxCol + 1
}

// checkLIBSVMSize returns an error wrapping ErrTooLarge when rows rows of
// width values (at least one, as a row holds its label) exceed maxValues.
func checkLIBSVMSize(line, rows, width, maxValues int) error {
	n, ok := limits.Mul(rows, max(width, 1))
	if !ok || n > maxValues {
		return fmt.Errorf("%w: line %d: %d rows of %d features exceed the limit of %d values (LIBSVMOptions.MaxValues)",
			ErrTooLarge, line, rows, width, maxValues)
	}
	return nil
}
