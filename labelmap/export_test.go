package labelmap

import "fmt"

// loadEnsemble and loadMultiHead are Load for a file known to hold that kind.
func loadEnsemble(path string, opts ...Option) (*Ensemble, error) {
	return loadAs[*Ensemble](path, opts)
}

func loadMultiHead(path string, opts ...Option) (*MultiHead, error) {
	return loadAs[*MultiHead](path, opts)
}

func loadAs[T Model](path string, opts []Option) (T, error) {
	m, err := Load(path, opts...)
	t, ok := m.(T)
	if err == nil && !ok {
		err = fmt.Errorf("%s holds a %T", path, m)
	}
	return t, err
}
