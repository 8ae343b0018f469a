package source

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	"syscall"

	"github.com/netdoctor/netdoctor/internal/bundle"
	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/parse/cmdout"
)

// loader reads one root into one snapshot.
type loader struct {
	fsys bundle.FS
	kind string // KindLive, KindSosreport or KindCollect
	live bool
	o    Options
	snap *host.Snapshot

	// prober answers the ethtool questions on the live host; nil offline.
	prober prober
	// put, when set, receives files the live loader made up from non-file
	// data (ethtool ioctls, uname, the clock) at the path sos would use.
	put func(name string, data []byte)
	// putCarried, when set, receives the files the second sample took
	// from the first rather than read (sampleCarry): the first sample
	// recorded them under the same names with the same content.
	putCarried func(name string, data []byte)
	// carry spares a live run's second sample what the first read and
	// cannot have changed (sampleCarry); nil offline. carrySample is this
	// sample's number in the run (1 or 2).
	carry       *sampleCarry
	carrySample int
	// onlineKey is the online CPU list as read, the key of the CPUs'
	// stable topology files (readStable).
	onlineKey string
	// kmsg reads the live kernel log (readKmsg); nil offline and in tests.
	kmsg func() ([]byte, error)
	// netDir is a sosreport's proc/<pid>/net (sosNetDir).
	netDirOnce sync.Once
	netDir     string

	sos sosInfo

	// procsComplete is true when Procs is the whole process list (not
	// sos's partial proc/PID/status copies).
	procsComplete bool

	// cpus interns the CPU lists this sample repeats.
	cpus cpuLists

	// devTree indexes sys/devices/…/net/NAME directories by NAME (offline).
	devTreeOnce sync.Once
	devTree     map[string]string

	// hostnamectl is hostnamectl status's Virtualization, read once.
	hostnamectlOnce sync.Once
	hostnamectl     string
	hostnamectlCont bool

	lscpuTableOnce sync.Once
	lscpuRows      []cmdout.LscpuCPU
	lscpuRowsAt    string

	mu     sync.Mutex
	inputs []host.Input
}

// maxWalkEntries bounds any directory listing the loader walks, so a
// hostile bundle cannot make it iterate without end.
const maxWalkEntries = 1 << 20

// errAmbiguous is a glob candidate that matched more than one file.
var errAmbiguous = errors.New("several candidates match")

// read returns the first candidate that reads, and the path it came from.
// When none does, the error is the first one that says more than "does not
// exist" (a permission or a refusal), else fs.ErrNotExist.
func (l *loader) read(cands []cand) (data []byte, at string, err error) {
	at, err = l.first(cands, func(p string) (err error) {
		data, err = bundle.ReadFileShared(l.fsys, p)
		return err
	})
	return data, at, err
}

// first tries the candidates in order with try, up to the first that
// succeeds; it returns the path tried and the error of the first that
// failed for another reason than not existing.
func (l *loader) first(cands []cand, try func(p string) error) (at string, err error) {
	var firstErr error
	firstPath := ""
	for _, c := range cands {
		if c.offline && l.live {
			continue
		}
		p := c.path
		if c.glob {
			m, gerr := fs.Glob(l.fsys, c.path)
			if gerr != nil || len(m) == 0 {
				continue
			}
			if c.single && len(m) > 1 {
				if firstErr == nil {
					firstErr = fmt.Errorf("%w: %d files match %s", errAmbiguous, len(m), c.path)
					firstPath = c.path
				}
				continue
			}
			p = m[0]
		}
		rerr := try(p)
		if rerr == nil {
			return p, nil
		}
		if !errors.Is(rerr, fs.ErrNotExist) && !notADirectory(rerr) && firstErr == nil {
			firstErr, firstPath = rerr, p
		}
	}
	if firstErr != nil {
		return firstPath, firstErr
	}
	return firstCandPath(cands, l.live), fs.ErrNotExist
}

// notADirectory reports whether a read failed because a component of the
// path is a file (a bundle whose proc/net link was copied as a plain
// file): the file asked for does not exist there.
func notADirectory(err error) bool {
	if errors.Is(err, syscall.ENOTDIR) {
		return true
	}
	var pe *fs.PathError
	return errors.As(err, &pe) && pe.Err != nil && pe.Err.Error() == "not a directory"
}

