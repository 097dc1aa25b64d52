package main

import (
	"fmt"
	"io"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/labelcode/labelcode/training"
)

// progress shows training progress on stderr: a bar redrawn in place on a
// terminal, else one line per epoch (per site). It is safe for concurrent
// use (an ensemble's sites train concurrently).
type progress struct {
	mu        sync.Mutex
	w         io.Writer
	quiet     bool
	bar       bool
	showSites bool
	sites     int
	epochs    int
	selected  int // the one site trained, or -1
	state     []siteState
	lastDraw  time.Time
	drawn     bool
}

type siteState struct {
	epoch, batch, batches int
	epochStart            time.Time
	loss                  float64
}

func newProgress(e *env, quiet bool, sites, epochs int, showSites bool) *progress {
	p := &progress{w: e.stderr, quiet: quiet, bar: e.terminal, showSites: showSites, sites: sites, epochs: epochs,
		selected: -1, state: make([]siteState, sites)}
	now := time.Now()
	for i := range p.state {
		p.state[i].epochStart = now
	}
	return p
}

// only says that just this site trains (train-site).
func (p *progress) only(site int) { p.selected = site }

func (p *progress) report(pr training.Progress) {
	if p.quiet {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if pr.Site < 0 || pr.Site >= len(p.state) {
		return
	}
	s := &p.state[pr.Site]
	s.epoch, s.batch, s.batches, s.loss = pr.Epoch, pr.Batch, pr.Batches, pr.Loss
	if pr.Epochs > 0 {
		p.epochs = pr.Epochs
	}
	now := time.Now()
	if pr.EpochDone {
		took := now.Sub(s.epochStart)
		s.epochStart = now
		if !p.bar {
			var b strings.Builder
			if p.showSites {
				fmt.Fprintf(&b, "site %d ", pr.Site)
			}
			fmt.Fprintf(&b, "epoch %d/%d: loss %.4f, accuracy %.4f", pr.Epoch, pr.Epochs, pr.Loss, pr.Accuracy)
			if !math.IsNaN(pr.Score) {
				fmt.Fprintf(&b, ", validation %.4f", pr.Score)
			}
			fmt.Fprintf(&b, " (%s)\n", roundDuration(took))
			io.WriteString(p.w, b.String())
			return
		}
	}
	if p.bar && (pr.EpochDone || now.Sub(p.lastDraw) >= 100*time.Millisecond) {
		p.lastDraw = now
		p.draw()
	}
}

// draw redraws the bar: the fraction of all epochs of all sites done.
func (p *progress) draw() {
	var done, total float64
	active := 0
	for i, s := range p.state {
		if p.selected >= 0 && i != p.selected {
			continue
		}
		total += float64(p.epochs)
		if s.epoch > 0 {
			f := float64(s.epoch - 1)
			if s.batches > 0 {
				f += float64(s.batch) / float64(s.batches)
			}
			done += f
			active++
		}
	}
	if total == 0 {
		return
	}
	frac := min(done/total, 1)
	const width = 30
	n := int(frac * width)
	bar := strings.Repeat("=", n) + strings.Repeat(" ", width-n)
	var b strings.Builder
	fmt.Fprintf(&b, "\r[%s] %3.0f%%", bar, 100*frac)
	if p.selected >= 0 {
		s := p.state[p.selected]
		fmt.Fprintf(&b, " site %d epoch %d/%d loss %.4f", p.selected, s.epoch, p.epochs, s.loss)
	} else if p.sites > 1 && p.sites <= 8 {
		b.WriteString(" epochs")
		for i, s := range p.state {
			sep := ","
			if i == 0 {
				sep = " "
			}
			fmt.Fprintf(&b, "%s%d", sep, s.epoch)
		}
		fmt.Fprintf(&b, " of %d", p.epochs)
	} else if p.sites > 1 {
		fmt.Fprintf(&b, " %d sites, %d started", p.sites, active)
	} else {
		s := p.state[0]
		fmt.Fprintf(&b, " epoch %d/%d loss %.4f", s.epoch, p.epochs, s.loss)
	}
	b.WriteString("\x1b[K")
	io.WriteString(p.w, b.String())
	p.drawn = true
}

// done ends the bar's line.
func (p *progress) done() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.drawn {
		io.WriteString(p.w, "\r\x1b[K")
		p.drawn = false
	}
}
