package report

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	labelcode "github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/examples/internal/corpus"
	"github.com/labelcode/labelcode/labelmap"
	"github.com/labelcode/labelcode/training"
)

func sampleTable() *Table {
	t := &Table{
		Title:    "demo",
		Command:  "prog -x",
		Machine:  "2 CPUs",
		Settings: []string{"one setting"},
		Wall:     75 * time.Second,
		Rows: []Row{{Result: labelcode.Result{Model: "one-hot softmax", Code: "7409-way", Params: 741009, TrainAcc: 0.25,
			TestAcc: 0.125, TestTop5: 0.375, Epochs: 3, TrainTime: 90 * time.Second, Latency: 140 * time.Microsecond},
			Paper: "0.1540"}},
	}
	t.Add(labelcode.Result{Model: "LM", Code: "4 sites", Params: 1234, TrainAcc: math.NaN(), TestAcc: 0.5,
		TrainTime: 1500 * time.Millisecond, Latency: 3 * time.Microsecond, Note: "best epoch 2"})
	return t
}

func TestPrint(t *testing.T) {
	var b bytes.Buffer
	if err := sampleTable().Print(&b); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"demo", "  one setting", "741,009", "0.2500", "0.1250", "0.3750", "1m30s", "140µs", "3.0µs",
		"0.1540", "best epoch 2", "wall time 1m15s on 2 CPUs", "command: prog -x"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	// A NaN accuracy is "-", and the library's lines are padded so that
	// the paper column starts at the same rune in every line.
	lines := strings.Split(out, "\n")
	var table []string
	for _, l := range lines {
		if strings.HasPrefix(l, "model") || strings.HasPrefix(l, "---") || strings.HasPrefix(l, "one-hot") || strings.HasPrefix(l, "LM ") {
			table = append(table, l)
		}
	}
	if len(table) != 4 {
		t.Fatalf("want 4 table lines, got %d:\n%s", len(table), out)
	}
	at := strings.Index(table[0], "paper")
	if at < 0 || !strings.HasPrefix(string([]rune(table[2])[utf8.RuneCountInString(table[0][:at]):]), "0.1540") {
		t.Errorf("paper column not aligned:\n%s", strings.Join(table, "\n"))
	}
	if !strings.Contains(table[3], " - ") {
		t.Errorf("NaN accuracy not shown as -: %q", table[3])
	}
	// The rows are the library's table, columns added on the right.
	if lib := sampleTable().Results().String(); !strings.HasPrefix(table[2], strings.Split(lib, "\n")[2]) {
		t.Errorf("row %q is not the library's %q", table[2], strings.Split(lib, "\n")[2])
	}
}

func TestPrintLeavesOutEmptyColumns(t *testing.T) {
	tab := &Table{}
	tab.Add(labelcode.Result{Model: "m", Code: "c", Params: 1, TrainAcc: 0.5, TestAcc: 0.5})
	var b bytes.Buffer
	if err := tab.Print(&b); err != nil {
		t.Fatal(err)
	}
	for _, col := range []string{"input", "paper", "note", "top-5"} {
		if strings.Contains(b.String(), col) {
			t.Errorf("empty column %q printed:\n%s", col, b.String())
		}
	}
}

func TestCSV(t *testing.T) {
	data, err := sampleTable().CSV()
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(data)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 3 || recs[0][len(recs[0])-1] != "paper" || slices.Contains(recs[0], "input") {
		t.Fatalf("got %d records, header %q", len(recs), recs[0])
	}
	if got := recs[1]; got[2] != "741009" || got[3] != "0.25" || got[len(got)-1] != "0.1540" {
		t.Errorf("first row %q", got)
	}
	if got := recs[2][3]; got != "" {
		t.Errorf("NaN accuracy written as %q, want empty", got)
	}
	// Without input and paper cells it is the library's CSV.
	tab := sampleTable()
	tab.Rows[0].Paper = ""
	if data, _ := tab.CSV(); string(data) != tab.Results().CSV() {
		t.Errorf("CSV %q, want the library's %q", data, tab.Results().CSV())
	}
}

