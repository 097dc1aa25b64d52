package main

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/labelcode/labelcode/infer"
)

// TestRun trains both models at a tiny size and checks that the files it
// saves load through infer (the serving package) and classify the test
// rows well above chance.
func TestRun(t *testing.T) {
	c := config{outDir: t.TempDir(), classes: 60, features: 8, perClass: 20, noise: 0.1,
		sites: 3, hidden: 32, bits: 16, epochs: 20, lr: 0.01, seed: 1}
	var out bytes.Buffer
	if err := run(context.Background(), c, &out); err != nil {
		t.Fatal(err)
	}
	t.Log("\n" + out.String())
	if n := strings.Count(out.String(), "test accuracy"); n != 2 {
		t.Errorf("%d accuracies printed, want 2", n)
	}
	_, test, err := clusters(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"lm.model", "dsnc.model"} {
		m, err := infer.Load(filepath.Join(c.outDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if m.Features() != c.features || m.Classes() != c.classes {
			t.Errorf("%s: %d features, %d classes; want %d, %d", name, m.Features(), m.Classes(), c.features, c.classes)
		}
		labels, err := m.PredictBatch(test.X, test.Len(), nil)
		if err != nil {
			t.Fatal(err)
		}
		right := 0
		for i, l := range labels {
			if l == test.Y[i] {
				right++
			}
		}
		// Chance is 1/60; clusters this far apart are easy. The file
		// predicts through infer as the trained model did.
		acc := float64(right) / float64(len(labels))
		if acc < 0.5 {
			t.Errorf("%s through infer: accuracy %.3f, want >= 0.5", name, acc)
		}
		if printed := fmt.Sprintf("test accuracy %.3f", acc); !strings.Contains(out.String(), printed) {
			t.Errorf("%s through infer: %s, not printed by run", name, printed)
		}
	}
}
