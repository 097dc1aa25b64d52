package labelcode

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// ErrSyntax reports a malformed record in a LIBSVM/SVMLight file.
var ErrSyntax = errors.New("labelcode: malformed LIBSVM record")

// LIBSVMOptions controls ReadLIBSVM.
type LIBSVMOptions struct {
	// Features is the row width. Zero means: one more than the largest
	// feature index seen (after the index shift).
	Features int
	// Classes is K. Zero means: one more than the largest label seen.
	Classes int
	// ZeroBased says feature indices start at 0. The LIBSVM convention, and
	// the default, is 1-based indices: index i lands in column i-1.
	ZeroBased bool
}

// ReadLIBSVM reads a dataset in the LIBSVM/SVMLight text format, the format
// in which ALOI and DMOZ are published:
//
//	<label> <index>:<value> <index>:<value> ... # optional comment
//
// Blank lines and lines starting with '#' are skipped; text after '#' is a
// comment; "qid:" pairs are ignored. Labels must be non-negative integers
// (multi-label records, "1,2", are rejected). Features absent from a record
// are zero. The whole file is held in memory as a dense matrix.
//
// It returns ErrSyntax naming the line of a malformed record, ErrLabelRange
// for a label outside [0, Classes) or a feature index outside the row,
// ErrNonFinite for NaN or infinite values, and ErrEmpty for a file with no
// records, all wrapped.
func ReadLIBSVM(r io.Reader, opts LIBSVMOptions) (*Dataset, error) {
	type entry struct {
		col int
		val float32
	}
	var (
		labels  []int
		rows    [][]entry
		maxCol  = -1
		maxY    = -1
		shift   = 1
		scanner = bufio.NewScanner(r)
	)
	if opts.ZeroBased {
		shift = 0
	}
	scanner.Buffer(make([]byte, 0, 1<<16), 1<<30)
	for line := 1; scanner.Scan(); line++ {
		text := scanner.Text()
		if i := strings.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		fields := strings.Fields(text)
		if len(fields) == 0 {
			continue
		}
		y, err := strconv.Atoi(fields[0])
		if err != nil {
			return nil, fmt.Errorf("%w: line %d: label %q is not an integer", ErrSyntax, line, fields[0])
		}
		if y < 0 || (opts.Classes > 0 && y >= opts.Classes) {
			return nil, fmt.Errorf("%w: line %d: label %d, classes are [0, %d)", ErrLabelRange, line, y, opts.Classes)
		}
		maxY = max(maxY, y)
		row := make([]entry, 0, len(fields)-1)
		for _, f := range fields[1:] {
			k, v, ok := strings.Cut(f, ":")
			if !ok {
				return nil, fmt.Errorf("%w: line %d: %q is not index:value", ErrSyntax, line, f)
			}
			if k == "qid" {
				continue
			}
			idx, err := strconv.Atoi(k)
			if err != nil {
				return nil, fmt.Errorf("%w: line %d: index %q is not an integer", ErrSyntax, line, k)
			}
			col := idx - shift
			if col < 0 || (opts.Features > 0 && col >= opts.Features) {
				return nil, fmt.Errorf("%w: line %d: feature index %d outside the row", ErrLabelRange, line, idx)
			}
			val, err := strconv.ParseFloat(v, 32)
			if err != nil {
				return nil, fmt.Errorf("%w: line %d: value %q: %v", ErrSyntax, line, v, err)
			}
			if math.IsNaN(val) || math.IsInf(val, 0) {
				return nil, fmt.Errorf("%w: line %d: feature %d is %v", ErrNonFinite, line, idx, val)
			}
			maxCol = max(maxCol, col)
			row = append(row, entry{col, float32(val)})
		}
		labels = append(labels, y)
		rows = append(rows, row)
	}
	if err := scanner.Err(); err != nil {
		return nil, fmt.Errorf("labelcode: reading LIBSVM data: %w", err)
	}
	if len(rows) == 0 {
		return nil, fmt.Errorf("%w: no records", ErrEmpty)
	}
	features, classes := opts.Features, opts.Classes
	if features == 0 {
		features = maxCol + 1
	}
	if classes == 0 {
		classes = maxY + 1
	}
	x := make([]float32, len(rows)*features)
	for i, row := range rows {
		for _, e := range row {
			x[i*features+e.col] = e.val
		}
	}
	return NewDataset(x, labels, features, classes)
}
