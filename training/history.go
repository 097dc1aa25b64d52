package training

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/labelcode/labelcode"
)

// Why a training run ended (History.Stopped).
const (
	// StopEpochs: every epoch asked for ran.
	StopEpochs = "epochs"
	// StopEarly: the validation score did not improve for Patience epochs.
	StopEarly = "early stopping"
	// StopCancelled: the context was cancelled.
	StopCancelled = "cancelled"
)

// Epoch is one line of a History.
type Epoch struct {
	// Epoch counts from 1.
	Epoch int
	// Loss is the mean minibatch loss (summed over heads or sites trained
	// together); Accuracy the mean training accuracy of the minibatches
	// (mean over heads; DSNC: of the sampled codes).
	Loss, Accuracy float64
	// Score is the validation score after the epoch (accuracy, or the
	// model's own score such as decoded-label accuracy); NaN without
	// validation data.
	Score float64
	// Beta and Gamma are the weights of DSNC's intra/inter-class
	// regulariser during the epoch (eq. 7–8); 0 for models without one.
	Beta, Gamma float64
	// Codes is, for DSNC, the number of distinct threshold codes the
	// encoder gives the training rows after the epoch (up to 4,096 rows,
	// spread over the set): a code collapsing to a few values shows here
	// while training. 0 for models without codes.
	Codes int
	// Duration is the wall time of the epoch, validation included.
	Duration time.Duration
}

// History is the record of a training run: what Fit returns for every
// model of this module.
type History struct {
	// Epochs holds one line per epoch run, in order. It is empty for a
	// Label Mapping ensemble, whose sites train separately: see Sites.
	Epochs []Epoch
	// Best is the epoch (counting from 1) whose weights the model keeps:
	// the best validation score (first on ties), or the last epoch without
	// validation data; 0 means the initial weights (no epoch finished).
	Best int
	// Stopped says why training ended: StopEpochs, StopEarly or
	// StopCancelled.
	Stopped string
	// Params is the number of trained parameters (weights and biases).
	Params int
	// Duration is the wall time of the whole run.
	Duration time.Duration
	// Sites holds, for a Label Mapping ensemble, the history of each site
	// trained by this run, in site order (nil for a site not trained).
	Sites []*History
}

// Fill sets the measured training figures of a results row: Params,
// Epochs (the epochs run; for an ensemble, the most any site ran),
// TrainTime (Duration) and, when the run validated, "best epoch N" (an
// ensemble: the sites' best epochs) appended to Note. The accuracies and
// the latency are Result.Measure's.
func (h *History) Fill(r *labelcode.Result) {
	if h == nil {
		return
	}
	r.Params, r.TrainTime, r.Epochs = h.Params, h.Duration, len(h.Epochs)
	validated := func(h *History) bool { return len(h.Epochs) > 0 && !math.IsNaN(h.Epochs[0].Score) }
	var note string
	switch {
	case len(h.Sites) > 0:
		var bests []string
		any := false
		for _, s := range h.Sites {
			if s == nil {
				continue
			}
			r.Epochs = max(r.Epochs, len(s.Epochs))
			bests = append(bests, fmt.Sprint(s.Best))
			any = any || validated(s)
		}
		if any {
			note = "best epoch " + strings.Join(bests, " ")
		}
	case validated(h):
		note = fmt.Sprintf("best epoch %d", h.Best)
	}
	if note != "" {
		if r.Note != "" {
			r.Note += "; "
		}
		r.Note += note
	}
}

// BestEpoch returns the line of the kept epoch and true, or a zero Epoch
// and false when Best is 0 or out of range.
func (h *History) BestEpoch() (Epoch, bool) {
	if h == nil || h.Best < 1 || h.Best > len(h.Epochs) {
		return Epoch{}, false
	}
	return h.Epochs[h.Best-1], true
}

// String formats the history as an aligned table, one line per epoch, the
// kept epoch marked with '*', then a summary line; an ensemble's history
// is its sites' tables in turn.
func (h *History) String() string {
	var b strings.Builder
	h.write(&b, "")
	return strings.TrimRight(b.String(), "\n")
}

