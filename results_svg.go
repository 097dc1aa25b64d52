package labelcode

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/labelcode/labelcode/internal/svgplot"
)

// SVG draws the table as an SVG picture of the accuracy–latency trade-off:
// one labelled point per model, its test accuracy against its mean
// latency per example on a logarithmic axis. Rows without a test accuracy
// (NaN) or a latency (0) are left out of the picture and named under it.
// gophernotes shows a value with an SVG method as this picture (a Results
// also has Markdown, which notebooks prefer: show the picture with
// display.SVG(rs.SVG())); a program can write it to a .svg file.
func (rs Results) SVG() string {
	p := svgplot.Panel{
		X: svgplot.Axis{Label: "latency per example (log scale)", Log: true, Pad: true, Format: latencyTick},
		Y: svgplot.Axis{Label: "test accuracy", Pad: true},
	}
	var missing []string
	for i, r := range rs {
		name := r.Model
		if name == "" {
			name = fmt.Sprintf("row %d", i+1)
		}
		if math.IsNaN(r.TestAcc) || math.IsInf(r.TestAcc, 0) || r.Latency <= 0 {
			missing = append(missing, name)
			continue
		}
		p.Series = append(p.Series, svgplot.Series{
			X: []float64{r.Latency.Seconds()}, Y: []float64{r.TestAcc},
			NoLine: true, Labels: []string{name},
		})
	}
	if len(missing) > 0 {
		p.Title = "not measured: " + strings.Join(missing, ", ")
	}
	return svgplot.Chart{Title: "test accuracy against latency", Width: 640, Height: 360, Panels: []svgplot.Panel{p}}.SVG()
}

// latencyTick writes a tick of the latency axis (seconds) as a duration.
func latencyTick(s float64) string {
	d := time.Duration(math.Round(s * 1e9))
	switch {
	case s >= 1:
		return strconv.FormatFloat(s, 'g', 3, 64) + "s"
	case d >= time.Millisecond:
		return strconv.FormatFloat(s*1e3, 'g', 3, 64) + "ms"
	case d >= time.Microsecond:
		return strconv.FormatFloat(s*1e6, 'g', 3, 64) + "µs"
	default:
		return strconv.FormatFloat(s*1e9, 'g', 3, 64) + "ns"
	}
}
