package labelcode_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/dsnc"
	"github.com/labelcode/labelcode/labelmap"
)

// The library's trained models are classifiers of both kinds.
var (
	_ labelcode.BatchClassifier = (*dsnc.Model)(nil)
	_ labelcode.BatchClassifier = (*labelmap.Ensemble)(nil)
	_ labelcode.BatchClassifier = (*labelmap.MultiHead)(nil)
)

// rowClassifier labels a row by its first feature, rounded, and fails on
// a row whose second feature is negative. It counts its calls.
type rowClassifier struct {
	calls int
	sleep time.Duration
}

var errFake = errors.New("fake classifier failure")

func (c *rowClassifier) Predict(x []float32) (int, error) {
	c.calls++
	if c.sleep > 0 {
		time.Sleep(c.sleep)
	}
	if x[1] < 0 {
		return 0, errFake
	}
	return int(math.Round(float64(x[0]))), nil
}

// batchClassifier is a rowClassifier with PredictBatch, which can be made
// to return one label too few.
type batchClassifier struct {
	rowClassifier
	batches int
	short   bool
}

func (c *batchClassifier) PredictBatch(x []float32, rows int, dst []int) ([]int, error) {
	c.batches++
	dst = dst[:0]
	features := len(x) / rows
	for i := range rows {
		y, err := c.rowClassifier.Predict(x[i*features : (i+1)*features])
		if err != nil {
			return nil, fmt.Errorf("row %d: %w", i, err)
		}
		dst = append(dst, y)
	}
	if c.short {
		dst = dst[:rows-1]
	}
	return dst, nil
}

// guessData returns n rows of two features over 5 classes whose first
// feature is the right label in exactly `right` rows (the first ones) and
// a wrong one in the others.
func guessData(t *testing.T, n, right int) *labelcode.Dataset {
	t.Helper()
	d := &labelcode.Dataset{Features: 2, Classes: 5}
	for i := range n {
		y := i % 5
		guess := y
		if i >= right {
			guess = (y + 1 + i%4) % 5
		}
		d.X = append(d.X, float32(guess), 1)
		d.Y = append(d.Y, y)
	}
	require.NoError(t, d.Validate())
	return d
}

func TestAccuracy(t *testing.T) {
	for _, tc := range []struct{ n, right int }{{1, 0}, {1, 1}, {10, 7}, {64, 0}, {65, 65}, {1000, 333}} {
		d := guessData(t, tc.n, tc.right)
		want := float64(tc.right) / float64(tc.n)

		row := &rowClassifier{}
		acc, err := labelcode.Accuracy(row, d)
		require.NoError(t, err)
		assert.Equal(t, want, acc, "Predict path, %d/%d", tc.right, tc.n)
		assert.Equal(t, tc.n, row.calls)

		batch := &batchClassifier{}
		acc, err = labelcode.Accuracy(batch, d)
		require.NoError(t, err)
		assert.Equal(t, want, acc, "PredictBatch path, %d/%d", tc.right, tc.n)
		assert.Equal(t, 1, batch.batches, "one PredictBatch call for all rows")
	}
}

func TestAccuracyErrors(t *testing.T) {
	d := guessData(t, 10, 5)
	cases := []struct {
		name string
		c    labelcode.Classifier
		d    *labelcode.Dataset
		want error
	}{
		{"nil dataset", &rowClassifier{}, nil, labelcode.ErrEmpty},
		{"no rows", &rowClassifier{}, &labelcode.Dataset{Features: 2, Classes: 5}, labelcode.ErrEmpty},
		{"short X", &rowClassifier{}, &labelcode.Dataset{X: d.X[:19], Y: d.Y, Features: 2, Classes: 5}, labelcode.ErrShape},
		{"label range", &rowClassifier{}, &labelcode.Dataset{X: d.X, Y: append([]int{9}, d.Y[1:]...), Features: 2, Classes: 5}, labelcode.ErrLabelRange},
		{"short batch", &batchClassifier{short: true}, d, labelcode.ErrShape},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			acc, err := labelcode.Accuracy(tc.c, tc.d)
			assert.ErrorIs(t, err, tc.want)
			assert.True(t, math.IsNaN(acc))
		})
	}

	// A classifier's own error comes back wrapped, naming the row.
	bad := d.Subset([]int{0, 1, 2, 3})
	bad.X[2*2+1] = -1
	_, err := labelcode.Accuracy(&rowClassifier{}, bad)
	assert.ErrorIs(t, err, errFake)
	assert.Contains(t, err.Error(), "row 2")
	_, err = labelcode.Accuracy(&batchClassifier{}, bad)
	assert.ErrorIs(t, err, errFake)

	assert.Panics(t, func() { _, _ = labelcode.Accuracy(nil, d) })
}

