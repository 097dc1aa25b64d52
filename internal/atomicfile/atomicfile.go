// Package atomicfile writes a file so that a reader sees either the old
// content or the new, never a partial write: the data go to a temporary
// file in the same directory, which is synced, closed and renamed over the
// destination.
package atomicfile

import (
	"os"
	"path/filepath"
)

// DefaultPerm is the mode of a new file when the caller gives none.
const DefaultPerm os.FileMode = 0o644

// WriteFile writes data to path atomically. The temporary file is
// "."+base(path)+".tmp*" in path's directory and is removed on failure.
//
// Mode: when path already names a regular file, the new file keeps that
// file's permission bits, so saving over a file never changes who can read
// it; otherwise it gets perm, or DefaultPerm (0644) when perm is zero. The
// mode is set explicitly, so the process umask does not apply.
func WriteFile(path string, data []byte, perm os.FileMode) (err error) {
	mode := perm.Perm()
	if mode == 0 {
		mode = DefaultPerm
	}
	if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
		mode = fi.Mode().Perm()
	}
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
	if err = f.Chmod(mode); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}
