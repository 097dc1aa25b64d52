package report

import (
	"bytes"
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

	labelcode "github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/internal/atomicfile"
)

// ErrFormat reports an -out file name whose extension is not .csv, .json
// or .md.
var ErrFormat = errors.New("report: output file must end in .csv, .json or .md")

// Row is one row of a results table: the library's labelcode.Result and
// the two columns its table lacks, which the paper reproductions need.
type Row struct {
	labelcode.Result
	// Input describes the input encoding, when the table compares several
	// (examples/republic).
	Input string
	// Paper is the paper's figure for the same row, if any, as text.
	Paper string
}

// Table is a titled results table with the facts needed to reproduce it:
// the rows are printed by the library's labelcode.Results (String, CSV,
// Markdown), with the Input and Paper columns added on the right when some
// row has them.
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
	// Rows are the results, in order.
	Rows []Row
}

// Add appends r, without input or paper cells.
func (t *Table) Add(r labelcode.Result) { t.Rows = append(t.Rows, Row{Result: r}) }

// Results returns the rows as the library's table.
func (t *Table) Results() labelcode.Results {
	rs := make(labelcode.Results, len(t.Rows))
	for i, r := range t.Rows {
		rs[i] = r.Result
	}
	return rs
}

// extra returns the headers and cells (one slice per row) of the Input
// and Paper columns that some row fills.
func (t *Table) extra() (heads []string, cells [][]string) {
	cells = make([][]string, len(t.Rows))
	for _, col := range []struct {
		head string
		cell func(Row) string
	}{{"input", func(r Row) string { return r.Input }}, {"paper", func(r Row) string { return r.Paper }}} {
		used := false
		for _, r := range t.Rows {
			used = used || col.cell(r) != ""
		}
		if !used {
			continue
		}
		heads = append(heads, col.head)
		for i, r := range t.Rows {
			cells[i] = append(cells[i], col.cell(r))
		}
	}
	return heads, cells
}

