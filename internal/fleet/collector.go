package fleet

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/netdoctor/netdoctor/internal/bundle"
)

// A sos-collector archive (sos collect) is one tarball holding each node's
// sosreport tarball, with logs and a manifest beside them. Its sosreports
// are written to a temporary directory, each then read as a bundle of its
// own; the summary names them as ARCHIVE:MEMBER.

// maxCollectorMember bounds one sosreport tarball inside a sos-collector
// archive.
const maxCollectorMember = 1 << 30

// extractCollector writes the sosreport archives inside the archive at p
// into a new temporary directory (returned, for the caller to remove) and
// returns one job per sosreport. It returns no job when p holds none.
func extractCollector(p string, o ReadOptions) ([]job, string, error) {
	lim := o.Limits
	lim.MaxFileSize = max(lim.MaxFileSize, maxCollectorMember)
	keep := func(name string) bool { return isArchiveName(name) && strings.Contains(path.Base(name), "sosreport") }
	b, err := bundle.OpenKeep(p, lim, keep)
	if err != nil {
		return nil, "", err
	}
	defer b.Close()
	var members []string
	var walk func(dir string, depth int) error
	walk = func(dir string, depth int) error {
		entries, err := b.FS.ReadDir(dir)
		if err != nil {
			return err
		}
		for _, e := range entries {
			name := path.Join(dir, e.Name())
			switch {
			case e.IsDir() && depth < 3:
				if err := walk(name, depth+1); err != nil {
					return err
				}
			case e.Type().IsRegular() && keep(name):
				members = append(members, name)
			}
		}
		return nil
	}
	if err := walk(".", 0); err != nil {
		return nil, "", err
	}
	if len(members) == 0 {
		return nil, "", nil
	}
	tmp, err := os.MkdirTemp(o.TempDir, "netdoctor-collector-")
	if err != nil {
		return nil, "", err
	}
	var jobs []job
	for i, m := range members {
		data, err := bundle.ReadFileShared(b.FS, m)
		input := p + ":" + m
		if err != nil {
			jobs = append(jobs, job{input: input, err: err})
			continue
		}
		out := filepath.Join(tmp, fmt.Sprintf("%04d-%s", i, path.Base(m)))
		if err := os.WriteFile(out, data, 0o600); err != nil {
			return nil, tmp, fmt.Errorf("%s: %w", out, err)
		}
		jobs = append(jobs, job{input: input, paths: []string{out}, temp: true})
	}
	return jobs, tmp, nil
}
