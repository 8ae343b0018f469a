package source

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/netdoctor/netdoctor/internal/bundle"
	"github.com/netdoctor/netdoctor/internal/host"
)

// Collect samples the running host twice, o.Interval apart, recording
// every file the loader reads, and writes a .tar.gz collect bundle to w:
// one top directory netdoctor-HOST-YYYYMMDD-HHMMSS/ with
// netdoctor-collect.json and sample-1/, sample-2/ in the sosreport layout
// (raw /proc and /sys files at their paths, symlinks kept as symlinks,
// ethtool, uname, hostname and date as sos names and prints them). Load
// reads it back with the same code as a sosreport.
func Collect(ctx context.Context, w io.Writer, o Options) (err error) {
	o = o.withDefaults()
	bw := bundle.NewWriter(w)
	defer func() {
		if cerr := bw.Close(); err == nil {
			err = cerr
		}
	}()
	var (
		recs  []*recorder
		top   string
		first chan error // sample-1 written into bw
	)
	carry := newSampleCarry(true)
	snaps, err := twoSamples(ctx, o, carry, func(fsys bundle.FS, now time.Time) (*host.Snapshot, error) {
		rec := newRecorder(fsys, o.Privacy)
		recs = append(recs, rec)
		var stop func() error
		if len(recs) == 2 && first != nil {
			// The second sample's thread files go into the archive as
			// they are read, once the first sample is in.
			werr := <-first
			first = nil
			if werr != nil {
				return nil, werr
			}
			stop = rec.streamTo(bw, top+"/sample-2/", top+"/sample-1/", now)
		}
		s, err := liveSnapshot(rec, o, now, rec, carry)
		if stop != nil {
			if serr := stop(); err == nil && serr != nil {
				return nil, serr
			}
		}
		if err == nil && len(recs) == 1 {
			// Archive the first sample while waiting for the second, so
			// that only the second sample's archiving adds to the interval.
			top = fmt.Sprintf("netdoctor-%s-%s", safeName(s.Hostname), s.Time.UTC().Format("20060102-150405"))
			first = make(chan error, 1)
			go func() { first <- rec.write(bw, top+"/sample-1/", "", s.Time) }()
		}
		return s, err
	})
	if first != nil {
		// The second sample failed or was cancelled before it began.
		if werr := <-first; err == nil {
			err = werr
		}
	}
	if err != nil {
		return err
	}
	progress(o, "writing the bundle")
	meta := bundle.CollectMeta{
		Format: bundle.CollectFormat, Version: bundle.CollectVersion, Hostname: snaps[0].Hostname,
		Samples:         []string{"sample-1", "sample-2"},
		IntervalSeconds: roundSeconds(snaps[1].Time.Sub(snaps[0].Time)),
		SampleTimes:     []string{snaps[0].Time.UTC().Format(time.RFC3339Nano), snaps[1].Time.UTC().Format(time.RFC3339Nano)},
	}
	if !o.Privacy.KeepCmdlines {
		meta.Scrubbed = append(meta.Scrubbed, "cmdline-args")
	}
	if !o.Privacy.KeepUserNames {
		meta.Scrubbed = append(meta.Scrubbed, "user-names")
	}
	mb, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return err
	}
	if err := recs[1].write(bw, top+"/sample-2/", top+"/sample-1/", snaps[1].Time); err != nil {
		return err
	}
	// The manifest comes last: it records both sample times. Readers find
	// it by name, not by position.
	return bw.File(top+"/"+bundle.CollectManifest, append(mb, '\n'), snaps[0].Time)
}

// roundSeconds gives an interval in seconds with millisecond precision.
func roundSeconds(d time.Duration) float64 {
	return float64(d.Round(time.Millisecond)) / float64(time.Second)
}

// safeName keeps a hostname usable as part of a file name.
func safeName(s string) string {
	var b strings.Builder
	for i := 0; i < len(s) && b.Len() < 64; i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.':
			b.WriteByte(c)
		default:
			b.WriteByte('_')
		}
	}
	out := strings.Trim(b.String(), ".")
	if out == "" {
		return "host"
	}
	return out
}

