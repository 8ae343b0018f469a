package fleet

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/netdoctor/netdoctor/checks"
	"github.com/netdoctor/netdoctor/internal/bundle"
	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/hostview"
	"github.com/netdoctor/netdoctor/internal/source"
	"github.com/netdoctor/netdoctor/report"
)

// ReadOptions tune Read.
type ReadOptions struct {
	// Workers is how many inputs are analysed at once; 0 means every core
	// (GOMAXPROCS). Each worker holds one host in memory.
	Workers int
	// Limits bound what a bundle may make netdoctor read; zero means
	// bundle.DefaultLimits().
	Limits bundle.Limits
	// Meta is the record of the run written into the reports built from
	// bundles.
	Meta report.Meta
	// TempDir is where the sosreports of a sos-collector archive are
	// written while they are read; "" means os.TempDir(). They are removed
	// before Read returns.
	TempDir string
}

// MaxReportSize bounds a JSON report read back.
const MaxReportSize = 64 << 20

// maxDirDepth bounds how deep Read looks into directories for reports and
// bundles.
const maxDirDepth = 8

// job is one unit of work: a JSON report or a bundle (one path, or two
// sosreports of one host read as a pair).
type job struct {
	input string   // what the summary names
	paths []string // for a bundle
	json  bool
	// temp marks a sosreport written out of a sos-collector archive (a
	// temporary file, removed once read): its path is replaced by the
	// input in messages, and member says where it came from.
	temp   bool
	member *memberRef
}

// order places a result: its input's position on the command line (after
// expansion), then its position inside a sos-collector archive (0 for the
// input itself).
type order struct{ input, member int }

func (a order) less(b order) bool {
	if a.input != b.input {
		return a.input < b.input
	}
	return a.member < b.member
}

// task is a job and its order.
type task struct {
	job
	key order
}

// result is one job's outcome.
type result struct {
	key    order
	input  string
	paths  []string
	member *memberRef
	report *report.Report
	err    error
}

// Read turns inputs (JSON reports, bundles, directories holding either,
// sos-collector archives) into host reports and the unread inputs with
// why. Bundles are analysed in parallel, one host per worker. Two
// single-sample sosreports of one host are read again as a pair (in time
// order, as `netdoctor report A B`); any further report of a host already
// read is unread as a duplicate. An error is returned only when ctx is
// cancelled.
func Read(ctx context.Context, inputs []string, o ReadOptions) ([]Host, []Unread, error) {
	if o.Workers <= 0 {
		o.Workers = runtime.GOMAXPROCS(0)
	}
	if o.Limits == (bundle.Limits{}) {
		o.Limits = bundle.DefaultLimits()
	}
	var unread []Unread
	var jobs []job
	for _, in := range inputs {
		expand(in, 0, &jobs, &unread)
	}
	jobs, unread = dropRepeated(jobs, unread)
	results := run(ctx, jobs, o)
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	var hosts []Host
	for _, r := range results {
		if r.err != nil {
			unread = append(unread, Unread{Input: r.input, Reason: r.err.Error()})
			continue
		}
		hosts = append(hosts, Host{Input: r.input, Report: r.report, paths: r.paths, member: r.member})
	}
	hosts, dup := pairAndDedupe(ctx, hosts, o)
	unread = append(unread, dup...)
	return hosts, unread, ctx.Err()
}

// dropRepeated keeps the first job of an input given more than once (as
// itself, or found again in a directory walk), and names the others.
func dropRepeated(jobs []job, unread []Unread) ([]job, []Unread) {
	seen := map[string]string{}
	out := jobs[:0]
	for _, j := range jobs {
		key := j.input
		if abs, err := filepath.Abs(j.input); err == nil {
			key = abs
		}
		if first, ok := seen[key]; ok {
			unread = append(unread, Unread{Input: j.input, Reason: "given more than once: read once, as " + first})
			continue
		}
		seen[key] = j.input
		out = append(out, j)
	}
	return out, unread
}

func isDir(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.IsDir()
}

// archiveSuffixes are the names of the archives a directory walk reads.
var archiveSuffixes = []string{".tar", ".tar.gz", ".tgz", ".tar.xz", ".txz", ".tar.bz2", ".tbz2", ".tbz"}

