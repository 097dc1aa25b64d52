// Command sites shows the independence of Label Mapping's sites (LM paper,
// section IV): each site's learner is trained alone, here in its own OS
// process, with no communication with the others, and the sites, assembled
// afterwards, form the same classifier, bit for bit, as an ensemble trained
// in one process with the same options and data.
//
//	go run ./examples/sites                          # all of it, in one command
//	go run ./examples/sites -site 0 -dir /tmp/lm     # train site 0 alone, save it
//	go run ./examples/sites -site 1 -dir /tmp/lm     # ... on any machine, in any order
//	go run ./examples/sites -site 2 -dir /tmp/lm
//	go run ./examples/sites -assemble -dir /tmp/lm   # load the sites, evaluate
//
// -site N trains site N of a mixed LM (codes.NewMixed: site i learns
// y mod p_i) with labelmap.Ensemble.FitSite and writes it with SaveSite.
// -assemble reads every site file with LoadSite into an empty ensemble and
// prints its test accuracy. With neither, the program runs itself once per
// site as a separate process (all at once), assembles their files, trains
// the same ensemble in-process with Ensemble.Fit, and checks that both give
// the same weights and the same prediction on every test row; it fails if
// they do not. The data are Gaussian clusters made from -seed, so every
// process makes the same; every process must get the same size flags.
//
// The public calls it shows, and nothing else (it imports no internal
// package): codes.NewMixed and labelmap.NewEnsemble with options,
// Ensemble.FitSite, SaveSite, LoadSite, Fitted, Accuracy, Fit,
// MarshalBinary and PredictBatch; labelcode.NewBlobs for the data.
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"

	labelcode "github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/codes"
	"github.com/labelcode/labelcode/labelmap"
)

// config is what the flags set.
type config struct {
	site     int  // the site to train, or -1
	assemble bool // load the site files and evaluate
	dir      string

	// Sizes: every process must be given the same (see sizeArgs).
	classes, sites, features, perClass, hidden, epochs int
	seed                                               uint64
}

func main() {
	var c config
	flag.IntVar(&c.site, "site", -1, "train this site alone and save it into -dir")
	flag.BoolVar(&c.assemble, "assemble", false, "load the sites saved in -dir and evaluate the ensemble")
	flag.StringVar(&c.dir, "dir", "lm-sites", "directory of the site files")
	flag.IntVar(&c.classes, "classes", 1000, "number of classes K")
	flag.IntVar(&c.sites, "sites", 3, "sites of the mixed Label Mapping")
	flag.IntVar(&c.features, "features", 16, "features per row")
	flag.IntVar(&c.perClass, "per-class", 20, "training rows per class")
	flag.IntVar(&c.hidden, "hidden", 128, "width of each site's hidden ReLU layer")
	flag.IntVar(&c.epochs, "epochs", 8, "training epochs of each site")
	flag.Uint64Var(&c.seed, "seed", 1, "seed of the data and of training")
	flag.Parse()
	if err := run(context.Background(), c, os.Stdout); err != nil {
		log.Fatal(err)
	}
}

// sizeArgs returns the flags that make another process build the same data
// and learners as c.
func (c config) sizeArgs() []string {
	return []string{"-dir", c.dir, "-classes", strconv.Itoa(c.classes), "-sites", strconv.Itoa(c.sites),
		"-features", strconv.Itoa(c.features), "-per-class", strconv.Itoa(c.perClass),
		"-hidden", strconv.Itoa(c.hidden), "-epochs", strconv.Itoa(c.epochs),
		"-seed", strconv.FormatUint(c.seed, 10)}
}

// run does what the flags ask: one site, the assembly, or everything.
func run(ctx context.Context, c config, w io.Writer) error {
	switch {
	case c.site >= 0:
		return trainSite(ctx, c, w)
	case c.assemble:
		_, err := assemble(c, w)
		return err
	default:
		return runAll(ctx, c, w)
	}
}

// newEnsemble returns the untrained ensemble every process builds: the
// same mapping, the same learner options and (from WithSeed) the same
// per-site seeds.
func newEnsemble(c config) (*labelmap.Ensemble, error) {
	mapping, err := codes.NewMixed(c.classes, c.sites)
	if err != nil {
		return nil, err
	}
	return labelmap.NewEnsemble(mapping,
		labelmap.WithHidden(c.hidden), labelmap.WithEpochs(c.epochs), labelmap.WithLearningRate(0.003), labelmap.WithSeed(c.seed))
}

