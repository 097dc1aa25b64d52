package glyphs

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/labelcode/labelcode/internal/container"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// needFonts skips the test, saying what to install, if a face's font file
// is missing.
func needFonts(t testing.TB, fs ...Face) {
	t.Helper()
	if err := CheckFonts(fs); err != nil {
		if errors.Is(err, ErrFontMissing) {
			t.Skipf("skipping: %v", err)
		}
		t.Fatal(err)
	}
}

func openFace(t testing.TB, name string) *Font {
	t.Helper()
	face, err := FaceByName(name)
	if err != nil {
		t.Fatal(err)
	}
	needFonts(t, face)
	ft, err := Open(face)
	if err != nil {
		t.Fatal(err)
	}
	return ft
}

func TestFaces(t *testing.T) {
	fs := Faces()
	if len(fs) != 8 {
		t.Fatalf("%d faces, want 8", len(fs))
	}
	seen := map[string]bool{}
	for _, f := range fs {
		if f.Name == "" || f.Path == "" || f.Package == "" || f.Index < 0 {
			t.Errorf("incomplete face %+v", f)
		}
		if seen[f.Name] {
			t.Errorf("duplicate face name %q", f.Name)
		}
		seen[f.Name] = true
		got, err := FaceByName(strings.ToUpper(f.Name))
		if err != nil || got != f {
			t.Errorf("FaceByName(%q) = %+v, %v", strings.ToUpper(f.Name), got, err)
		}
	}
	fs[0].Name = "changed"
	if Faces()[0].Name == "changed" {
		t.Error("Faces returns the package's own slice")
	}
	if _, err := FaceByName("Comic Sans"); !errors.Is(err, ErrUnknownFace) {
		t.Errorf("FaceByName(unknown) error = %v, want ErrUnknownFace", err)
	}
	if NumClasses != 20902 {
		t.Errorf("NumClasses = %d, want 20902", NumClasses)
	}
}

func TestMissingFontNamesPackages(t *testing.T) {
	dir := t.TempDir()
	fs := []Face{
		{Name: "A", Path: filepath.Join(dir, "a.ttf"), Package: "fonts-aaa"},
		{Name: "B", Path: filepath.Join(dir, "b.ttc"), Index: 1, Package: "fonts-bbb"},
		{Name: "C", Path: filepath.Join(dir, "c.ttc"), Package: "fonts-aaa"},
	}
	err := CheckFonts(fs)
	if !errors.Is(err, ErrFontMissing) {
		t.Fatalf("CheckFonts error = %v, want ErrFontMissing", err)
	}
	msg := err.Error()
	for _, want := range []string{"fonts-aaa fonts-bbb", fs[0].Path, fs[1].Path, fs[2].Path, InstallScript} {
		if !strings.Contains(msg, want) {
			t.Errorf("CheckFonts error %q does not mention %q", msg, want)
		}
	}
	if _, err := Open(fs[1]); !errors.Is(err, ErrFontMissing) || !strings.Contains(err.Error(), "fonts-bbb") {
		t.Errorf("Open(missing) error = %v, want ErrFontMissing naming fonts-bbb", err)
	}
	if _, err := Render(fs[0], 32, []rune{First}); !errors.Is(err, ErrFontMissing) {
		t.Errorf("Render(missing) error = %v, want ErrFontMissing", err)
	}
	cache := filepath.Join(dir, "cache")
	_, err = Build(context.Background(), Options{Faces: fs, CacheDir: cache})
	if !errors.Is(err, ErrFontMissing) || !strings.Contains(err.Error(), "fonts-aaa fonts-bbb") {
		t.Errorf("Build(missing) error = %v, want ErrFontMissing naming both packages", err)
	}
	if _, err := os.Stat(cache); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Build with missing fonts touched the cache directory: %v", err)
	}
}

// ink summarizes an image: total ink, ink centre, and ink on the border.
func ink(img []float32, size int) (sum, cx, cy, border float64) {
	for y := range size {
		for x := range size {
			v := float64(img[y*size+x])
			sum += v
			cx += v * (float64(x) + 0.5)
			cy += v * (float64(y) + 0.5)
			if x == 0 || y == 0 || x == size-1 || y == size-1 {
				border += v
			}
		}
	}
	return sum, cx / sum, cy / sum, border
}

