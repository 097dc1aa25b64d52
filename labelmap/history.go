package labelmap

import (
	"fmt"
	"math"
	"strings"
	"time"
)

// History is the per-epoch record of a training run (MLP.History,
// MultiHead.History), in epoch order. It is a plain slice of Epoch:
// index, range and append it as one.
type History []Epoch

// Best returns the index of the epoch with the highest validation score
// (the first on ties), the epoch whose weights Fit keeps, or -1 when no
// epoch has a score (no validation data).
func (h History) Best() int {
	best, score := -1, math.Inf(-1)
	for i, e := range h {
		if e.Score > score {
			best, score = i, e.Score
		}
	}
	return best
}

// String formats the history as an aligned table, one line per epoch:
// epoch (from 0), mean minibatch loss, training accuracy, validation score
// ("-" without validation data) and wall time, the best epoch marked with
// '*'.
func (h History) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%5s %10s %8s %8s %9s", "epoch", "loss", "acc", "val", "time")
	best := h.Best()
	for i, e := range h {
		val := "-"
		if !math.IsNaN(e.Score) {
			val = fmt.Sprintf("%.4f", e.Score)
		}
		mark := ""
		if i == best {
			mark = " *"
		}
		fmt.Fprintf(&b, "\n%5d %10.4f %8.4f %8s %9s%s", e.Epoch, e.Loss, e.Accuracy, val, e.Duration.Round(time.Millisecond), mark)
	}
	return b.String()
}

// CSV returns the history as comma-separated values: a header line
// "epoch,loss,accuracy,score,seconds", then one line per epoch; a missing
// score is an empty field.
func (h History) CSV() string {
	var b strings.Builder
	b.WriteString("epoch,loss,accuracy,score,seconds\n")
	for _, e := range h {
		score := ""
		if !math.IsNaN(e.Score) {
			score = fmt.Sprint(e.Score)
		}
		fmt.Fprintf(&b, "%d,%g,%g,%s,%g\n", e.Epoch, e.Loss, e.Accuracy, score, e.Duration.Seconds())
	}
	return b.String()
}

// Series returns the history as plot-ready columns, one value per epoch:
// epoch numbers, mean losses, training accuracies and validation scores
// (NaN without validation data).
func (h History) Series() (epoch, loss, accuracy, score []float64) {
	for _, e := range h {
		epoch = append(epoch, float64(e.Epoch))
		loss = append(loss, e.Loss)
		accuracy = append(accuracy, e.Accuracy)
		score = append(score, e.Score)
	}
	return epoch, loss, accuracy, score
}
