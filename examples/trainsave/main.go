// Command trainsave trains the two kinds of many-class model this module
// offers on the same data and saves them for serving: a mixed Label
// Mapping ensemble (labelmap.NewMixed, one MLP per site) and a Deep
// Stochastic Neural Codes model (dsnc.New, Model.Fit). The data are made here, so the
// program needs nothing else: K Gaussian clusters (1,000 by default) in a
// few dimensions, each class one cluster.
//
//	go run ./examples/trainsave -out-dir /tmp/models
//	go run ./examples/serve -model /tmp/models/lm.model
//
// It prints each model's test accuracy, size and training time and writes
// lm.model and dsnc.model into -out-dir; both load with infer.Load (see
// examples/serve), which predicts without the training engine. -h lists the
// flags; the defaults run in seconds.
//
// The public calls it shows, and nothing else (it imports no internal
// package): labelcode.NewBlobs and Blobs.Sample for the data;
// labelmap.NewMixed with WithHidden, WithEpochs, WithLearningRate and
// WithSeed, Ensemble.Fit (its training.History gives the parameter count
// and training time), Accuracy and Save; dsnc.New with WithBits and the
// same options, Model.Fit, Accuracy and Save.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"time"

	labelcode "github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/dsnc"
	"github.com/labelcode/labelcode/labelmap"
)

// config is what the flags set.
type config struct {
	outDir   string
	classes  int     // K
	features int     // width of a row
	perClass int     // training rows per class (and a quarter as many test rows)
	noise    float64 // standard deviation of a row around its class centre
	sites    int     // sites of the mixed Label Mapping
	hidden   int     // hidden ReLU width of every network
	bits     int     // DSNC code length
	epochs   int
	lr       float64 // Adam's learning rate
	seed     uint64
}

func main() {
	var c config
	flag.StringVar(&c.outDir, "out-dir", ".", "directory to write lm.model and dsnc.model into")
	flag.IntVar(&c.classes, "classes", 1000, "number of classes K")
	flag.IntVar(&c.features, "features", 16, "features per row")
	flag.IntVar(&c.perClass, "per-class", 20, "training rows per class")
	flag.Float64Var(&c.noise, "noise", 0.25, "standard deviation of a row around its class centre (centres are N(0, 1))")
	flag.IntVar(&c.sites, "sites", 3, "sites of the mixed Label Mapping (residues mod the smallest primes >= sqrt(K))")
	flag.IntVar(&c.hidden, "hidden", 128, "width of the hidden ReLU layer")
	flag.IntVar(&c.bits, "bits", 32, "DSNC code length in bits")
	flag.IntVar(&c.epochs, "epochs", 8, "training epochs")
	flag.Float64Var(&c.lr, "lr", 0.003, "Adam's learning rate")
	flag.Uint64Var(&c.seed, "seed", 1, "seed of the data and of training")
	flag.Parse()
	if err := run(context.Background(), c, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// run makes the data, trains both models, prints their accuracy and saves
// them into c.outDir.
func run(ctx context.Context, c config, w io.Writer) error {
	if err := os.MkdirAll(c.outDir, 0o755); err != nil {
		return err
	}
	train, test, err := clusters(c)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "%d classes, %d training rows, %d test rows of %d features\n",
		c.classes, train.Len(), test.Len(), c.features)

	// Label Mapping: site i learns y mod p_i; the label is decoded from
	// the sites' scores by exact max-product.
	lm, err := labelmap.NewMixed(c.classes, c.sites,
		labelmap.WithHidden(c.hidden), labelmap.WithEpochs(c.epochs), labelmap.WithLearningRate(c.lr), labelmap.WithSeed(c.seed))
	if err != nil {
		return err
	}
	hist, err := lm.Fit(ctx, train, nil)
	if err != nil {
		return err
	}
	acc, err := lm.Accuracy(test)
	if err != nil {
		return err
	}
	lmPath := filepath.Join(c.outDir, "lm.model")
	if err := lm.Save(lmPath); err != nil {
		return err
	}
	fmt.Fprintf(w, "%v\n  test accuracy %.3f, %d params, trained in %v, saved to %s\n",
		lm.Mapping(), acc, hist.Params, hist.Duration.Round(time.Millisecond), lmPath)

	// DSNC: the network learns a binary code per row and decodes it with
	// a linear softmax layer.
	model, err := dsnc.New(dsnc.WithHidden(c.hidden), dsnc.WithBits(c.bits),
		dsnc.WithEpochs(c.epochs), dsnc.WithLearningRate(c.lr), dsnc.WithSeed(c.seed))
	if err != nil {
		return err
	}
	if hist, err = model.Fit(ctx, train, nil); err != nil {
		return err
	}
	acc, err = model.Accuracy(test) // the linear decoder's accuracy
	if err != nil {
		return err
	}
	dsncPath := filepath.Join(c.outDir, "dsnc.model")
	if err := model.Save(dsncPath); err != nil {
		return err
	}
	fmt.Fprintf(w, "DSNC, %d learned bits, linear decoder\n  test accuracy %.3f, %d params, trained in %v, saved to %s\n",
		c.bits, acc, hist.Params, hist.Duration.Round(time.Millisecond), dsncPath)
	return nil
}

// clusters returns c.perClass training rows and c.perClass/4 (at least 1)
// test rows of every class: class y's rows are its centre, drawn once from
// N(0, 1) per feature, plus N(0, c.noise²) noise.
func clusters(c config) (train, test *labelcode.Dataset, err error) {
	b, err := labelcode.NewBlobs(c.classes, c.features, c.seed)
	if err != nil {
		return nil, nil, err
	}
	if train, err = b.Sample(c.perClass, c.noise); err != nil {
		return nil, nil, err
	}
	test, err = b.Sample(max(c.perClass/4, 1), c.noise)
	return train, test, err
}
