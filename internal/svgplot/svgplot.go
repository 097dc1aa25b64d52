// Package svgplot draws small line charts and scatter plots as SVG text,
// with the standard library only: what the SVG methods of training.History
// and labelcode.Results return, so that a notebook kernel that cannot
// import a plotting library (gophernotes) still shows a picture.
//
// A Chart is one or more Panels side by side, each with its own axes
// (linear or log-scale, with "nice" ticks and labels), series of lines
// and/or labelled points, and a legend under the panel. Non-finite values
// are left out (a line breaks there); a panel without data draws its axes
// and says "no data". The output is well-formed XML for any input.
package svgplot

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Palette is the colour cycle of the series (Okabe–Ito, distinguishable
// with the common colour-vision deficiencies).
var Palette = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"}

// Series is one line or set of points of a Panel.
type Series struct {
	// Name is the series' legend entry; empty leaves it out of the legend.
	Name string
	// X and Y are the points, in order; the shorter length counts.
	// Non-finite values (and values <= 0 on a log axis) are left out.
	X, Y []float64
	// Color is an SVG colour; empty takes the palette's next one.
	Color string
	// Dashed draws the line dashed.
	Dashed bool
	// NoLine leaves the points unconnected; Markers draws a dot at each
	// point (always drawn when NoLine is set).
	NoLine, Markers bool
	// Labels, if not nil, writes Labels[i] next to point i.
	Labels []string
}

// Axis describes one axis of a Panel.
type Axis struct {
	// Label is written along the axis.
	Label string
	// Log makes the axis logarithmic (base 10); values <= 0 are left out.
	Log bool
	// Min and Max fix the range when Min < Max (both finite); otherwise
	// the range is that of the data, widened to nice tick values.
	Min, Max float64
	// Integer ticks only (e.g. epochs).
	Integer bool
	// Pad widens a range taken from the data by 5% on each side before it
	// is rounded to ticks, so that no point sits on the frame.
	Pad bool
	// Format writes a tick value; nil uses a short decimal form.
	Format func(float64) string
}

// Mark is a vertical line across a panel at X, labelled (e.g. the kept
// epoch of a training run).
type Mark struct {
	X     float64
	Label string
}

// Panel is one plot: axes, series and optional vertical marks.
type Panel struct {
	Title  string
	X, Y   Axis
	Series []Series
	Marks  []Mark
}

// Chart is a picture of one or more panels side by side under a title.
type Chart struct {
	Title string
	// Width and Height are those of one panel in pixels; 0 means 380×280.
	Width, Height int
	Panels        []Panel
}

// layout constants, in pixels.
const (
	marginLeft   = 62
	marginRight  = 16
	marginTop    = 26
	marginBottom = 42
	titleHeight  = 28
	legendLine   = 18
	fontSize     = 12
	charWidth    = 6.6 // an estimate of the mean width of a character at fontSize
)

// SVG returns the chart as a standalone SVG document.
func (c Chart) SVG() string {
	w, h := c.Width, c.Height
	if w <= 0 {
		w = 380
	}
	if h <= 0 {
		h = 280
	}
	// Legends go under the panels; every panel gets the height of the tallest.
	legendRows := 0
	for _, p := range c.Panels {
		legendRows = max(legendRows, len(legendLines(p, float64(w-marginLeft-marginRight))))
	}
	top := 0
	if c.Title != "" {
		top = titleHeight
	}
	panels := max(len(c.Panels), 1)
	totalW := w * panels
	totalH := top + h + legendRows*legendLine + 6
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="%d">`+"\n",
		totalW, totalH, totalW, totalH, fontSize)
	fmt.Fprintf(&b, `<rect x="0" y="0" width="%d" height="%d" fill="#ffffff"/>`+"\n", totalW, totalH)
	if c.Title != "" {
		fmt.Fprintf(&b, `<text x="%d" y="19" text-anchor="middle" font-size="15" font-weight="bold">%s</text>`+"\n", totalW/2, esc(c.Title))
	}
	if len(c.Panels) == 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" fill="#666666">no data</text>`+"\n", totalW/2, top+h/2)
	}
	for i, p := range c.Panels {
		p.draw(&b, float64(i*w), float64(top), float64(w), float64(h))
	}
	b.WriteString("</svg>\n")
	return b.String()
}

