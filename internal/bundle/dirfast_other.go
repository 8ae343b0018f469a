//go:build !linux

package bundle

import "io/fs"

// fastDir is the fast read path of a directory bundle; it exists on Linux
// only (dirfast_linux.go). Elsewhere every read takes the view's path.
type fastDir struct{}

func newFastDir(string, int64) *fastDir { return nil }

func (d *fastDir) close() {}

func (d *fastDir) read(string) ([]byte, bool) { return nil, false }

func (d *fastDir) list(string, int, func(string, fs.FileMode) fs.DirEntry) ([]fs.DirEntry, bool) {
	return nil, false
}

// liveRead is liveFS's os-based read elsewhere.
func liveRead(op, p string, max int64) ([]byte, error) {
	data, _, err := liveAt("/", Limits{MaxFileSize: max}).read(op, p)
	return data, err
}

// Preopened opens nothing early elsewhere: every read takes liveRead.
func preopen(string) (int, bool)               { return -1, false }
func readPreopened(int, int64) ([]byte, error) { return nil, fs.ErrInvalid }
func closePreopened(int)                       {}
func openFileLimit() int                       { return 0 }
func kernelPseudoFS(string) bool               { return false }
