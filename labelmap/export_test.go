package labelmap

import (
	"hash/crc32"

	"github.com/labelcode/labelcode/internal/lmcore"
)

// The file format's constants and writer, for tests that craft files.
const (
	fileMagic     = lmcore.FileMagic
	fileVersion   = lmcore.FileVersion
	kindEnsemble  = lmcore.KindEnsemble
	kindSite      = lmcore.KindSite
	kindMultiHead = lmcore.KindMultiHead
	headerLen     = len(fileMagic) + 4
)

var (
	castagnoli = crc32.MakeTable(crc32.Castagnoli)
	newWriter  = lmcore.NewWriter
)
