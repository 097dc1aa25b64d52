package glyphs

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// repackSFNT copies font number index of an SFNT file or collection (TTF,
// OTF, TTC or OTC) into a new single-font SFNT whose tables start on
// four-byte boundaries. golang.org/x/image/font/sfnt rejects fonts whose
// tables are not aligned, as the OpenType specification requires; Debian's
// wqy-zenhei.ttc has such tables. Table checksums are copied unchanged
// (sfnt ignores them); the table directory keeps its original order.
func repackSFNT(data []byte, index int) ([]byte, error) {
	if len(data) < 12 {
		return nil, errors.New("file too short for an SFNT header")
	}
	offset := 0
	if string(data[:4]) == "ttcf" {
		n := int(binary.BigEndian.Uint32(data[8:12]))
		if index < 0 || index >= n {
			return nil, fmt.Errorf("font index %d out of range [0, %d)", index, n)
		}
		at := 12 + 4*index
		if at+4 > len(data) {
			return nil, errors.New("truncated collection header")
		}
		offset = int(binary.BigEndian.Uint32(data[at:]))
	} else if index != 0 {
		return nil, fmt.Errorf("font index %d out of range [0, 1)", index)
	}
	if offset < 0 || offset+12 > len(data) {
		return nil, errors.New("font offset out of range")
	}
	hdr := data[offset : offset+12]
	numTables := int(binary.BigEndian.Uint16(hdr[4:6]))
	dirEnd := offset + 12 + 16*numTables
	if dirEnd > len(data) {
		return nil, errors.New("truncated table directory")
	}
	size := 12 + 16*numTables
	for i := 0; i < numTables; i++ {
		rec := data[offset+12+16*i:]
		o := int(binary.BigEndian.Uint32(rec[8:12]))
		n := int(binary.BigEndian.Uint32(rec[12:16]))
		if o < 0 || n < 0 || o > len(data) || n > len(data)-o {
			return nil, fmt.Errorf("table %q out of range", rec[:4])
		}
		size += (n + 3) &^ 3
	}
	out := make([]byte, 12+16*numTables, size)
	copy(out, hdr)
	for i := 0; i < numTables; i++ {
		rec := data[offset+12+16*i : offset+12+16*i+16]
		o := int(binary.BigEndian.Uint32(rec[8:12]))
		n := int(binary.BigEndian.Uint32(rec[12:16]))
		dst := out[12+16*i : 12+16*i+16]
		copy(dst, rec)
		binary.BigEndian.PutUint32(dst[8:12], uint32(len(out)))
		out = append(out, data[o:o+n]...)
		for len(out)&3 != 0 {
			out = append(out, 0)
		}
	}
	return out, nil
}