func TestLatency(t *testing.T) {
	d := guessData(t, 10, 10)
	c := &rowClassifier{}
	lat, err := labelcode.Latency(c, d, 0)
	require.NoError(t, err)
	assert.Zero(t, lat)
	assert.Zero(t, c.calls, "rows <= 0 predicts nothing")

	for _, rows := range []int{1, 4, 10, 50} {
		c := &rowClassifier{}
		_, err := labelcode.Latency(c, d, rows)
		require.NoError(t, err)
		assert.Equal(t, min(rows, d.Len())+1, c.calls, "rows=%d: the rows plus one warm-up", rows)
	}

	// A mean over calls that each sleep 300µs cannot be less than 300µs.
	slow := &rowClassifier{sleep: 300 * time.Microsecond}
	lat, err = labelcode.Latency(slow, d, 3)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, lat, 300*time.Microsecond)

	_, err = labelcode.Latency(c, &labelcode.Dataset{Features: 2, Classes: 5}, 5)
	assert.ErrorIs(t, err, labelcode.ErrEmpty)
	_, err = labelcode.Latency(c, &labelcode.Dataset{X: d.X[:5], Y: d.Y, Features: 2, Classes: 5}, 5)
	assert.ErrorIs(t, err, labelcode.ErrShape)
	bad := d.Subset([]int{0, 1, 2})
	bad.X[2*2+1] = -1
	_, err = labelcode.Latency(c, bad, 5)
	assert.ErrorIs(t, err, errFake)
	assert.Contains(t, err.Error(), "row 2")
}

func TestResultMeasure(t *testing.T) {
	train, test := guessData(t, 20, 15), guessData(t, 10, 4)
	r := labelcode.Result{Model: "fake", Params: 12}
	require.NoError(t, r.Measure(&batchClassifier{}, train, test, 5))
	assert.Equal(t, 0.75, r.TrainAcc)
	assert.Equal(t, 0.4, r.TestAcc)
	assert.Positive(t, r.Latency)
	assert.Equal(t, 12, r.Params, "the caller's fields are kept")

	r = labelcode.Result{Model: "no train"}
	require.NoError(t, r.Measure(&rowClassifier{}, nil, test, 0))
	assert.True(t, math.IsNaN(r.TrainAcc), "no training set: not measured")
	assert.Equal(t, 0.4, r.TestAcc)
	assert.Zero(t, r.Latency, "latencyRows 0: not measured")

	// On error the measured fields stay as they were.
	r = labelcode.Result{Model: "broken", TrainAcc: 0.5, TestAcc: 0.5}
	err := r.Measure(&rowClassifier{}, train, &labelcode.Dataset{Features: 2, Classes: 5}, 5)
	assert.ErrorIs(t, err, labelcode.ErrEmpty)
	assert.Contains(t, err.Error(), "broken: test set")
	assert.Equal(t, 0.5, r.TrainAcc)
	assert.Equal(t, 0.5, r.TestAcc)
}

func sampleResults() labelcode.Results {
	return labelcode.Results{
		{Model: "shared-trunk LM", Code: "3 sites mod 19 23 29", Params: 6215, TrainAcc: 0.81652, TestAcc: 0.87333,
			Epochs: 12, TrainTime: 1327 * time.Millisecond, Latency: 4321 * time.Nanosecond, Note: "best epoch 11"},
		{Model: "DSNC", Code: "16 learned bits", Params: 1234567, TrainAcc: math.NaN(), TestAcc: 0.71667,
			TrainTime: 4*time.Minute + 5*time.Second, Latency: 312 * time.Microsecond},
		{Model: "baseline", TestAcc: 0.5},
	}
}

