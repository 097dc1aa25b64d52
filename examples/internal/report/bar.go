package report

import (
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/labelcode/labelcode/training"
)

// Bar is a progress bar for long work: a label, a count of steps done out of
// a total, elapsed time, an estimate of the time left and a status text
// (for example the last epoch's loss). It is safe for concurrent use, so the
// sites of a labelmap.Ensemble training at once may all report to one Bar.
//
// On a terminal the bar redraws one line in place at most every 100 ms; on
// anything else (a file, a pipe) it writes a plain line at most every 30
// seconds, so logs of long runs stay short. A nil *Bar ignores every call,
// which lets a program turn progress off by passing nil.
type Bar struct {
	mu       sync.Mutex
	w        io.Writer
	tty      bool
	label    string
	total    int
	done     int
	status   string
	start    time.Time
	drawn    time.Time
	finished bool
	networks int // a training bar's networks (NewTrainingBar)
}

// NewBar returns a bar writing to w (normally os.Stderr) for total steps.
// A total of 0 or less shows a count without a fraction.
func NewBar(w io.Writer, label string, total int) *Bar {
	b := &Bar{w: w, label: label, total: total, start: time.Now()}
	if f, ok := w.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			b.tty = true
		}
	}
	return b
}

// Add advances the bar by n steps and redraws it if enough time has passed.
func (b *Bar) Add(n int) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.done += n
	b.maybeDraw()
}

// SetStatus sets the text shown after the counts, e.g. "epoch 3 loss 5.12".
func (b *Bar) SetStatus(s string) {
	if b == nil {
		return
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	b.status = s
	b.maybeDraw()
}

// Finish draws the bar a last time as complete, ends its line and returns
// the time since NewBar. Later calls to Add and SetStatus are ignored.
func (b *Bar) Finish() time.Duration {
	if b == nil {
		return 0
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	el := time.Since(b.start)
	if b.finished {
		return el
	}
	if b.total > 0 {
		b.done = b.total
	}
	b.finished = true
	b.draw(true)
	return el
}

func (b *Bar) maybeDraw() {
	if b.finished {
		return
	}
	every := 30 * time.Second
	if b.tty {
		every = 100 * time.Millisecond
	}
	if time.Since(b.drawn) >= every {
		b.draw(false)
	}
}

// draw writes the bar; the caller holds b.mu.
func (b *Bar) draw(final bool) {
	now := time.Now()
	b.drawn = now
	el := now.Sub(b.start)
	var s strings.Builder
	s.WriteString(b.label)
	if b.total > 0 {
		f := math.Min(1, float64(b.done)/float64(b.total))
		const width = 24
		full := int(f * width)
		fmt.Fprintf(&s, " [%s%s] %3.0f%%", strings.Repeat("#", full), strings.Repeat(".", width-full), 100*f)
		fmt.Fprintf(&s, " %s", Dur(el))
		if !final && f > 0.01 {
			left := time.Duration(float64(el) * (1 - f) / f)
			fmt.Fprintf(&s, " (~%s left)", Dur(left))
		}
	} else {
		fmt.Fprintf(&s, " %d %s", b.done, Dur(el))
	}
	if b.status != "" {
		s.WriteString("  ")
		s.WriteString(b.status)
	}
	line := s.String()
	switch {
	case b.tty && final:
		fmt.Fprintf(b.w, "\r%s\x1b[K\n", line)
	case b.tty:
		fmt.Fprintf(b.w, "\r%s\x1b[K", line)
	default:
		fmt.Fprintln(b.w, line)
	}
}

// NewTrainingBar returns a bar for training networks models (the sites
// of a labelmap Ensemble, 1 for any other model) through Progress, with
// label padded to a column; its total, networks × epochs × minibatches per
// epoch, is set by the first report. It returns nil, a bar that ignores
// every call, when w is nil: the programs' -quiet.
func NewTrainingBar(w io.Writer, label string, networks int) *Bar {
	if w == nil {
		return nil
	}
	b := NewBar(w, fmt.Sprintf("%-28s", label), 0)
	b.networks = networks
	return b
}

// Progress returns a function for the WithProgress option of labelmap and
// dsnc models that advances b by one step per minibatch and shows, after
// each epoch's validation, the epoch, its mean loss and the validation
// score (of the site that reported last, for an Ensemble). Training that
// stops early leaves the bar short of its total until Finish. A training
// loop of one's own can report to it too (examples/customloop).
func (b *Bar) Progress() func(training.Progress) {
	return func(p training.Progress) {
		if b != nil && b.networks > 0 {
			b.mu.Lock()
			if b.total <= 0 {
				b.total = b.networks * p.Epochs * p.Batches
			}
			b.mu.Unlock()
		}
		if !p.EpochDone {
			b.Add(1)
			return
		}
		st := fmt.Sprintf("epoch %d/%d loss %.3f", p.Epoch, p.Epochs, p.Loss)
		if !math.IsNaN(p.Score) {
			st += fmt.Sprintf(" val %.4f", p.Score)
		}
		b.SetStatus(st)
	}
}
