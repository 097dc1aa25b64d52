package glyphs

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"

	"github.com/labelcode/labelcode/internal/container"
)

// Cache file format: a container (internal/container) of kind
// container.GlyphCache, version cacheVersion, whose body is, little-endian:
//
//	render   uint32   renderVersion of the code that drew the images
//	size     uint32   image side in pixels
//	first    uint32   code point of image 0
//	count    uint32   number of images (code points first..first+count-1)
//	index    uint32   face index inside the font file
//	fontSize int64    font file size in bytes
//	fontMod  int64    font file modification time, Unix nanoseconds
//	name     uint16 length + bytes   face name
//	path     uint16 length + bytes   font file path
//	package  uint16 length + bytes   Debian package
//	pix      count*size*size bytes   8-bit coverage, as Set.Pix
//
// The container puts a 20-byte header before the body (magic, kind,
// version, length) and a CRC-32C of everything after it. Caches of the
// earlier format (read, never written) hold the same body between the
// magic "LCGLYPHS" and a uint32 version 1 before it, and the CRC-32C
// (Castagnoli) of every byte before it after it.
const (
	cacheMagic   = "LCGLYPHS" // of the earlier format
	cacheVersion = 1
	// renderVersion changes whenever the drawing code changes the pixels
	// it produces, so that caches of the old rendering are rebuilt.
	renderVersion = 1

	legacyHeader = 8 + 4         // magic and version of the earlier format
	fixedBody    = 4*5 + 8*2     // the body's fixed-size fields
	fixedHeader  = 8 + 4*6 + 8*2 // the earlier format's magic to fontMod
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// MarshalBinary encodes the set in the cache file format (see above). The
// labels must be consecutive.
func (s *Set) MarshalBinary() ([]byte, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	strs := []string{s.Face.Name, s.Face.Path, s.Face.Package}
	n := fixedBody + len(s.Pix)
	for _, str := range strs {
		if len(str) > 0xFFFF {
			return nil, fmt.Errorf("%w: face field of %d bytes", ErrOptions, len(str))
		}
		n += 2 + len(str)
	}
	b := container.Reserve(n)
	le := binary.LittleEndian
	b = le.AppendUint32(b, s.stamp.render)
	b = le.AppendUint32(b, uint32(s.Size))
	first := uint32(First)
	if len(s.Labels) > 0 {
		first += uint32(s.Labels[0])
	}
	b = le.AppendUint32(b, first)
	b = le.AppendUint32(b, uint32(len(s.Labels)))
	b = le.AppendUint32(b, uint32(s.Face.Index))
	b = le.AppendUint64(b, uint64(s.stamp.fontSize))
	b = le.AppendUint64(b, uint64(s.stamp.fontModTime))
	for _, str := range strs {
		b = le.AppendUint16(b, uint16(len(str)))
		b = append(b, str...)
	}
	b = append(b, s.Pix...)
	return container.Finish(b, container.GlyphCache, cacheVersion), nil
}

// check reports whether the set's fields are consistent.
func (s *Set) check() error {
	if s.Size < MinSize || s.Size > MaxSize {
		return fmt.Errorf("%w: size %d outside [%d, %d]", ErrOptions, s.Size, MinSize, MaxSize)
	}
	if s.Face.Index < 0 {
		return fmt.Errorf("%w: negative face index %d", ErrOptions, s.Face.Index)
	}
	for i, l := range s.Labels {
		if l < 0 || l >= NumClasses || (i > 0 && l != s.Labels[i-1]+1) {
			return fmt.Errorf("%w: labels must be consecutive in [0, %d), got %d at %d", ErrOptions, NumClasses, l, i)
		}
	}
	if len(s.Pix) != len(s.Labels)*s.Dim() {
		return fmt.Errorf("%w: %d pixels for %d images of %dx%d", ErrOptions, len(s.Pix), len(s.Labels), s.Size, s.Size)
	}
	return nil
}

// UnmarshalBinary decodes a set written by MarshalBinary, or a cache of
// the earlier format. It returns an error wrapping ErrCacheVersion (and
// container.ErrVersion for a container) for another format version and
// ErrCorruptCache for anything else that is wrong: truncation, a bad magic
// number or checksum, a container of another kind, or fields out of range;
// the container's own sentinels are wrapped too. It allocates no more than
// about twice len(b): the declared image count and size are bounded (by
// NumClasses and MaxSize) and must match the pixel bytes that follow
// before anything is copied.
func (s *Set) UnmarshalBinary(b []byte) error {
	body, err := cacheBody(b)
	if err != nil {
		return err
	}
	le := binary.LittleEndian
	if len(body) < fixedBody {
		return fmt.Errorf("%w: a body of %d bytes, its fixed fields need %d", ErrCorruptCache, len(body), fixedBody)
	}
	render := le.Uint32(body)
	size := le.Uint32(body[4:])
	first := le.Uint32(body[8:])
	count := le.Uint32(body[12:])
	index := le.Uint32(body[16:])
	fontSize := int64(le.Uint64(body[20:]))
	fontMod := int64(le.Uint64(body[28:]))
	if size < MinSize || size > MaxSize {
		return fmt.Errorf("%w: image size %d outside [%d, %d]", ErrCorruptCache, size, MinSize, MaxSize)
	}
	if first < uint32(First) || first > uint32(Last) || count > uint32(Last)-first+1 {
		return fmt.Errorf("%w: code points U+%04X + %d outside U+%04X..U+%04X", ErrCorruptCache, first, count, First, Last)
	}
	if index > 1<<16 {
		return fmt.Errorf("%w: face index %d", ErrCorruptCache, index)
	}
	rest := body[fixedBody:]
	var strs [3]string
	for i := range strs {
		if len(rest) < 2 {
			return fmt.Errorf("%w: truncated header", ErrCorruptCache)
		}
		n := int(le.Uint16(rest))
		if len(rest) < 2+n {
			return fmt.Errorf("%w: truncated header", ErrCorruptCache)
		}
		strs[i] = string(rest[2 : 2+n])
		rest = rest[2+n:]
	}
	// count ≤ NumClasses and size ≤ MaxSize: the product fits an int.
	if want := int(count) * int(size) * int(size); len(rest) != want {
		return fmt.Errorf("%w: %d pixel bytes, want %d", ErrCorruptCache, len(rest), want)
	}
	*s = Set{
		Face:   Face{Name: strs[0], Path: strs[1], Index: int(index), Package: strs[2]},
		Size:   int(size),
		Labels: make([]int, count),
		Pix:    append([]uint8(nil), rest...),
		stamp:  stamp{fontSize: fontSize, fontModTime: fontMod, render: render},
	}
	for i := range s.Labels {
		s.Labels[i] = int(first) - int(First) + i
	}
	return nil
}

// cacheBody checks a cache file's frame, a container or the earlier
// format, and returns its body (aliasing b).
func cacheBody(b []byte) ([]byte, error) {
	if container.HasMagic(b) {
		_, body, err := container.Open(b, container.GlyphCache, cacheVersion)
		switch {
		case errors.Is(err, container.ErrVersion):
			return nil, fmt.Errorf("%w: %w", ErrCacheVersion, err)
		case err != nil:
			return nil, fmt.Errorf("%w: %w", ErrCorruptCache, err)
		}
		return body, nil
	}
	le := binary.LittleEndian
	if len(b) < fixedHeader+3*2+4 || string(b[:8]) != cacheMagic {
		return nil, fmt.Errorf("%w: %w: not a glyph cache (bad magic or too short)", ErrCorruptCache, container.ErrFormat)
	}
	if v := le.Uint32(b[8:]); v != cacheVersion {
		return nil, fmt.Errorf("%w: %w: version %d, want %d", ErrCacheVersion, container.ErrVersion, v, cacheVersion)
	}
	end := len(b) - 4
	if got, want := crc32.Checksum(b[:end], castagnoli), le.Uint32(b[end:]); got != want {
		return nil, fmt.Errorf("%w: %w: checksum %08x, file says %08x", ErrCorruptCache, container.ErrChecksum, got, want)
	}
	return b[legacyHeader:end], nil
}

// WriteFile writes the set to the file name in the cache format. It writes a
// temporary file in the same directory and renames it, so that name is never
// seen half-written.
func (s *Set) WriteFile(name string) error {
	b, err := s.MarshalBinary()
	if err != nil {
		return err
	}
	if err := container.WriteFile(name, b); err != nil {
		return fmt.Errorf("glyphs: %w", err)
	}
	return nil
}

// ReadFile reads a set written by WriteFile. Errors wrap ErrCacheVersion or
// ErrCorruptCache (see UnmarshalBinary), or the file system's error.
func ReadFile(name string) (*Set, error) {
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("glyphs: %w", err)
	}
	s := new(Set)
	if err := s.UnmarshalBinary(b); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return s, nil
}