// scale maps data values of one axis to pixels.
type scale struct {
	log        bool
	lo, hi     float64 // data range (log10 of it on a log axis)
	from, to   float64 // pixel range
	ticks      []float64
	format     func(float64) string
	hasData    bool
	fixedRange bool
}

func (s *scale) ok(v float64) bool {
	return !math.IsNaN(v) && !math.IsInf(v, 0) && (!s.log || v > 0)
}

func (s *scale) pos(v float64) float64 {
	if s.log {
		v = math.Log10(v)
	}
	return s.from + (v-s.lo)/(s.hi-s.lo)*(s.to-s.from)
}

// newScale fits an axis to values.
func newScale(a Axis, values []float64, from, to float64) *scale {
	s := &scale{log: a.Log, from: from, to: to, format: a.Format}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range values {
		if s.ok(v) {
			s.hasData = true
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if a.Min < a.Max && s.ok(a.Min) && s.ok(a.Max) {
		lo, hi, s.fixedRange = a.Min, a.Max, true
	}
	if s.log {
		if math.IsInf(lo, 0) {
			lo, hi = 1, 10
		}
		s.lo, s.hi = math.Log10(lo), math.Log10(hi)
		if a.Pad && !s.fixedRange {
			d := math.Max(0.05*(s.hi-s.lo), 0.05)
			s.lo, s.hi = s.lo-d, s.hi+d
		}
		if !s.fixedRange {
			s.lo, s.hi = math.Floor(s.lo+1e-9), math.Ceil(s.hi-1e-9)
		}
		if s.hi-s.lo < 1e-9 {
			s.lo, s.hi = s.lo-0.5, s.hi+0.5
		}
		s.ticks = logTicks(s.lo, s.hi)
	} else {
		if math.IsInf(lo, 0) {
			lo, hi = 0, 1
		}
		if hi-lo < 1e-12*math.Max(1, math.Abs(hi)) {
			d := math.Max(math.Abs(lo)*0.1, 0.5)
			if a.Integer {
				d = 1
			}
			lo, hi = lo-d, hi+d
		}
		if a.Pad && !s.fixedRange && !math.IsInf(hi-lo, 0) {
			d := 0.05 * (hi - lo)
			lo, hi = lo-d, hi+d
		}
		if math.IsInf(hi-lo, 0) {
			lo, hi = -math.MaxFloat64/4, math.MaxFloat64/4
		}
		step := niceStep((hi - lo) / 5)
		if a.Integer {
			step = math.Max(1, math.Round(step))
		}
		if !s.fixedRange {
			lo, hi = math.Floor(lo/step+1e-9)*step, math.Ceil(hi/step-1e-9)*step
		}
		s.lo, s.hi = lo, hi
		for t := math.Ceil(lo/step-1e-9) * step; t <= hi+step*1e-9 && len(s.ticks) < 50; t += step {
			s.ticks = append(s.ticks, clean(t, step))
		}
	}
	if s.format == nil {
		s.format = func(v float64) string { return formatNumber(v) }
	}
	return s
}

// labelledTicks returns the x ticks to write a label at: all of them
// when their labels fit side by side; otherwise only the decades of a log
// axis, or every second tick of a linear one, and so on.
func (s *scale) labelledTicks() map[float64]bool {
	ticks := s.ticks
	fits := func(ts []float64) bool {
		end := math.Inf(-1)
		for _, t := range ts {
			half := float64(len([]rune(s.format(t)))) * charWidth / 2
			x := s.pos(t)
			if x-half < end+6 {
				return false
			}
			end = x + half
		}
		return true
	}
	for len(ticks) > 1 && !fits(ticks) {
		var fewer []float64
		decades := false
		if s.log {
			for _, t := range ticks {
				if m := t / math.Pow(10, math.Floor(math.Log10(t)+1e-9)); math.Abs(m-1) < 1e-6 {
					fewer = append(fewer, t)
				}
			}
			decades = len(fewer) < len(ticks) && len(fewer) > 0
		}
		if !decades {
			fewer = fewer[:0]
			for i, t := range ticks {
				if i%2 == 0 {
					fewer = append(fewer, t)
				}
			}
		}
		ticks = fewer
	}
	m := make(map[float64]bool, len(ticks))
	for _, t := range ticks {
		m[t] = true
	}
	return m
}

// niceStep returns 1, 2 or 5 times a power of ten, near x.
func niceStep(x float64) float64 {
	if !(x > 0) || math.IsInf(x, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(x)))
	switch f := x / p; {
	case f < 1.5:
		return p
	case f < 3.5:
		return 2 * p
	case f < 7.5:
		return 5 * p
	default:
		return 10 * p
	}
}

// clean rounds away the float error of t, a multiple of step.
func clean(t, step float64) float64 {
	d := math.Max(0, -math.Floor(math.Log10(step))+1)
	p := math.Pow(10, d)
	return math.Round(t*p) / p
}

// logTicks returns the tick values between 10^lo and 10^hi: every decade,
// and 2 and 5 times it when the range spans fewer than three decades.
func logTicks(lo, hi float64) []float64 {
	var ticks []float64
	mult, every := []float64{1}, math.Max(1, math.Ceil((hi-lo)/8))
	if hi-lo < 3 {
		mult = []float64{1, 2, 5}
	}
	for e := math.Floor(lo) - 1; e <= math.Ceil(hi); e++ {
		if math.Mod(e, every) != 0 {
			continue
		}
		for _, m := range mult {
			v := m * math.Pow(10, e)
			if l := math.Log10(v); l >= lo-1e-9 && l <= hi+1e-9 {
				ticks = append(ticks, v)
			}
		}
	}
	if len(ticks) == 0 { // less than a decade without 1, 2 or 5 in it
		ticks = []float64{math.Pow(10, (lo+hi)/2)}
	}
	return ticks
}

// formatNumber writes v in the shortest of a few fixed forms.
func formatNumber(v float64) string {
	if v == 0 {
		return "0"
	}
	a := math.Abs(v)
	if a >= 1e5 || a < 1e-3 {
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// legendEntry is one entry of a panel's legend.
type legendEntry struct {
	name, color string
	dashed, dot bool
}

func (p Panel) legend() []legendEntry {
	var es []legendEntry
	for i, s := range p.Series {
		if s.Name != "" {
			es = append(es, legendEntry{s.Name, seriesColor(s, i), s.Dashed, s.NoLine})
		}
	}
	return es
}

// legendLines breaks a panel's legend into lines of at most width pixels.
func legendLines(p Panel, width float64) [][]legendEntry {
	var lines [][]legendEntry
	x := 0.0
	for _, e := range p.legend() {
		ew := entryWidth(e)
		if len(lines) == 0 || (x+ew > width && x > 0) {
			lines = append(lines, nil)
			x = 0
		}
		lines[len(lines)-1] = append(lines[len(lines)-1], e)
		x += ew
	}
	return lines
}

func entryWidth(e legendEntry) float64 { return 30 + float64(len([]rune(e.name)))*charWidth + 14 }

func seriesColor(s Series, i int) string {
	if s.Color != "" {
		return s.Color
	}
	return Palette[i%len(Palette)]
}

// draw writes the panel into the box at (x0, y0) of size w×h (legend below).
func (p Panel) draw(b *strings.Builder, x0, y0, w, h float64) {
	left, right := x0+marginLeft, x0+w-marginRight
	top, bottom := y0+marginTop, y0+h-marginBottom
	var xs, ys []float64
	for _, s := range p.Series {
		n := min(len(s.X), len(s.Y))
		xs, ys = append(xs, s.X[:n]...), append(ys, s.Y[:n]...)
	}
	for _, m := range p.Marks {
		xs = append(xs, m.X)
	}
	sx := newScale(p.X, xs, left, right)
	sy := newScale(p.Y, ys, bottom, top)

	if p.Title != "" {
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle" font-weight="bold">%s</text>`+"\n", num((left+right)/2), num(y0+16), esc(p.Title))
	}
	// Grid and ticks.
	fmt.Fprintf(b, `<g stroke="#e3e3e3" stroke-width="1">`)
	for _, t := range sy.ticks {
		y := sy.pos(t)
		fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s"/>`, num(left), num(y), num(right), num(y))
	}
	for _, t := range sx.ticks {
		x := sx.pos(t)
		fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s"/>`, num(x), num(top), num(x), num(bottom))
	}
	b.WriteString("</g>\n")
	fmt.Fprintf(b, `<rect x="%s" y="%s" width="%s" height="%s" fill="none" stroke="#333333"/>`+"\n", num(left), num(top), num(right-left), num(bottom-top))
	b.WriteString(`<g fill="#333333">`)
	for _, t := range sy.ticks {
		y := sy.pos(t)
		fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#333333"/>`, num(left-4), num(y), num(left), num(y))
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="end">%s</text>`, num(left-6), num(y+4), esc(sy.format(t)))
	}
	labelled := sx.labelledTicks()
	for _, t := range sx.ticks {
		x := sx.pos(t)
		fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#333333"/>`, num(x), num(bottom), num(x), num(bottom+4))
		if !labelled[t] {
			continue
		}
		label := sx.format(t)
		half := float64(len([]rune(label))) * charWidth / 2
		lx := x
		if lx+half > x0+w-2 { // keep the last label inside the picture
			lx = x0 + w - 2 - half
		}
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle">%s</text>`, num(lx), num(bottom+17), esc(label))
	}
	b.WriteString("</g>\n")
	if p.X.Label != "" {
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle">%s</text>`+"\n", num((left+right)/2), num(bottom+34), esc(p.X.Label))
	}
	if p.Y.Label != "" {
		cx, cy := x0+14, (top+bottom)/2
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle" transform="rotate(-90 %s %s)">%s</text>`+"\n", num(cx), num(cy), num(cx), num(cy), esc(p.Y.Label))
	}
	if !sx.hasData || !sy.hasData {
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="middle" fill="#666666">no data</text>`+"\n", num((left+right)/2), num((top+bottom)/2))
	}
	inside := func(x, y float64) bool {
		return x >= left-0.5 && x <= right+0.5 && y >= top-0.5 && y <= bottom+0.5
	}
	// Vertical marks.
	for _, m := range p.Marks {
		if !sx.ok(m.X) {
			continue
		}
		x := sx.pos(m.X)
		if !inside(x, top) {
			continue
		}
		fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="#888888" stroke-dasharray="2 3"/>`, num(x), num(top), num(x), num(bottom))
		if m.Label != "" {
			anchor, dx := "start", 3.0
			if x+float64(len([]rune(m.Label)))*charWidth > right {
				anchor, dx = "end", -3
			}
			fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="%s" fill="#666666" font-size="11">%s</text>`, num(x+dx), num(top+12), anchor, esc(m.Label))
		}
		b.WriteString("\n")
	}
	// Series, clipped to the plot area by leaving out points outside it.
	var labels []pointLabel
	for i, s := range p.Series {
		color := seriesColor(s, i)
		n := min(len(s.X), len(s.Y))
		var path strings.Builder
		pen := false
		for k := 0; k < n; k++ {
			if !sx.ok(s.X[k]) || !sy.ok(s.Y[k]) {
				pen = false
				continue
			}
			x, y := sx.pos(s.X[k]), sy.pos(s.Y[k])
			if !inside(x, y) {
				pen = false
				continue
			}
			if pen {
				fmt.Fprintf(&path, " L%s %s", num(x), num(y))
			} else {
				fmt.Fprintf(&path, " M%s %s", num(x), num(y))
				pen = true
			}
			if s.Markers || s.NoLine {
				r := 3.0
				if s.NoLine {
					r = 5
				}
				fmt.Fprintf(b, `<circle cx="%s" cy="%s" r="%s" fill="%s" stroke="#ffffff" stroke-width="1"/>`, num(x), num(y), num(r), color)
			}
			if k < len(s.Labels) && s.Labels[k] != "" {
				labels = append(labels, pointLabel{x: x, y: y, text: s.Labels[k], color: color})
			}
		}
		if !s.NoLine && path.Len() > 0 {
			dash := ""
			if s.Dashed {
				dash = ` stroke-dasharray="6 4"`
			}
			fmt.Fprintf(b, `<path d="%s" fill="none" stroke="%s" stroke-width="2"%s stroke-linejoin="round"/>`, strings.TrimSpace(path.String()), color, dash)
		}
		b.WriteString("\n")
	}
	placeLabels(b, labels, left, right, top, bottom)
	// Legend under the panel.
	ly := y0 + h + 6
	for _, line := range legendLines(p, right-left) {
		x := left
		for _, e := range line {
			dash := ""
			if e.dashed {
				dash = ` stroke-dasharray="6 4"`
			}
			if e.dot {
				fmt.Fprintf(b, `<circle cx="%s" cy="%s" r="5" fill="%s"/>`, num(x+12), num(ly), e.color)
			} else {
				fmt.Fprintf(b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="2"%s/>`, num(x), num(ly), num(x+24), num(ly), e.color, dash)
			}
			fmt.Fprintf(b, `<text x="%s" y="%s">%s</text>`, num(x+30), num(ly+4), esc(e.name))
			x += entryWidth(e)
		}
		b.WriteString("\n")
		ly += legendLine
	}
}

