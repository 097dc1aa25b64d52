// Command quickstart compares a one-hot softmax, a Label Mapping ensemble
// and Deep Stochastic Neural Codes on one real task with many classes:
// predicting the next word of Plato's Republic (7,409 distinct words) from
// the words before it. The text ships inside the project, so
//
//	go run ./examples/quickstart
//
// needs no flags, no network and no data folder. It trains the three
// models on the first 90% of the text, tests them on the last 10%, prints a
// table (accuracy, parameters, training time, prediction latency) and a few
// predictions. With the defaults it takes two to three minutes on two cores.
//
// The input is Label Mapping on the input side (the LM paper, section V-C):
// each context word becomes the 3-hot vector of its residues modulo three
// primes (89, 97 and 101: 287 values instead of 7,409), and the first dense
// layer on it is a learned word embedding of 287 rows instead of 7,409.
// Why this and not a fixed random projection (-input random): it is
// lossless (any two of the residues give the word back by the Chinese
// remainder theorem), it is the paper's own input for this task, and its
// rows are sparse, which the matrix products exploit by skipping zeros: in
// examples/republic a random projection of the same width trained the
// same network 2-4 times slower for at most a point more test accuracy.
// All the models read the same rows, so only the output side differs.
//
// The public calls it shows, written out in run so that they can be
// copied: labelmap.NewOneHot and labelmap.NewMixed with the options
// WithHidden, WithEpochs, WithBatchSize, WithLearningRate, WithSeed and
// WithProgress, then Ensemble.Fit; dsnc.New with WithBits and
// WithSymmetricCodes, Model.Fit, Model.Clone and Model.SetDecoder (one row
// per decoder); training.History.Fill for a row's parameters, epochs and
// training time; labelcode.Result.Measure for its accuracies (top-5
// included) and latency; labelcode.Results for the table (through
// examples/internal/report, which adds the title and settings). The input
// encoding is labelmap.NewInputEncoder over codes.NewPrimeResidue.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strings"
	"time"

	labelcode "github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/dsnc"
	"github.com/labelcode/labelcode/examples/internal/corpus"
	"github.com/labelcode/labelcode/examples/internal/report"
	"github.com/labelcode/labelcode/labelmap"
)

type config struct {
	report.Common // -seed, -out, -quiet, -smoke, -latency
	report.Text   // -context, -train, -eval, -test, -hidden, -epochs, -batch, -lr
	sites         int
	input         string
	width         int
	inSites       int
	bits          int
	examples      int
	symmetric     bool
}

const usage = `Usage: go run ./examples/quickstart [flags]

Trains a one-hot softmax, a mixed Label Mapping ensemble and DSNC to predict
the next word of Plato's Republic (shipped with the project; 118,684 tokens,
7,409 classes), tests them on the last 10% of the text and prints a table.

Flags:
`

func main() { report.Main("quickstart", usage, parseArgs, run) }

// parseArgs defines the program's flags on fs, parses args and returns the
// configuration (shrunk by -smoke).
func parseArgs(fs *flag.FlagSet, args []string) (config, error) {
	c := config{Text: report.Text{Context: 4, EvalRows: 10000, Hidden: 64, Epochs: 2, Batch: 128, LR: 2e-3}}
	c.Common.SetFlags(fs)
	c.Text.SetFlags(fs)
	fs.StringVar(&c.input, "input", "lm", "input encoding of a word: lm (Label Mapping n-hot, mod primes just above sqrt(7409)) or random (a fixed random projection)")
	fs.IntVar(&c.inSites, "input-sites", 3, "sites of the Label Mapping that encodes a word (-input lm; 3 sites: 287 values)")
	fs.IntVar(&c.width, "width", 287, "values per word of the random projection (-input random)")
	fs.IntVar(&c.sites, "sites", 3, "sites of the mixed Label Mapping of the output (primes just above sqrt(7409))")
	fs.IntVar(&c.bits, "bits", 32, "DSNC code length in bits")
	fs.BoolVar(&c.symmetric, "dsnc-symmetric", true, "DSNC: train the decoder on symmetric codes 2b-1 (dsnc.WithSymmetricCodes, the default); false: the paper's {0,1} codes")
	fs.IntVar(&c.examples, "show", 6, "test predictions to show")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if c.Smoke {
		// A run of seconds that still goes through every step: CI runs it
		// so that the program cannot rot.
		c.Context, c.Hidden, c.Epochs, c.bits = 2, 16, 1, 16
		c.TrainRows, c.EvalRows, c.TestRows, c.Latency, c.examples = 3000, 500, 2000, 50, 2
	}
	return c, report.CheckOut(c.Out)
}

