package svgplot_test

import (
	"fmt"
	"strings"

	"github.com/labelcode/labelcode/internal/svgplot"
)

// A line chart of two series with a legend, and a scatter of labelled
// points on a log-scale x axis, side by side.
func ExampleChart() {
	c := svgplot.Chart{
		Title: "example",
		Panels: []svgplot.Panel{
			{
				Title: "loss",
				X:     svgplot.Axis{Label: "epoch", Integer: true},
				Y:     svgplot.Axis{Label: "loss"},
				Series: []svgplot.Series{
					{Name: "training", X: []float64{1, 2, 3}, Y: []float64{2, 1.2, 0.9}, Markers: true},
					{Name: "validation", X: []float64{1, 2, 3}, Y: []float64{2.2, 1.5, 1.3}, Dashed: true},
				},
			},
			{
				Title: "trade-off",
				X:     svgplot.Axis{Label: "seconds", Log: true},
				Y:     svgplot.Axis{Label: "accuracy", Min: 0, Max: 1},
				Series: []svgplot.Series{
					{X: []float64{2e-6}, Y: []float64{0.87}, NoLine: true, Labels: []string{"fast"}},
					{X: []float64{8e-5}, Y: []float64{0.93}, NoLine: true, Labels: []string{"accurate"}},
				},
			},
		},
	}
	svg := c.SVG()
	fmt.Println(strings.HasPrefix(svg, "<svg "), strings.Contains(svg, ">validation</text>"), strings.Contains(svg, ">accurate</text>"))
	// Output: true true true
}
