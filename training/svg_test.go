package training_test

import (
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/labelcode/labelcode/internal/svgplot"
	"github.com/labelcode/labelcode/training"
)

// svgTexts checks that svg is a drawable picture (svgplot.Texts) and
// returns the texts of its <text> elements.
func svgTexts(t *testing.T, svg string) []string {
	t.Helper()
	texts, err := svgplot.Texts(svg)
	require.NoError(t, err, svg)
	return texts
}

func TestHistorySVG(t *testing.T) {
	h := &training.History{Epochs: []training.Epoch{
		{Epoch: 1, Loss: 2.5, Accuracy: 0.25, Score: 0.5},
		{Epoch: 2, Loss: 1.25, Accuracy: 0.5, Score: 0.75},
		{Epoch: 3, Loss: 1, Accuracy: 0.625, Score: 0.75},
	}, Best: 2, Stopped: training.StopEpochs, Params: 42, Duration: 1500 * time.Millisecond}
	texts := svgTexts(t, h.SVG())
	for _, want := range []string{"training history: 42 params, 1.5s, best epoch 2", "loss", "accuracy", "epoch",
		"training loss", "training", "validation", "kept: epoch 2"} {
		require.Contains(t, texts, want)
	}

	noVal := &training.History{Epochs: []training.Epoch{{Epoch: 1, Loss: 1, Score: math.NaN()}}, Best: 1}
	texts = svgTexts(t, noVal.SVG())
	require.NotContains(t, texts, "validation", "a run without validation draws no validation curve")

	ens := &training.History{Sites: []*training.History{noVal, nil, h}, Params: 50}
	texts = svgTexts(t, ens.SVG())
	for _, want := range []string{"training history: 50 params, 0s, best epochs 1 2", "site 0", "site 2", "site 0 training", "site 2 training", "site 2 validation"} {
		require.Contains(t, texts, want)
	}
	require.NotContains(t, texts, "site 1")
}

func TestHistorySVGDegenerate(t *testing.T) {
	nan := math.NaN()
	for name, h := range map[string]*training.History{
		"nil":       nil,
		"empty":     {},
		"one epoch": {Epochs: []training.Epoch{{Epoch: 1, Loss: 3, Accuracy: 0.1, Score: 0.2}}, Best: 1},
		"NaN loss":  {Epochs: []training.Epoch{{Epoch: 1, Loss: nan, Accuracy: nan, Score: nan}, {Epoch: 2, Loss: math.Inf(1), Accuracy: 0.5, Score: nan}}},
		"bad best":  {Epochs: []training.Epoch{{Epoch: 1, Loss: 1}}, Best: 7},
		"nil sites": {Sites: []*training.History{nil, nil}},
	} {
		t.Run(name, func(t *testing.T) {
			texts := svgTexts(t, h.SVG())
			require.Contains(t, texts, "epoch")
		})
	}
	texts := svgTexts(t, (&training.History{}).SVG())
	require.Contains(t, texts, "no data")
}

// A history draws its loss and accuracy curves; gophernotes shows the
// picture, a program writes it to a file.
func ExampleHistory_SVG() {
	h := &training.History{Params: 1000, Best: 3, Stopped: training.StopEpochs}
	for e := 1; e <= 4; e++ {
		h.Epochs = append(h.Epochs, training.Epoch{Epoch: e, Loss: 2 / float64(e), Accuracy: 0.2 * float64(e), Score: 0.18 * float64(e)})
	}
	svg := h.SVG() // e.g. os.WriteFile("history.svg", []byte(svg), 0o644)
	fmt.Println(strings.HasPrefix(svg, "<svg "), strings.Contains(svg, ">kept: epoch 3</text>"))
	// Output: true true
}