// recorder is a bundle.FS that remembers every file read and every link
// read through it, to write them into a collect bundle.
type recorder struct {
	fs bundle.FS

	mu    sync.Mutex
	files map[string][]byte
	links map[string]string
	// carried names the entries of files that the first sample recorded
	// with the same content (sampleCarry).
	carried map[string]bool

	// stream, while set, takes the thread files instead of files.
	stream chan<- recordedFile
	// privacy says what is scrubbed from the recorded files.
	privacy Privacy
}

type recordedFile struct {
	name string
	data []byte
	// carried is set for a thread's file carried over from the first
	// sample (sampleCarry), which recorded the same content.
	carried bool
}

func newRecorder(fsys bundle.FS, p Privacy) *recorder {
	return &recorder{fs: fsys, files: map[string][]byte{}, links: map[string]string{}, carried: map[string]bool{}, privacy: p}
}

// Open is not recorded: the loader reads through ReadFile.
func (r *recorder) Open(name string) (fs.File, error) { return r.fs.Open(name) }

// ReadDir is not recorded: the files read below a directory recreate it.
func (r *recorder) ReadDir(name string) ([]fs.DirEntry, error) { return r.fs.ReadDir(name) }

// Lstat is not recorded.
func (r *recorder) Lstat(name string) (fs.FileInfo, error) { return r.fs.Lstat(name) }

// ReadFile reads and records a file, scrubbed as r.privacy says.
func (r *recorder) ReadFile(name string) ([]byte, error) {
	b, err := r.fs.ReadFile(name)
	if err == nil {
		if kept, ok := sanitizeWith(name, b, r.privacy); ok {
			r.keep(name, kept)
		}
	}
	return b, err
}

// ReadLink reads and records a symbolic link.
func (r *recorder) ReadLink(name string) (string, error) {
	t, err := r.fs.ReadLink(name)
	if err == nil && keepLink(name, t) {
		r.mu.Lock()
		r.links[name] = t
		r.mu.Unlock()
	}
	return t, err
}

// putMade records a file made from non-file data.
func (r *recorder) putMade(name string, data []byte) { r.keep(name, data) }

// putCarried records a file the first sample read with the same content
// (sampleCarry), scrubbed as ReadFile does.
func (r *recorder) putCarried(name string, data []byte) {
	kept, ok := sanitizeWith(name, data, r.privacy)
	if !ok {
		return
	}
	if r.stream != nil && isThreadFile(name) {
		r.stream <- recordedFile{name: name, data: kept, carried: true}
		return
	}
	r.mu.Lock()
	r.files[name] = kept
	r.carried[name] = true
	r.mu.Unlock()
}

// keep records a file, or streams it when it is a thread's file.
func (r *recorder) keep(name string, data []byte) {
	if r.stream != nil && isThreadFile(name) {
		r.stream <- recordedFile{name: name, data: data}
		return
	}
	r.mu.Lock()
	r.files[name] = data
	delete(r.carried, name) // read: as read now
	r.mu.Unlock()
}

// isThreadFile reports whether name is proc/PID/task/TID/FILE. procfs
// makes proc/PID, its task directory and each task/TID real directories on
// every host, so no link the loader records can lie on such a file's path
// and it needs no rewriting through links: it can be archived as soon as
// it is read. A busy host has tens of thousands of them.
func isThreadFile(name string) bool {
	rest, ok := strings.CutPrefix(name, "proc/")
	if !ok {
		return false
	}
	pid, rest, ok := strings.Cut(rest, "/")
	if _, num := pidNumber(pid); !ok || !num {
		return false
	}
	rest, ok = strings.CutPrefix(rest, "task/")
	if !ok {
		return false
	}
	tid, file, ok := strings.Cut(rest, "/")
	_, num := pidNumber(tid)
	return ok && num && file != "" && !strings.Contains(file, "/")
}