// TestCSVReadsBack checks that a table's CSV (the -out file) reads back
// through labelcode.ReadResultsCSV with the same figures, so that a
// notebook can load the examples' results.
func TestCSVReadsBack(t *testing.T) {
	tab := sampleTable()
	data, err := tab.CSV()
	if err != nil {
		t.Fatal(err)
	}
	got, err := labelcode.ReadResultsCSV(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(tab.Rows) {
		t.Fatalf("%d results read back, want %d", len(got), len(tab.Rows))
	}
	same := func(a, b float64) bool { return a == b || math.IsNaN(a) && math.IsNaN(b) }
	for i, w := range tab.Results() {
		g := got[i]
		if g.Model != w.Model || g.Code != w.Code || g.Params != w.Params || g.Epochs != w.Epochs || g.Note != w.Note ||
			!same(g.TrainAcc, w.TrainAcc) || !same(g.TestAcc, w.TestAcc) || g.TestTop5 != w.TestTop5 ||
			g.TrainTime != w.TrainTime || g.Latency != w.Latency {
			t.Errorf("row %d read back as %+v from %+v", i, g, w)
		}
	}
}

func TestMarkdown(t *testing.T) {
	md := string(sampleTable().Markdown())
	for _, want := range []string{"## demo\n", "- one setting\n", "| model |", " paper |", " 0.1540 |", "| ---: |", "`prog -x` on 2 CPUs"} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown lacks %q:\n%s", want, md)
		}
	}
	// Every table line has as many cells as the header.
	var cells []int
	for _, l := range strings.Split(md, "\n") {
		if strings.HasPrefix(l, "|") {
			cells = append(cells, strings.Count(l, " |"))
		}
	}
	if len(cells) != 4 || slices.Min(cells) != slices.Max(cells) {
		t.Errorf("cells per line %v:\n%s", cells, md)
	}
}

