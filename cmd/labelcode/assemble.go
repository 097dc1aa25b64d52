package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
)

const assembleDescription = `
Loads site files written by labelcode train-site (each with its manifest
<file>.json beside it) and writes the ensemble as one model file. Sites of
different codes, options, seeds or data (fingerprints) are refused, naming
the field and the files. A missing site is an error, naming it, unless
-allow-missing: the model then decodes from the sites present.`

func runAssemble(ctx context.Context, e *env, args []string) error {
	fs := newFlagSet("assemble", "[-allow-missing] -out MODEL SITEFILE...", assembleDescription)
	out := fs.String("out", "", "model `file` to write (required)")
	allowMissing := fs.Bool("allow-missing", false, "write the model even when sites are missing")
	if err := parseFlags(fs, args, e.stdout); err != nil {
		return err
	}
	if *out == "" {
		return usagef("-out is required")
	}
	files := siteFiles(fs.Args())
	if len(files) == 0 {
		return usagef("no site files")
	}
	// A site file that does not exist (its task has not run, or failed) is
	// a missing site, named by its index below; with -allow-missing, so is
	// one whose manifest is absent (a task stopped between the two files).
	var mfs []*manifest
	var present, absent []string
	for _, f := range files {
		_, serr := os.Stat(f)
		_, merr := os.Stat(f + ".json")
		if errors.Is(serr, os.ErrNotExist) || (*allowMissing && errors.Is(merr, os.ErrNotExist)) {
			absent = append(absent, f)
			continue
		}
		m, err := readManifest(f + ".json")
		if err != nil {
			return err
		}
		mfs = append(mfs, m)
		present = append(present, f)
	}
	if len(mfs) == 0 {
		return fmt.Errorf("none of the %d site files exists (%s)", len(files), strings.Join(absent, ", "))
	}
	files = present
	// Every manifest must agree with the first on everything but the site.
	ref := mfs[0]
	for i, m := range mfs[1:] {
		if field, a, b := manifestDiff(ref, m); field != "" {
			return fmt.Errorf("%s and %s differ in %s: %s vs %s", files[0], files[i+1], field, a, b)
		}
	}
	bySite := map[int]string{}
	for i, m := range mfs {
		if m.Site < 0 || m.Site >= m.Sites {
			return fmt.Errorf("%s.json: site %d outside [0, %d)", files[i], m.Site, m.Sites)
		}
		if prev, ok := bySite[m.Site]; ok {
			return fmt.Errorf("%s and %s both hold site %d", prev, files[i], m.Site)
		}
		bySite[m.Site] = files[i]
	}
	var missing []string
	for s := 0; s < ref.Sites; s++ {
		if _, ok := bySite[s]; !ok {
			missing = append(missing, strconv.Itoa(s))
		}
	}
	if len(missing) > 0 && !*allowMissing {
		notFound := ""
		if len(absent) > 0 {
			notFound = "; not found: " + strings.Join(absent, ", ")
		}
		return fmt.Errorf("missing site(s) %s of %d (train them with labelcode train-site -site N, or assemble with -allow-missing)%s",
			strings.Join(missing, ", "), ref.Sites, notFound)
	}
	ens, err := newEnsemble(ref.Code, ref.Classes, ref.Sites, lmOptions(ref.Options, ref.Seed, 0, nil))
	if err != nil {
		return fmt.Errorf("%s.json: %w", files[0], err)
	}
	if ens.Sites() != ref.Sites {
		return fmt.Errorf("%s.json: %d sites, but code %s over %d classes has %d", files[0], ref.Sites, ref.Code, ref.Classes, ens.Sites())
	}
	for i, f := range files {
		got, err := ens.LoadSite(f)
		if err != nil {
			return err
		}
		if got != mfs[i].Site {
			return fmt.Errorf("%s holds site %d, its manifest says %d", f, got, mfs[i].Site)
		}
	}
	if err := makeDir(*out); err != nil {
		return err
	}
	if err := ens.Save(*out); err != nil {
		return err
	}
	note := ""
	if len(missing) > 0 {
		note = " (missing " + strings.Join(missing, ", ") + ")"
	}
	fmt.Fprintf(e.stdout, "%s, K=%d, %d features: %d of %d sites%s, %s params; wrote %s\n",
		codeDescription(ref.Code, ref.Sites), ref.Classes, ref.Features, len(files), ref.Sites, note, thousands(ens.Params()), *out)
	return nil
}

// siteFiles returns the site files named by args, in order, once each: a
// manifest (FILE.json) names its site file FILE, so that a glob of a
// directory of sites and manifests works.
func siteFiles(args []string) []string {
	var files []string
	seen := map[string]bool{}
	for _, a := range args {
		f := strings.TrimSuffix(a, ".json")
		if !seen[f] {
			seen[f] = true
			files = append(files, f)
		}
	}
	return files
}

// manifestDiff returns the first field in which a and b differ (other than
// the site and what training measured), with both values.
func manifestDiff(a, b *manifest) (field, va, vb string) {
	type pair struct {
		name   string
		va, vb string
	}
	hidden := func(h []int) string {
		s := make([]string, len(h))
		for i, w := range h {
			s[i] = strconv.Itoa(w)
		}
		if len(s) == 0 {
			return "none"
		}
		return strings.Join(s, ",")
	}
	q := func(s string) string { return strconv.Quote(s) }
	pairs := []pair{
		{"code", q(a.Code), q(b.Code)},
		{"sites", strconv.Itoa(a.Sites), strconv.Itoa(b.Sites)},
		{"classes", strconv.Itoa(a.Classes), strconv.Itoa(b.Classes)},
		{"features", strconv.Itoa(a.Features), strconv.Itoa(b.Features)},
		{"options.hidden", hidden(a.Options.Hidden), hidden(b.Options.Hidden)},
		{"options.epochs", strconv.Itoa(a.Options.Epochs), strconv.Itoa(b.Options.Epochs)},
		{"options.batch", strconv.Itoa(a.Options.Batch), strconv.Itoa(b.Options.Batch)},
		{"options.learning_rate", fmt.Sprint(a.Options.LearningRate), fmt.Sprint(b.Options.LearningRate)},
		{"options.patience", strconv.Itoa(a.Options.Patience), strconv.Itoa(b.Options.Patience)},
		{"seed", strconv.FormatUint(a.Seed, 10), strconv.FormatUint(b.Seed, 10)},
		{"data.sha256", a.Data.SHA256, b.Data.SHA256},
		{"data.format", a.Data.Format, b.Data.Format},
		{"data.validation", q(a.Data.Validation), q(b.Data.Validation)},
		{"fingerprint", a.Fingerprint, b.Fingerprint},
	}
	i := slices.IndexFunc(pairs, func(p pair) bool { return p.va != p.vb })
	if i < 0 {
		return "", "", ""
	}
	return pairs[i].name, pairs[i].va, pairs[i].vb
}