func TestResultsString(t *testing.T) {
	want := `model            output code              params  train acc  test acc  epochs  train time  latency/ex  note
---------------  --------------------  ---------  ---------  --------  ------  ----------  ----------  -------------
shared-trunk LM  3 sites mod 19 23 29      6,215     0.8165    0.8733      12        1.3s       4.3µs  best epoch 11
DSNC             16 learned bits       1,234,567          -    0.7167       -       4m05s       312µs
baseline                                       -     0.0000    0.5000       -           -           -`
	assert.Equal(t, want, sampleResults().String())

	// Columns empty in every row (code, epochs, note) are left out.
	plain := labelcode.Results{{Model: "a", TestAcc: 1, TrainAcc: math.NaN(), TrainTime: 850 * time.Millisecond, Latency: 2 * time.Millisecond}}
	assert.Equal(t, "model  params  train acc  test acc  train time  latency/ex\n"+
		"-----  ------  ---------  --------  ----------  ----------\n"+
		"a           -          -    1.0000       850ms      2.00ms", plain.String())
	assert.Equal(t, "no results", labelcode.Results(nil).String())
}

func TestResultsMarkdown(t *testing.T) {
	rs := labelcode.Results{{Model: "a|b", TestAcc: 0.25, TrainAcc: math.NaN(), Params: 1000}}
	want := "| model | params | train acc | test acc | train time | latency/ex |\n" +
		"| --- | ---: | ---: | ---: | ---: | ---: |\n" +
		"| a\\|b | 1,000 | - | 0.2500 | - | - |\n"
	assert.Equal(t, want, rs.Markdown())
	assert.Equal(t, 5, strings.Count(sampleResults().Markdown(), "\n"), "header, rule, three rows")
}

// equalResults compares two tables field by field, NaN equal to NaN.
func equalResults(t *testing.T, want, got labelcode.Results) {
	t.Helper()
	require.Len(t, got, len(want))
	for i := range want {
		w, g := want[i], got[i]
		for _, acc := range [][2]float64{{w.TrainAcc, g.TrainAcc}, {w.TestAcc, g.TestAcc}} {
			if !(math.IsNaN(acc[0]) && math.IsNaN(acc[1])) {
				assert.Equal(t, acc[0], acc[1], "row %d accuracy", i)
			}
		}
		w.TrainAcc, w.TestAcc, g.TrainAcc, g.TestAcc = 0, 0, 0, 0
		assert.Equal(t, w, g, "row %d", i)
	}
}

func TestResultsCSVRoundTrip(t *testing.T) {
	rs := sampleResults()
	rs = append(rs,
		labelcode.Result{Model: "quoted, \"model\"\nwith a newline", Code: " leading space", Note: "a|b",
			TrainAcc: 1.0 / 3, TestAcc: math.SmallestNonzeroFloat64, TestTop5: 0.75, TrainTime: 1, Latency: 999999999},
		labelcode.Result{Model: "extremes", Params: math.MaxInt64, Epochs: -1,
			TrainTime: math.MaxInt64, Latency: math.MinInt64, TrainAcc: math.NaN(), TestAcc: math.NaN()},
	)
	text := rs.CSV()
	assert.True(t, strings.HasPrefix(text,
		"model,output_code,params,train_accuracy,test_accuracy,test_top5_accuracy,epochs,train_seconds,latency_us,note\n"+
			"shared-trunk LM,3 sites mod 19 23 29,6215,0.81652,0.87333,,12,1.327,4.321,best epoch 11\n"+
			"DSNC,16 learned bits,1234567,,0.71667,,0,245,312,\n"), text)
	got, err := labelcode.ReadResultsCSV(strings.NewReader(text))
	require.NoError(t, err)
	equalResults(t, rs, got)

	got, err = labelcode.ReadResultsCSV(strings.NewReader(labelcode.Results{}.CSV()))
	require.NoError(t, err)
	assert.Empty(t, got)
}