// streamTo writes the thread files recorded from now on into w under
// prefix, with mtime, as they are recorded, on a goroutine of its own: the
// archiving of a many-threaded host's second sample overlaps its reading.
// A carried thread's file is a hard link to the same file under
// firstPrefix, the first sample's, which is already in w: an idle thread
// pool of 10,000 threads then adds headers, not 20,000 files' bytes to
// compress again. w must not be used otherwise until the returned stop has
// returned; stop ends the streaming once the sample is read and returns
// the first write error.
func (r *recorder) streamTo(w *bundle.Writer, prefix, firstPrefix string, mtime time.Time) (stop func() error) {
	ch := make(chan recordedFile, 1024)
	done := make(chan error, 1)
	go func() {
		var err error
		for f := range ch {
			if err != nil {
				continue
			}
			// A file read twice keeps its first copy.
			if werr := writeRecorded(w, prefix, firstPrefix, f.name, f.data, f.carried, mtime); werr != nil && !errors.Is(werr, bundle.ErrWritten) {
				err = werr
			}
		}
		done <- err
	}()
	r.stream = ch
	return func() error {
		r.stream = nil
		close(ch)
		return <-done
	}
}

// sanitize is sanitizeWith under the default privacy: no command line
// arguments and no user names.
func sanitize(name string, b []byte) []byte {
	out, _ := sanitizeWith(name, b, Privacy{})
	return out
}

// sanitizeWith keeps out of a bundle what netdoctor does not need and a
// support engineer should not receive, and reports whether the file is
// archived at all. Of PID 1's environment only container= is kept; of a
// process's command line only the program (argv[0]: irqbalance is found by
// it) unless p.KeepCmdlines; of etc/passwd only names and uids, and only
// with p.KeepUserNames (without it the file is left out and processes
// show their uid, which is all the checks use).
func sanitizeWith(name string, b []byte, p Privacy) ([]byte, bool) {
	if !p.KeepCmdlines && isProcCmdline(name) {
		if i := bytes.IndexByte(b, 0); i >= 0 {
			b = b[:i+1]
		}
		return b, true
	}
	if isProcNetTCP(name) {
		return listenRows(b), true
	}
	switch name {
	case "proc/mounts":
		// Only the proc mounts (hidepid): the others name file systems,
		// servers and paths netdoctor does not need.
		var out bytes.Buffer
		for _, line := range bytes.Split(b, []byte("\n")) {
			if f := bytes.Fields(line); len(f) >= 3 && string(f[2]) == "proc" {
				out.Write(line)
				out.WriteByte('\n')
			}
		}
		return out.Bytes(), true
	case "etc/passwd":
		if !p.KeepUserNames {
			return nil, false
		}
		var out bytes.Buffer
		for _, line := range bytes.Split(b, []byte("\n")) {
			f := bytes.SplitN(line, []byte(":"), 5)
			if len(f) < 4 {
				continue
			}
			fmt.Fprintf(&out, "%s:x:%s:%s:::\n", f[0], f[2], f[3])
		}
		return out.Bytes(), true
	case "proc/1/environ":
		var out []byte
		for _, kv := range bytes.Split(b, []byte{0}) {
			if bytes.HasPrefix(kv, []byte("container=")) {
				out = append(append(out, kv...), 0)
			}
		}
		return out, true
	}
	return b, true
}

// isProcNetTCP reports whether name is /proc/net/tcp or tcp6 (through
// proc/net, proc/self/net or proc/PID/net).
func isProcNetTCP(name string) bool {
	if !strings.HasPrefix(name, "proc/") {
		return false
	}
	return strings.HasSuffix(name, "/net/tcp") || strings.HasSuffix(name, "/net/tcp6")
}

