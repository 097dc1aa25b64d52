package training

import (
	"fmt"
	"math"
	"time"

	"github.com/labelcode/labelcode/internal/svgplot"
)

// SVG draws the history as an SVG picture: the mean training loss per
// epoch (left panel) and the training accuracy (solid) and validation
// score (dashed, when the run validated) per epoch (right panel), the kept
// epoch marked by a dotted line. An ensemble's history draws one curve per
// trained site, in the site's colour. Epochs with non-finite values leave a
// gap; an empty history draws empty axes. gophernotes shows a value with
// an SVG method as this picture; a program can write it to a .svg file.
func (h *History) SVG() string {
	loss := svgplot.Panel{Title: "loss", X: epochAxis(), Y: svgplot.Axis{Label: "mean minibatch loss"}}
	acc := svgplot.Panel{Title: "accuracy", X: epochAxis(), Y: svgplot.Axis{Label: "accuracy", Min: 0, Max: 1}}
	title := "training history"
	if h != nil {
		type run struct {
			name string
			h    *History
		}
		var runs []run
		if len(h.Epochs) > 0 || len(h.Sites) == 0 {
			runs = append(runs, run{"", h})
		}
		for i, s := range h.Sites {
			if s != nil {
				runs = append(runs, run{fmt.Sprintf("site %d", i), s})
			}
		}
		for i, r := range runs {
			epoch, l, a, s := r.h.Series()
			color := svgplot.Palette[i%len(svgplot.Palette)]
			lossName, trainName, valName := "training loss", "training", "validation"
			if r.name != "" {
				lossName, trainName, valName = r.name, r.name+" training", r.name+" validation"
			}
			loss.Series = append(loss.Series, svgplot.Series{Name: lossName, X: epoch, Y: l, Color: color, Markers: len(epoch) < 30})
			trainColor, valColor := color, color
			if len(runs) == 1 {
				valColor = svgplot.Palette[1]
			}
			acc.Series = append(acc.Series, svgplot.Series{Name: trainName, X: epoch, Y: a, Color: trainColor, Markers: len(epoch) < 30})
			if validated(s) {
				acc.Series = append(acc.Series, svgplot.Series{Name: valName, X: epoch, Y: s, Color: valColor, Dashed: true, Markers: len(epoch) < 30})
			}
			if len(runs) == 1 && r.h.Best >= 1 && r.h.Best <= len(r.h.Epochs) {
				mark := svgplot.Mark{X: float64(r.h.Best), Label: fmt.Sprintf("kept: epoch %d", r.h.Best)}
				loss.Marks, acc.Marks = append(loss.Marks, mark), append(acc.Marks, mark)
			}
		}
		title = fmt.Sprintf("training history: %d params, %s", h.Params, h.Duration.Round(durationRounding(h.Duration)))
		if len(h.Epochs) > 0 && h.Best >= 1 {
			title += fmt.Sprintf(", best epoch %d", h.Best)
		} else if len(runs) > 0 && runs[0].name != "" {
			bests := ""
			for _, r := range runs {
				bests += fmt.Sprintf(" %d", r.h.Best)
			}
			title += ", best epochs" + bests
		}
	}
	return svgplot.Chart{Title: title, Panels: []svgplot.Panel{loss, acc}}.SVG()
}

func epochAxis() svgplot.Axis { return svgplot.Axis{Label: "epoch", Integer: true} }

// validated reports whether some score is a number.
func validated(scores []float64) bool {
	for _, s := range scores {
		if !math.IsNaN(s) {
			return true
		}
	}
	return false
}

// durationRounding is the precision of a duration in a title: ms below a
// second, tenths of a second above.
func durationRounding(d time.Duration) time.Duration {
	if d < time.Second {
		return time.Millisecond
	}
	return 100 * time.Millisecond
}