// pointLabel is the text written next to a point.
type pointLabel struct {
	x, y        float64
	text, color string
}

// placeLabels writes the labels right of their points (left of them near
// the right edge), moving a label down or up when it would overlap one
// already placed.
func placeLabels(b *strings.Builder, labels []pointLabel, left, right, top, bottom float64) {
	type box struct{ x0, y0, x1, y1 float64 }
	var placed []box
	overlaps := func(c box) bool {
		for _, p := range placed {
			if c.x0 < p.x1 && p.x0 < c.x1 && c.y0 < p.y1 && p.y0 < c.y1 {
				return true
			}
		}
		return false
	}
	sort.SliceStable(labels, func(i, j int) bool { return labels[i].y < labels[j].y })
	for _, l := range labels {
		w := float64(len([]rune(l.text))) * charWidth
		x, anchor := l.x+8, "start"
		if x+w > right {
			x, anchor = l.x-8, "end"
		}
		x0 := x
		if anchor == "end" {
			x0 = x - w
		}
		y := l.y + 4
		for _, dy := range []float64{0, 14, -14, 28, -28, 42, -42} {
			c := box{x0, y + dy - 11, x0 + w, y + dy + 3}
			if !overlaps(c) && c.y0 >= top && c.y1 <= bottom+12 {
				y += dy
				break
			}
		}
		placed = append(placed, box{x0, y - 11, x0 + w, y + 3})
		fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="%s" fill="%s">%s</text>`+"\n", num(x), num(y), anchor, l.color, esc(l.text))
	}
}

// num writes a pixel coordinate with at most one decimal.
func num(v float64) string {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return "0"
	}
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
}

// esc escapes text for an SVG text node or attribute.
func esc(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&#34;")
		case '\'':
			b.WriteString("&#39;")
		default:
			if r < 0x20 && r != '\t' && r != '\n' || r == 0xFFFD || r >= 0xFFFE {
				continue // not allowed in XML 1.0 (or a replaced invalid byte)
			}
			b.WriteRune(r)
		}
	}
	return b.String()
}