// firstCandPath names the input's preferred location for a missing input.
func firstCandPath(cands []cand, live bool) string {
	for _, c := range cands {
		if c.offline && live {
			continue
		}
		return c.path
	}
	return ""
}

// readFile reads one path, without candidates.
//
// The loader reads with bundle.ReadFileShared (no copy of what an archive
// index already holds) and so never modifies nor keeps the bytes it reads:
// parsers copy what they keep.
func (l *loader) readFile(name string) ([]byte, error) {
	return bundle.ReadFileShared(l.fsys, name)
}

// missingErr is a missing input with a reason worth showing.
type missingErr string

func (m missingErr) Error() string        { return string(m) }
func (m missingErr) Is(target error) bool { return target == fs.ErrNotExist }

// statusOf maps a read or parse error to an input status and reason.
func statusOf(err error) (host.Status, string) {
	switch {
	case err == nil:
		return host.StatusOK, ""
	case errors.Is(err, cmdout.ErrUnavailable):
		return host.StatusMissing, oneLine(err.Error())
	case errors.Is(err, errNotSupported):
		return host.StatusMissing, oneLine(err.Error())
	case errors.As(err, new(missingErr)):
		return host.StatusMissing, oneLine(err.Error())
	case errors.Is(err, fs.ErrNotExist):
		return host.StatusMissing, ""
	case errors.Is(err, fs.ErrPermission):
		return host.StatusUnreadable, "permission denied (not root?)"
	case errors.Is(err, bundle.ErrNotKept):
		// The archive's index holds no content for it (keepInput).
		return host.StatusMissing, oneLine(err.Error())
	case errors.Is(err, bundle.ErrRefused):
		return host.StatusInvalid, oneLine(err.Error())
	default:
		return host.StatusInvalid, oneLine(err.Error())
	}
}

// oneLine keeps a reason short and on one line.
func oneLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	if len(s) > 300 {
		s = strings.ToValidUTF8(s[:300], "") + "…"
	}
	return strings.TrimSpace(s)
}

// record adds an input with the status err implies. A non-empty note is
// appended to the reason (or is the reason of an ok input).
func (l *loader) record(name, subject, at string, err error, note string) {
	l.add(l.input(name, subject, at, err, note), false)
}

// replace records an input in place of an earlier one of the same name
// and subject.
func (l *loader) replace(name, subject, at string, err error, note string) {
	l.add(l.input(name, subject, at, err, note), true)
}

func (l *loader) input(name, subject, at string, err error, note string) host.Input {
	st, reason := statusOf(err)
	if extra := l.sos.noteFor(at, st); extra != "" {
		note = joinNote(note, extra)
	}
	return host.Input{Name: name, Subject: subject, Path: at, Status: st, Reason: joinNote(reason, note),
		OverLimit: errors.Is(err, bundle.ErrTooLarge)}
}

func (l *loader) add(in host.Input, replace bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if replace {
		for i := range l.inputs {
			if l.inputs[i].Name == in.Name && l.inputs[i].Subject == in.Subject {
				l.inputs[i] = in
				return
			}
		}
	}
	l.inputs = append(l.inputs, in)
}

func joinNote(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + "; " + b
}

// inputOK reports whether an input was recorded with status ok.
func (l *loader) inputOK(name, subject string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, in := range l.inputs {
		if in.Name == name && in.Subject == subject && in.Status == host.StatusOK {
			return true
		}
	}
	return false
}

// sortedInputs returns the inputs in a stable order: by name, then subject.
func (l *loader) sortedInputs() []host.Input {
	l.mu.Lock()
	defer l.mu.Unlock()
	in := append([]host.Input(nil), l.inputs...)
	sort.SliceStable(in, func(i, j int) bool {
		if in[i].Name != in[j].Name {
			return in[i].Name < in[j].Name
		}
		return in[i].Subject < in[j].Subject
	})
	return in
}

// safe runs a parser or library call and turns a panic into an error, so
// that no input can take the loader down.
func safe[T any](fn func() (T, error)) (v T, err error) {
	defer func() {
		if r := recover(); r != nil {
			var zero T
			v = zero
			err = fmt.Errorf("parser failed: %v", r)
		}
	}()
	return fn()
}

// safeDo is safe for calls without a value.
func safeDo(fn func()) (err error) {
	_, err = safe(func() (struct{}, error) { fn(); return struct{}{}, nil })
	return err
}

