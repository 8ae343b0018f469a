package bundle

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"
)

// The collect manifest: the file that marks a netdoctor collect bundle,
// defined once for the writer (netdoctor collect), the reader (Roots and
// the source) and the fixture generator.
const (
	// CollectManifest is its name, at the top of the bundle or in its
	// single top directory.
	CollectManifest = "netdoctor-collect.json"
	// CollectFormat is its format field.
	CollectFormat = "netdoctor-collect"
	// CollectVersion is the version this netdoctor writes and reads.
	CollectVersion = 1
)

// Bounds of the root search.
const (
	maxManifestSize = 1 << 20
	maxSamples      = 64
	maxRootDepth    = 3      // directories below the top that are searched
	maxRootEntries  = 20_000 // directory entries looked at in all
)

// CollectMeta is the content of CollectManifest. SampleTimes (RFC 3339
// with nanoseconds) is an addition readers may ignore: the date files
// inside the samples have one-second resolution, too coarse for a 5 s
// interval.
type CollectMeta struct {
	Format          string   `json:"format"`
	Version         int      `json:"version"`
	Hostname        string   `json:"hostname"`
	Samples         []string `json:"samples"`
	IntervalSeconds float64  `json:"interval_seconds"`
	SampleTimes     []string `json:"sample_times,omitempty"`
	// Scrubbed lists what the bundle leaves out: "cmdline-args" (only the
	// program of each command line), "user-names" (no etc/passwd).
	Scrubbed []string `json:"scrubbed,omitempty"`
}

// Roots finds the sample roots of a bundle. A collect bundle (a file
// netdoctor-collect.json at the top, or in the single top directory, naming
// its sample directories) gives those, in the manifest's order, with Kind
// "collect". Otherwise every directory holding a sos_commands/ directory,
// closest to the top (searched breadth first, at most three levels down),
// gives a root of Kind "sosreport", sorted by name; several roots at that
// depth are a sos-collector archive or a folder of reports.
func Roots(fsys FS) ([]Root, error) {
	where := "the bundle"
	if v, ok := fsys.(*view); ok {
		where = v.where
	}
	top, err := fsys.ReadDir(".")
	if err != nil {
		return nil, err
	}
	if roots, ok, err := collectRoots(fsys, ".", top); ok || err != nil {
		return roots, err
	}
	var dirs []string
	for _, e := range top {
		if e.IsDir() {
			dirs = append(dirs, e.Name())
		}
	}
	if len(dirs) == 1 {
		sub, err := fsys.ReadDir(dirs[0])
		if err == nil {
			if roots, ok, err := collectRoots(fsys, dirs[0], sub); ok || err != nil {
				return roots, err
			}
			if err := cutCollect(fsys, dirs[0], sub); err != nil {
				return nil, err
			}
		}
	}
	if err := cutCollect(fsys, ".", top); err != nil {
		return nil, err
	}
	roots, err := sosRoots(fsys, top)
	if err != nil {
		return nil, err
	}
	if len(roots) == 0 {
		return nil, fmt.Errorf("no sosreport or netdoctor collect bundle found in %s (looked for sos_commands/ and %s)", quoteName(where), CollectManifest)
	}
	return roots, nil
}

