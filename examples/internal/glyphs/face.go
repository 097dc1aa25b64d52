package glyphs

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
)

// First and Last bound the CJK Unified Ideographs of the Label Mapping
// paper's glyph task, U+4E00..U+9FA5 inclusive: NumClasses = 20,902 code
// points. The label of code point r is r - First.
const (
	First      rune = 0x4E00
	Last       rune = 0x9FA5
	NumClasses      = int(Last-First) + 1
)

// InstallScript is the script, relative to the module root, that installs the
// Debian packages of all faces returned by Faces.
const InstallScript = "examples/internal/glyphs/install-fonts.sh"

// Sentinel errors. Functions wrap them with %w and add the face, file or code
// point concerned; test with errors.Is.
var (
	// ErrFontMissing means a face's font file does not exist. The wrapping
	// message names the Debian package that provides it.
	ErrFontMissing = errors.New("glyphs: font file missing")
	// ErrUnknownFace means no face has the requested name.
	ErrUnknownFace = errors.New("glyphs: unknown face")
	// ErrMissingGlyph means the face maps the code point to glyph 0
	// (.notdef): it has no glyph for it, and rendering would draw a
	// placeholder box instead of the character.
	ErrMissingGlyph = errors.New("glyphs: face has no glyph for code point")
	// ErrBlankGlyph means the face's glyph for the code point has no outline.
	ErrBlankGlyph = errors.New("glyphs: glyph has no outline")
	// ErrOptions means an image size or code point range is out of bounds.
	ErrOptions = errors.New("glyphs: invalid option")
	// ErrCorruptCache means a cache file is truncated, has the wrong magic
	// number, a bad checksum or inconsistent fields.
	ErrCorruptCache = errors.New("glyphs: corrupt cache file")
	// ErrCacheVersion means a cache file was written in a format version this
	// package does not read.
	ErrCacheVersion = errors.New("glyphs: unsupported cache file version")
)

// Face names one font face inside a font file.
type Face struct {
	// Name is the face's name, used in messages and cache file names.
	Name string
	// Path is the font file (TTF, OTF, TTC or OTC).
	Path string
	// Index is the face's position inside a collection (.ttc); 0 for a
	// single-font file.
	Index int
	// Package is the Debian package that installs Path.
	Package string
}

// String returns the face's name.
func (f Face) String() string { return f.Name }

// faces are the eight faces of the glyph task, from the data README: each
// covers all 20,902 code points with real glyphs. The Noto faces are the SC
// (Simplified Chinese) members of the collections; the JP/KR/TC/HK members
// of one weight are mostly pixel-identical to it and are left out.
var faces = []Face{
	{"Noto Sans CJK SC Regular", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2, "fonts-noto-cjk"},
	{"Noto Sans CJK SC Bold", "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", 2, "fonts-noto-cjk"},
	{"Noto Serif CJK SC Regular", "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc", 2, "fonts-noto-cjk"},
	{"Noto Serif CJK SC Bold", "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc", 2, "fonts-noto-cjk"},
	{"WenQuanYi Zen Hei", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0, "fonts-wqy-zenhei"},
	{"Droid Sans Fallback", "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", 0, "fonts-droid-fallback"},
	{"Hanazono Mincho A", "/usr/share/fonts/truetype/hanazono/HanaMinA.ttf", 0, "fonts-hanazono"},
	{"BabelStone Han", "/usr/share/fonts/truetype/babelstone/BabelStoneHan.ttf", 0, "fonts-babelstone-han"},
}

// Faces returns the eight faces of the Label Mapping paper's glyph task, in a
// fixed order (the order of the data README). The slice is a copy.
func Faces() []Face {
	return append([]Face(nil), faces...)
}

// FaceByName returns the face of Faces whose name is name, ignoring case.
// It returns ErrUnknownFace, listing the known names, if there is none.
func FaceByName(name string) (Face, error) {
	names := make([]string, len(faces))
	for i, f := range faces {
		if strings.EqualFold(f.Name, name) {
			return f, nil
		}
		names[i] = f.Name
	}
	return Face{}, fmt.Errorf("%w %q (known: %s)", ErrUnknownFace, name, strings.Join(names, ", "))
}

// CheckFonts reports whether the font file of every face exists. If some are
// missing it returns an error wrapping ErrFontMissing that lists the missing
// files and the Debian packages to install, in one message, so that a user
// installs them all at once. Other errors (a file that cannot be read)
// are returned as they are.
func CheckFonts(fs []Face) error {
	var files []string
	pkgs := map[string]bool{}
	for _, f := range fs {
		_, err := os.Stat(f.Path)
		switch {
		case err == nil:
		case errors.Is(err, os.ErrNotExist):
			files = append(files, fmt.Sprintf("%s (%s)", f.Path, f.Name))
			if f.Package != "" {
				pkgs[f.Package] = true
			}
		default:
			return fmt.Errorf("glyphs: face %q: %w", f.Name, err)
		}
	}
	if len(files) == 0 {
		return nil
	}
	return missingError(files, pkgs)
}

func missingError(files []string, pkgs map[string]bool) error {
	list := make([]string, 0, len(pkgs))
	for p := range pkgs {
		list = append(list, p)
	}
	sort.Strings(list)
	msg := fmt.Sprintf("%v: %s", ErrFontMissing, strings.Join(files, ", "))
	if len(list) > 0 {
		msg += fmt.Sprintf("; install the Debian package(s) with: apt-get install -y --no-install-recommends %s (or run %s)",
			strings.Join(list, " "), InstallScript)
	}
	return &fontMissingError{msg: msg}
}

// fontMissingError carries the full message while matching ErrFontMissing.
type fontMissingError struct{ msg string }

func (e *fontMissingError) Error() string        { return e.msg }
func (e *fontMissingError) Is(target error) bool { return target == ErrFontMissing }
