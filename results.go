package labelcode

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labelcode/labelcode/internal/limits"
)

// ErrResultsCSV reports a results CSV file that ReadResultsCSV cannot read:
// no header, no model column, a row of the wrong length or a field that is
// not a number.
var ErrResultsCSV = errors.New("labelcode: malformed results CSV")

// Classifier is a trained model that labels one row of features:
// dsnc.Model, labelmap.Ensemble and labelmap.MultiHead are
// Classifiers, and so is any model of one's own with this method.
type Classifier interface {
	// Predict returns the label of the row x.
	Predict(x []float32) (int, error)
}

// BatchClassifier is a Classifier that also labels many rows at once
// (x row-major, rows rows), writing the labels into dst (grown when too
// short) and returning it. dsnc.Model, labelmap.Ensemble and
// labelmap.MultiHead are BatchClassifiers; Accuracy uses PredictBatch when
// a Classifier has it.
type BatchClassifier interface {
	Classifier
	PredictBatch(x []float32, rows int, dst []int) ([]int, error)
}

// Accuracy returns the fraction of the rows of d that c labels right: one
// PredictBatch call over all rows when c is a BatchClassifier, else one
// Predict per row. d is validated first (cost O(len(d.X)), small beside the
// predictions).
//
// It returns the error of d.Validate (ErrEmpty, ErrShape, ErrLabelRange,
// ErrNonFinite), c's first error wrapped, or ErrShape when PredictBatch
// returns a number of labels other than d.Len(). It panics if c is nil.
func Accuracy(c Classifier, d *Dataset) (float64, error) {
	if c == nil {
		panic("labelcode: Accuracy of a nil Classifier")
	}
	if err := d.Validate(); err != nil {
		return math.NaN(), err
	}
	right := 0
	if b, ok := c.(BatchClassifier); ok {
		pred, err := b.PredictBatch(d.X, d.Len(), nil)
		if err != nil {
			return math.NaN(), fmt.Errorf("labelcode: predicting %d rows: %w", d.Len(), err)
		}
		if len(pred) != d.Len() {
			return math.NaN(), fmt.Errorf("%w: PredictBatch returned %d labels for %d rows", ErrShape, len(pred), d.Len())
		}
		for i, p := range pred {
			if p == d.Y[i] {
				right++
			}
		}
	} else {
		for i := range d.Len() {
			p, err := c.Predict(d.Row(i))
			if err != nil {
				return math.NaN(), fmt.Errorf("labelcode: predicting row %d: %w", i, err)
			}
			if p == d.Y[i] {
				right++
			}
		}
	}
	return float64(right) / float64(d.Len()), nil
}

// Latency returns the mean wall time of c.Predict on one row, over the first
// min(rows, d.Len()) rows of d predicted one at a time on the calling
// goroutine (the latency a server sees for one request), after one
// uncounted warm-up call on row 0. It returns 0 and no error when rows <= 0.
//
// It returns ErrEmpty or ErrShape (wrapped) when d has no rows or X does
// not hold Len()×Features values, and c's first error, wrapped with its
// row. It panics if c is nil.
func Latency(c Classifier, d *Dataset, rows int) (time.Duration, error) {
	if c == nil {
		panic("labelcode: Latency of a nil Classifier")
	}
	if rows <= 0 {
		return 0, nil
	}
	if d == nil || d.Len() == 0 || d.Features <= 0 {
		return 0, fmt.Errorf("%w: no rows to time", ErrEmpty)
	}
	if n, ok := limits.Mul(d.Len(), d.Features); !ok || len(d.X) != n {
		return 0, fmt.Errorf("%w: %d feature values for %d rows of %d features", ErrShape, len(d.X), d.Len(), d.Features)
	}
	n := min(rows, d.Len())
	if _, err := c.Predict(d.Row(0)); err != nil {
		return 0, fmt.Errorf("labelcode: predicting row 0: %w", err)
	}
	start := time.Now()
	for i := range n {
		if _, err := c.Predict(d.Row(i)); err != nil {
			return 0, fmt.Errorf("labelcode: predicting row %d: %w", i, err)
		}
	}
	return time.Since(start) / time.Duration(n), nil
}

