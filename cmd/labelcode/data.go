package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	labelcode "github.com/labelcode/labelcode"
)

// errCSV reports a malformed CSV record (the LIBSVM reader's is
// labelcode.ErrSyntax).
var errCSV = errors.New("malformed CSV record")

// Data formats.
const (
	formatLIBSVM = "libsvm"
	formatCSV    = "csv"
)

// resolveFormat returns the format of path: flag when set, else by the
// extension (.csv is CSV, anything else LIBSVM).
func resolveFormat(flag, path string) (string, error) {
	switch flag {
	case formatLIBSVM, formatCSV:
		return flag, nil
	case "":
		if strings.EqualFold(filepath.Ext(path), ".csv") {
			return formatCSV, nil
		}
		return formatLIBSVM, nil
	}
	return "", usagef("-format %q: want libsvm or csv", flag)
}

// dataFile is a data set read from a file, with the SHA-256 of the file's
// bytes.
type dataFile struct {
	path   string
	format string
	data   *labelcode.Dataset
	sha256 string
}

// readDataFile reads path in format, with the width and class count given
// (0: from the data). Errors name the file (and the line, for a bad line).
func readDataFile(path, format string, features, classes int) (*dataFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	h := sha256.New()
	r := io.TeeReader(bufio.NewReaderSize(f, 1<<16), h)
	var d *labelcode.Dataset
	if format == formatCSV {
		d, err = readCSV(r, features, classes)
	} else {
		d, err = labelcode.ReadLIBSVM(r, labelcode.LIBSVMOptions{Features: features, Classes: classes})
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if _, err := io.Copy(io.Discard, r); err != nil { // hash all the bytes
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if d.Classes < 2 {
		return nil, fmt.Errorf("%s: %d class(es): a classifier needs at least 2 (set -classes)", path, d.Classes)
	}
	return &dataFile{path: path, format: format, data: d, sha256: hex.EncodeToString(h.Sum(nil))}, nil
}

// readCSV reads a CSV data set: the label (a non-negative integer) in the
// first column, then the features; blank lines and lines starting with '#'
// are skipped; a first record whose label field is not a number is a header.
// Every record must have the same number of fields. features (0: the
// records' width) may exceed the width, the rest being zero; classes (0: the
// largest label plus one) bounds the labels.
func readCSV(r io.Reader, features, classes int) (*labelcode.Dataset, error) {
	if features < 0 || classes < 0 {
		return nil, fmt.Errorf("negative features or classes: %w", labelcode.ErrTooLarge)
	}
	cr := newCSVReader(r)
	var (
		x      []float32
		y      []int
		width  = -1 // fields per record, label included
		first  = 0  // line of the first record
		maxVal = labelcode.DefaultMaxValues
	)
	for n := 0; ; n++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, csvError(err)
		}
		line, _ := cr.FieldPos(0)
		if n == 0 {
			rec[0] = strings.TrimPrefix(rec[0], "\ufeff") // a byte order mark
		}
		if n == 0 && isHeader(rec) {
			continue
		}
		if width < 0 {
			width, first = len(rec), line
			if width < 2 {
				return nil, fmt.Errorf("line %d: %d field(s): want a label and at least one feature: %w", line, width, errCSV)
			}
			if features == 0 {
				features = width - 1
			} else if width-1 > features {
				return nil, fmt.Errorf("line %d: %d features, more than -features %d: %w", line, width-1, features, labelcode.ErrLabelRange)
			}
		}
		if len(rec) != width {
			return nil, fmt.Errorf("line %d: %d fields, line %d has %d: %w", line, len(rec), first, width, errCSV)
		}
		label, err := parseLabel(rec[0])
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		if classes > 0 && label >= classes {
			return nil, fmt.Errorf("line %d: label %d outside [0, %d) (-classes): %w", line, label, classes, labelcode.ErrLabelRange)
		}
		if len(x)+features > maxVal {
			return nil, fmt.Errorf("line %d: more than %d values: %w", line, maxVal, labelcode.ErrTooLarge)
		}
		for j, s := range rec[1:] {
			v, err := parseValue(s)
			if err != nil {
				return nil, fmt.Errorf("line %d, field %d: %w", line, j+2, err)
			}
			x = append(x, v)
		}
		for j := width - 1; j < features; j++ {
			x = append(x, 0)
		}
		y = append(y, label)
	}
	if len(y) == 0 {
		return nil, fmt.Errorf("no records: %w", labelcode.ErrEmpty)
	}
	if classes == 0 {
		for _, l := range y {
			classes = max(classes, l+1)
		}
	}
	return labelcode.NewDataset(x, y, features, classes)
}

func newCSVReader(r io.Reader) *csv.Reader {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.Comment = '#'
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	return cr
}

// csvError is encoding/csv's parse error with its line.
func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("line %d: %v: %w", pe.Line, pe.Err, errCSV)
	}
	return err
}

// isHeader says whether the first record is a header: its first field is not
// a number.
func isHeader(rec []string) bool {
	_, err := strconv.ParseFloat(strings.TrimSpace(rec[0]), 64)
	return err != nil
}

