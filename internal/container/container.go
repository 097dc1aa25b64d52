// Package container is the one binary file format of every model and
// index file the module writes: a DSNC model, a Label Mapping ensemble,
// site or multi-head model, a saved Hamming index, a glyph cache. Each
// file is a header naming its kind and the version of its body, the body,
// and a checksum, little-endian throughout:
//
//	offset  size  field
//	0       8     magic "LBLCODE\x00"
//	8       2     kind (Kind): what the body holds
//	10      2     version of the body's format, 1 or more
//	12      8     body length n
//	20      n     body
//	20+n    4     CRC-32C (Castagnoli) of bytes [0, 20+n)
//
// The file is exactly HeaderLen + n + TrailerLen bytes: a reader refuses
// trailing bytes as it refuses a short file. The body's layout belongs to
// the package that writes the kind; this package only seals and opens it.
//
// Open reports every problem with one of three sentinels: ErrFormat (not
// a container, truncated, a length that does not match the data, a
// checksum mismatch: ErrTruncated and ErrChecksum wrap it for the two
// cases a caller may want to tell apart), ErrVersion (a body version this
// release does not read) and ErrKind (a container of another kind). The
// packages that read files return these same values, so errors.Is works
// whichever package returned the error.
//
// The package uses the standard library only (no gorgonia), so that
// inference-only programs can read every file.
package container

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"os"

	"github.com/labelcode/labelcode/internal/atomicfile"
)

// Layout constants of the format.
const (
	// Magic opens every container.
	Magic = "LBLCODE\x00"
	// HeaderLen is the size of the header: magic, kind, version, length.
	HeaderLen = len(Magic) + 2 + 2 + 8
	// TrailerLen is the size of the checksum that ends the file.
	TrailerLen = 4
	// Overhead is what a container adds to its body.
	Overhead = HeaderLen + TrailerLen
)

// Kind says what a container's body holds.
type Kind uint16

// The kinds of file. The values are stored in files: never renumber them.
const (
	// DSNCModel is a DSNC model file (internal/dsnccore).
	DSNCModel Kind = 1
	// LMEnsemble is a Label Mapping ensemble (internal/lmcore).
	LMEnsemble Kind = 2
	// LMSite is one site of a Label Mapping ensemble (internal/lmcore).
	LMSite Kind = 3
	// LMMultiHead is a Label Mapping shared-trunk model (internal/lmcore).
	LMMultiHead Kind = 4
	// HammingLinear is a saved hamming.Linear.
	HammingLinear Kind = 5
	// HammingMultiIndex is a saved hamming.MultiIndex.
	HammingMultiIndex Kind = 6
	// HammingTable is a saved hamming.Table.
	HammingTable Kind = 7
	// GlyphCache is a glyph image cache (examples/internal/glyphs).
	GlyphCache Kind = 8
)

var kindNames = [...]string{
	DSNCModel:         "DSNC model",
	LMEnsemble:        "Label Mapping ensemble",
	LMSite:            "Label Mapping site",
	LMMultiHead:       "Label Mapping multi-head model",
	HammingLinear:     "Hamming linear index",
	HammingMultiIndex: "Hamming multi-index",
	HammingTable:      "Hamming table",
	GlyphCache:        "glyph cache",
}

// String names the kind ("DSNC model", "Hamming table", ...), or says
// "unknown kind N" for a value this release does not know.
func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("unknown kind %d", uint16(k))
}

// Known reports whether k is one of the kinds this release defines.
func (k Kind) Known() bool { return int(k) < len(kindNames) && kindNames[k] != "" }