// Result is one row of a results table: one trained model and what was
// measured of it. A NaN accuracy means "not measured" and prints as "-",
// as does a zero Params, Epochs, TrainTime or Latency.
type Result struct {
	// Model names the model, e.g. "shared-trunk LM" or "DSNC, 16 bits".
	Model string
	// Code describes the output code, e.g. "3 sites mod 19 23 29".
	Code string
	// Params is the number of trained weights (biases included).
	Params int
	// TrainAcc and TestAcc are accuracies in [0, 1]; NaN when not measured.
	TrainAcc, TestAcc float64
	// TestTop5 is the fraction of test rows whose label is among the
	// model's 5 best (its TopKAccuracy); 0 when not measured, like Params
	// and Epochs. Measure fills it for a Classifier that ranks labels. The
	// column is printed only when some result has it.
	TestTop5 float64
	// Epochs is the number of epochs trained.
	Epochs int
	// TrainTime is the wall time of training.
	TrainTime time.Duration
	// Latency is the mean wall time to predict one example, one at a time.
	Latency time.Duration
	// Note is a free remark, e.g. "best epoch 11".
	Note string
}

// TopKClassifier is a Classifier that ranks labels: TopKAccuracy is the
// fraction of d's rows whose label is among its k best. Every model of
// labelmap and dsnc (with a decoder that scores labels) is one.
type TopKClassifier interface {
	Classifier
	TopKAccuracy(d *Dataset, k int) (float64, error)
}

// Measure sets r's TrainAcc (Accuracy of c on train; NaN when train is
// nil), TestAcc (on test), TestTop5 (when c is a TopKClassifier whose
// TopKAccuracy(test, 5) succeeds; 0 otherwise) and Latency (Latency of c
// over the first latencyRows rows of test; 0, not measured, when
// latencyRows <= 0). The other fields are the caller's: the name and the
// code, and the parameter count, epochs and training time, which the
// training history gives (training.History.Fill). Cost: one prediction of
// every row of train and test, one ranking of every test row when c ranks
// labels, plus latencyRows+1 predictions.
//
// It returns the errors of Accuracy and Latency, prefixed with r.Model,
// and leaves r's measured fields as they were on error.
func (r *Result) Measure(c Classifier, train, test *Dataset, latencyRows int) error {
	trainAcc := math.NaN()
	if train != nil {
		acc, err := Accuracy(c, train)
		if err != nil {
			return fmt.Errorf("%s: training set: %w", r.Model, err)
		}
		trainAcc = acc
	}
	testAcc, err := Accuracy(c, test)
	if err != nil {
		return fmt.Errorf("%s: test set: %w", r.Model, err)
	}
	top5 := 0.0
	if tc, ok := c.(TopKClassifier); ok {
		if a, err := tc.TopKAccuracy(test, 5); err == nil {
			top5 = a
		}
	}
	lat, err := Latency(c, test, latencyRows)
	if err != nil {
		return fmt.Errorf("%s: latency: %w", r.Model, err)
	}
	r.TrainAcc, r.TestAcc, r.TestTop5, r.Latency = trainAcc, testAcc, top5, lat
	return nil
}

// Results is a table of results, one Result per model, in the order added.
// It prints as aligned text (String), as a Markdown table (Markdown) and as
// CSV (CSV, read back by ReadResultsCSV). It is a plain slice: append to it.
type Results []Result

// resultsColumns are the columns of a table: header, CSV name, whether the
// text is left-aligned, and whether a column empty in every row is left
// out of the printed tables.
var resultsColumns = []struct {
	head, csv      string
	left, optional bool
}{
	{"model", "model", true, false},
	{"output code", "output_code", true, true},
	{"params", "params", false, false},
	{"train acc", "train_accuracy", false, false},
	{"test acc", "test_accuracy", false, false},
	{"top-5 acc", "test_top5_accuracy", false, true},
	{"epochs", "epochs", false, true},
	{"train time", "train_seconds", false, false},
	{"latency/ex", "latency_us", false, false},
	{"note", "note", true, true},
}