func isArchiveName(name string) bool {
	for _, s := range archiveSuffixes {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	return false
}

// isBundleDir reports whether dir is a sosreport or a collect bundle.
func isBundleDir(dir string) bool {
	for _, name := range []string{"sos_commands", "netdoctor-collect.json"} {
		if _, err := os.Lstat(filepath.Join(dir, name)); err == nil {
			return true
		}
	}
	return false
}

// expand turns one input into jobs: a file is a JSON report (by its name
// or its first byte) or a bundle archive; a directory is a bundle or is
// walked for reports and bundles (links are not followed within a walk).
func expand(in string, depth int, jobs *[]job, unread *[]Unread) {
	fi, err := os.Stat(in)
	if err != nil {
		*unread = append(*unread, Unread{Input: in, Reason: bareErr(err)})
		return
	}
	switch {
	case fi.IsDir():
		if isBundleDir(in) {
			*jobs = append(*jobs, job{input: in, paths: []string{in}})
			return
		}
		if depth >= maxDirDepth {
			*unread = append(*unread, Unread{Input: in, Reason: fmt.Sprintf("more than %d directories deep: not read", maxDirDepth)})
			return
		}
		entries, err := os.ReadDir(in)
		if err != nil {
			*unread = append(*unread, Unread{Input: in, Reason: bareErr(err)})
			return
		}
		n := len(*jobs) + len(*unread)
		for _, e := range entries {
			p := filepath.Join(in, e.Name())
			switch {
			case e.Type()&os.ModeSymlink != 0:
				continue
			case e.IsDir():
				expand(p, depth+1, jobs, unread)
			case e.Type().IsRegular() && (strings.HasSuffix(e.Name(), ".json") || isArchiveName(e.Name())):
				expand(p, depth+1, jobs, unread)
			}
		}
		if depth == 0 && len(*jobs)+len(*unread) == n {
			*unread = append(*unread, Unread{Input: in, Reason: "holds no JSON report, sosreport or collect bundle"})
		}
	case fi.Mode().IsRegular():
		if strings.HasSuffix(in, ".json") || LooksJSON(in) {
			*jobs = append(*jobs, job{input: in, json: true})
			return
		}
		*jobs = append(*jobs, job{input: in, paths: []string{in}})
	default:
		*unread = append(*unread, Unread{Input: in, Reason: "not a regular file or a directory"})
	}
}

// LooksJSON reports whether the file at p holds JSON (a report, or
// something else to be refused as one), by its first non-blank byte, "{":
// a JSON report is known by its content, whatever its name.
func LooksJSON(p string) bool { return firstByte(p) == '{' }

// firstByte is the first non-blank byte of the file, 0 when none.
func firstByte(p string) byte {
	f, err := os.Open(p)
	if err != nil {
		return 0
	}
	defer f.Close()
	b := make([]byte, 64)
	n, _ := io.ReadFull(f, b)
	t := bytes.TrimLeft(b[:n], " \t\r\n")
	if len(t) == 0 {
		return 0
	}
	return t[0]
}

// bareErr is err's message without the wrappers' repetition of the path
// (the summary names the input beside it).
func bareErr(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// run does jobs on o.Workers workers and returns the results in job
// order (a sos-collector archive's sosreports in archive order, where the
// archive was). Jobs go to the workers over an unbuffered channel. A worker
// that takes a sos-collector archive starts a producer that streams its
// sosreports into that same channel, one temporary file at a time (see
// collector.go), and goes on working; the channel closes once every job
// and every producer is done.
func run(ctx context.Context, jobs []job, o ReadOptions) []result {
	next := make(chan task)
	var (
		mu  sync.Mutex
		out []result
	)
	emit := func(r result) {
		mu.Lock()
		out = append(out, r)
		mu.Unlock()
	}
	// open counts the tasks not yet done and the producers running.
	var open sync.WaitGroup
	open.Add(len(jobs))
	send := func(t task) bool {
		open.Add(1)
		select {
		case next <- t:
			return true
		case <-ctx.Done():
			open.Done()
			return false
		}
	}
	var workers sync.WaitGroup
	// Every worker starts, even for fewer jobs: a sos-collector archive
	// turns into many.
	for range o.Workers {
		workers.Add(1)
		go func() {
			defer workers.Done()
			for t := range next {
				if !t.json && !t.temp && len(t.paths) == 1 && ctx.Err() == nil && !isDir(t.paths[0]) && isCollector(t.paths[0]) {
					open.Add(1)
					go func() {
						defer open.Done()
						streamCollector(ctx, t, o, send, emit)
					}()
				} else {
					r := do(ctx, t.job, o)
					r.key = t.key
					emit(r)
				}
				open.Done()
			}
		}()
	}
	go func() {
		for i, j := range jobs {
			if ctx.Err() != nil {
				open.Add(-(len(jobs) - i))
				break
			}
			next <- task{job: j, key: order{input: i}}
		}
	}()
	open.Wait()
	close(next)
	workers.Wait()
	sort.Slice(out, func(i, j int) bool { return out[i].key.less(out[j].key) })
	return out
}

// do reads one job; a temporary sosreport is removed once read.
func do(ctx context.Context, j job, o ReadOptions) result {
	res := result{input: j.input, paths: j.paths, member: j.member}
	if j.temp {
		defer os.Remove(j.paths[0])
	}
	if err := ctx.Err(); err != nil {
		res.err = err
		return res
	}
	if j.json {
		res.report, res.err = ReadReport(j.input)
	} else {
		res.report, res.err = BundleReport(j.paths, o.Limits, o.Meta)
	}
	if res.report != nil {
		slim(res.report)
	}
	if res.err != nil && j.temp {
		res.err = errors.New(strings.ReplaceAll(res.err.Error(), j.paths[0], j.input))
	}
	return res
}

// ReadReport reads a JSON report written by `netdoctor report --format
// json` and checks that it is one this netdoctor reads: its schema_version
// must be report.SchemaVersion.
func ReadReport(path string) (*report.Report, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, errors.New(bareErr(err))
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxReportSize+1))
	if err != nil {
		return nil, errors.New(bareErr(err))
	}
	if len(data) > MaxReportSize {
		return nil, fmt.Errorf("larger than %d MiB: not a netdoctor report", MaxReportSize>>20)
	}
	return DecodeReport(data)
}