func TestJSON(t *testing.T) {
	data, err := sampleTable().JSON()
	if err != nil {
		t.Fatal(err)
	}
	var got struct {
		Title   string  `json:"title"`
		Wall    float64 `json:"wall_seconds"`
		Results []struct {
			Model    string   `json:"model"`
			Params   int      `json:"params"`
			TrainAcc *float64 `json:"train_accuracy"`
			TestAcc  *float64 `json:"test_accuracy"`
			TestTop5 *float64 `json:"test_top5_accuracy"`
			Latency  float64  `json:"latency_us"`
		} `json:"results"`
	}
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	if got.Title != "demo" || got.Wall != 75 || len(got.Results) != 2 {
		t.Fatalf("got %+v", got)
	}
	r0, r1 := got.Results[0], got.Results[1]
	if r0.Params != 741009 || r0.TrainAcc == nil || *r0.TrainAcc != 0.25 || r0.Latency != 140 || r0.TestTop5 == nil || *r0.TestTop5 != 0.375 {
		t.Errorf("row 0 %+v", r0)
	}
	if r1.TrainAcc != nil || r1.TestAcc == nil || *r1.TestAcc != 0.5 || r1.TestTop5 != nil {
		t.Errorf("row 1: NaN train accuracy and unmeasured top-5 must be null, got %+v", r1)
	}
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	tab := sampleTable()
	for _, name := range []string{"r.csv", "r.json", "R.JSON", "r.md"} {
		p := filepath.Join(dir, name)
		if err := tab.WriteFile(p); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(p)
		if err != nil || len(b) == 0 {
			t.Fatalf("%s: %v, %d bytes", name, err, len(b))
		}
	}
	for _, bad := range []string{"r.txt", ""} {
		if err := tab.WriteFile(filepath.Join(dir, bad)); !errors.Is(err, ErrFormat) {
			t.Errorf("%q: got %v, want ErrFormat", bad, err)
		}
	}
	if err := CheckOut("x.tsv"); !errors.Is(err, ErrFormat) {
		t.Errorf("CheckOut(x.tsv) = %v", err)
	}
	for _, ok := range []string{"", "a.csv", "b.json", "c.md"} {
		if err := CheckOut(ok); err != nil {
			t.Errorf("CheckOut(%q) = %v", ok, err)
		}
	}
	left, _ := filepath.Glob(filepath.Join(dir, "*.tmp*"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
}

func TestFormats(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{Dur(1500 * time.Millisecond), "1.5s"}, {Dur(125 * time.Second), "2m05s"}, {Dur(3723 * time.Second), "1h02m"},
		{Acc(math.NaN()), "-"}, {Acc(0.123456), "0.1235"},
	} {
		if c.got != c.want {
			t.Errorf("got %q, want %q", c.got, c.want)
		}
	}
}

func TestBarPlainOutput(t *testing.T) {
	var b bytes.Buffer
	bar := NewBar(&b, "train", 10)
	for range 10 {
		bar.Add(1)
	}
	bar.SetStatus("epoch 1 loss 2.000")
	bar.Finish()
	bar.Add(5) // ignored after Finish
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	// Not a terminal: the first Add draws (nothing drawn yet), then
	// nothing for 30 s, then Finish.
	if len(lines) != 2 {
		t.Fatalf("want 2 lines, got %q", b.String())
	}
	last := lines[len(lines)-1]
	if !strings.Contains(last, "100%") || !strings.Contains(last, "epoch 1 loss 2.000") || strings.Contains(last, "\r") {
		t.Errorf("last line %q", last)
	}
	var nilBar *Bar
	nilBar.Add(1)
	nilBar.SetStatus("x")
	nilBar.Finish()
	nilBar.Progress()(training.Progress{Epoch: 1, Epochs: 1, Batch: 1, Batches: 1})
	if NewTrainingBar(nil, "quiet", 3) != nil {
		t.Error("NewTrainingBar(nil, ...) is not nil")
	}
}

func TestBarProgress(t *testing.T) {
	var b bytes.Buffer
	bar := NewTrainingBar(&b, "lm", 2)
	f := bar.Progress()
	f(training.Progress{Epoch: 1, Epochs: 3, Batch: 1, Batches: 7, Loss: 5, Accuracy: 0.1, Score: math.NaN()})
	if bar.total != 2*3*7 {
		t.Fatalf("total %d, want 42", bar.total)
	}
	f(training.Progress{Site: 1, Epoch: 1, Epochs: 3, Batch: 7, Batches: 7, Loss: 4.5, EpochDone: true, Score: 0.25})
	if bar.done != 1 || !strings.Contains(bar.status, "epoch 1/3 loss 4.500 val 0.2500") {
		t.Errorf("done %d status %q", bar.done, bar.status)
	}
}

// TestBarCountsFit drives a training bar from a real Fit of a labelmap
// ensemble: one step per minibatch of every site, the total exactly.
func TestBarCountsFit(t *testing.T) {
	train, err := labelcode.NewBlobs(12, 8, 1)
	if err != nil {
		t.Fatal(err)
	}
	d, err := train.Sample(40, 0.3) // 480 rows: 15 batches of 32
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	bar := NewTrainingBar(&b, "mixed", 2)
	e, err := labelmap.NewMixed(12, 2, labelmap.WithHidden(8), labelmap.WithEpochs(2), labelmap.WithBatchSize(32),
		labelmap.WithProgress(bar.Progress()))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.Fit(context.Background(), d, nil); err != nil {
		t.Fatal(err)
	}
	if bar.total != 2*2*15 || bar.done != bar.total {
		t.Errorf("bar counted %d of %d steps, want %d of %d", bar.done, bar.total, 60, 60)
	}
	bar.Finish()
	if !strings.Contains(b.String(), "100%") {
		t.Errorf("bar output %q", b.String())
	}
}

func TestCutOff(t *testing.T) {
	c, err := NewCutOff(4, 10)
	if err != nil {
		t.Fatal(err)
	}
	for word, pos := range []int{0, 1, 2, 3, 3, 3, 3, 3, 3, 3} {
		v, err := c.Encode(word, nil)
		if err != nil {
			t.Fatal(err)
		}
		for i, x := range v {
			if want := float32(0); i == pos && x != 1 || i != pos && x != want {
				t.Errorf("word %d: %v", word, v)
			}
		}
	}
	if _, err := c.Encode(10, nil); !errors.Is(err, ErrWord) {
		t.Errorf("word 10: %v", err)
	}
	if _, err := NewCutOff(11, 10); err == nil {
		t.Error("width above the vocabulary accepted")
	}
}

func TestRandomProjection(t *testing.T) {
	p1, _ := NewRandomProjection(64, 100, 2, 7)
	p2, _ := NewRandomProjection(64, 100, 2, 7)
	p3, _ := NewRandomProjection(64, 100, 2, 8)
	a, _ := p1.Encode(5, nil)
	b, _ := p2.Encode(5, nil)
	c, _ := p3.Encode(5, nil)
	if !slices.Equal(a, b) || slices.Equal(a, c) {
		t.Error("projection not determined by its seed")
	}
	// Mean squared length over the vocabulary is about scale² = 4.
	var sum float64
	for w := 0; w < 100; w++ {
		v, _ := p1.Encode(w, nil)
		for _, x := range v {
			sum += float64(x) * float64(x)
		}
	}
	if m := sum / 100; m < 3.5 || m > 4.5 {
		t.Errorf("mean squared length %.2f, want about 4", m)
	}
	if _, err := p1.Encode(100, nil); !errors.Is(err, ErrWord) {
		t.Errorf("word 100: %v", err)
	}
}

func TestWindowRows(t *testing.T) {
	ids := []int{0, 1, 2, 3, 4, 5, 6, 1, 0}
	w, err := corpus.NewWindows(ids, 2)
	if err != nil {
		t.Fatal(err)
	}
	m, _ := codes.NewPrimeResidue(7, []int{2, 5})
	enc, _ := labelmap.NewInputEncoder(m)
	d, err := WindowRows(w, []int{0, 5}, enc, 7)
	if err != nil {
		t.Fatal(err)
	}
	if d.Len() != 2 || d.Features != 14 || d.Y[0] != 2 || d.Y[1] != 1 {
		t.Fatalf("got %d rows of %d, labels %v", d.Len(), d.Features, d.Y)
	}
	// Row 1: context words 5 and 6 -> (1, 0) and (0, 1) residues mod 2, 5.
	want := []float32{0, 1, 1, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0, 0}
	if !slices.Equal(d.Row(1), want) {
		t.Errorf("row 1 = %v, want %v", d.Row(1), want)
	}
	all, err := WindowRows(w, nil, enc, 7)
	if err != nil || all.Len() != w.Len() {
		t.Fatalf("all windows: %v, %d rows", err, all.Len())
	}
	if !slices.Equal(all.Row(5), want) {
		t.Error("nil idx does not mean all windows in order")
	}
	cut, _ := NewCutOff(3, 7)
	if _, err := WindowRows(w, nil, cut, 7); err != nil {
		t.Fatal(err)
	}
}

func TestSample(t *testing.T) {
	s := Sample(1000, 50, 3)
	if len(s) != 50 {
		t.Fatalf("len %d", len(s))
	}
	for i := 1; i < len(s); i++ {
		if s[i] <= s[i-1] || s[i] >= 1000 || s[0] < 0 {
			t.Fatalf("not sorted, distinct and in range: %v", s)
		}
	}
	if got := Sample(5, 10, 1); len(got) != 5 || got[4] != 4 {
		t.Errorf("Sample(5, 10) = %v", got)
	}
	if a, b := Sample(1000, 10, 3), Sample(1000, 10, 3); !slices.Equal(a, b) {
		t.Error("Sample not reproducible")
	}
}

func TestMachine(t *testing.T) {
	if m := Machine(); !strings.Contains(m, "GOMAXPROCS") {
		t.Errorf("Machine() = %q", m)
	}
}
