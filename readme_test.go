package labelcode_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/labelcode/labelcode"
	"github.com/labelcode/labelcode/dsnc"
	"github.com/labelcode/labelcode/infer"
	"github.com/labelcode/labelcode/labelmap"
)

// useFromGo is the README's "Use it from Go" code: its body between the
// markers is that section's Go block, word for word (TestREADMEUseFromGo
// checks it), so the README's code compiles and runs.
func useFromGo(ctx context.Context, train, val *labelcode.Dataset, dir string) error {
	// README begin
	// Label Mapping: label y becomes 3 symbols y mod p (primes just above
	// √K); one MLP per site, trained independently, decoded exactly.
	lm, err := labelmap.NewMixed(train.Classes, 3,
		labelmap.WithHidden(64), labelmap.WithEpochs(10), labelmap.WithSeed(1))
	if err != nil {
		return err
	}
	hist, err := lm.Fit(ctx, train, val)
	if err != nil {
		return err
	}
	fmt.Printf("%d params, trained in %v\n", hist.Params, hist.Duration)
	if err := lm.Save(filepath.Join(dir, "model.lm")); err != nil {
		return err
	}

	// DSNC: a learned 32-bit code per example, decoded by the nearest
	// training code.
	code, err := dsnc.New(dsnc.WithBits(32), dsnc.WithEpochs(5),
		dsnc.WithDecoder(dsnc.Decoding{Kind: dsnc.NearestDecoding}))
	if err != nil {
		return err
	}
	if _, err := code.Fit(ctx, train, val); err != nil {
		return err
	}
	if err := code.Save(filepath.Join(dir, "model.dsnc")); err != nil {
		return err
	}

	// Serving: package infer loads either file without gorgonia.
	model, err := infer.Load(filepath.Join(dir, "model.lm"))
	if err != nil {
		return err
	}
	top, err := model.TopK(val.Row(0), 3, nil)
	if err != nil {
		return err
	}
	fmt.Println("best labels", top[0].Label, top[1].Label, top[2].Label)
	// README end
	return nil
}

// TestREADMEUseFromGo checks that README's "Use it from Go" block is the
// body of useFromGo, and runs it on 50 well-separated classes.
func TestREADMEUseFromGo(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	section := regexp.MustCompile("(?s)## Use it from Go\n.*?```go\n(.*?)```").FindSubmatch(readme)
	if section == nil {
		t.Fatal("README has no Go block under \"## Use it from Go\"")
	}
	src, err := os.ReadFile("readme_test.go")
	if err != nil {
		t.Fatal(err)
	}
	body := regexp.MustCompile("(?s)// README begin\n(.*?)\t// README end").FindSubmatch(src)
	if body == nil {
		t.Fatal("readme_test.go lost its markers")
	}
	dedent := func(s string) string {
		lines := strings.Split(strings.TrimSpace(s), "\n")
		for i, l := range lines {
			lines[i] = strings.TrimPrefix(l, "\t")
		}
		return strings.Join(lines, "\n")
	}
	if got, want := strings.TrimSpace(string(section[1])), dedent(string(body[1])); got != want {
		t.Fatalf("README's Go block differs from useFromGo's body; README:\n%s\n\nuseFromGo:\n%s", got, want)
	}
	if testing.Short() {
		t.Skip("training skipped in short mode")
	}
	b, err := labelcode.NewBlobs(50, 16, 1)
	if err != nil {
		t.Fatal(err)
	}
	train, err := b.Sample(32, 0.2)
	if err != nil {
		t.Fatal(err)
	}
	val, err := b.Sample(8, 0.2)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := useFromGo(context.Background(), train, val, dir); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"model.lm", "model.dsnc"} {
		m, err := infer.Load(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		correct := 0
		for i := range val.Len() {
			if l, err := m.Predict(val.Row(i)); err == nil && l == val.Y[i] {
				correct++
			}
		}
		if acc := float64(correct) / float64(val.Len()); acc < 0.8 {
			t.Errorf("%s: validation accuracy %.3f through infer, want >= 0.8 on separated classes", f, acc)
		}
	}
}