// collectRoots reads dir/netdoctor-collect.json when entries (dir's
// listing) hold it. ok reports whether the manifest exists.
func collectRoots(fsys FS, dir string, entries []fs.DirEntry) (roots []Root, ok bool, err error) {
	i := slices.IndexFunc(entries, func(e fs.DirEntry) bool { return e.Name() == CollectManifest })
	if i < 0 {
		return nil, false, nil
	}
	name := path.Join(dir, CollectManifest)
	fail := func(format string, args ...any) ([]Root, bool, error) {
		return nil, true, fmt.Errorf("%s: %s", quoteName(name), fmt.Sprintf(format, args...))
	}
	if fi, err := fsys.Lstat(name); err == nil && fi.Mode().IsRegular() && fi.Size() > maxManifestSize {
		return fail("larger than %d bytes", maxManifestSize)
	}
	data, err := fsys.ReadFile(name)
	if err != nil {
		return nil, true, err
	}
	if len(data) > maxManifestSize {
		return fail("larger than %d bytes", maxManifestSize)
	}
	var m CollectMeta
	if err := json.Unmarshal(data, &m); err != nil {
		return fail("not valid JSON: %v", err)
	}
	if m.Format != CollectFormat {
		return fail("format is %q, want %q", m.Format, CollectFormat)
	}
	if m.Version != CollectVersion {
		return fail("unsupported version %d (this netdoctor reads version %d)", m.Version, CollectVersion)
	}
	if len(m.Samples) == 0 {
		return fail("lists no samples")
	}
	if len(m.Samples) > maxSamples {
		return fail("lists %d samples, more than %d", len(m.Samples), maxSamples)
	}
	seen := make(map[string]bool)
	for _, s := range m.Samples {
		if !fs.ValidPath(s) || s == "." {
			return fail("sample %q is not a plain relative directory", s)
		}
		d := path.Join(dir, s)
		if seen[d] {
			return fail("sample %q listed twice", s)
		}
		seen[d] = true
		fi, err := fsStat(fsys, d)
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return fail("sample directory %q is missing", s)
			}
			return nil, true, err
		}
		if !fi.IsDir() {
			return fail("sample %q is not a directory", s)
		}
		roots = append(roots, Root{Dir: d, Kind: "collect"})
	}
	return roots, true, nil
}

// collectSamples are the sample directories netdoctor collect writes, in
// order; its manifest comes after them, last in the archive.
var collectSamples = []string{"sample-1", "sample-2"}

// cutCollect reports a collect bundle cut short: an archive that ended
// without tar's end-of-archive blocks (a plain .tar cut at a member
// boundary reads as a clean end otherwise), whose directory dir (listed
// in entries) holds collect sample directories but not the manifest. It
// names what is missing. A compressed archive cut anywhere fails earlier,
// in its decompressor.
func cutCollect(fsys FS, dir string, entries []fs.DirEntry) error {
	v, ok := fsys.(*view)
	if !ok {
		return nil
	}
	members, cut := v.archiveCut()
	if !cut {
		return nil
	}
	var have, missing []string
	for _, s := range collectSamples {
		if slices.ContainsFunc(entries, func(e fs.DirEntry) bool { return e.Name() == s && e.IsDir() }) {
			have = append(have, s+"/")
		} else {
			missing = append(missing, path.Join(dir, s)+"/")
		}
	}
	if len(have) == 0 {
		return nil
	}
	missing = append(missing, path.Join(dir, CollectManifest))
	return fmt.Errorf("truncated netdoctor collect archive: it ends after %d members without tar's end-of-archive blocks; missing %s (it has %s; the last sample present may be incomplete); copy the file again",
		members, quoteName(strings.Join(missing, ", ")), strings.Join(have, ", "))
}

// sosRoots searches breadth first for directories holding sos_commands/,
// returning those at the smallest depth.
func sosRoots(fsys FS, top []fs.DirEntry) ([]Root, error) {
	level := []string{"."}
	listing := map[string][]fs.DirEntry{".": top}
	budget := maxRootEntries
	for depth := 0; depth <= maxRootDepth && len(level) > 0; depth++ {
		var found []Root
		var next []string
		for _, dir := range level {
			entries, ok := listing[dir]
			if !ok {
				var err error
				entries, err = fsys.ReadDir(dir)
				if err != nil {
					continue // unreadable or refused: not a root
				}
			}
			budget -= len(entries)
			if budget < 0 {
				return nil, refusal("search", dir, fmt.Sprintf("more than %d entries searched for sos_commands/", maxRootEntries))
			}
			if slices.ContainsFunc(entries, func(e fs.DirEntry) bool { return e.Name() == "sos_commands" && e.IsDir() }) {
				found = append(found, Root{Dir: dir, Kind: "sosreport"})
				continue
			}
			for _, e := range entries {
				if e.IsDir() {
					next = append(next, path.Join(dir, e.Name()))
				}
			}
		}
		if len(found) > 0 {
			slices.SortFunc(found, func(a, b Root) int { return strings.Compare(a.Dir, b.Dir) })
			return found, nil
		}
		level = next
		clear(listing)
	}
	return nil, nil
}