func sitePath(c config, i int) string {
	return filepath.Join(c.dir, fmt.Sprintf("site%d.lm", i))
}

// trainSite trains site c.site alone and saves it.
func trainSite(ctx context.Context, c config, w io.Writer) error {
	train, _, err := clusters(c)
	if err != nil {
		return err
	}
	e, err := newEnsemble(c)
	if err != nil {
		return err
	}
	if _, err := e.FitSite(ctx, c.site, train, nil); err != nil {
		return err
	}
	if err := os.MkdirAll(c.dir, 0o755); err != nil {
		return err
	}
	if err := e.SaveSite(sitePath(c, c.site), c.site); err != nil {
		return err
	}
	fmt.Fprintf(w, "process %d: trained site %d (%d classes), saved to %s\n",
		os.Getpid(), c.site, e.Mapping().SiteClasses(c.site), sitePath(c, c.site))
	return nil
}

// assemble loads every site file of c.dir into an ensemble without a
// learner factory (it is never trained here) and prints its test accuracy.
func assemble(c config, w io.Writer) (*labelmap.Ensemble, error) {
	mapping, err := codes.NewMixed(c.classes, c.sites)
	if err != nil {
		return nil, err
	}
	e, err := labelmap.NewEnsemble(mapping)
	if err != nil {
		return nil, err
	}
	for i := range c.sites {
		// LoadSite refuses a file whose mapping is not e's.
		if _, err := e.LoadSite(sitePath(c, i)); err != nil {
			return nil, err
		}
	}
	_, test, err := clusters(c)
	if err != nil {
		return nil, err
	}
	acc, err := e.Accuracy(test)
	if err != nil {
		return nil, err
	}
	fmt.Fprintf(w, "assembled %d of %d sites from %s: test accuracy %.3f\n", e.Fitted(), e.Sites(), c.dir, acc)
	return e, nil
}

// runAll trains every site in its own process, assembles them, and checks
// the result against an ensemble trained here.
func runAll(ctx context.Context, c config, w io.Writer) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cmds := make([]*exec.Cmd, c.sites)
	outs := make([]bytes.Buffer, c.sites)
	for i := range cmds {
		cmds[i] = exec.CommandContext(ctx, self, append(c.sizeArgs(), "-site", strconv.Itoa(i))...)
		cmds[i].Stdout, cmds[i].Stderr = &outs[i], &outs[i]
		if err := cmds[i].Start(); err != nil {
			return err
		}
	}
	for i, cmd := range cmds {
		err := cmd.Wait()
		w.Write(outs[i].Bytes())
		if err != nil {
			return fmt.Errorf("site %d: %w", i, err)
		}
	}
	assembled, err := assemble(c, w)
	if err != nil {
		return err
	}

	// The same ensemble, all sites trained in this process.
	train, test, err := clusters(c)
	if err != nil {
		return err
	}
	local, err := newEnsemble(c)
	if err != nil {
		return err
	}
	if _, err := local.Fit(ctx, train, nil); err != nil {
		return err
	}
	a, err := assembled.MarshalBinary()
	if err != nil {
		return err
	}
	b, err := local.MarshalBinary()
	if err != nil {
		return err
	}
	pa, err := assembled.PredictBatch(test.X, test.Len(), nil)
	if err != nil {
		return err
	}
	pb, err := local.PredictBatch(test.X, test.Len(), nil)
	if err != nil {
		return err
	}
	if !bytes.Equal(a, b) || !slices.Equal(pa, pb) {
		return errors.New("the assembled ensemble differs from the one trained in one process")
	}
	fmt.Fprintf(w, "trained in one process: the same weights (%d bytes) and the same %d test predictions\n", len(a), len(pa))
	return nil
}

// clusters returns c.perClass training rows and c.perClass/4 (at least 1)
// test rows of every class: class y's rows are its centre, drawn once from
// N(0, 1) per feature, plus N(0, 0.25²) noise. The same c gives the same
// rows in every process.
func clusters(c config) (train, test *labelcode.Dataset, err error) {
	b, err := labelcode.NewBlobs(c.classes, c.features, c.seed)
	if err != nil {
		return nil, nil, err
	}
	if train, err = b.Sample(c.perClass, 0.25); err != nil {
		return nil, nil, err
	}
	test, err = b.Sample(max(c.perClass/4, 1), 0.25)
	return train, test, err
}
