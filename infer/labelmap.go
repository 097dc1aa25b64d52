package infer

func isLabelMap(data []byte) bool { return false }

func loadLabelMap(data []byte) (*Model, error) { return nil, ErrFormat }