// model is a trained classifier and its row of the table.
type model struct {
	result labelcode.Result
	clf    labelcode.BatchClassifier
}

func run(ctx context.Context, c config, stdout, stderr io.Writer) error {
	if err := c.Text.Check(); err != nil {
		return err
	}
	if c.width < 1 || c.inSites < 1 || c.sites < 2 || c.bits < 1 {
		return errors.New("-width, -input-sites, -bits must be positive, -sites >= 2")
	}
	start := time.Now()
	text, trainW, testW, err := report.RepublicWindows(c.Context)
	if err != nil {
		return err
	}
	k := text.Vocab.Len()
	enc, encDesc, err := inputEncoder(c, k)
	if err != nil {
		return err
	}
	train, test, err := report.TextRows(trainW, testW, c.TrainRows, c.TestRows, enc, k, c.Seed)
	if err != nil {
		return err
	}
	evalTrain := train.Subset(report.Sample(train.Len(), c.EvalRows, c.Seed+1))

	tab := &report.Table{
		Title:   "Next word of Plato's Republic: one-hot softmax vs Label Mapping vs DSNC",
		Command: report.Command(),
		Machine: report.Machine(),
		Settings: []string{
			fmt.Sprintf("%d classes (words); %d training, %d test examples (last 10%% of the text)", k, train.Len(), test.Len()),
			fmt.Sprintf("input: the %d previous words, each %s, concatenated (%d inputs)", c.Context, encDesc, c.Context*enc.Width()),
			fmt.Sprintf("every model: one hidden ReLU layer of %d, Adam lr %g, batch %d, %d epochs, seed %d",
				c.Hidden, c.LR, c.Batch, c.Epochs, c.Seed),
			"one-hot and DSNC train one network each; Label Mapping trains one network per site, independently, as many at once as there are cores",
			fmt.Sprintf("train acc on %d sampled training examples; latency: one example at a time, mean of %d", evalTrain.Len(), min(c.Latency, test.Len())),
		},
	}
	progress := c.Progress(stderr) // nil with -quiet: no bars
	var models []model

	// The one-hot softmax baseline: a Label Mapping ensemble of one site
	// that predicts the label itself.
	r := labelcode.Result{Model: "one-hot softmax", Code: fmt.Sprintf("%d-way softmax", k)}
	bar := report.NewTrainingBar(progress, r.Model, 1)
	oneHot, err := labelmap.NewOneHot(k, labelmap.WithHidden(c.Hidden), labelmap.WithEpochs(c.Epochs),
		labelmap.WithBatchSize(c.Batch), labelmap.WithLearningRate(c.LR), labelmap.WithSeed(c.Seed),
		labelmap.WithProgress(bar.Progress()))
	if err != nil {
		return err
	}
	hist, err := oneHot.Fit(ctx, train, nil)
	bar.Finish()
	if err != nil {
		return err
	}
	hist.Fill(&r) // parameters, epochs, training time
	models = append(models, model{r, oneHot})

	// Mixed Label Mapping: site i learns y mod p_i, p_i the primes just
	// above sqrt(k), one network per site, as many at once as there are
	// cores; the label is decoded exactly from the sites' scores.
	r = labelcode.Result{Model: "mixed Label Mapping"}
	bar = report.NewTrainingBar(progress, r.Model, c.sites)
	lm, err := labelmap.NewMixed(k, c.sites, labelmap.WithHidden(c.Hidden), labelmap.WithEpochs(c.Epochs),
		labelmap.WithBatchSize(c.Batch), labelmap.WithLearningRate(c.LR), labelmap.WithSeed(c.Seed),
		labelmap.WithProgress(bar.Progress()))
	if err != nil {
		return err
	}
	r.Code = fmt.Sprintf("%d sites, mod %s", c.sites, report.Moduli(lm.Mapping()))
	hist, err = lm.Fit(ctx, train, nil)
	bar.Finish()
	if err != nil {
		return err
	}
	hist.Fill(&r)
	models = append(models, model{r, lm})

	// DSNC: the network learns a c.bits-bit code per word, decoded by a
	// linear layer or by the nearest code of the training set.
	r = labelcode.Result{Model: "DSNC", Code: fmt.Sprintf("%d learned bits", c.bits)}
	bar = report.NewTrainingBar(progress, r.Model, 1)
	ds, err := dsnc.New(dsnc.WithHidden(c.Hidden), dsnc.WithBits(c.bits), dsnc.WithEpochs(c.Epochs),
		dsnc.WithBatchSize(c.Batch), dsnc.WithLearningRate(c.LR), dsnc.WithSeed(c.Seed),
		dsnc.WithSymmetricCodes(c.symmetric), dsnc.WithProgress(bar.Progress()))
	if err != nil {
		return err
	}
	hist, err = ds.Fit(ctx, train, nil)
	bar.Finish()
	if err != nil {
		return err
	}
	hist.Fill(&r)
	r.Note = fmt.Sprintf("%d training codes", len(ds.CodeLabels))
	for _, d := range []struct {
		kind dsnc.DecoderKind
		name string
	}{{dsnc.LinearDecoding, "linear decoder"}, {dsnc.NearestDecoding, "nearest training code"}} {
		p := ds.Clone() // one model per decoder: the rows are measured below
		if err := p.SetDecoder(dsnc.Decoding{Kind: d.kind}); err != nil {
			return err
		}
		rr := r
		rr.Model = "DSNC, " + d.name
		models = append(models, model{rr, p})
	}

	preds := make([][]int, len(models))
	for i := range models {
		m := &models[i]
		// Training and test accuracy, top-5 accuracy, latency.
		if err := m.result.Measure(m.clf, evalTrain, test, c.Latency); err != nil {
			return err
		}
		if preds[i], err = m.clf.PredictBatch(test.X, test.Len(), nil); err != nil {
			return err
		}
		tab.Add(m.result)
	}
	tab.Wall = time.Since(start)
	if err := c.Write(tab, stdout); err != nil {
		return err
	}
	return showPredictions(stdout, c, text.Vocab, testW, models, preds)
}