// The errors of Open. Every error Open returns wraps exactly one of
// ErrFormat, ErrVersion and ErrKind; ErrTruncated and ErrChecksum are
// refinements of ErrFormat (errors.Is(ErrTruncated, ErrFormat) holds).
var (
	// ErrFormat reports data that are not a valid container: no magic, cut
	// short, a length field other than the bytes present, or a checksum
	// mismatch. The wrapped message says which.
	ErrFormat = errors.New("labelcode: not a valid model file")
	// ErrVersion reports a container whose body version this release does
	// not read (written by a later release, or damaged).
	ErrVersion = errors.New("labelcode: unsupported model file version")
	// ErrKind reports a valid container of another kind than the one
	// asked for, such as a Hamming table given to the DSNC loader.
	ErrKind = errors.New("labelcode: model file of another kind")

	// ErrTruncated reports data that end before the header or the body
	// the header announces (it wraps ErrFormat).
	ErrTruncated = fmt.Errorf("%w: truncated", ErrFormat)
	// ErrChecksum reports a CRC-32C that does not match the data (it
	// wraps ErrFormat).
	ErrChecksum = fmt.Errorf("%w: checksum mismatch", ErrFormat)
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Seal returns the container of the given kind and body version around
// body (which it copies).
func Seal(kind Kind, version uint16, body []byte) []byte {
	buf := make([]byte, HeaderLen, HeaderLen+len(body)+TrailerLen)
	return Finish(append(buf, body...), kind, version)
}

// Reserve returns an empty buffer that starts with room for the header,
// for a writer that appends the body and then calls Finish, so that the
// body is never copied.
func Reserve(capacity int) []byte {
	return make([]byte, HeaderLen, HeaderLen+max(capacity, 0)+TrailerLen)
}

// Finish turns buf, HeaderLen reserved bytes (their content is ignored)
// followed by the body, into a container of the given kind and version: it
// writes the header over the reserved bytes and appends the checksum. It
// panics if buf is shorter than HeaderLen, a programming error.
func Finish(buf []byte, kind Kind, version uint16) []byte {
	if len(buf) < HeaderLen {
		panic("container: Finish: buffer shorter than the header")
	}
	copy(buf, Magic)
	le := binary.LittleEndian
	le.PutUint16(buf[len(Magic):], uint16(kind))
	le.PutUint16(buf[len(Magic)+2:], version)
	le.PutUint64(buf[len(Magic)+4:], uint64(len(buf)-HeaderLen))
	return le.AppendUint32(buf, crc32.Checksum(buf, castagnoli))
}

// Peek returns the kind of a container, and false when data do not start
// with the magic and the kind. It checks nothing else: it is for choosing
// a loader, which calls Open.
func Peek(data []byte) (Kind, bool) {
	if len(data) < len(Magic)+2 || string(data[:len(Magic)]) != Magic {
		return 0, false
	}
	return Kind(binary.LittleEndian.Uint16(data[len(Magic):])), true
}

// HasMagic reports whether data start with the container magic, or are a
// non-empty prefix of it (a container cut short).
func HasMagic(data []byte) bool {
	n := min(len(data), len(Magic))
	return n > 0 && string(data[:n]) == Magic[:n]
}

// Open checks a container and returns its body version and body. It
// checks, in order, the magic (ErrFormat, or ErrTruncated for a prefix of
// a header), the kind (ErrKind), the version, which must be in
// [1, maxVersion] (ErrVersion), that the length field equals the bytes
// present exactly (ErrTruncated when fewer, ErrFormat when more), and the
// checksum (ErrChecksum). The body aliases data; nothing is allocated but
// the error.
func Open(data []byte, kind Kind, maxVersion uint16) (version uint16, body []byte, err error) {
	if len(data) < HeaderLen {
		if HasMagic(data) {
			return 0, nil, fmt.Errorf("%w: %d bytes, the header needs %d", ErrTruncated, len(data), HeaderLen)
		}
		return 0, nil, fmt.Errorf("%w: no container header (%d bytes)", ErrFormat, len(data))
	}
	if string(data[:len(Magic)]) != Magic {
		return 0, nil, fmt.Errorf("%w: bad magic %q", ErrFormat, data[:len(Magic)])
	}
	le := binary.LittleEndian
	if k := Kind(le.Uint16(data[len(Magic):])); k != kind {
		return 0, nil, fmt.Errorf("%w: file holds a %v, not a %v", ErrKind, k, kind)
	}
	version = le.Uint16(data[len(Magic)+2:])
	if version == 0 || version > maxVersion {
		return 0, nil, fmt.Errorf("%w: %v version %d, this release reads 1 to %d", ErrVersion, kind, version, maxVersion)
	}
	// The length is compared with what the data hold, never added to
	// anything, so a huge value cannot overflow.
	n := le.Uint64(data[len(Magic)+4:])
	if len(data) < Overhead {
		return 0, nil, fmt.Errorf("%w: %d bytes, an empty body needs %d", ErrTruncated, len(data), Overhead)
	}
	avail := uint64(len(data) - Overhead)
	if n > avail {
		return 0, nil, fmt.Errorf("%w: a body of %d bytes announced, %d present", ErrTruncated, n, avail)
	}
	if n < avail {
		return 0, nil, fmt.Errorf("%w: %d bytes after a body of %d", ErrFormat, avail-n, n)
	}
	end := HeaderLen + int(n)
	if got, want := crc32.Checksum(data[:end], castagnoli), le.Uint32(data[end:]); got != want {
		return 0, nil, fmt.Errorf("%w: CRC-32C %#08x, stored %#08x", ErrChecksum, got, want)
	}
	return version, data[HeaderLen:end:end], nil
}

// ReadFile reads the file at path and decodes it with unmarshal, the
// body of every package's Load: an error of the file system is prefixed
// with pkg ("dsnc: open ..."), one of unmarshal with path.
func ReadFile[T any](path, pkg string, unmarshal func([]byte) (T, error)) (T, error) {
	var zero T
	data, err := os.ReadFile(path)
	if err != nil {
		return zero, fmt.Errorf("%s: %w", pkg, err)
	}
	m, err := unmarshal(data)
	if err != nil {
		return zero, fmt.Errorf("%s: %w", path, err)
	}
	return m, nil
}

// WriteFile writes a container (or any data) to path atomically, through
// a temporary file in the same directory renamed over path; a file that
// already exists keeps its permission bits, a new one gets 0644.
func WriteFile(path string, data []byte) error {
	return atomicfile.WriteFile(path, data, 0)
}