// cells returns r formatted for the printed tables, one cell per column.
func (r Result) cells() []string {
	acc := func(a float64) string {
		if math.IsNaN(a) {
			return "-"
		}
		return strconv.FormatFloat(a, 'f', 4, 64)
	}
	epochs := "-"
	if r.Epochs > 0 {
		epochs = strconv.Itoa(r.Epochs)
	}
	top5 := "-"
	if r.TestTop5 != 0 && !math.IsNaN(r.TestTop5) {
		top5 = acc(r.TestTop5)
	}
	return []string{r.Model, r.Code, formatCount(r.Params), acc(r.TrainAcc), acc(r.TestAcc), top5, epochs,
		formatTrainTime(r.TrainTime), formatLatency(r.Latency), r.Note}
}

// formatCount writes a parameter count with thousands separators, "-" for
// zero or less.
func formatCount(n int) string {
	if n <= 0 {
		return "-"
	}
	s := strconv.Itoa(n)
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// formatTrainTime writes "850ms", "12.3s", "4m05s" or "1h02m", "-" for zero
// or less.
func formatTrainTime(d time.Duration) string {
	switch {
	case d <= 0:
		return "-"
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	case d < time.Minute:
		return fmt.Sprintf("%.1fs", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

// formatLatency writes "3.2µs", "312µs" or "1.42ms", "-" for zero or less.
func formatLatency(d time.Duration) string {
	switch {
	case d <= 0:
		return "-"
	case d < 10*time.Microsecond:
		return fmt.Sprintf("%.1fµs", float64(d)/1e3)
	case d < time.Millisecond:
		return fmt.Sprintf("%.0fµs", float64(d)/1e3)
	}
	return fmt.Sprintf("%.2fms", float64(d)/1e6)
}

// grid returns the headers, the cells and the left alignment of the
// columns to print: optional columns empty in every row are left out.
func (rs Results) grid() (heads []string, rows [][]string, left []bool) {
	all := make([][]string, len(rs))
	for i, r := range rs {
		all[i] = r.cells()
	}
	var keep []int
	for j, c := range resultsColumns {
		used := !c.optional
		for _, cells := range all {
			used = used || (cells[j] != "" && cells[j] != "-")
		}
		if used {
			keep = append(keep, j)
			heads = append(heads, c.head)
			left = append(left, c.left)
		}
	}
	rows = make([][]string, len(all))
	for i, cells := range all {
		for _, j := range keep {
			rows[i] = append(rows[i], cells[j])
		}
	}
	return heads, rows, left
}

// String returns the results as an aligned text table, one line per
// result under a header line and a rule: names left-aligned, figures
// right-aligned, accuracies with four decimals, parameter counts with
// thousands separators, "-" for what was not measured. The output code,
// epochs and note columns appear only when some result has them. An empty
// table prints as "no results". Its length is rows × the sum of the column
// widths, each the widest cell of its column.
func (rs Results) String() string {
	if len(rs) == 0 {
		return "no results"
	}
	heads, rows, left := rs.grid()
	widths := make([]int, len(heads))
	for j, h := range heads {
		widths[j] = utf8.RuneCountInString(h)
		for _, r := range rows {
			widths[j] = max(widths[j], utf8.RuneCountInString(r[j]))
		}
	}
	var b strings.Builder
	line := func(cells []string) {
		var l strings.Builder
		for j, s := range cells {
			if j > 0 {
				l.WriteString("  ")
			}
			pad := strings.Repeat(" ", widths[j]-utf8.RuneCountInString(s))
			if left[j] {
				l.WriteString(s + pad)
			} else {
				l.WriteString(pad + s)
			}
		}
		b.WriteString(strings.TrimRight(l.String(), " "))
		b.WriteByte('\n')
	}
	line(heads)
	rule := make([]string, len(heads))
	for j, w := range widths {
		rule[j] = strings.Repeat("-", w)
	}
	line(rule)
	for _, r := range rows {
		line(r)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// Markdown returns the results as a Markdown (GitHub) table with the
// columns and cells of String, figures right-aligned; a "|" in a cell is
// escaped. gophernotes shows it rendered through display.Markdown.
func (rs Results) Markdown() string {
	heads, rows, left := rs.grid()
	var b strings.Builder
	row := func(cells []string) {
		b.WriteString("|")
		for _, s := range cells {
			b.WriteString(" " + strings.ReplaceAll(s, "|", `\|`) + " |")
		}
		b.WriteByte('\n')
	}
	row(heads)
	b.WriteString("|")
	for _, l := range left {
		if l {
			b.WriteString(" --- |")
		} else {
			b.WriteString(" ---: |")
		}
	}
	b.WriteByte('\n')
	for _, r := range rows {
		row(r)
	}
	return b.String()
}

// CSV returns the results as comma-separated values: a header line
// (model, output_code, params, train_accuracy, test_accuracy,
// test_top5_accuracy, epochs, train_seconds, latency_us, note: the columns of the example programs'
// -out files) and one line per result. Accuracies are written in full
// (shortest exact form), a NaN one as an empty field; times are exact
// decimals of their nanoseconds, so ReadResultsCSV gives back equal
// Results, except that every "\r\n" inside a text field is read back as "\n"
// (encoding/csv's line-break rule) and an infinite accuracy, not being one,
// is refused.
func (rs Results) CSV() string {
	var b strings.Builder
	w := csv.NewWriter(&b)
	head := make([]string, len(resultsColumns))
	for j, c := range resultsColumns {
		head[j] = c.csv
	}
	_ = w.Write(head) // a strings.Builder does not fail
	for _, r := range rs {
		_ = w.Write([]string{r.Model, r.Code, strconv.Itoa(r.Params), csvFloat(r.TrainAcc), csvFloat(r.TestAcc), csvTop5(r.TestTop5),
			strconv.Itoa(r.Epochs), decimal(int64(r.TrainTime), 9), decimal(int64(r.Latency), 3), r.Note})
	}
	w.Flush()
	return b.String()
}

func csvFloat(v float64) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'g', -1, 64)
}

// csvTop5 writes a top-5 accuracy, an empty field when unset (0 or NaN).
func csvTop5(v float64) string {
	if v == 0 {
		return ""
	}
	return csvFloat(v)
}

// decimal writes n / 10^digits exactly, without trailing zeros.
func decimal(n int64, digits int) string {
	sign, m := "", uint64(n)
	if n < 0 {
		sign, m = "-", -uint64(n) // two's complement: exact for math.MinInt64 too
	}
	unit := uint64(math.Pow10(digits))
	frac := strings.TrimRight(fmt.Sprintf("%0*d", digits, m%unit), "0")
	if frac == "" {
		return fmt.Sprintf("%s%d", sign, m/unit)
	}
	return fmt.Sprintf("%s%d.%s", sign, m/unit, frac)
}

// ReadResultsCSV reads a table written by Results.CSV, or by the example
// programs' -out flag (.csv). Columns are found by their header names, in
// any order; a model column is required, any other may be missing (its
// field stays zero, or NaN for an accuracy) and unknown columns are
// ignored. An empty accuracy field is NaN; an empty number field is 0;
// text fields are kept as written.
//
// Memory: the table read holds the file's text fields and a fixed size per
// row, O(file size); no size is taken from the file. Printing it with
// String pads every cell to its column's widest, so that text is
// O(rows × widest cell).
//
// It returns ErrResultsCSV, wrapped with the line, for a file without a
// header or model column, a ragged row or a field that is not a finite
// number.
func ReadResultsCSV(r io.Reader) (Results, error) {
	cr := csv.NewReader(r)
	head, err := cr.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%w: no header line", ErrResultsCSV)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrResultsCSV, err)
	}
	col := map[string]int{}
	for i, h := range head {
		col[strings.TrimSpace(h)] = i
	}
	if _, ok := col["model"]; !ok {
		return nil, fmt.Errorf("%w: no model column in header %q", ErrResultsCSV, strings.Join(head, ","))
	}
	rs := Results{}
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return rs, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %v", ErrResultsCSV, err)
		}
		line, _ := cr.FieldPos(0)
		field := func(name string) string {
			if i, ok := col[name]; ok {
				return normalizeNewlines(rec[i])
			}
			return ""
		}
		var bad error
		num := func(name string, empty float64) float64 {
			s := strings.TrimSpace(field(name))
			if s == "" {
				return empty
			}
			v, err := strconv.ParseFloat(s, 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				bad = fmt.Errorf("%w: line %d: %s %q is not a number", ErrResultsCSV, line, name, s)
			}
			return v
		}
		duration := func(name string, digits int) time.Duration {
			s := strings.TrimSpace(field(name))
			if s == "" {
				return 0
			}
			n, err := parseDecimal(s, digits)
			if err != nil {
				bad = fmt.Errorf("%w: line %d: %s %q: %v", ErrResultsCSV, line, name, s, err)
			}
			return time.Duration(n)
		}
		integer := func(name string) int {
			s := strings.TrimSpace(field(name))
			if s == "" {
				return 0
			}
			v, err := strconv.Atoi(s)
			if err != nil {
				bad = fmt.Errorf("%w: line %d: %s %q is not an integer", ErrResultsCSV, line, name, s)
			}
			return v
		}
		res := Result{Model: field("model"), Code: field("output_code"), Note: field("note"),
			Params: integer("params"), Epochs: integer("epochs"),
			TrainAcc: num("train_accuracy", math.NaN()), TestAcc: num("test_accuracy", math.NaN()),
			TestTop5:  num("test_top5_accuracy", 0),
			TrainTime: duration("train_seconds", 9), Latency: duration("latency_us", 3)}
		if bad != nil {
			return nil, bad
		}
		rs = append(rs, res)
	}
}

// parseDecimal returns s × 10^digits as an integer: exactly for a plain
// decimal ([-]d[.d]), rounded to the nearest integer (halves away from
// zero) when s has more fraction digits or is in exponent form. It fails
// for anything else and for a result outside the int64 range.
func parseDecimal(s string, digits int) (int64, error) {
	if !strings.ContainsAny(s, "eE") {
		neg := strings.HasPrefix(s, "-")
		whole, frac, _ := strings.Cut(strings.TrimPrefix(s, "-"), ".")
		if whole == "" && frac == "" {
			return 0, errors.New("not a number")
		}
		roundUp := false
		if len(frac) > digits {
			roundUp = frac[digits] >= '5'
			for _, c := range frac[digits:] {
				if c < '0' || c > '9' {
					return 0, errors.New("not a number")
				}
			}
			frac = frac[:digits]
		}
		frac += strings.Repeat("0", digits-len(frac))
		digitsOnly := whole + frac
		for _, c := range digitsOnly {
			if c < '0' || c > '9' {
				return 0, errors.New("not a number")
			}
		}
		m, err := strconv.ParseUint(digitsOnly, 10, 64)
		if roundUp && err == nil {
			m++
		}
		limit := uint64(math.MaxInt64)
		if neg {
			limit++ // math.MinInt64
		}
		if err != nil || m > limit || m == 0 && roundUp {
			return 0, errors.New("out of range")
		}
		if neg {
			return int64(-m), nil
		}
		return int64(m), nil
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, errors.New("not a number")
	}
	v = math.Round(v * math.Pow10(digits))
	if !(v > math.MinInt64 && v < math.MaxInt64) {
		return 0, errors.New("out of range")
	}
	return int64(v), nil
}

// normalizeNewlines replaces every CR LF in s by LF until none is left.
// encoding/csv reads a CR LF inside a quoted field as LF, so a field that
// still holds one after reading ("\r\r\n" reads as "\r\n") would not read
// back the same after writing; with none left, reading what CSV writes
// gives the same text.
func normalizeNewlines(s string) string {
	for strings.Contains(s, "\r\n") {
		s = strings.ReplaceAll(s, "\r\n", "\n")
	}
	return s
}