func (h *History) write(b *strings.Builder, indent string) {
	if h == nil {
		return
	}
	if len(h.Epochs) > 0 {
		codes := slices.ContainsFunc(h.Epochs, func(e Epoch) bool { return e.Codes > 0 })
		codesHead := ""
		if codes {
			codesHead = fmt.Sprintf(" %7s", "codes")
		}
		fmt.Fprintf(b, "%s%5s %10s %8s %8s%s %9s\n", indent, "epoch", "loss", "acc", "val", codesHead, "time")
		for _, e := range h.Epochs {
			val := "-"
			if !math.IsNaN(e.Score) {
				val = fmt.Sprintf("%.4f", e.Score)
			}
			mark := ""
			if e.Epoch == h.Best {
				mark = " *"
			}
			codeCell := ""
			if codes {
				codeCell = fmt.Sprintf(" %7d", e.Codes)
			}
			fmt.Fprintf(b, "%s%5d %10.4f %8.4f %8s%s %9s%s\n", indent, e.Epoch, e.Loss, e.Accuracy, val, codeCell, e.Duration.Round(time.Millisecond), mark)
		}
	}
	for i, s := range h.Sites {
		if s != nil {
			fmt.Fprintf(b, "%ssite %d:\n", indent, i)
			s.write(b, indent+"  ")
		}
	}
	fmt.Fprintf(b, "%s%d params, %s; ", indent, h.Params, h.Duration.Round(time.Millisecond))
	if len(h.Epochs) > 0 {
		fmt.Fprintf(b, "best epoch %d; ", h.Best)
	}
	fmt.Fprintf(b, "stopped: %s\n", h.Stopped)
}

// CSV returns the epochs as comma-separated values with the header
// "site,epoch,loss,accuracy,score,beta,gamma,seconds,codes"; site is empty for a
// single model and the site index for an ensemble's sites; a missing
// score is an empty field.
func (h *History) CSV() string {
	var b strings.Builder
	b.WriteString("site,epoch,loss,accuracy,score,beta,gamma,seconds,codes\n")
	rows := func(site string, h *History) {
		for _, e := range h.Epochs {
			score := ""
			if !math.IsNaN(e.Score) {
				score = fmt.Sprint(e.Score)
			}
			fmt.Fprintf(&b, "%s,%d,%g,%g,%s,%g,%g,%g,%d\n", site, e.Epoch, e.Loss, e.Accuracy, score, e.Beta, e.Gamma, e.Duration.Seconds(), e.Codes)
		}
	}
	if h == nil {
		return b.String()
	}
	rows("", h)
	for i, s := range h.Sites {
		if s != nil {
			rows(fmt.Sprint(i), s)
		}
	}
	return b.String()
}

// Series returns the epochs as plot-ready columns, one value per epoch:
// epoch numbers, mean losses, training accuracies and validation scores
// (NaN without validation data).
func (h *History) Series() (epoch, loss, accuracy, score []float64) {
	if h == nil {
		return nil, nil, nil, nil
	}
	for _, e := range h.Epochs {
		epoch = append(epoch, float64(e.Epoch))
		loss = append(loss, e.Loss)
		accuracy = append(accuracy, e.Accuracy)
		score = append(score, e.Score)
	}
	return epoch, loss, accuracy, score
}

// Progress is what Run reports, through Config.Progress, after every
// minibatch and at the end of every epoch.
type Progress struct {
	// Site is the Label Mapping site being trained (0 for a model trained
	// as a whole).
	Site int
	// Epoch counts from 1; Epochs is the maximum.
	Epoch, Epochs int
	// Batch counts from 1 within the epoch; Batches per epoch.
	Batch, Batches int
	// Loss and Accuracy are the running means over the epoch's batches so
	// far (the epoch's means on the end-of-epoch report).
	Loss, Accuracy float64
	// EpochDone marks the report at the end of an epoch, which also
	// carries the validation score (NaN without validation data; NaN on
	// the other reports).
	EpochDone bool
	Score     float64
}
