package svgplot

import (
	"math"
	"testing"
)

// wellFormed checks svg with Texts and returns the texts of its <text>
// elements.
func wellFormed(t *testing.T, svg string) []string {
	t.Helper()
	texts, err := Texts(svg)
	if err != nil {
		t.Fatalf("%v\n%s", err, svg)
	}
	return texts
}

func has(texts []string, s string) bool {
	for _, t := range texts {
		if t == s {
			return true
		}
	}
	return false
}

func TestChartLabels(t *testing.T) {
	c := Chart{Title: "a <title> & more", Panels: []Panel{{
		Title: "loss",
		X:     Axis{Label: "epoch", Integer: true},
		Y:     Axis{Label: "loss"},
		Series: []Series{
			{Name: "train", X: []float64{1, 2, 3}, Y: []float64{3, 2, 1.5}, Markers: true},
			{Name: "val", X: []float64{1, 2, 3}, Y: []float64{3.5, math.NaN(), 2}, Dashed: true},
		},
		Marks: []Mark{{X: 2, Label: "kept"}},
	}}}
	texts := wellFormed(t, c.SVG())
	for _, want := range []string{"a <title> & more", "loss", "epoch", "train", "val", "kept", "1", "2", "3"} {
		if !has(texts, want) {
			t.Errorf("no text %q in %q", want, texts)
		}
	}
}

func TestLogAxisTicks(t *testing.T) {
	c := Chart{Panels: []Panel{{
		X:      Axis{Label: "latency", Log: true, Format: func(v float64) string { return formatNumber(v) + "s" }},
		Y:      Axis{Label: "accuracy"},
		Series: []Series{{X: []float64{2e-6, 3e-5, 0, -1}, Y: []float64{0.8, 0.9, 0.5, 0.5}, NoLine: true, Labels: []string{"a", "b", "zero", "negative"}}},
	}}}
	texts := wellFormed(t, c.SVG())
	for _, want := range []string{"1e-06s", "1e-05s", "0.0001s", "a", "b"} {
		if !has(texts, want) {
			t.Errorf("no text %q in %q", want, texts)
		}
	}
	if has(texts, "zero") || has(texts, "negative") {
		t.Errorf("points <= 0 drawn on a log axis: %q", texts)
	}
	if got := logTicks(0, 1); len(got) != 4 { // 1 2 5 10
		t.Errorf("logTicks(0, 1) = %v", got)
	}
}

func TestDegenerateInputs(t *testing.T) {
	nan, inf := math.NaN(), math.Inf(1)
	cases := map[string]Chart{
		"no panels":    {},
		"empty panel":  {Title: "t", Panels: []Panel{{}}},
		"one point":    {Panels: []Panel{{Series: []Series{{Name: "p", X: []float64{1}, Y: []float64{1}}}}}},
		"one log":      {Panels: []Panel{{X: Axis{Log: true}, Series: []Series{{X: []float64{1e-6}, Y: []float64{0.5}, NoLine: true}}}}},
		"all NaN":      {Panels: []Panel{{Series: []Series{{Name: "n", X: []float64{nan, 1}, Y: []float64{1, nan}}}}}},
		"infinities":   {Panels: []Panel{{X: Axis{Log: true}, Series: []Series{{X: []float64{inf, -inf, 1}, Y: []float64{inf, 1, -inf}}}}}},
		"huge range":   {Panels: []Panel{{Series: []Series{{X: []float64{-math.MaxFloat64, math.MaxFloat64}, Y: []float64{1e-300, 1e300}}}}}},
		"huge log":     {Panels: []Panel{{X: Axis{Log: true}, Series: []Series{{X: []float64{1e-300, 1e300}, Y: []float64{0, 1}}}}}},
		"bad range":    {Panels: []Panel{{Y: Axis{Min: 1, Max: 0}, X: Axis{Min: nan, Max: 1}}}},
		"mismatched":   {Panels: []Panel{{Series: []Series{{X: []float64{1, 2, 3}, Y: []float64{1}, Labels: []string{"a", "b", "c", "d"}}}}}},
		"control char": {Title: "a\x00b\x1bc\xff", Panels: []Panel{{}}},
		"many series":  {Panels: []Panel{{Series: make([]Series, 20)}}},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			wellFormed(t, c.SVG())
		})
	}
	texts := wellFormed(t, cases["empty panel"].SVG())
	if !has(texts, "no data") {
		t.Errorf("an empty panel does not say so: %q", texts)
	}
}

func TestNiceStep(t *testing.T) {
	for x, want := range map[float64]float64{0.12: 0.1, 0.3: 0.2, 0.6: 0.5, 0.9: 1, 2.2: 2, 45: 50, 0: 1, -3: 1} {
		if got := niceStep(x); math.Abs(got-want) > 1e-12 {
			t.Errorf("niceStep(%v) = %v, want %v", x, got, want)
		}
	}
}

func TestTextsRefuses(t *testing.T) {
	for name, svg := range map[string]string{
		"not XML":  "<svg><text>a</svg>",
		"root":     "<html><text>a</text></html>",
		"NaN":      `<svg><line x1="NaN"/></svg>`,
		"infinite": `<svg><line x1="+Inf"/></svg>`,
	} {
		if _, err := Texts(svg); err == nil {
			t.Errorf("%s: Texts accepted %q", name, svg)
		}
	}
	texts, err := Texts(`<svg><text>a</text><g><text>b &amp; c</text></g></svg>`)
	if err != nil || len(texts) != 2 || texts[1] != "b & c" {
		t.Errorf("Texts = %q, %v", texts, err)
	}
}