// TestReadResultsCSVReport reads the CSV the example programs write with
// -out (examples/internal/report): extra columns are ignored and figures
// rounded to their decimals are read exactly.
func TestReadResultsCSVReport(t *testing.T) {
	text := "model,output_code,input,params,train_accuracy,test_accuracy,epochs,train_seconds,latency_us,paper,note\n" +
		"one-hot softmax,300 classes,words,741009,0.912345,,4,12.345,3.5,83.4%,best epoch 3\n"
	got, err := labelcode.ReadResultsCSV(strings.NewReader(text))
	require.NoError(t, err)
	equalResults(t, labelcode.Results{{Model: "one-hot softmax", Code: "300 classes", Params: 741009,
		TrainAcc: 0.912345, TestAcc: math.NaN(), Epochs: 4, TrainTime: 12345 * time.Millisecond,
		Latency: 3500 * time.Nanosecond, Note: "best epoch 3"}}, got)

	// Only a model column is required; columns may come in any order.
	got, err = labelcode.ReadResultsCSV(strings.NewReader("latency_us,model\n1e3,m\n0.0004,n\n"))
	require.NoError(t, err)
	equalResults(t, labelcode.Results{{Model: "m", TrainAcc: math.NaN(), TestAcc: math.NaN(), Latency: time.Millisecond},
		{Model: "n", TrainAcc: math.NaN(), TestAcc: math.NaN()}}, got)
}

func TestReadResultsCSVErrors(t *testing.T) {
	for _, text := range []string{
		"",
		"name,params\nx,1\n",
		"model,params\nx,1,2\n",
		"model,params\nx,1.5\n",
		"model,test_accuracy\nx,high\n",
		"model,test_accuracy\nx,NaN\n",
		"model,train_accuracy\nx,1e400\n",
		"model,train_seconds\nx,-\n",
		"model,train_seconds\nx,1.2.3\n",
		"model,train_seconds\nx,9300000000\n",
		"model,latency_us\nx,1e300\n",
		"model,note\n\"unclosed\n",
	} {
		_, err := labelcode.ReadResultsCSV(strings.NewReader(text))
		assert.ErrorIs(t, err, labelcode.ErrResultsCSV, "%q", text)
	}
	_, err := labelcode.ReadResultsCSV(strings.NewReader("model,params\na,1\nb,x\n"))
	assert.ErrorContains(t, err, "line 3")
}

// TestLatencyShapeOverflow checks that a row count and width whose product
// wraps around to len(X) are a shape error, not a slice past X.
func TestLatencyShapeOverflow(t *testing.T) {
	d := &labelcode.Dataset{Y: []int{0, 1, 0, 1}, Features: 1 << 62, Classes: 2}
	_, err := labelcode.Latency(&rowClassifier{}, d, 1)
	require.ErrorIs(t, err, labelcode.ErrShape)
}

// resultsCSVSeeds are tables as Results.CSV and the example programs write
// them, and the edge cases of the reader.
func resultsCSVSeeds() []string {
	extremes := labelcode.Results{
		{Model: "quoted, \"model\"\nwith a newline", Code: " leading space", Note: "a|b",
			TrainAcc: 1.0 / 3, TestAcc: math.SmallestNonzeroFloat64, TrainTime: 1, Latency: 999999999},
		{Model: "extremes", Params: math.MaxInt64, Epochs: -1,
			TrainTime: math.MaxInt64, Latency: math.MinInt64, TrainAcc: math.NaN(), TestAcc: math.NaN()},
	}
	return []string{
		sampleResults().CSV(),
		extremes.CSV(),
		labelcode.Results{}.CSV(),
		"model,output_code,input,params,train_accuracy,test_accuracy,epochs,train_seconds,latency_us,paper,note\n" +
			"one-hot softmax,300 classes,words,741009,0.912345,,4,12.345,3.5,83.4%,best epoch 3\n",
		"latency_us,model\n1e3,m\n0.0004,n\n",
		"model,train_seconds,latency_us\nx,-9223372036.854775808,9223372036854775.807\n",
		"model,train_seconds\nx,0.0000000005\n",
		"model\n\"a\r\nb\"\n",
		"",
	}
}