// DecodeReport decodes a JSON report and checks its schema_version. It
// decodes what the summary and the diff read, in one pass; the NICs, CPU
// loads, inputs and discontinuities are skipped.
func DecodeReport(data []byte) (*report.Report, error) {
	var doc struct {
		SchemaVersion *int                 `json:"schema_version"`
		Tool          report.Tool          `json:"tool"`
		Totals        *json.RawMessage     `json:"totals"`
		Generated     time.Time            `json:"generated"`
		Host          report.Host          `json:"host"`
		Samples       int                  `json:"samples"`
		SampleTimes   []time.Time          `json:"sample_times"`
		Source        report.Source        `json:"source"`
		Summary       report.Summary       `json:"summary"`
		Findings      []report.Finding     `json:"findings"`
		Checks        []report.CheckResult `json:"checks"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		// A report of another version may not decode: say so rather
		// than name the field.
		var head struct {
			SchemaVersion *int `json:"schema_version"`
		}
		if json.Unmarshal(data, &head) == nil && head.SchemaVersion != nil && *head.SchemaVersion != report.SchemaVersion {
			return nil, schemaErr(*head.SchemaVersion)
		}
		if json.Valid(data) {
			return nil, fmt.Errorf("not a valid report: %w", err)
		}
		return nil, fmt.Errorf("not valid JSON (truncated or damaged?): %w", err)
	}
	if doc.SchemaVersion == nil || doc.Tool.Name != "netdoctor" {
		return nil, errors.New("not a netdoctor JSON report (no schema_version or tool.name)")
	}
	if doc.Totals != nil {
		return nil, errors.New("a netdoctor summary, not one host's report")
	}
	if *doc.SchemaVersion != report.SchemaVersion {
		return nil, schemaErr(*doc.SchemaVersion)
	}
	if doc.Host.Hostname == "" && len(doc.Checks) == 0 {
		return nil, errors.New("a report without host and checks")
	}
	return &report.Report{
		SchemaVersion: *doc.SchemaVersion, Tool: doc.Tool, Generated: doc.Generated, Host: doc.Host,
		Samples: doc.Samples, SampleTimes: doc.SampleTimes, Source: doc.Source, Summary: doc.Summary,
		Findings: doc.Findings, Checks: doc.Checks,
	}, nil
}

func schemaErr(v int) error {
	return fmt.Errorf("report schema_version %d; this netdoctor reads version %d (run the same netdoctor version across the fleet, or report from the bundle again)", v, report.SchemaVersion)
}

// BundleReport reads one bundle (or two sosreports of one host) and makes
// its report as `netdoctor report` does.
func BundleReport(paths []string, lim bundle.Limits, meta report.Meta) (*report.Report, error) {
	p, err := source.Load(paths, source.Options{Limits: lim})
	if err != nil {
		return nil, err
	}
	return HostReport(p, meta), nil
}

// HostReport runs every check over a pair and builds its report.
func HostReport(p *host.Pair, meta report.Meta) *report.Report {
	view := hostview.New(p)
	outcomes := checks.Run(checks.FromView(view), checks.Registry())
	return report.Build(view, outcomes, meta)
}

// slim drops what the summary does not read, so that a thousand hosts fit
// in little memory: the NICs, CPU loads, inputs, discontinuities and each
// finding's explanation.
func slim(r *report.Report) {
	r.NICs, r.CPULoad, r.Inputs, r.Discontinuities = nil, nil, nil, nil
	for i := range r.Findings {
		r.Findings[i].Explanation = ""
		r.Findings[i].Evidence = nil
	}
	for i := range r.Checks {
		r.Checks[i].Doc = ""
	}
}

// seen is when a host was seen: its latest sample, else its report's time.
func seen(r *report.Report) time.Time {
	if n := len(r.SampleTimes); n > 0 {
		return r.SampleTimes[n-1]
	}
	return r.Generated
}

// pairAndDedupe pairs two single-sample sosreports of one host (the two
// latest, read again together) and keeps one report per hostname: the
// pair, else the latest seen. The others are unread as duplicates.
func pairAndDedupe(ctx context.Context, hosts []Host, o ReadOptions) ([]Host, []Unread) {
	byName := map[string][]int{}
	var names []string
	for i, h := range hosts {
		n := h.Report.Host.Hostname
		if n == "" {
			continue
		}
		if _, ok := byName[n]; !ok {
			names = append(names, n)
		}
		byName[n] = append(byName[n], i)
	}
	drop := map[int]string{}
	var unread []Unread
	for _, n := range names {
		idx := byName[n]
		if len(idx) < 2 {
			continue
		}
		sort.SliceStable(idx, func(a, b int) bool { return seen(hosts[idx[a]].Report).After(seen(hosts[idx[b]].Report)) })
		keepAt := idx[0]
		var singles []int
		for _, i := range idx {
			r := hosts[i].Report
			if r.Samples == 1 && r.Source.Kind == source.KindSosreport && len(hosts[i].paths) == 1 {
				singles = append(singles, i)
			}
		}
		if len(singles) >= 2 && ctx.Err() == nil {
			a, b := singles[1], singles[0] // earlier, later
			pr, paths, err := readPair(hosts[a], hosts[b], o)
			if err == nil {
				hosts[b] = Host{Input: hosts[a].Input + " + " + hosts[b].Input, Report: pr, paths: paths}
				drop[a] = ""
				keepAt = b
			} else {
				unread = append(unread, Unread{Input: hosts[a].Input + " + " + hosts[b].Input, Reason: "not read as a pair: " + err.Error()})
			}
		}
		for _, i := range idx {
			if i == keepAt {
				continue
			}
			if _, done := drop[i]; !done {
				drop[i] = fmt.Sprintf("duplicate host %s: %s is read for it", n, hosts[keepAt].Input)
			}
		}
	}
	out := hosts[:0:0]
	for i, h := range hosts {
		reason, dropped := drop[i]
		if !dropped {
			out = append(out, h)
			continue
		}
		if reason != "" {
			unread = append(unread, Unread{Input: h.Input, Reason: reason})
		}
	}
	return out, unread
}

// readPair reads two single-sample sosreports of one host again, as a
// pair; one from a sos-collector archive is streamed out of it again into
// a temporary file, removed once read.
func readPair(a, b Host, o ReadOptions) (*report.Report, []string, error) {
	var paths []string
	for _, h := range []Host{a, b} {
		if h.member == nil {
			paths = append(paths, h.paths[0])
			continue
		}
		p, err := extractMember(*h.member, o)
		if err != nil {
			return nil, nil, err
		}
		defer os.Remove(p)
		paths = append(paths, p)
	}
	pr, err := BundleReport(paths, o.Limits, o.Meta)
	if err != nil {
		for i, h := range []Host{a, b} {
			if h.member != nil {
				err = errors.New(strings.ReplaceAll(err.Error(), paths[i], h.Input))
			}
		}
		return nil, nil, err
	}
	slim(pr)
	// The temporary files are gone: the pair keeps no path of them.
	kept := paths[:0:0]
	for i, h := range []Host{a, b} {
		if h.member == nil {
			kept = append(kept, paths[i])
		} else {
			kept = append(kept, h.Input)
		}
	}
	return pr, kept, nil
}
