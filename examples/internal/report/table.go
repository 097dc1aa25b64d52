package report

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labelcode/labelcode/internal/atomicfile"
)

// ErrFormat reports an -out file name whose extension is neither .csv nor
// .json.
var ErrFormat = errors.New("report: output file must end in .csv or .json")

// Result is one row of a results table: one model trained and measured.
type Result struct {
	// Model names the method, e.g. "one-hot softmax" or "mixed LM".
	Model string
	// Code describes the output code, e.g. "4 sites: 89 97 101 103".
	Code string
	// Input describes the input encoding, when the table compares several.
	Input string
	// Params is the number of trained weights (biases included).
	Params int
	// TrainAcc and TestAcc are accuracies in [0, 1]; NaN when not measured.
	TrainAcc, TestAcc float64
	// Epochs is the number of epochs trained (0 when not applicable).
	Epochs int
	// TrainTime is the wall time of training.
	TrainTime time.Duration
	// Latency is the mean wall time to predict one example, one at a time.
	Latency time.Duration
	// Paper is the paper's figure for the same row, if any, as text.
	Paper string
	// Note is a free remark (e.g. "early stop at epoch 4").
	Note string
}

// Table is a titled list of results with the facts needed to reproduce
// them.
type Table struct {
	// Title heads the printed table.
	Title string
	// Command is the command line that produced the table.
	Command string
	// Machine describes the computer (see Machine).
	Machine string
	// Settings lists the run's settings, printed under the title.
	Settings []string
	// Wall is the wall time of the whole run.
	Wall time.Duration
	// Results are the rows, in order.
	Results []Result
}

// Summary returns r on one line, as the programs log each row when it is
// done: "mixed LM 4 sites, mod 89 97 101 103: test 0.1712, train 0.2203,
// 1,234,567 params, 4m05s".
func (r Result) Summary() string {
	return fmt.Sprintf("%s %s: test %s, train %s, %s params, %s", r.Model, r.Code, Acc(r.TestAcc), Acc(r.TrainAcc),
		Count(r.Params), Dur(r.TrainTime))
}

// Add appends r to the table.
func (t *Table) Add(r Result) { t.Results = append(t.Results, r) }

func (t *Table) hasColumn(f func(Result) string) bool {
	for _, r := range t.Results {
		if f(r) != "" {
			return true
		}
	}
	return false
}

// Acc formats an accuracy in [0, 1] with four decimals, "-" for NaN.
func Acc(a float64) string {
	if math.IsNaN(a) {
		return "-"
	}
	return strconv.FormatFloat(a, 'f', 4, 64)
}

// Dur formats a training time: "12.3s", "4m05s", "1h02m".
func Dur(d time.Duration) string {
	switch {
	case d <= 0:
		return "-"
	case d < time.Minute:
		return fmt.Sprintf("%.1fs", d.Seconds())
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int(d.Minutes()), int(d.Seconds())%60)
	}
	return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
}