// Summary returns r on one line, as the programs log each row when it is
// done: "mixed LM 4 sites, mod 89 97 101 103: test 0.1712, train 0.2203,
// 1234567 params, 4m05s".
func Summary(r labelcode.Result) string {
	return fmt.Sprintf("%s %s: test %s, train %s, %d params, %s", r.Model, r.Code, Acc(r.TestAcc), Acc(r.TrainAcc),
		r.Params, Dur(r.TrainTime))
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

// Print writes the table to w: its title and settings, the rows as
// labelcode.Results.String prints them with the Input and Paper columns
// after them (when some row has them), the wall time, machine and command.
func (t *Table) Print(w io.Writer) error {
	var b strings.Builder
	if t.Title != "" {
		fmt.Fprintf(&b, "%s\n", t.Title)
	}
	for _, s := range t.Settings {
		fmt.Fprintf(&b, "  %s\n", s)
	}
	b.WriteByte('\n')
	lines := strings.Split(t.Results().String(), "\n")
	heads, cells := t.extra()
	if len(heads) > 0 && len(lines) == len(t.Rows)+2 {
		// Pad the library's lines to one width, then add the columns
		// left-aligned: header, rule, one line per row.
		grid := append([][]string{heads, make([]string, len(heads))}, cells...)
		widths := make([]int, len(heads))
		for _, g := range grid {
			for j, s := range g {
				widths[j] = max(widths[j], utf8.RuneCountInString(s))
			}
		}
		for j, wd := range widths {
			grid[1][j] = strings.Repeat("-", wd)
		}
		width := 0
		for _, l := range lines {
			width = max(width, utf8.RuneCountInString(l))
		}
		for i, l := range lines {
			l += strings.Repeat(" ", width-utf8.RuneCountInString(l))
			for j, s := range grid[i] {
				l += "  " + s + strings.Repeat(" ", widths[j]-utf8.RuneCountInString(s))
			}
			lines[i] = strings.TrimRight(l, " ")
		}
	}
	b.WriteString(strings.Join(lines, "\n"))
	b.WriteString("\n\n")
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

// CSV returns labelcode.Results.CSV of the rows with the input and paper
// columns appended when some row has them; labelcode.ReadResultsCSV reads
// it back (it ignores those two).
func (t *Table) CSV() ([]byte, error) {
	text := t.Results().CSV()
	heads, cells := t.extra()
	if len(heads) == 0 {
		return []byte(text), nil
	}
	recs, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		return nil, err
	}
	recs[0] = append(recs[0], heads...)
	for i := range t.Rows {
		recs[i+1] = append(recs[i+1], cells[i]...)
	}
	var b bytes.Buffer
	if err := csv.NewWriter(&b).WriteAll(recs); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Markdown returns the title, the settings as a list and the rows as
// labelcode.Results.Markdown writes them, with the input and paper columns
// appended when some row has them.
func (t *Table) Markdown() []byte {
	var b strings.Builder
	if t.Title != "" {
		fmt.Fprintf(&b, "## %s\n\n", t.Title)
	}
	for _, s := range t.Settings {
		fmt.Fprintf(&b, "- %s\n", s)
	}
	if len(t.Settings) > 0 {
		b.WriteByte('\n')
	}
	lines := strings.Split(strings.TrimSuffix(t.Results().Markdown(), "\n"), "\n")
	heads, cells := t.extra()
	for i, l := range lines {
		switch {
		case len(heads) == 0:
		case i == 0:
			l += " " + strings.Join(heads, " | ") + " |"
		case i == 1:
			l += strings.Repeat(" --- |", len(heads))
		default:
			for _, s := range cells[i-2] {
				l += " " + strings.ReplaceAll(s, "|", `\|`) + " |"
			}
		}
		b.WriteString(l + "\n")
	}
	if t.Command != "" {
		fmt.Fprintf(&b, "\n`%s`", t.Command)
		if t.Machine != "" {
			fmt.Fprintf(&b, " on %s", t.Machine)
		}
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// WriteFile writes the table to name as CSV (name ends in .csv), JSON
// (.json) or Markdown (.md), through a temporary file renamed into place.
// It returns ErrFormat for any other extension.
func (t *Table) WriteFile(name string) error {
	if err := CheckOut(name); err != nil || name == "" {
		return fmt.Errorf("%w: %q", ErrFormat, name)
	}
	var data []byte
	var err error
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv":
		data, err = t.CSV()
	case ".json":
		data, err = t.JSON()
	default:
		data = t.Markdown()
	}
	if err != nil {
		return err
	}
	if err := atomicfile.WriteFile(name, data, 0o644); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// CheckOut returns ErrFormat unless name is empty or ends in .csv, .json
// or .md: the check a program makes on its -out flag before hours of
// training.
func CheckOut(name string) error {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".csv", ".json", ".md":
		return nil
	}
	if name == "" {
		return nil
	}
	return fmt.Errorf("%w: %q", ErrFormat, name)
}

type jsonResult struct {
	Model        string   `json:"model"`
	Code         string   `json:"output_code"`
	Input        string   `json:"input,omitempty"`
	Params       int      `json:"params"`
	TrainAcc     *float64 `json:"train_accuracy"`
	TestAcc      *float64 `json:"test_accuracy"`
	TestTop5     *float64 `json:"test_top5_accuracy,omitempty"`
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

// ptr returns v rounded to six decimals, nil for NaN, an infinity or (for
// the top-5 accuracy, which labelcode.Result leaves 0 when not measured)
// zero when zeroIsUnset.
func ptr(v float64, zeroIsUnset bool) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) || zeroIsUnset && v == 0 {
		return nil
	}
	v = math.Round(v*1e6) / 1e6
	return &v
}

// JSON returns the table as an indented JSON object: title, command,
// machine, settings, wall_seconds and results (the CSV's columns; NaN
// accuracies as null).
func (t *Table) JSON() ([]byte, error) {
	jt := jsonTable{Title: t.Title, Command: t.Command, Machine: t.Machine, Settings: t.Settings,
		WallSeconds: math.Round(t.Wall.Seconds()*1000) / 1000, Results: []jsonResult{}}
	for _, r := range t.Rows {
		jt.Results = append(jt.Results, jsonResult{Model: r.Model, Code: r.Code, Input: r.Input, Params: r.Params,
			TrainAcc: ptr(r.TrainAcc, false), TestAcc: ptr(r.TestAcc, false), TestTop5: ptr(r.TestTop5, true), Epochs: r.Epochs,
			TrainSeconds: math.Round(r.TrainTime.Seconds()*1000) / 1000,
			LatencyUS:    math.Round(float64(r.Latency)/1e3*1000) / 1000, Paper: r.Paper, Note: r.Note})
	}
	b, err := json.MarshalIndent(jt, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}