// FuzzReadResultsCSV checks that the reader never panics and that what it
// reads writes back to a CSV it reads the same. It starts from tables
// written by Results.CSV, so that mutations reach the field parsers.
func FuzzReadResultsCSV(f *testing.F) {
	for _, s := range resultsCSVSeeds() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		if len(text) > 1<<12 {
			return
		}
		rs, err := labelcode.ReadResultsCSV(strings.NewReader(text))
		if err != nil {
			if !errors.Is(err, labelcode.ErrResultsCSV) {
				t.Fatalf("error %v is not ErrResultsCSV", err)
			}
			return
		}
		_ = rs.String()
		_ = rs.Markdown()
		again, err := labelcode.ReadResultsCSV(strings.NewReader(rs.CSV()))
		if err != nil {
			t.Fatalf("rereading %q: %v", rs.CSV(), err)
		}
		equalResults(t, rs, again)
	})
}

// FuzzResultsCSVFields writes a table of one fuzzed Result and a sample
// one with Results.CSV and checks that ReadResultsCSV gives it back: every
// field value reaches the writer and the reader's parsers, whatever the
// text mutations would have had to guess.
func FuzzResultsCSVFields(f *testing.F) {
	for _, r := range sampleResults() {
		f.Add(r.Model, r.Code, r.Note, r.Params, r.Epochs, r.TrainAcc, r.TestAcc, int64(r.TrainTime), int64(r.Latency))
	}
	f.Add("a\r\nb", "\"", " x ", math.MinInt64, math.MaxInt64, math.SmallestNonzeroFloat64, math.Copysign(0, -1),
		int64(math.MinInt64), int64(math.MaxInt64))
	f.Add("", "#", "\\.", 0, 0, math.Inf(1), math.NaN(), int64(-1), int64(1))
	f.Fuzz(func(t *testing.T, model, code, note string, params, epochs int, trainAcc, testAcc float64,
		trainTime, latency int64) {
		if len(model)+len(code)+len(note) > 1<<12 {
			return
		}
		r := labelcode.Result{Model: model, Code: code, Note: note, Params: params, Epochs: epochs,
			TrainAcc: trainAcc, TestAcc: testAcc, TrainTime: time.Duration(trainTime), Latency: time.Duration(latency)}
		rs := labelcode.Results{sampleResults()[0], r}
		got, err := labelcode.ReadResultsCSV(strings.NewReader(rs.CSV()))
		if math.IsInf(trainAcc, 0) || math.IsInf(testAcc, 0) {
			// An infinite accuracy is not one: the reader refuses it.
			if !errors.Is(err, labelcode.ErrResultsCSV) {
				t.Fatalf("infinite accuracy read back: %v", err)
			}
			return
		}
		if err != nil {
			t.Fatalf("reading %q: %v", rs.CSV(), err)
		}
		// The reader folds every "\r\n" in a text field to "\n", until
		// none is left.
		fold := func(s string) string {
			for strings.Contains(s, "\r\n") {
				s = strings.ReplaceAll(s, "\r\n", "\n")
			}
			return s
		}
		rs[1].Model, rs[1].Code, rs[1].Note = fold(model), fold(code), fold(note)
		equalResults(t, rs, got)
	})
}

// ranker predicts label 0 and ranks every label in the top 5 with
// probability given by top5.
type ranker struct{ top5 float64 }

func (ranker) Predict([]float32) (int, error) { return 0, nil }
func (r ranker) TopKAccuracy(d *labelcode.Dataset, k int) (float64, error) {
	if k != 5 {
		return 0, errors.New("want k = 5")
	}
	return r.top5, nil
}

func TestMeasureTop5(t *testing.T) {
	d, err := labelcode.NewDataset([]float32{0, 1}, []int{0, 1}, 1, 2)
	require.NoError(t, err)
	var r labelcode.Result
	require.NoError(t, r.Measure(ranker{0.75}, nil, d, 0))
	assert.Equal(t, 0.5, r.TestAcc)
	assert.Equal(t, 0.75, r.TestTop5)
	assert.Contains(t, labelcode.Results{r}.String(), "top-5 acc")
	var plain labelcode.Result
	require.NoError(t, plain.Measure(constant{}, nil, d, 0))
	assert.Equal(t, 0.0, plain.TestTop5, "a classifier that does not rank")
	assert.NotContains(t, labelcode.Results{plain}.String(), "top-5")
}

type constant struct{}

func (constant) Predict([]float32) (int, error) { return 1, nil }
