package labelmap

import (
	"fmt"
	"hash/crc32"

	"github.com/labelcode/labelcode/internal/container"
	"github.com/labelcode/labelcode/internal/lmcore"
)

// The file format's constants and writer, for tests that craft files.
const (
	fileMagic     = lmcore.FileMagic
	fileVersion   = lmcore.FileVersion
	kindEnsemble  = lmcore.KindEnsemble
	kindSite      = lmcore.KindSite
	kindMultiHead = lmcore.KindMultiHead
	headerLen     = container.HeaderLen
)

var (
	castagnoli = crc32.MakeTable(crc32.Castagnoli)
	newWriter  = lmcore.NewWriter
)

// loadEnsemble and loadMultiHead are Load for a file known to hold that kind.
func loadEnsemble(path string, opts ...Option) (*Ensemble, error) {
	m, err := Load(path, opts...)
	if err != nil {
		return nil, err
	}
	e, ok := m.(*Ensemble)
	if !ok {
		return nil, fmt.Errorf("%s holds a %T", path, m)
	}
	return e, nil
}

func loadMultiHead(path string, opts ...Option) (*MultiHead, error) {
	m, err := Load(path, opts...)
	if err != nil {
		return nil, err
	}
	h, ok := m.(*MultiHead)
	if !ok {
		return nil, fmt.Errorf("%s holds a %T", path, m)
	}
	return h, nil
}
