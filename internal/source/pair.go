package source

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/netdoctor/netdoctor/internal/bundle"
	"github.com/netdoctor/netdoctor/internal/host"
)

// Load reads one or two bundles (directories or archives) into a pair. One
// collect bundle gives its two samples; one sosreport gives a single
// sample (Pair.Before is nil); two paths must each hold exactly one sample
// of the same host, and are paired in time order with the interval
// between their collection times.
func Load(paths []string, o Options) (*host.Pair, error) {
	o = o.withDefaults()
	switch len(paths) {
	case 1:
		snaps, err := loadBundle(paths[0], o)
		if err != nil {
			return nil, err
		}
		switch len(snaps) {
		case 1:
			return host.Single(snaps[0]), nil
		case 2:
			p, err := host.NewPair(snaps[0], snaps[1])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", paths[0], err)
			}
			return p, nil
		}
		return nil, fmt.Errorf("%s: %d samples; netdoctor reads one or two", paths[0], len(snaps))
	case 2:
		if same(paths[0], paths[1]) {
			return nil, &inputError{msg: fmt.Sprintf("%s is given twice: give two bundles of one host, the earlier first, or one 'netdoctor collect' archive (two samples)",
				paths[0]), kind: ErrSameBundle}
		}
		var (
			snaps [2][]*host.Snapshot
			errs  [2]error
			wg    sync.WaitGroup
		)
		for i := range paths {
			wg.Add(1)
			go func() {
				defer wg.Done()
				snaps[i], errs[i] = loadBundle(paths[i], o)
			}()
		}
		wg.Wait()
		if err := errors.Join(errs[0], errs[1]); err != nil {
			return nil, err
		}
		for i := range paths {
			if len(snaps[i]) != 1 {
				return nil, fmt.Errorf("%s holds %d samples; with two paths each must hold one (give a collect bundle alone)", paths[i], len(snaps[i]))
			}
		}
		a, b := snaps[0][0], snaps[1][0]
		pa, pb := paths[0], paths[1]
		if a.Hostname != "" && b.Hostname != "" && a.Hostname != b.Hostname {
			return nil, fmt.Errorf("%s and %s are from different hosts (%s, %s)", pa, pb, a.Hostname, b.Hostname)
		}
		if !a.Time.IsZero() && !b.Time.IsZero() && b.Time.Before(a.Time) {
			a, b, pa, pb = b, a, pb, pa
			if o.Note != nil {
				o.Note(fmt.Sprintf("%s was collected before %s: reading it as the first sample (give the earlier bundle first)", pa, pb))
			}
		}
		if !a.Time.IsZero() && a.Time.Equal(b.Time) {
			return nil, &inputError{msg: fmt.Sprintf("%s and %s were collected at the same time (%s): they are one sample twice; give two bundles collected minutes apart, the earlier first",
				pa, pb, a.Time.UTC().Format(time.RFC3339)), kind: ErrSameBundle}
		}
		p, err := host.NewPair(a, b)
		if err != nil {
			return nil, fmt.Errorf("%s and %s: %w", pa, pb, err)
		}
		return p, nil
	}
	return nil, fmt.Errorf("give one or two bundles, not %d", len(paths))
}

// ErrSameBundle marks two bundle arguments that are one sample.
var ErrSameBundle = errors.New("the same bundle twice")

// same reports whether two paths name one file or directory.
func same(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}

// loadBundle opens one bundle and loads its samples, concurrently.
func loadBundle(p string, o Options) ([]*host.Snapshot, error) {
	if err := sniff(p); err != nil {
		return nil, err
	}
	b, err := bundle.OpenKeep(p, o.Limits, keepInput)
	if err != nil {
		return nil, err
	}
	defer b.Close()
	roots, err := bundle.Roots(b.FS)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	if len(roots) == 0 {
		return nil, fmt.Errorf("%s: no sosreport (a directory holding sos_commands/) and no netdoctor collect bundle in it", p)
	}
	collect := roots[0].Kind == KindCollect
	if !collect && len(roots) > 1 {
		dirs := make([]string, 0, len(roots))
		for _, r := range roots {
			dirs = append(dirs, r.Dir)
		}
		return nil, fmt.Errorf("%s holds %d sosreports (%s): extract it and give the one to read", p, len(roots), strings.Join(dirs, ", "))
	}
	snaps := make([]*host.Snapshot, len(roots))
	errs := make([]error, len(roots))
	var wg sync.WaitGroup
	for i, r := range roots {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fsys := b.FS
			origin := p
			if r.Dir != "" && r.Dir != "." {
				sub, err := bundle.Sub(b.FS, r.Dir)
				if err != nil {
					errs[i] = fmt.Errorf("%s: %s: %w", p, r.Dir, err)
					return
				}
				fsys = sub
				origin = p + "/" + r.Dir
			}
			s, err := LoadRoot(fsys, r.Kind, o)
			if err != nil {
				errs[i] = fmt.Errorf("%s: %w", origin, err)
				return
			}
			s.Origin = origin
			snaps[i] = s
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if collect {
		applySampleTimes(b.FS, roots, snaps)
	}
	return snaps, nil
}

// applySampleTimes takes the precise sample times of netdoctor-collect.json
// when the bundle has them and they agree with the date files (within
// two seconds; the date files have one-second resolution).
func applySampleTimes(fsys bundle.FS, roots []bundle.Root, snaps []*host.Snapshot) {
	dir := path.Dir(roots[0].Dir)
	name := bundle.CollectManifest
	if dir != "." && dir != "" {
		name = dir + "/" + bundle.CollectManifest
	}
	b, err := fsys.ReadFile(name)
	if err != nil || len(b) > 1<<20 {
		return
	}
	var m bundle.CollectMeta
	if json.Unmarshal(b, &m) != nil || len(m.SampleTimes) != len(snaps) {
		return
	}
	for i, s := range snaps {
		t, err := time.Parse(time.RFC3339Nano, m.SampleTimes[i])
		if err != nil {
			continue
		}
		if s.Time.IsZero() || absDuration(t.Sub(s.Time)) <= 2*time.Second {
			s.Time = t
		}
	}
}

func absDuration(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}
