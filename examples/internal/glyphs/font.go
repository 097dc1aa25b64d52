package glyphs

import (
	"errors"
	"fmt"
	"image"
	"image/draw"
	"math"
	"os"
	"sort"
	"sync"

	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

const (
	// DefaultSize is the default image side in pixels.
	DefaultSize = 32
	// MaxSize is the largest image side accepted.
	MaxSize = 1024
	// MinSize is the smallest image side accepted.
	MinSize = 4

	// fill is the fraction of the image side that a face's median glyph
	// extent (the larger of ink width and height) covers. The widest glyphs
	// measured in the eight faces are 1.2 times the median, so they still fit.
	fill = 0.8
	// sampleStep picks the code points First, First+sampleStep, ... used to
	// measure a face's median glyph extent and centre.
	sampleStep = 16
)

// Font is a parsed face ready to render. Its methods are safe for concurrent
// use.
//
// Every glyph of a Font is drawn with the same affine transform (no hinting):
// the face's median glyph extent over a fixed sample of U+4E00..U+9FA5 maps
// to 80% of the image side, and the face's median glyph centre maps to the
// image centre. So the relative size and position of glyphs within a face are
// kept (口 stays smaller than 囗), while faces with different em-box
// conventions come out at the same scale. A glyph that would cross the image
// border under that transform is moved inward, and shrunk about its centre
// if it is larger than the image, rather than clipped. Of the 8 x 20,902
// glyphs at 32x32, none is shrunk and 326 are moved (325 of Noto Serif CJK
// SC Bold, whose widest glyphs are 1.2 times its median, and one of Noto
// Serif CJK SC Regular).
type Font struct {
	face Face
	f    *sfnt.Font
	ppem fixed.Int26_6
	ext  float64 // median glyph extent, font units
	cx   float64 // median glyph centre, font units, Y down
	cy   float64
	pool sync.Pool
	upem int
}

// scratch is the per-goroutine state of rendering.
type scratch struct {
	buf sfnt.Buffer
	z   vector.Rasterizer
	pix []uint8
	img image.Alpha
}

// Open reads and parses face's font file. It returns an error wrapping
// ErrFontMissing, naming the Debian package, if the file does not exist.
// Opening reads the whole file (4 to 51 MB for the eight faces) and loads
// 1,307 sample glyphs to measure the face; it takes tens of milliseconds.
func Open(face Face) (*Font, error) {
	data, err := os.ReadFile(face.Path)
	if errors.Is(err, os.ErrNotExist) {
		pkgs := map[string]bool{}
		if face.Package != "" {
			pkgs[face.Package] = true
		}
		return nil, missingError([]string{fmt.Sprintf("%s (%s)", face.Path, face.Name)}, pkgs)
	}
	if err != nil {
		return nil, fmt.Errorf("glyphs: face %q: %w", face.Name, err)
	}
	f, err := parseFont(data, face.Index)
	if err != nil {
		return nil, fmt.Errorf("glyphs: face %q: %s: %w", face.Name, face.Path, err)
	}
	ft := &Font{face: face, f: f, upem: int(f.UnitsPerEm())}
	ft.ppem = fixed.I(ft.upem)
	ft.pool.New = func() any { return new(scratch) }
	if err := ft.measure(); err != nil {
		return nil, fmt.Errorf("glyphs: face %q: %w", face.Name, err)
	}
	return ft, nil
}

// parseFont parses font index of an SFNT file or collection. Collections
// whose tables are not four-byte aligned, which sfnt rejects, are repacked.
func parseFont(data []byte, index int) (*sfnt.Font, error) {
	c, err := sfnt.ParseCollection(data)
	var f *sfnt.Font
	if err == nil {
		if index < 0 || index >= c.NumFonts() {
			return nil, fmt.Errorf("font index %d out of range [0, %d)", index, c.NumFonts())
		}
		f, err = c.Font(index)
	}
	if err == nil {
		return f, nil
	}
	packed, rerr := repackSFNT(data, index)
	if rerr != nil {
		return nil, err
	}
	f, rerr = sfnt.Parse(packed)
	if rerr != nil {
		return nil, err
	}
	return f, nil
}

// measure sets the face transform from the medians over a fixed sample of
// code points; see the Font doc. Faces with no glyph in the sample fall back
// to the em box: extent one em, centred on half an em horizontally and
// between ascent and descent vertically.
func (ft *Font) measure() error {
	var b sfnt.Buffer
	var ext, cx, cy []float64
	for r := First; r <= Last; r += sampleStep {
		x, err := ft.f.GlyphIndex(&b, r)
		if err != nil {
			return err
		}
		if x == 0 {
			continue
		}
		segs, err := ft.f.LoadGlyph(&b, x, ft.ppem, nil)
		if err != nil {
			return fmt.Errorf("U+%04X: %w", r, err)
		}
		if len(segs) == 0 {
			continue
		}
		bb := segs.Bounds()
		x0, y0 := float64(bb.Min.X)/64, float64(bb.Min.Y)/64
		x1, y1 := float64(bb.Max.X)/64, float64(bb.Max.Y)/64
		ext = append(ext, math.Max(x1-x0, y1-y0))
		cx = append(cx, (x0+x1)/2)
		cy = append(cy, (y0+y1)/2)
	}
	if len(ext) == 0 {
		m, err := ft.f.Metrics(&b, ft.ppem, 0)
		if err != nil {
			return err
		}
		ft.ext = float64(ft.upem)
		ft.cx = float64(ft.upem) / 2
		ft.cy = float64(m.Descent-m.Ascent) / 64 / 2
		return nil
	}
	ft.ext, ft.cx, ft.cy = median(ext), median(cx), median(cy)
	return nil
}

func median(v []float64) float64 {
	sort.Float64s(v)
	n := len(v)
	if n%2 == 1 {
		return v[n/2]
	}
	return (v[n/2-1] + v[n/2]) / 2
}

// Face returns the face the font was opened from.
func (ft *Font) Face() Face { return ft.face }

// Has reports whether the face has a glyph (other than .notdef) for r.
func (ft *Font) Has(r rune) bool {
	s := ft.pool.Get().(*scratch)
	defer ft.pool.Put(s)
	x, err := ft.f.GlyphIndex(&s.buf, r)
	return err == nil && x != 0
}

// Render draws r as a size x size greyscale image into dst and returns it:
// row-major, top row first, 0 for background and 1 for full ink, values in
// [0,1]. dst is grown if its capacity is below size*size, so a caller that
// passes a large enough dst allocates nothing. It returns an error wrapping
// ErrMissingGlyph if the face has no glyph for r, ErrBlankGlyph if the glyph
// has no outline, and ErrOptions if size is outside [MinSize, MaxSize].
// Cost: O(outline segments + size²).
func (ft *Font) Render(r rune, size int, dst []float32) ([]float32, error) {
	if size < MinSize || size > MaxSize {
		return dst, fmt.Errorf("%w: size %d outside [%d, %d]", ErrOptions, size, MinSize, MaxSize)
	}
	n := size * size
	if cap(dst) < n {
		dst = make([]float32, n)
	}
	dst = dst[:n]
	s := ft.pool.Get().(*scratch)
	defer ft.pool.Put(s)
	if cap(s.pix) < n {
		s.pix = make([]uint8, n)
	}
	pix := s.pix[:n]
	if err := ft.draw(s, r, size, pix); err != nil {
		return dst, err
	}
	for i := range n {
		dst[i] = float32(pix[i]) / 255
	}
	return dst, nil
}

// draw rasterizes r into pix (len size*size) as 8-bit coverage.
func (ft *Font) draw(s *scratch, r rune, size int, pix []uint8) error {
	x, err := ft.f.GlyphIndex(&s.buf, r)
	if err != nil {
		return fmt.Errorf("glyphs: face %q: U+%04X: %w", ft.face.Name, r, err)
	}
	if x == 0 {
		return fmt.Errorf("%w U+%04X in face %q (glyph index 0, .notdef)", ErrMissingGlyph, r, ft.face.Name)
	}
	segs, err := ft.f.LoadGlyph(&s.buf, x, ft.ppem, nil)
	if err != nil {
		return fmt.Errorf("glyphs: face %q: U+%04X: %w", ft.face.Name, r, err)
	}
	if len(segs) == 0 {
		return fmt.Errorf("%w: U+%04X in face %q", ErrBlankGlyph, r, ft.face.Name)
	}
	sc, ox, oy := ft.transform(segs.Bounds(), size)
	z := &s.z
	z.Reset(size, size)
	z.DrawOp = draw.Src
	px := func(p fixed.Point26_6) (float32, float32) {
		return float32(float64(p.X)/64*sc + ox), float32(float64(p.Y)/64*sc + oy)
	}
	for _, sg := range segs {
		a := &sg.Args
		switch sg.Op {
		case sfnt.SegmentOpMoveTo:
			z.MoveTo(px(a[0]))
		case sfnt.SegmentOpLineTo:
			z.LineTo(px(a[0]))
		case sfnt.SegmentOpQuadTo:
			bx, by := px(a[0])
			cx, cy := px(a[1])
			z.QuadTo(bx, by, cx, cy)
		case sfnt.SegmentOpCubeTo:
			bx, by := px(a[0])
			cx, cy := px(a[1])
			dx, dy := px(a[2])
			z.CubeTo(bx, by, cx, cy, dx, dy)
		}
	}
	z.ClosePath()
	// The image lives in the scratch space: a local one would escape to the
	// heap through the draw.Image interface.
	s.img = image.Alpha{Pix: pix, Stride: size, Rect: image.Rect(0, 0, size, size)}
	z.Draw(&s.img, s.img.Rect, image.Opaque, image.Point{})
	s.img.Pix = nil
	return nil
}

// transform returns the scale and offsets mapping font units (Y down) to
// pixels for a glyph with bounds bb: the face transform, moved or shrunk so
// that bb lies inside the image.
func (ft *Font) transform(bb fixed.Rectangle26_6, size int) (sc, ox, oy float64) {
	s := float64(size)
	sc = fill * s / ft.ext
	x0, y0 := float64(bb.Min.X)/64, float64(bb.Min.Y)/64
	x1, y1 := float64(bb.Max.X)/64, float64(bb.Max.Y)/64
	if big := math.Max(x1-x0, y1-y0) * sc; big > s {
		// Shrink about the glyph's own centre.
		sc *= s / big
		return sc, s/2 - (x0+x1)/2*sc, s/2 - (y0+y1)/2*sc
	}
	ox = s/2 - ft.cx*sc
	oy = s/2 - ft.cy*sc
	ox = shiftInside(x0*sc+ox, x1*sc+ox, s, ox)
	oy = shiftInside(y0*sc+oy, y1*sc+oy, s, oy)
	return sc, ox, oy
}

// shiftInside moves offset o so that [lo, hi] (which fits in [0, s]) lies
// inside [0, s].
func shiftInside(lo, hi, s, o float64) float64 {
	switch {
	case lo < 0:
		return o - lo
	case hi > s:
		return o - (hi - s)
	}
	return o
}

// Render opens face and draws each code point as a size x size image (see
// Font.Render), returning the images one after another: image i is
// out[i*size*size : (i+1)*size*size]. It fails on the first code point the
// face cannot render. To render many glyphs, Open the face once instead.
func Render(face Face, size int, codepoints []rune) ([]float32, error) {
	if size < MinSize || size > MaxSize {
		return nil, fmt.Errorf("%w: size %d outside [%d, %d]", ErrOptions, size, MinSize, MaxSize)
	}
	ft, err := Open(face)
	if err != nil {
		return nil, err
	}
	n := size * size
	out := make([]float32, len(codepoints)*n)
	for i, r := range codepoints {
		if _, err := ft.Render(r, size, out[i*n:(i+1)*n]); err != nil {
			return nil, err
		}
	}
	return out, nil
}