// parseLabel parses a class label: a non-negative integer.
func parseLabel(s string) (int, error) {
	s = strings.TrimSpace(s)
	v, err := strconv.ParseInt(s, 10, 32)
	if err != nil || v < 0 {
		return 0, fmt.Errorf("label %q is not a non-negative integer: %w", s, errCSV)
	}
	return int(v), nil
}

// parseValue parses a finite float32 feature value.
func parseValue(s string) (float32, error) {
	s = strings.TrimSpace(s)
	v, err := strconv.ParseFloat(s, 32)
	if err != nil {
		return 0, fmt.Errorf("value %q is not a number", s)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, fmt.Errorf("value %q: %w", s, labelcode.ErrNonFinite)
	}
	return float32(v), nil
}

// rowReader reads unlabelled (or labelled, the label ignored) rows of a
// model's width, one at a time, for predict.
type rowReader struct {
	format   string
	features int
	row      []float32

	// LIBSVM
	br   *bufio.Reader
	line int

	// CSV
	cr      *csv.Reader
	records int
}

func newRowReader(r io.Reader, format string, features int) *rowReader {
	rr := &rowReader{format: format, features: features, row: make([]float32, features)}
	if format == formatCSV {
		rr.cr = newCSVReader(r)
	} else {
		rr.br = bufio.NewReaderSize(r, 1<<16)
	}
	return rr
}

// next returns the next row (valid until the next call), or io.EOF.
func (rr *rowReader) next() ([]float32, error) {
	if rr.format == formatCSV {
		return rr.nextCSV()
	}
	return rr.nextLIBSVM()
}

func (rr *rowReader) nextCSV() ([]float32, error) {
	for {
		rec, err := rr.cr.Read()
		if err != nil {
			if err == io.EOF {
				return nil, io.EOF
			}
			return nil, csvError(err)
		}
		line, _ := rr.cr.FieldPos(0)
		rr.records++
		if rr.records == 1 {
			rec[0] = strings.TrimPrefix(rec[0], "\ufeff") // a byte order mark
		}
		if rr.records == 1 && isHeader(rec) {
			continue
		}
		switch len(rec) {
		case rr.features + 1: // label first, ignored
			rec = rec[1:]
		case rr.features:
		default:
			return nil, fmt.Errorf("line %d: %d fields, want the model's %d features (after an optional label): %w",
				line, len(rec), rr.features, errCSV)
		}
		for j, s := range rec {
			v, err := parseValue(s)
			if err != nil {
				return nil, fmt.Errorf("line %d, field %d: %w", line, j+1, err)
			}
			rr.row[j] = v
		}
		return rr.row, nil
	}
}

// maxLine bounds a LIBSVM line, as ReadLIBSVM does.
const maxLine = 1 << 30

func (rr *rowReader) nextLIBSVM() ([]float32, error) {
	for {
		text, err := rr.readLine()
		if err != nil {
			return nil, err
		}
		rr.line++
		if i := bytes.IndexByte(text, '#'); i >= 0 {
			text = text[:i]
		}
		fields := strings.Fields(string(text))
		if len(fields) == 0 {
			continue
		}
		if !strings.Contains(fields[0], ":") {
			fields = fields[1:] // the label, ignored
		}
		clear(rr.row)
		for _, f := range fields {
			k, v, ok := strings.Cut(f, ":")
			if !ok {
				return nil, fmt.Errorf("line %d: %q is not index:value: %w", rr.line, f, labelcode.ErrSyntax)
			}
			if k == "qid" {
				continue
			}
			idx, err := strconv.ParseInt(k, 10, 64)
			if err != nil {
				return nil, fmt.Errorf("line %d: feature index %q is not an integer: %w", rr.line, k, labelcode.ErrSyntax)
			}
			if idx < 1 || idx > int64(rr.features) {
				return nil, fmt.Errorf("line %d: feature index %d outside the model's [1, %d]: %w", rr.line, idx, rr.features, labelcode.ErrLabelRange)
			}
			val, err := parseValue(v)
			if err != nil {
				return nil, fmt.Errorf("line %d: %w", rr.line, err)
			}
			rr.row[idx-1] = val
		}
		return rr.row, nil
	}
}

// readLine returns the next line without its end, or io.EOF.
func (rr *rowReader) readLine() ([]byte, error) {
	var long []byte
	for {
		chunk, err := rr.br.ReadSlice('\n')
		if err == bufio.ErrBufferFull {
			long = append(long, chunk...)
			if len(long) > maxLine {
				return nil, fmt.Errorf("line %d: longer than %d bytes: %w", rr.line+1, maxLine, labelcode.ErrTooLarge)
			}
			continue
		}
		if long != nil {
			chunk = append(long, chunk...)
		}
		if err == io.EOF {
			if len(chunk) == 0 {
				return nil, io.EOF
			}
			return chunk, nil
		}
		if err != nil {
			return nil, err
		}
		return bytes.TrimRight(chunk, "\r\n"), nil
	}
}

// pending says whether input is buffered, so that output can wait.
func (rr *rowReader) pending() bool {
	if rr.br != nil {
		return rr.br.Buffered() > 0
	}
	return false
}
