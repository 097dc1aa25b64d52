// Package glyphs builds the Label Mapping paper's CJK glyph data set: the
// 20,902 CJK Unified Ideographs U+4E00..U+9FA5 (one class each, label =
// code point - First) rendered as small greyscale images from the eight
// font faces of Faces, which come from Debian packages (see
// install-fonts.sh in this directory, and ../shared/data/README.md). The
// paper trains on seven faces and tests on the eighth.
//
// Rendering is pure Go: golang.org/x/image/font/sfnt parses the font
// (TTF/OTF, or one face of a TTC/OTC collection; collections with unaligned
// tables, such as Debian's wqy-zenhei.ttc, are repacked in memory first) and
// golang.org/x/image/vector rasterizes the outline with exact-area
// anti-aliasing and no hinting.
//
// # Conventions
//
// An image is Size x Size pixels, row-major, top row first. Rendered images
// are float32 in [0,1] with 0 for background and 1 for full ink; a Set
// stores the same values as 8-bit coverage (Pix, 0..255) to keep memory and
// cache files four times smaller, and converts on the way out (Image, Batch,
// Float32).
//
// All glyphs of one face share one transform (see Font): the face's median
// glyph extent covers 80% of the image side and its median glyph centre sits
// at the image centre, so relative sizes and positions inside a face are
// kept and the eight faces come out at the same scale. Nothing is clipped.
//
// A code point the face maps to glyph 0 (.notdef) is an error
// (ErrMissingGlyph), never a silently drawn placeholder box; so is a glyph
// with no outline (ErrBlankGlyph).
//
// # Cache
//
// Build keeps one cache file per face, image size and code point range
// (CacheFile), by default under DefaultCacheDir. The format (version 1) is a
// little-endian header (magic "LCGLYPHS", format and rendering versions,
// size, range, face, font file size and modification time), the 8-bit
// pixels and a CRC-32C of everything before it; it is written to a
// temporary file and renamed. A cache file that is damaged or stale is
// rebuilt.
//
// # Cost
//
// Measured on the 2-core machine of the project: opening a face (reading
// its 4–51 MB font file and measuring 1,307 sample glyphs) takes about
// 15 ms; rendering all 8 x 20,902 glyphs at 32x32 takes about 1.3 s on 2
// cores (2.3 s on one, 2.0 s on 2 cores at 64x64); reading them back from
// the cache takes about 0.2 s. A 32x32 cache file is 21.4 MB per face
// (171 MB for the eight).
package glyphs