// listenRows keeps the header and the LISTEN rows (state 0A) of
// /proc/net/tcp: the listeners are what netdoctor reads, and a busy host's
// connections would make the bundle large and name its peers.
func listenRows(b []byte) []byte {
	var out bytes.Buffer
	for i, line := range bytes.Split(b, []byte("\n")) {
		if f := bytes.Fields(line); i == 0 || (len(f) > 3 && string(f[3]) == "0A") {
			if len(line) == 0 {
				continue
			}
			out.Write(line)
			out.WriteByte('\n')
		}
	}
	return out.Bytes()
}

// isProcCmdline reports whether name is proc/PID/cmdline (a process's
// command line, not the kernel's proc/cmdline).
func isProcCmdline(name string) bool {
	rest, ok := strings.CutPrefix(name, "proc/")
	if !ok {
		return false
	}
	pid, file, ok := strings.Cut(rest, "/")
	if !ok || file != "cmdline" || pid == "" {
		return false
	}
	for _, c := range pid {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// write puts the recorded links and files under prefix. A file read
// through a recorded link is stored at the link's target, so the bundle
// has the sosreport's shape (sys/class/net/eth0 a link, the files under
// sys/devices/...). Files that would collide with a link are dropped. A
// carried file is a hard link to its copy under firstPrefix (the first
// sample's, already in w), or the file when that has none.
func (r *recorder) write(w *bundle.Writer, prefix, firstPrefix string, mtime time.Time) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	files := make(map[string][]byte, len(r.files))
	linked := map[string]bool{}
	for name, b := range r.files {
		p, ok := r.throughLinks(name)
		if !ok {
			continue
		}
		if _, isLink := r.links[p]; isLink {
			continue
		}
		files[p] = b
		if r.carried[name] {
			linked[p] = true
		}
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	// A path cannot be both a file and a directory.
	dirs := map[string]bool{}
	for n := range files {
		for d := path.Dir(n); d != "."; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	for l := range r.links {
		for d := path.Dir(l); d != "."; d = path.Dir(d) {
			dirs[d] = true
		}
	}
	links := make([]string, 0, len(r.links))
	for l := range r.links {
		if !dirs[l] {
			links = append(links, l)
		}
	}
	sort.Strings(links)
	for _, l := range links {
		if err := w.Symlink(prefix+l, r.links[l], mtime); err != nil {
			return err
		}
	}
	for _, n := range names {
		if dirs[n] {
			continue
		}
		if err := writeRecorded(w, prefix, firstPrefix, n, files[n], linked[n], mtime); err != nil {
			return err
		}
	}
	return nil
}

// writeRecorded writes one recorded file under prefix. A carried one is a
// hard link to its copy under firstPrefix when w holds that, else the file.
func writeRecorded(w *bundle.Writer, prefix, firstPrefix, name string, data []byte, carried bool, mtime time.Time) error {
	if carried && firstPrefix != "" {
		err := w.Link(prefix+name, firstPrefix+name, mtime)
		if !errors.Is(err, bundle.ErrNoTarget) {
			return err
		}
	}
	return w.File(prefix+name, data, mtime)
}

// linkOnPath reports whether a directory component of name is a recorded
// link (most names have none, and are checked without allocating).
func (r *recorder) linkOnPath(name string) bool {
	for i := 1; i < len(name); i++ {
		if name[i] == '/' {
			if _, ok := r.links[name[:i]]; ok {
				return true
			}
		}
	}
	return false
}

// throughLinks rewrites name so that no directory component of it is a
// recorded link.
func (r *recorder) throughLinks(name string) (string, bool) {
	if !r.linkOnPath(name) {
		return name, true
	}
	p := name
	for hops := 0; hops <= maxHops; hops++ {
		parts := strings.Split(p, "/")
		changed := false
		for i := 1; i < len(parts); i++ {
			dir := strings.Join(parts[:i], "/")
			t, ok := r.links[dir]
			if !ok {
				continue
			}
			target, err := joinLink(path.Dir(dir), t)
			if err != nil {
				return "", false
			}
			p = target + "/" + strings.Join(parts[i:], "/")
			changed = true
			break
		}
		if !changed {
			return p, true
		}
	}
	return "", false
}
