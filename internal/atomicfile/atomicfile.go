// Package atomicfile writes a file so that a reader sees either the old
// content or the new, never a partial write: the data go to a temporary
// file in the same directory, which is synced, closed and renamed over the
// destination.
package atomicfile

import (
	"os"
	"path/filepath"
)

// WriteFile writes data to path atomically. The temporary file is
// "."+base(path)+".tmp*" in path's directory and is removed on failure.
// perm, when non-zero, is the mode the file gets (os.CreateTemp makes it
// 0600); zero leaves that mode.
func WriteFile(path string, data []byte, perm os.FileMode) (err error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err != nil {
		return err
	}
	if perm != 0 {
		if err = f.Chmod(perm); err != nil {
			return err
		}
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