// parseInput reads an input through its candidates, parses it, records its
// status and returns the (possibly partial) value and whether anything
// usable came out.
func parseInput[T any](l *loader, name, subject string, cands []cand, parse func([]byte) (T, error)) (T, bool) {
	var zero T
	b, at, err := l.read(cands)
	if err != nil {
		l.record(name, subject, at, err, "")
		return zero, false
	}
	v, perr := safe(func() (T, error) { return parse(b) })
	l.record(name, subject, at, perr, "")
	if perr != nil && (errors.Is(perr, cmdout.ErrUnavailable) || isPanic(perr)) {
		return zero, false
	}
	return v, true
}

// parseStreamInput is parseInput for a parser that reads the file one line
// at a time (bundle.OpenStream): the file is never held whole, and no
// per-file cap applies where the bundle reads on demand.
func parseStreamInput[T any](l *loader, name, subject string, cands []cand, parse func(io.Reader) (T, error)) (T, bool) {
	var zero, v T
	var perr error
	at, err := l.first(cands, func(p string) error {
		rc, err := bundle.OpenStream(l.fsys, p)
		if err != nil {
			return err
		}
		defer rc.Close()
		v, perr = safe(func() (T, error) { return parse(rc) })
		return nil
	})
	if err != nil {
		l.record(name, subject, at, err, "")
		return zero, false
	}
	l.record(name, subject, at, perr, "")
	if perr != nil && (errors.Is(perr, cmdout.ErrUnavailable) || errors.As(perr, new(*fs.PathError)) || isPanic(perr)) {
		// A read that failed part way (ErrTooLarge included) leaves
		// counts of some rows only: none is used.
		return zero, false
	}
	return v, true
}

func isPanic(err error) bool { return err != nil && strings.HasPrefix(err.Error(), "parser failed: ") }

// ---- paths and links ----

// linkTarget reads the link at name and returns its target as a clean
// root-relative path (it never leaves the root).
func (l *loader) linkTarget(name string) (string, error) {
	t, err := l.fsys.ReadLink(name)
	if err != nil {
		return "", err
	}
	return joinLink(path.Dir(name), t)
}

// joinLink resolves a link target read in dir against the root.
func joinLink(dir, target string) (string, error) {
	if target == "" || strings.HasPrefix(target, "/") {
		return "", fmt.Errorf("%w: link target %q is absolute or empty", bundle.ErrRefused, target)
	}
	p := path.Join(dir, target)
	if p == ".." || strings.HasPrefix(p, "../") || p == "." {
		return "", fmt.Errorf("%w: link target %q escapes the root", bundle.ErrRefused, target)
	}
	return p, nil
}

// maxHops bounds link resolution.
const maxHops = 40

// resolve returns name with its symbolic links resolved, so that a link's
// own target (device, driver, lower_*) can be taken relative to where the
// files really are; reading through the resolved path also makes a collect
// recording keep the link and the files at their real place. A component
// that cannot be looked up (missing, refused) returns name with the error.
func (l *loader) resolve(name string) (string, error) {
	parts := strings.Split(name, "/")
	cur := ""
	hops := 0
	for i := 0; i < len(parts); i++ {
		next := parts[i]
		if cur != "" {
			next = cur + "/" + parts[i]
		}
		fi, err := l.fsys.Lstat(next)
		if err != nil {
			return name, err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			cur = next
			continue
		}
		hops++
		if hops > maxHops {
			return name, fmt.Errorf("%w: too many links resolving %s", bundle.ErrRefused, name)
		}
		t, err := l.fsys.ReadLink(next)
		if err != nil {
			return name, err
		}
		dir := cur
		if dir == "" {
			dir = "."
		}
		target, err := joinLink(dir, t)
		if err != nil {
			return name, err
		}
		rest := append(strings.Split(target, "/"), parts[i+1:]...)
		parts = rest
		cur = ""
		i = -1
	}
	return cur, nil
}

// readDir lists a directory, bounded, in lexical order.
func (l *loader) readDir(name string) ([]fs.DirEntry, error) {
	ents, err := l.fsys.ReadDir(name)
	if len(ents) > maxWalkEntries {
		ents = ents[:maxWalkEntries]
	}
	return ents, err
}
