package fixturegen

import (
	"os"
	"path/filepath"
	"time"

	"github.com/netdoctor/netdoctor/internal/bundle"
)

// WriteArchive writes the bundle directory dir as a .tar.gz at out, under
// the top directory top, with bundle.Writer (as netdoctor collect does):
// the archive form of a generated bundle, for tests and benchmarks.
func WriteArchive(dir, out, top string) error {
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	w := bundle.NewWriter(f)
	mtime := time.Date(2024, 3, 5, 10, 11, 12, 0, time.UTC)
	err = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		name := top + "/" + filepath.ToSlash(rel)
		if d.Type()&os.ModeSymlink != 0 {
			t, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return w.Symlink(name, t, mtime)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return w.File(name, data, mtime)
	})
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return f.Close()
}