// inputEncoder returns the encoding of a context word that c asks for and
// its description.
func inputEncoder(c config, k int) (report.WordEncoder, string, error) {
	switch c.input {
	case "random":
		// Scaled so that a word's vector is as long as a 3-hot vector.
		enc, err := report.NewRandomProjection(c.width, k, math.Sqrt(3), c.Seed)
		return enc, fmt.Sprintf("a fixed random projection to %d values", c.width), err
	case "lm":
		enc, primes, err := report.LMInput(k, c.inSites)
		if err != nil {
			return nil, "", err
		}
		return enc, fmt.Sprintf("the %d-hot vector of its residues mod %s (LM input encoding, %d values)", c.inSites, report.Ints(primes), enc.Width()), nil
	}
	return nil, "", fmt.Errorf("-input %q: want random or lm", c.input)
}

// showPredictions prints a few test examples: the context, each model's
// next word and the true one.
func showPredictions(w io.Writer, c config, v *corpus.Vocabulary, test corpus.Windows, models []model, preds [][]int) error {
	if c.examples <= 0 {
		return nil
	}
	fmt.Fprintf(w, "\nSome test predictions (context -> next word):\n")
	// The test rows are the first len(preds[0]) windows.
	for _, i := range report.Sample(len(preds[0]), c.examples, c.Seed+2) {
		words, err := v.Decode(test.Context(i), nil)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "  %q -> %q\n", strings.Join(words, " ")+" ...", v.Word(test.Target(i)))
		for j, m := range models {
			mark := " "
			if preds[j][i] == test.Target(i) {
				mark = "*"
			}
			fmt.Fprintf(w, "      %s %-30s %s\n", mark, m.result.Model, v.Word(preds[j][i]))
		}
	}
	fmt.Fprintf(w, "  (* = right)\n")
	return nil
}