func TestRenderKnownGlyph(t *testing.T) {
	const yong = 0x6C38 // 永, a glyph with strokes in all directions
	var imgs [][]float32
	for _, face := range Faces() {
		t.Run(face.Name, func(t *testing.T) {
			needFonts(t, face)
			for _, size := range []int{16, 32, 48} {
				img, err := Render(face, size, []rune{yong})
				if err != nil {
					t.Fatal(err)
				}
				if len(img) != size*size {
					t.Fatalf("size %d: %d pixels", size, len(img))
				}
				for i, v := range img {
					if !(v >= 0 && v <= 1) {
						t.Fatalf("size %d: pixel %d = %v outside [0,1]", size, i, v)
					}
				}
				sum, cx, cy, border := ink(img, size)
				area := float64(size * size)
				// 永 covers roughly a tenth to a third of its box.
				if sum < 0.05*area || sum > 0.5*area {
					t.Errorf("size %d: ink %.1f of %.0f pixels", size, sum, area)
				}
				if border != 0 {
					t.Errorf("size %d: ink %.2f on the border (clipped or not centred)", size, border)
				}
				c := float64(size) / 2
				if math.Abs(cx-c) > 0.1*float64(size) || math.Abs(cy-c) > 0.1*float64(size) {
					t.Errorf("size %d: ink centre (%.1f, %.1f), want near (%.1f, %.1f)", size, cx, cy, c, c)
				}
				if size == 32 {
					imgs = append(imgs, img)
				}
			}
		})
	}
	for i := range imgs {
		for j := range i {
			if slices.Equal(imgs[i], imgs[j]) {
				t.Errorf("faces %d and %d render 永 identically", j, i)
			}
		}
	}
}

// TestScaleKeepsRelativeSize checks that one face transform serves all its
// glyphs: 口 (mouth) is drawn smaller than 囗 (enclosure), in the ratio of
// their outlines, rather than both being stretched to fill the box.
func TestScaleKeepsRelativeSize(t *testing.T) {
	ft := openFace(t, "Noto Sans CJK SC Regular")
	const size = 64
	scale := fill * size / ft.ext
	check := func(r rune) float64 {
		img, err := ft.Render(r, size, nil)
		if err != nil {
			t.Fatal(err)
		}
		lo, hi := size, -1
		for y := range size {
			for x := range size {
				if img[y*size+x] > 0 {
					lo, hi = min(lo, x), max(hi, x)
				}
			}
		}
		inked := float64(hi - lo + 1)
		var b sfnt.Buffer
		x, _ := ft.f.GlyphIndex(&b, r)
		segs, err := ft.f.LoadGlyph(&b, x, ft.ppem, nil)
		if err != nil {
			t.Fatal(err)
		}
		bb := segs.Bounds()
		outline := float64(bb.Max.X-bb.Min.X) / 64 * scale
		// Anti-aliased edges add up to one partly covered pixel per side.
		if inked < outline || inked > outline+2 {
			t.Errorf("U+%04X: %v px of ink across, outline is %.2f px at the face scale", r, inked, outline)
		}
		return inked
	}
	if mouth, enclosure := check(0x53E3), check(0x56D7); mouth >= enclosure {
		t.Errorf("口 is %v px wide, 囗 %v px: want 口 narrower", mouth, enclosure)
	}
}