// Micro formats a latency in microseconds: "312µs", "1.42ms".
func Micro(d time.Duration) string {
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

// Count formats a parameter count: "741,009" below ten million, "1.23e7"
// above.
func Count(n int) string {
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

// Print writes the table to w, aligned in columns (text left, figures
// right), with its title, settings, wall time, machine and command. Columns
// that are empty in every row (input, paper, note) are left out.
func (t *Table) Print(w io.Writer) error {
	var b strings.Builder
	if t.Title != "" {
		fmt.Fprintf(&b, "%s\n", t.Title)
	}
	for _, s := range t.Settings {
		fmt.Fprintf(&b, "  %s\n", s)
	}
	b.WriteByte('\n')
	input := t.hasColumn(func(r Result) string { return r.Input })
	paper := t.hasColumn(func(r Result) string { return r.Paper })
	note := t.hasColumn(func(r Result) string { return r.Note })
	type col struct {
		head  string
		left  bool
		cells []string
	}
	cols := []*col{{head: "model", left: true}, {head: "output code", left: true}}
	if input {
		cols = append(cols, &col{head: "input", left: true})
	}
	for _, h := range []string{"params", "train acc", "test acc", "epochs", "train time", "latency/ex"} {
		cols = append(cols, &col{head: h})
	}
	if paper {
		cols = append(cols, &col{head: "paper", left: true})
	}
	if note {
		cols = append(cols, &col{head: "note", left: true})
	}
	for _, r := range t.Results {
		ep := "-"
		if r.Epochs > 0 {
			ep = strconv.Itoa(r.Epochs)
		}
		cells := []string{r.Model, r.Code}
		if input {
			cells = append(cells, r.Input)
		}
		cells = append(cells, Count(r.Params), Acc(r.TrainAcc), Acc(r.TestAcc), ep, Dur(r.TrainTime), Micro(r.Latency))
		if paper {
			cells = append(cells, r.Paper)
		}
		if note {
			cells = append(cells, r.Note)
		}
		for i, c := range cells {
			cols[i].cells = append(cols[i].cells, c)
		}
	}
	widths := make([]int, len(cols))
	for i, c := range cols {
		widths[i] = utf8.RuneCountInString(c.head)
		for _, s := range c.cells {
			widths[i] = max(widths[i], utf8.RuneCountInString(s))
		}
	}
	pad := func(s string, i int) string {
		n := widths[i] - utf8.RuneCountInString(s)
		if cols[i].left {
			if i == len(cols)-1 {
				return s
			}
			return s + strings.Repeat(" ", n)
		}
		return strings.Repeat(" ", n) + s
	}
	for i, c := range cols {
		if i > 0 {
			b.WriteString("  ")
		}
		b.WriteString(pad(c.head, i))
	}
	b.WriteByte('\n')
	for i := range cols {
		if i > 0 {
			b.WriteString("  ")
		}
		b.WriteString(strings.Repeat("-", widths[i]))
	}
	b.WriteByte('\n')
	for r := range t.Results {
		for i, c := range cols {
			if i > 0 {
				b.WriteString("  ")
			}
			b.WriteString(pad(c.cells[r], i))
		}
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	if t.Wall > 0 {
		fmt.Fprintf(&b, "wall time %s", Dur(t.Wall))
		if t.Machine != "" {
			fmt.Fprintf(&b, " on %s", t.Machine)
		}
		b.WriteByte('\n')
	} else if t.Machine != "" {
		fmt.Fprintf(&b, "machine: %s\n", t.Machine)
	}
	if t.Command != "" {
		fmt.Fprintf(&b, "command: %s\n", t.Command)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteFile writes the table to name as CSV (name ends in .csv) or JSON
// (.json), through a temporary file renamed into place. It returns
// ErrFormat for any other extension.
func (t *Table) WriteFile(name string) error {
	var data []byte
	var err error
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		data, err = t.CSV()
	case ".json":
		data, err = t.JSON()
	default:
		return fmt.Errorf("%w: %q", ErrFormat, name)
	}
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(name, data, 0o644); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// CheckOut returns ErrFormat unless name is empty or ends in .csv or .json:
// the check a program makes on its -out flag before hours of training.
func CheckOut(name string) error {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv", ".json":
		return nil
	}
	if name == "" {
		return nil
	}
	return fmt.Errorf("%w: %q", ErrFormat, name)
}

// csvHeader names the CSV columns.
var csvHeader = []string{"model", "output_code", "input", "params", "train_accuracy", "test_accuracy",
	"epochs", "train_seconds", "latency_us", "paper", "note"}

// CSV returns the table as comma-separated values, one header line and one
// line per result; a NaN accuracy is an empty field.
func (t *Table) CSV() ([]byte, error) {
	var b strings.Builder
	w := csv.NewWriter(&b)
	if err := w.Write(csvHeader); err != nil {
		return nil, err
	}
	for _, r := range t.Results {
		rec := []string{r.Model, r.Code, r.Input, strconv.Itoa(r.Params), num(r.TrainAcc, 6), num(r.TestAcc, 6),
			strconv.Itoa(r.Epochs), num(r.TrainTime.Seconds(), 3), num(float64(r.Latency)/1e3, 3), r.Paper, r.Note}
		if err := w.Write(rec); err != nil {
			return nil, err
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}

func num(v float64, prec int) string {
	if math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(v, 'f', prec, 64)
}

type jsonResult struct {
	Model        string   `json:"model"`
	Code         string   `json:"output_code"`
	Input        string   `json:"input,omitempty"`
	Params       int      `json:"params"`
	TrainAcc     *float64 `json:"train_accuracy"`
	TestAcc      *float64 `json:"test_accuracy"`
	Epochs       int      `json:"epochs"`
	TrainSeconds float64  `json:"train_seconds"`
	LatencyUS    float64  `json:"latency_us"`
	Paper        string   `json:"paper,omitempty"`
	Note         string   `json:"note,omitempty"`
}

type jsonTable struct {
	Title       string       `json:"title"`
	Command     string       `json:"command,omitempty"`
	Machine     string       `json:"machine,omitempty"`
	Settings    []string     `json:"settings,omitempty"`
	WallSeconds float64      `json:"wall_seconds,omitempty"`
	Results     []jsonResult `json:"results"`
}

// ptr returns v rounded to six decimals, nil for NaN or an infinity.
func ptr(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	v = math.Round(v*1e6) / 1e6
	return &v
}

// JSON returns the table as an indented JSON object: title, command,
// machine, settings, wall_seconds and results (NaN accuracies as null).
func (t *Table) JSON() ([]byte, error) {
	jt := jsonTable{Title: t.Title, Command: t.Command, Machine: t.Machine, Settings: t.Settings,
		WallSeconds: math.Round(t.Wall.Seconds()*1000) / 1000, Results: []jsonResult{}}
	for _, r := range t.Results {
		jt.Results = append(jt.Results, jsonResult{Model: r.Model, Code: r.Code, Input: r.Input, Params: r.Params,
			TrainAcc: ptr(r.TrainAcc), TestAcc: ptr(r.TestAcc), Epochs: r.Epochs,
			TrainSeconds: math.Round(r.TrainTime.Seconds()*1000) / 1000,
			LatencyUS:    math.Round(float64(r.Latency)/1e3*1000) / 1000, Paper: r.Paper, Note: r.Note})
	}
	b, err := json.MarshalIndent(jt, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
