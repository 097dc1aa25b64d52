package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f.bin")
	if err := WriteFile(path, []byte("first"), 0); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != DefaultPerm {
		t.Fatalf("new file mode %v, %v; want %v", fi.Mode().Perm(), err, DefaultPerm)
	}
	if err := os.Chmod(path, 0o640); err != nil {
		t.Fatal(err)
	}
	// Saving over an existing file keeps its mode, whatever perm says.
	for _, perm := range []os.FileMode{0, 0o600, 0o644} {
		if err := WriteFile(path, []byte("new content"), perm); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o640 {
			t.Fatalf("perm %v: mode %v, %v; want the existing 0640", perm, fi.Mode().Perm(), err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "new content" {
		t.Fatalf("read %q, %v", got, err)
	}
	other := filepath.Join(dir, "g.bin")
	if err := WriteFile(other, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(other); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v, %v; want the asked 0600", fi.Mode().Perm(), err)
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 2 {
		t.Fatalf("directory holds %d entries (%v), want only the two files", len(entries), err)
	}
}

func TestWriteFileFailureLeavesOld(t *testing.T) {
	dir := t.TempDir()
	// The destination is a non-empty directory: the rename fails, the
	// temporary file must be removed and the directory left alone.
	path := filepath.Join(dir, "d")
	if err := os.MkdirAll(filepath.Join(path, "inner"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("data"), 0o644); err == nil {
		t.Fatal("renaming over a non-empty directory succeeded")
	}
	entries, err := os.ReadDir(dir)
	if err != nil || len(entries) != 1 || entries[0].Name() != "d" {
		t.Fatalf("left %v (%v), want only d", entries, err)
	}
	if err := WriteFile(filepath.Join(dir, "missing", "f"), []byte("x"), 0); err == nil {
		t.Fatal("writing into a missing directory succeeded")
	}
}