func TestMissingGlyphDetected(t *testing.T) {
	// Droid Sans Fallback covers U+4E00..U+9FA5 but not U+9FA6, the next
	// code point; its .notdef glyph is a drawn box, so only the glyph index
	// tells a missing glyph apart.
	ft := openFace(t, "Droid Sans Fallback")
	var b sfnt.Buffer
	notdef, err := ft.f.LoadGlyph(&b, 0, ft.ppem, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(notdef) == 0 {
		t.Fatal("test premise: .notdef of Droid Sans Fallback should have an outline")
	}
	if !ft.Has(Last) || ft.Has(Last+1) {
		t.Fatalf("Has(U+9FA5) = %v, Has(U+9FA6) = %v; want true, false", ft.Has(Last), ft.Has(Last+1))
	}
	dst := make([]float32, 32*32)
	if _, err := ft.Render(Last+1, 32, dst); !errors.Is(err, ErrMissingGlyph) || !strings.Contains(err.Error(), "U+9FA6") {
		t.Errorf("Render(U+9FA6) error = %v, want ErrMissingGlyph naming U+9FA6", err)
	}
	for _, r := range []rune{0x10FFFF, 0x20000} {
		if _, err := ft.Render(r, 32, dst); !errors.Is(err, ErrMissingGlyph) {
			t.Errorf("Render(U+%04X) error = %v, want ErrMissingGlyph", r, err)
		}
	}
	// A face without CJK at all, when one is installed (fonts-dejavu-core).
	dejavu := Face{Name: "DejaVu Sans", Path: "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", Package: "fonts-dejavu-core"}
	if CheckFonts([]Face{dejavu}) == nil {
		if _, err := Render(dejavu, 32, []rune{First}); !errors.Is(err, ErrMissingGlyph) {
			t.Errorf("DejaVu Sans U+4E00: error = %v, want ErrMissingGlyph", err)
		}
	}
}

func TestBlankGlyphDetected(t *testing.T) {
	ft := openFace(t, "Noto Sans CJK SC Regular")
	// U+3000 IDEOGRAPHIC SPACE has a glyph with no outline.
	if _, err := ft.Render(0x3000, 32, nil); !errors.Is(err, ErrBlankGlyph) {
		t.Errorf("Render(U+3000) error = %v, want ErrBlankGlyph", err)
	}
}

func TestRenderSizeErrors(t *testing.T) {
	ft := openFace(t, "Noto Sans CJK SC Regular")
	for _, size := range []int{-1, 0, MinSize - 1, MaxSize + 1} {
		if _, err := ft.Render(First, size, nil); !errors.Is(err, ErrOptions) {
			t.Errorf("Render size %d: error = %v, want ErrOptions", size, err)
		}
		if _, err := Render(ft.Face(), size, []rune{First}); !errors.Is(err, ErrOptions) {
			t.Errorf("package Render size %d: error = %v, want ErrOptions", size, err)
		}
	}
}

func TestRenderAllocs(t *testing.T) {
	ft := openFace(t, "Noto Serif CJK SC Regular")
	dst := make([]float32, 32*32)
	r := First
	allocs := testing.AllocsPerRun(200, func() {
		dst, _ = ft.Render(r, 32, dst)
		r++
	})
	if allocs != 0 {
		t.Errorf("Render with a large enough dst: %v allocs per call, want 0", allocs)
	}
}

// TestRepackMatchesDirect cross-checks the table repacking used for
// unaligned collections against sfnt's own collection parser on a
// collection that sfnt reads directly.
func TestRepackMatchesDirect(t *testing.T) {
	face, _ := FaceByName("Noto Sans CJK SC Bold")
	needFonts(t, face)
	data, err := os.ReadFile(face.Path)
	if err != nil {
		t.Fatal(err)
	}
	c, err := sfnt.ParseCollection(data)
	if err != nil {
		t.Fatal(err)
	}
	direct, err := c.Font(face.Index)
	if err != nil {
		t.Fatal(err)
	}
	packed, err := repackSFNT(data, face.Index)
	if err != nil {
		t.Fatal(err)
	}
	repacked, err := sfnt.Parse(packed)
	if err != nil {
		t.Fatal(err)
	}
	var b1, b2 sfnt.Buffer
	ppem := fixed.I(int(direct.UnitsPerEm()))
	for r := First; r <= Last; r += 97 {
		x1, err1 := direct.GlyphIndex(&b1, r)
		x2, err2 := repacked.GlyphIndex(&b2, r)
		if x1 != x2 || err1 != nil || err2 != nil {
			t.Fatalf("U+%04X: glyph index %d (%v) vs %d (%v)", r, x1, err1, x2, err2)
		}
		s1, err1 := direct.LoadGlyph(&b1, x1, ppem, nil)
		s2, err2 := repacked.LoadGlyph(&b2, x2, ppem, nil)
		if err1 != nil || err2 != nil || len(s1) != len(s2) {
			t.Fatalf("U+%04X: %d segments (%v) vs %d (%v)", r, len(s1), err1, len(s2), err2)
		}
		for i := range s1 {
			if s1[i] != s2[i] {
				t.Fatalf("U+%04X: segment %d differs", r, i)
			}
		}
	}
}

func TestRepackErrors(t *testing.T) {
	hdr := func(numTables int) []byte {
		return []byte{0, 1, 0, 0, byte(numTables >> 8), byte(numTables), 0, 0, 0, 0, 0, 0}
	}
	for name, tc := range map[string]struct {
		data  []byte
		index int
	}{
		"short":           {[]byte("ttcf"), 0},
		"index":           {hdr(0), 1},
		"ttc index":       {append([]byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x01"), 0, 0, 0, 16), 1},
		"truncated dir":   {hdr(2), 0},
		"table past end":  {append(hdr(1), "cmap\x00\x00\x00\x00\x00\x00\x00\x1c\x00\x00\x00\x10"...), 0},
		"ttc offset past": {append([]byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x01"), 0, 0, 1, 0), 0},
	} {
		if _, err := repackSFNT(tc.data, tc.index); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// A valid one-table font with an unaligned table comes out aligned.
	in := append(hdr(1), "head\x00\x00\x00\x00\x00\x00\x00\x1d\x00\x00\x00\x03"...)
	in = append(in, 0xff, 1, 2, 3)
	out, err := repackSFNT(in, 0)
	if err != nil {
		t.Fatal(err)
	}
	want := append(hdr(1), "head\x00\x00\x00\x00\x00\x00\x00\x1c\x00\x00\x00\x03"...)
	want = append(want, 1, 2, 3, 0)
	if !bytes.Equal(out, want) {
		t.Errorf("repack = % x, want % x", out, want)
	}
}

func FuzzRepack(f *testing.F) {
	f.Add([]byte("ttcf\x00\x01\x00\x00\x00\x00\x00\x01\x00\x00\x00\x10\x00\x01\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00head\x00\x00\x00\x00\x00\x00\x00\x2d\x00\x00\x00\x03\x00\x01\x02\x03"), 0)
	f.Add([]byte{0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 0)
	f.Fuzz(func(t *testing.T, data []byte, index int) {
		if len(data) > 1<<16 {
			return
		}
		out, err := repackSFNT(data, index)
		if err != nil {
			return
		}
		n := int(out[4])<<8 | int(out[5])
		for i := range n {
			rec := out[12+16*i:]
			o := int(rec[8])<<24 | int(rec[9])<<16 | int(rec[10])<<8 | int(rec[11])
			l := int(rec[12])<<24 | int(rec[13])<<16 | int(rec[14])<<8 | int(rec[15])
			if o%4 != 0 || o+l > len(out) {
				t.Fatalf("table %d at %d+%d in %d bytes", i, o, l, len(out))
			}
		}
		if len(out)%4 != 0 {
			t.Fatalf("output length %d not a multiple of 4", len(out))
		}
	})
}

// testSet is a small synthetic set, so that the cache format is tested
// without fonts.
func testSet() *Set {
	s := &Set{
		Face:   Face{Name: "Test Face", Path: "/nonexistent/test.ttc", Index: 3, Package: "fonts-test"},
		Size:   5,
		Labels: []int{10, 11, 12},
		Pix:    make([]uint8, 3*25),
		stamp:  stamp{fontSize: 12345, fontModTime: 1700000000123456789, render: renderVersion},
	}
	for i := range s.Pix {
		s.Pix[i] = uint8(i * 7)
	}
	return s
}

func equalSets(a, b *Set) bool {
	return a.Face == b.Face && a.Size == b.Size && a.stamp == b.stamp && bytes.Equal(a.Pix, b.Pix) && slices.Equal(a.Labels, b.Labels)
}

func TestCacheRoundTrip(t *testing.T) {
	s := testSet()
	name := filepath.Join(t.TempDir(), "x.glyphs")
	if err := s.WriteFile(name); err != nil {
		t.Fatal(err)
	}
	got, err := ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if !equalSets(s, got) {
		t.Errorf("round trip: got %+v, want %+v", got, s)
	}
	ents, _ := os.ReadDir(filepath.Dir(name))
	if len(ents) != 1 {
		t.Errorf("directory holds %d entries after WriteFile, want 1 (temporary file left?)", len(ents))
	}
	empty := &Set{Face: s.Face, Size: 8}
	b, err := empty.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var back Set
	if err := back.UnmarshalBinary(b); err != nil || back.Len() != 0 {
		t.Errorf("empty set round trip: len %d, %v", back.Len(), err)
	}
}

func TestCacheMarshalRejectsBadSet(t *testing.T) {
	for name, mod := range map[string]func(*Set){
		"size":       func(s *Set) { s.Size = 2 },
		"pix":        func(s *Set) { s.Pix = s.Pix[1:] },
		"gap":        func(s *Set) { s.Labels[2] = 13 },
		"range":      func(s *Set) { s.Labels = []int{NumClasses - 1, NumClasses, NumClasses + 1} },
		"neg index":  func(s *Set) { s.Face.Index = -1 },
		"long field": func(s *Set) { s.Face.Name = strings.Repeat("x", 70000) },
	} {
		s := testSet()
		mod(s)
		if _, err := s.MarshalBinary(); !errors.Is(err, ErrOptions) {
			t.Errorf("%s: MarshalBinary error = %v, want ErrOptions", name, err)
		}
	}
}

// legacyOf returns the cache of the earlier format holding the body of
// the container c.
func legacyOf(c []byte) []byte {
	b := binary.LittleEndian.AppendUint32([]byte(cacheMagic), cacheVersion)
	b = append(b, c[container.HeaderLen:len(c)-4]...)
	return binary.LittleEndian.AppendUint32(b, crc32.Checksum(b, castagnoli))
}

// reseal recomputes the checksum of an edited cache image.
func reseal(b []byte) []byte {
	body := b[:len(b)-4]
	c := crc32.Checksum(body, castagnoli)
	return append(body, byte(c), byte(c>>8), byte(c>>16), byte(c>>24))
}

func TestCacheCorrupt(t *testing.T) {
	good, err := testSet().MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	edit := func(f func(b []byte) []byte) []byte {
		return f(append([]byte(nil), good...))
	}
	at := container.HeaderLen // the body's offset
	cases := map[string]struct {
		data []byte
		want error
	}{
		"empty":          {nil, ErrCorruptCache},
		"truncated":      {good[:len(good)-10], ErrCorruptCache},
		"header only":    {good[:container.HeaderLen], ErrCorruptCache},
		"pixel flipped":  {edit(func(b []byte) []byte { b[len(b)-20] ^= 1; return b }), ErrCorruptCache},
		"checksum":       {edit(func(b []byte) []byte { b[len(b)-1] ^= 0x80; return b }), ErrCorruptCache},
		"magic":          {edit(func(b []byte) []byte { b[0] = 'X'; return reseal(b) }), ErrCorruptCache},
		"kind":           {edit(func(b []byte) []byte { b[8] = 1; return reseal(b) }), container.ErrKind},
		"version":        {edit(func(b []byte) []byte { b[10] = 2; return reseal(b) }), ErrCacheVersion},
		"size":           {edit(func(b []byte) []byte { b[at+4] = 2; return reseal(b) }), ErrCorruptCache},
		"first":          {edit(func(b []byte) []byte { b[at+9] = 0; return reseal(b) }), ErrCorruptCache},
		"count too big":  {edit(func(b []byte) []byte { b[at+14] = 1; return reseal(b) }), ErrCorruptCache},
		"pixels missing": {edit(func(b []byte) []byte { return reseal(append(b[:len(b)-5], 0, 0, 0, 0)) }), ErrCorruptCache},
		"name too long":  {edit(func(b []byte) []byte { b[at+fixedBody+1] = 0xff; return reseal(b) }), ErrCorruptCache},
		"short body":     {container.Seal(container.GlyphCache, cacheVersion, make([]byte, fixedBody-1)), ErrCorruptCache},
	}
	// The same damage to a cache of the earlier format.
	old := legacyOf(good)
	editOld := func(f func(b []byte) []byte) []byte {
		return f(append([]byte(nil), old...))
	}
	for name, tc := range map[string]struct {
		data []byte
		want error
	}{
		"truncated":      {old[:len(old)-10], ErrCorruptCache},
		"header only":    {old[:fixedHeader], ErrCorruptCache},
		"pixel flipped":  {editOld(func(b []byte) []byte { b[len(b)-20] ^= 1; return b }), ErrCorruptCache},
		"magic":          {editOld(func(b []byte) []byte { b[0] = 'X'; return reseal(b) }), ErrCorruptCache},
		"version":        {editOld(func(b []byte) []byte { b[8] = 2; return reseal(b) }), ErrCacheVersion},
		"size":           {editOld(func(b []byte) []byte { b[16] = 2; return reseal(b) }), ErrCorruptCache},
		"first":          {editOld(func(b []byte) []byte { b[21] = 0; return reseal(b) }), ErrCorruptCache},
		"count too big":  {editOld(func(b []byte) []byte { b[26] = 1; return reseal(b) }), ErrCorruptCache},
		"pixels missing": {editOld(func(b []byte) []byte { return reseal(append(b[:len(b)-5], 0, 0, 0, 0)) }), ErrCorruptCache},
		"name too long":  {editOld(func(b []byte) []byte { b[fixedHeader+1] = 0xff; return reseal(b) }), ErrCorruptCache},
	} {
		cases["legacy "+name] = tc
	}
	for name, tc := range cases {
		var s Set
		if err := s.UnmarshalBinary(tc.data); !errors.Is(err, tc.want) {
			t.Errorf("%s: error = %v, want %v", name, err, tc.want)
		}
	}
	name := filepath.Join(t.TempDir(), "bad.glyphs")
	if err := os.WriteFile(name, cases["pixel flipped"].data, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadFile(name); !errors.Is(err, ErrCorruptCache) || !strings.Contains(err.Error(), name) {
		t.Errorf("ReadFile(corrupt) error = %v, want ErrCorruptCache naming the file", err)
	}
}

// TestCacheFormats checks the container layout, that a cache of the
// earlier format loads, and that every truncation and every bit flip of a
// cache is refused.
func TestCacheFormats(t *testing.T) {
	want := testSet()
	good, err := want.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if k, ok := container.Peek(good); !ok || k != container.GlyphCache {
		t.Fatalf("MarshalBinary wrote kind %v, %v", k, ok)
	}
	var got Set
	if err := got.UnmarshalBinary(legacyOf(good)); err != nil || !equalSets(&got, want) {
		t.Fatalf("cache of the earlier format: %v", err)
	}
	for _, data := range [][]byte{good, legacyOf(good)} {
		for n := range len(data) {
			if err := new(Set).UnmarshalBinary(data[:n]); !errors.Is(err, ErrCorruptCache) {
				t.Fatalf("%d of %d bytes: %v", n, len(data), err)
			}
		}
		for i := range data {
			for bit := range 8 {
				bad := append([]byte(nil), data...)
				bad[i] ^= 1 << bit
				err := new(Set).UnmarshalBinary(bad)
				if !errors.Is(err, ErrCorruptCache) && !errors.Is(err, ErrCacheVersion) {
					t.Fatalf("byte %d bit %d flipped: %v", i, bit, err)
				}
				if !errors.Is(err, container.ErrFormat) && !errors.Is(err, container.ErrVersion) && !errors.Is(err, container.ErrKind) {
					t.Fatalf("byte %d bit %d flipped: %v wraps no container sentinel", i, bit, err)
				}
			}
		}
	}
}

// FuzzUnmarshalBinary fuzzes the cache parser behind its checksum: with
// seal set, the target rewrites the last four bytes as the CRC-32C of the
// rest, so mutated headers and bodies reach the field checks.
func FuzzUnmarshalBinary(f *testing.F) {
	good, _ := testSet().MarshalBinary()
	f.Add(good, false)
	f.Add(good, true)
	f.Add(good[:container.HeaderLen+fixedBody+10], true)
	f.Add([]byte(container.Magic), false)
	// A header declaring the largest image count and size with no pixels.
	huge := append([]byte(nil), good...)
	binary.LittleEndian.PutUint32(huge[container.HeaderLen+4:], MaxSize)
	binary.LittleEndian.PutUint32(huge[container.HeaderLen+12:], uint32(NumClasses))
	f.Add(huge, true)
	// The same in the earlier format.
	old := legacyOf(good)
	f.Add(old, false)
	f.Add(old, true)
	f.Add(old[:fixedHeader+10], true)
	f.Add([]byte(cacheMagic), false)
	f.Add(legacyOf(huge), true)
	f.Fuzz(func(t *testing.T, data []byte, seal bool) {
		if len(data) > 1<<16 {
			return
		}
		if seal && len(data) >= 4 {
			data = reseal(append([]byte(nil), data...))
		}
		var s Set
		if err := s.UnmarshalBinary(data); err != nil {
			if !errors.Is(err, ErrCorruptCache) && !errors.Is(err, ErrCacheVersion) {
				t.Fatalf("error %v wraps neither ErrCorruptCache nor ErrCacheVersion", err)
			}
			return
		}
		again, err := s.MarshalBinary()
		if err != nil {
			t.Fatalf("decoded set does not encode: %v", err)
		}
		if !container.HasMagic(data) {
			again = legacyOf(again) // MarshalBinary writes a container
		}
		if !bytes.Equal(again, data) {
			t.Fatal("decode then encode changed the bytes")
		}
	})
}

func TestSetAccessors(t *testing.T) {
	s := testSet()
	all := s.Float32(nil)
	if len(all) != s.Len()*s.Dim() {
		t.Fatalf("Float32: %d values", len(all))
	}
	for i, v := range all {
		if v != float32(s.Pix[i])/255 {
			t.Fatalf("Float32[%d] = %v, want %v", i, v, float32(s.Pix[i])/255)
		}
	}
	img := s.Image(1, nil)
	if !slices.Equal(img, all[25:50]) {
		t.Error("Image(1) differs from the matrix row")
	}
	batch, labels := s.Batch([]int{2, 0, 2}, nil, nil)
	if !slices.Equal(batch[:25], all[50:75]) || !slices.Equal(batch[25:50], all[:25]) || !slices.Equal(batch[50:], all[50:75]) {
		t.Error("Batch images differ from the matrix rows")
	}
	if labels[0] != 12 || labels[1] != 10 || labels[2] != 12 {
		t.Errorf("Batch labels = %v, want [12 10 12]", labels)
	}
	dst, ldst := make([]float32, 75), make([]int, 3)
	if a := testing.AllocsPerRun(100, func() { s.Batch([]int{0, 1, 2}, dst, ldst) }); a != 0 {
		t.Errorf("Batch with large enough dst: %v allocs", a)
	}
	defer func() {
		if recover() == nil {
			t.Error("Batch with index out of range did not panic")
		}
	}()
	s.Batch([]int{3}, dst, ldst)
}

func TestBuildOptionErrors(t *testing.T) {
	ctx := context.Background()
	for name, o := range map[string]Options{
		"size small": {Size: 2},
		"size big":   {Size: MaxSize + 1},
		"from low":   {From: First - 1},
		"to high":    {To: Last + 1},
		"reversed":   {From: First + 10, To: First + 5},
	} {
		o.NoCache = true
		if _, err := Build(ctx, o); !errors.Is(err, ErrOptions) {
			t.Errorf("%s: error = %v, want ErrOptions", name, err)
		}
	}
}

// smallFaces are two faces with different file layouts: a CFF collection
// and a TrueType collection that needs repacking.
func smallFaces(t *testing.T) []Face {
	t.Helper()
	a, _ := FaceByName("Noto Serif CJK SC Bold")
	b, _ := FaceByName("WenQuanYi Zen Hei")
	fs := []Face{a, b}
	needFonts(t, fs...)
	return fs
}

func TestBuildDeterministicAndCached(t *testing.T) {
	fs := smallFaces(t)
	ctx := context.Background()
	dir := t.TempDir()
	opts := Options{Faces: fs, Size: 24, From: First + 1000, To: First + 1000 + 2*chunk + 17, CacheDir: dir, Workers: 2}
	var calls, last, total int
	opts.Progress = func(done, tot int) {
		if done < last || tot != total && calls > 0 {
			t.Errorf("progress went from %d to %d (total %d, then %d)", last, done, total, tot)
		}
		calls++
		last, total = done, tot
	}
	first, err := Build(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	count := int(opts.To-opts.From) + 1
	if last != total || total != len(fs)*count {
		t.Errorf("progress ended at %d of %d, want %d of %d", last, total, len(fs)*count, len(fs)*count)
	}
	if len(first) != len(fs) {
		t.Fatalf("%d sets for %d faces", len(first), len(fs))
	}

	// Cross-check the parallel build against rendering one glyph at a time.
	for i, s := range first {
		if s.Face != fs[i] || s.Size != 24 || s.Len() != count {
			t.Fatalf("set %d: face %q size %d len %d", i, s.Face.Name, s.Size, s.Len())
		}
		ft, err := Open(fs[i])
		if err != nil {
			t.Fatal(err)
		}
		for k, label := range s.Labels {
			if label != int(opts.From-First)+k {
				t.Fatalf("set %d: label %d = %d", i, k, label)
			}
			want, err := ft.Render(First+rune(label), 24, nil)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(s.Image(k, nil), want) {
				t.Fatalf("set %d: image %d differs from Font.Render", i, k)
			}
		}
	}

	// A single worker without cache gives the same bytes.
	serial, err := Build(ctx, Options{Faces: fs, Size: 24, From: opts.From, To: opts.To, NoCache: true, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	for i := range first {
		if !bytes.Equal(first[i].Pix, serial[i].Pix) {
			t.Errorf("face %d: 1-worker build differs from 2-worker build", i)
		}
	}

	// The second run reads the cache: same sets, files untouched.
	names := make([]string, len(fs))
	mod := make([]int64, len(fs))
	for i, f := range fs {
		names[i] = CacheFile(dir, f, 24, opts.From, opts.To)
		fi, err := os.Stat(names[i])
		if err != nil {
			t.Fatalf("cache file: %v", err)
		}
		mod[i] = fi.ModTime().UnixNano()
	}
	opts.Progress = nil
	second, err := Build(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range first {
		if !equalSets(first[i], second[i]) {
			t.Errorf("face %d: cached set differs", i)
		}
		if fi, _ := os.Stat(names[i]); fi.ModTime().UnixNano() != mod[i] {
			t.Errorf("face %d: cache file rewritten on a cache hit", i)
		}
	}

	// A damaged cache file is rebuilt, not returned and not fatal.
	b, err := os.ReadFile(names[0])
	if err != nil {
		t.Fatal(err)
	}
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(names[0], b, 0o644); err != nil {
		t.Fatal(err)
	}
	// A cache file from another rendering version is stale.
	stale := *first[1]
	stale.stamp.render++
	stale.Pix = bytes.Repeat([]byte{7}, len(stale.Pix))
	if err := stale.WriteFile(names[1]); err != nil {
		t.Fatal(err)
	}
	third, err := Build(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	for i := range first {
		if !equalSets(first[i], third[i]) {
			t.Errorf("face %d: set after damaged/stale cache differs", i)
		}
		if s, err := ReadFile(names[i]); err != nil || !equalSets(s, first[i]) {
			t.Errorf("face %d: cache file not rewritten correctly: %v", i, err)
		}
	}
}

func TestBuildCancel(t *testing.T) {
	fs := smallFaces(t)
	ctx, cancel := context.WithCancel(context.Background())
	opts := Options{Faces: fs, To: First + 20*chunk, NoCache: true, Workers: 2}
	opts.Progress = func(done, total int) {
		if done > 0 {
			cancel()
		}
	}
	if _, err := Build(ctx, opts); !errors.Is(err, context.Canceled) {
		t.Errorf("Build with cancelled context: error = %v, want context.Canceled", err)
	}
}

func TestBuildMissingGlyph(t *testing.T) {
	droid, _ := FaceByName("Droid Sans Fallback")
	needFonts(t, droid)
	// A face entry pointing at a font without CJK glyphs must fail, not
	// produce a set of .notdef boxes.
	dejavu := Face{Name: "DejaVu Sans", Path: "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", Package: "fonts-dejavu-core"}
	if err := CheckFonts([]Face{dejavu}); err != nil {
		t.Skipf("skipping: %v", err)
	}
	_, err := Build(context.Background(), Options{Faces: []Face{droid, dejavu}, To: First + 100, NoCache: true})
	if !errors.Is(err, ErrMissingGlyph) || !strings.Contains(err.Error(), "DejaVu Sans") {
		t.Errorf("Build error = %v, want ErrMissingGlyph naming DejaVu Sans", err)
	}
}

func TestTransformFits(t *testing.T) {
	ft := &Font{ext: 1000, cx: 500, cy: -400}
	const size = 32
	rect := func(x0, y0, x1, y1 int) fixed.Rectangle26_6 {
		return fixed.Rectangle26_6{Min: fixed.P(x0, y0), Max: fixed.P(x1, y1)}
	}
	for name, tc := range map[string]struct {
		bb     fixed.Rectangle26_6
		shrunk bool
	}{
		"median":     {rect(0, -900, 1000, 100), false},
		"small":      {rect(400, -500, 600, -300), false},
		"off right":  {rect(700, -500, 1300, -300), false},
		"off top":    {rect(0, -1100, 1000, -200), false},
		"too wide":   {rect(-400, -500, 1400, -300), true},
		"too tall":   {rect(0, -1500, 500, 300), true},
		"off bottom": {rect(100, -300, 900, 400), false},
	} {
		sc, ox, oy := ft.transform(tc.bb, size)
		x0 := float64(tc.bb.Min.X)/64*sc + ox
		x1 := float64(tc.bb.Max.X)/64*sc + ox
		y0 := float64(tc.bb.Min.Y)/64*sc + oy
		y1 := float64(tc.bb.Max.Y)/64*sc + oy
		const eps = 1e-9
		if x0 < -eps || y0 < -eps || x1 > size+eps || y1 > size+eps {
			t.Errorf("%s: glyph lands at [%.2f, %.2f] x [%.2f, %.2f], outside the %d px image", name, x0, x1, y0, y1, size)
		}
		base := fill * size / ft.ext
		if shrunk := sc < base; shrunk != tc.shrunk {
			t.Errorf("%s: scale %.4f (face scale %.4f), shrunk = %v, want %v", name, sc, base, shrunk, tc.shrunk)
		}
	}
	// A glyph that fits is drawn at the face transform, unmoved.
	sc, ox, oy := ft.transform(rect(100, -800, 900, 0), size)
	if base := fill * size / ft.ext; sc != base || ox != size/2-ft.cx*sc || oy != size/2-ft.cy*sc {
		t.Errorf("fitting glyph moved: scale %v offset (%v, %v)", sc, ox, oy)
	}
}

// TestBuildAll renders the whole data set once and checks every glyph: the
// eight faces cover all 20,902 code points with real glyphs (Build fails on
// .notdef or empty outlines), every image has ink, and every outline's
// bounding box lands inside the image (nothing is clipped).
func TestBuildAll(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping the full 8 x 20,902 glyph build in -short mode")
	}
	needFonts(t, Faces()...)
	sets, err := Build(context.Background(), Options{NoCache: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sets {
		if s.Len() != NumClasses || s.Size != DefaultSize {
			t.Fatalf("%s: %d images of %d px", s.Face.Name, s.Len(), s.Size)
		}
		d := s.Dim()
		blank, border := 0, 0
		for i := range s.Len() {
			img := s.Pix[i*d : (i+1)*d]
			sum := 0
			for _, v := range img {
				sum += int(v)
			}
			if sum < 255*4 {
				blank++
			}
			for k := range s.Size {
				if img[k] != 0 || img[d-1-k] != 0 || img[k*s.Size] != 0 || img[k*s.Size+s.Size-1] != 0 {
					border++
					break
				}
			}
		}
		if blank > 0 {
			t.Errorf("%s: %d images with less than 4 pixels of ink", s.Face.Name, blank)
		}
		ft, err := Open(s.Face)
		if err != nil {
			t.Fatal(err)
		}
		var b sfnt.Buffer
		moved, shrunk := 0, 0
		size := float64(s.Size)
		base := fill * size / ft.ext
		for r := First; r <= Last; r++ {
			x, err := ft.f.GlyphIndex(&b, r)
			if err != nil {
				t.Fatal(err)
			}
			segs, err := ft.f.LoadGlyph(&b, x, ft.ppem, nil)
			if err != nil {
				t.Fatal(err)
			}
			bb := segs.Bounds()
			sc, ox, oy := ft.transform(bb, s.Size)
			x0, x1 := float64(bb.Min.X)/64*sc+ox, float64(bb.Max.X)/64*sc+ox
			y0, y1 := float64(bb.Min.Y)/64*sc+oy, float64(bb.Max.Y)/64*sc+oy
			if x0 < -1e-9 || y0 < -1e-9 || x1 > size+1e-9 || y1 > size+1e-9 {
				t.Errorf("%s U+%04X: outline at [%.2f, %.2f] x [%.2f, %.2f] leaves the image", s.Face.Name, r, x0, x1, y0, y1)
			}
			switch {
			case sc < base:
				shrunk++
			case ox != size/2-ft.cx*sc || oy != size/2-ft.cy*sc:
				moved++
			}
		}
		t.Logf("%s: %d glyphs moved inward, %d shrunk, %d with ink on the border row/column", s.Face.Name, moved, shrunk, border)
	}
}
