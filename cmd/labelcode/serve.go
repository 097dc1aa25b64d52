package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	labelcode "github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/decode"
	"github.com/labelcode/labelcode/dsnc"
	"github.com/labelcode/labelcode/infer"
	"github.com/labelcode/labelcode/labelmap"
)

// loadModel loads a model file for serving, with a clear error.
func loadModel(path string) (*infer.Model, error) {
	m, err := infer.Load(path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("%s: no such file", path)
		}
		if _, serr := os.Stat(path + ".json"); serr == nil {
			return nil, fmt.Errorf("%s is a site file, not a model: assemble the sites with labelcode assemble (%w)", path, err)
		}
		if strings.Contains(err.Error(), path) {
			return nil, err
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

const predictDescription = `
Prints the k best labels of every input row, best first, one output line
per row: "label score label score ..." or, with -json, {"labels":[...],
"scores":[...]}. Scores are higher-is-better (for Label Mapping models the
joint log-probability of the label). Rows are LIBSVM lines (a leading label
is ignored; a line may start directly with index:value pairs) or CSV records
(with or without the label column); the format follows the file's extension
(.csv is CSV), or -format. Without -data, or with -data -, rows are read from
standard input.`

func runPredict(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("predict", "-model MODEL [-k 5] [-json] [-data FILE]", predictDescription)
	model := fs.String("model", "", "model `file` (required)")
	k := fs.Int("k", 5, "number of labels per row")
	asJSON := fs.Bool("json", false, "print JSON lines")
	data := fs.String("data", "", "input `file` (default: standard input)")
	format := fs.String("format", "", "input format, libsvm or csv (default: by the file's extension, libsvm for standard input)")
	if err := parseFlags(fs, args, e.stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if *model == "" {
		return usagef("-model is required")
	}
	if *k < 1 {
		return usagef("-k %d: want at least 1", *k)
	}
	name := *data
	if name == "-" {
		name = ""
	}
	f, err := resolveFormat(*format, name)
	if err != nil {
		return err
	}
	m, err := loadModel(*model)
	if err != nil {
		return err
	}
	in := e.stdin
	interactive := true
	if name != "" {
		fh, err := os.Open(name)
		if err != nil {
			return err
		}
		defer fh.Close()
		in, interactive = fh, false
	}
	kk := min(*k, m.Classes())
	rr := newRowReader(in, f, m.Features())
	w := bufio.NewWriterSize(e.stdout, 1<<16)
	defer w.Flush()
	var (
		top    []decode.Scored
		line   []byte
		labels = make([]int, 0, kk)
		scores = make([]float64, 0, kk)
		where  = name
	)
	if where == "" {
		where = "standard input"
	}
	for row := 1; ; row++ {
		if row&1023 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		x, err := rr.next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: %w", where, err)
		}
		top, err = m.TopK(x, kk, top)
		if errors.Is(err, infer.ErrUnsupported) { // a decoder without scores
			y, perr := m.Predict(x)
			if perr != nil {
				return fmt.Errorf("%s: row %d: %w", where, row, perr)
			}
			top = append(top[:0], decode.Scored{Label: y, Score: math.NaN()})
			err = nil
		}
		if err != nil {
			return fmt.Errorf("%s: row %d: %w", where, row, err)
		}
		line = line[:0]
		if *asJSON {
			labels, scores = labels[:0], scores[:0]
			for _, s := range top {
				labels = append(labels, s.Label)
				if !math.IsNaN(s.Score) {
					scores = append(scores, s.Score)
				}
			}
			b, err := json.Marshal(struct {
				Labels []int     `json:"labels"`
				Scores []float64 `json:"scores"`
			}{labels, scores})
			if err != nil {
				return err
			}
			line = append(line, b...)
		} else {
			for i, s := range top {
				if i > 0 {
					line = append(line, ' ')
				}
				line = strconv.AppendInt(line, int64(s.Label), 10)
				if !math.IsNaN(s.Score) {
					line = append(line, ' ')
					line = strconv.AppendFloat(line, s.Score, 'g', -1, 64)
				}
			}
		}
		line = append(line, '\n')
		if _, err := w.Write(line); err != nil {
			return err
		}
		if interactive && !rr.pending() {
			if err := w.Flush(); err != nil {
				return err
			}
		}
	}
	return w.Flush()
}

const evalDescription = `
Evaluates a model on a labelled data file (LIBSVM or CSV, by the file's
extension or -format): accuracy, top-k accuracy, the mean latency of one
prediction (rows predicted one at a time) and the number of rows.`

func runEval(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("eval", "-model MODEL -data FILE [-k 5]", evalDescription)
	model := fs.String("model", "", "model `file` (required)")
	data := fs.String("data", "", "labelled data `file` (required)")
	k := fs.Int("k", 5, "k of the top-k accuracy")
	format := fs.String("format", "", "data format, libsvm or csv (default: csv for a .csv file, else libsvm)")
	if err := parseFlags(fs, args, e.stdout); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	if *model == "" || *data == "" {
		return usagef("-model and -data are required")
	}
	if *k < 1 {
		return usagef("-k %d: want at least 1", *k)
	}
	f, err := resolveFormat(*format, *data)
	if err != nil {
		return err
	}
	m, err := loadModel(*model)
	if err != nil {
		return err
	}
	df, err := readDataFile(*data, f, m.Features(), m.Classes())
	if err != nil {
		return err
	}
	d := df.data
	acc, err := labelcode.Accuracy(m, d)
	if err != nil {
		return err
	}
	kk := min(*k, m.Classes())
	topk := math.NaN()
	var top []decode.Scored
	hits := 0
	for i := 0; i < d.Len(); i++ {
		if i&1023 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		top, err = m.TopK(d.Row(i), kk, top)
		if errors.Is(err, infer.ErrUnsupported) {
			break
		}
		if err != nil {
			return fmt.Errorf("%s: row %d: %w", *data, i+1, err)
		}
		for _, s := range top {
			if s.Label == d.Y[i] {
				hits++
				break
			}
		}
		if i == d.Len()-1 {
			topk = float64(hits) / float64(d.Len())
		}
	}
	lat, err := labelcode.Latency(m, d, d.Len())
	if err != nil {
		return err
	}
	topS := "-"
	if !math.IsNaN(topk) {
		topS = fmt.Sprintf("%.4f", topk)
	}
	fmt.Fprintf(e.stdout, "accuracy %.4f\ntop-%d accuracy %s\nlatency %s per row\nrows %d\n",
		acc, *k, topS, latencyString(lat), d.Len())
	return nil
}

func latencyString(d time.Duration) string {
	return fmt.Sprintf("%.1fµs", float64(d)/float64(time.Microsecond))
}

func runInfo(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("info", "MODEL", "Describes a model file: its kind, input width, classes, code and parameters.")
	if err := parseFlags(fs, args, e.stdout); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return usagef("want one model file, got %d arguments", fs.NArg())
	}
	path := fs.Arg(0)
	m, err := loadModel(path)
	if err != nil {
		return err
	}
	st, err := os.Stat(path)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "file      %s (%s bytes)\nkind      %s\nfeatures  %d\nclasses   %d\n",
		path, thousands(int(st.Size())), m.Kind(), m.Features(), m.Classes())
	// The training packages' loaders tell the code and the parameters.
	var code, detail string
	params := -1
	switch m.Kind() {
	case infer.DSNC:
		if d, err := dsnc.Load(path); err == nil {
			params, detail = d.Params(), d.String()
		}
	case infer.Ensemble, infer.MultiHead:
		if l, err := labelmap.Load(path); err == nil {
			code, params, detail = fmt.Sprint(l.Mapping()), l.Params(), fmt.Sprint(l)
		}
	}
	if code != "" {
		fmt.Fprintf(e.stdout, "code      %s\n", code)
	}
	if params >= 0 {
		fmt.Fprintf(e.stdout, "params    %s\n", thousands(params))
	}
	fmt.Fprintf(e.stdout, "model     %s\n", m.String())
	lines := strings.Split(strings.TrimSpace(detail), "\n")
	const maxDetail = 24
	if len(lines) > maxDetail {
		lines = append(lines[:maxDetail-1], fmt.Sprintf("... %d more lines", len(lines)-maxDetail+1))
	}
	for _, l := range lines {
		if l = strings.TrimSpace(l); l != "" {
			fmt.Fprintf(e.stdout, "          %s\n", l)
		}
	}
	return nil
}
