package dsnc

import (
	"hash/crc32"

	"github.com/labelcode/labelcode/internal/dsnccore"
)

// The file format's constants, for tests that craft files.
const (
	fileMagic   = dsnccore.FileMagic
	fileVersion = dsnccore.FileVersion
	headerLen   = 8 + 4 + 8
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)
