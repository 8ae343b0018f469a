package fleet

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netdoctor/netdoctor/checks"
	"github.com/netdoctor/netdoctor/internal/bundle"
	"github.com/netdoctor/netdoctor/internal/fixturegen"
	"github.com/netdoctor/netdoctor/report"
)

var testMeta = report.Meta{Tool: "netdoctor", Version: "test", Generated: time.Date(2024, 3, 6, 0, 0, 0, 0, time.UTC), FailOn: "none"}

const fixtures = "../../fixtures"

// reportOf builds the report of a fixture bundle.
func reportOf(t *testing.T, paths ...string) *report.Report {
	t.Helper()
	r, err := BundleReport(paths, bundle.DefaultLimits(), testMeta)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func writeJSON(t *testing.T, path string, r *report.Report) {
	t.Helper()
	var b bytes.Buffer
	if err := report.JSON(&b, r); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestReadBadInput: a report of another schema version, a truncated JSON,
// a bundle that fails, a duplicate host and a missing path are each named
// in the unread list with why, and the rest of the summary comes out.
func TestReadBadInput(t *testing.T) {
	dir := t.TempDir()
	good := reportOf(t, filepath.Join(fixtures, "irq-cpu0"))
	writeJSON(t, filepath.Join(dir, "good.json"), good)

	var b bytes.Buffer
	if err := report.JSON(&b, good); err != nil {
		t.Fatal(err)
	}
	whole := b.Bytes()
	if err := os.WriteFile(filepath.Join(dir, "truncated.json"), whole[:len(whole)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	other := bytes.Replace(whole, []byte(`"schema_version": 2,`), []byte(`"schema_version": 3,`), 1)
	if err := os.WriteFile(filepath.Join(dir, "v2.json"), other, 0o644); err != nil {
		t.Fatal(err)
	}
	// A duplicate: the same host's report, seen earlier.
	older := *good
	older.SampleTimes = []time.Time{good.SampleTimes[0].Add(-24 * time.Hour)}
	writeJSON(t, filepath.Join(dir, "older.json"), &older)
	if err := os.WriteFile(filepath.Join(dir, "broken.tar.gz"), []byte("\x1f\x8b\x08\x00garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	inputs := []string{dir, filepath.Join(fixtures, "healthy-2socket-ht"), filepath.Join(dir, "missing.json")}
	hosts, unread, err := Read(context.Background(), inputs, ReadOptions{Workers: 2, Meta: testMeta})
	if err != nil {
		t.Fatal(err)
	}
	why := map[string]string{}
	for _, u := range unread {
		why[filepath.Base(u.Input)] = u.Reason
	}
	for name, want := range map[string]string{
		"truncated.json": "not valid JSON",
		"v2.json":        "schema_version 3",
		"broken.tar.gz":  "gzip",
		"older.json":     "duplicate host db-cache-07",
		"missing.json":   "no such file",
	} {
		if !strings.Contains(why[name], want) {
			t.Errorf("unread %s: %q, want it to say %q", name, why[name], want)
		}
	}
	if len(unread) != 5 {
		t.Errorf("%d unread, want 5: %+v", len(unread), unread)
	}
	var names []string
	for _, h := range hosts {
		names = append(names, h.Report.Host.Hostname+"="+filepath.Base(h.Input))
	}
	if strings.Join(names, " ") != "db-cache-07=good.json web01=healthy-2socket-ht" {
		t.Errorf("hosts %v", names)
	}
	s := Build(hosts, unread, Meta{Version: "test", Generated: testMeta.Generated, FailOn: "warning"})
	if s.Totals.Hosts != 2 || s.Totals.Unread != 5 || s.Hosts[0].Hostname != "db-cache-07" {
		t.Errorf("totals %+v, first host %+v", s.Totals, s.Hosts[0])
	}
	if got := ExitCode(s, checks.Warning, false); got != report.ExitFindings {
		t.Errorf("exit %d with --fail-on warning, want 1", got)
	}
	if got := ExitCode(s, 0, true); got != report.ExitNotEvaluated {
		t.Errorf("exit %d with --strict and unread inputs, want 5", got)
	}
	for _, render := range []func(*bytes.Buffer) error{
		func(w *bytes.Buffer) error { return Markdown(w, s) },
		func(w *bytes.Buffer) error { return HTML(w, s) },
		func(w *bytes.Buffer) error { return JSON(w, s) },
	} {
		var out bytes.Buffer
		if err := render(&out); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "truncated.json") || !strings.Contains(out.String(), "db-cache-07") {
			t.Errorf("a rendering lacks the unread input or the host:\n%s", out.String())
		}
	}
}

// TestReadNothing: inputs that give no host make exit code 3 and still a
// summary naming them.
func TestReadNothing(t *testing.T) {
	empty := t.TempDir()
	hosts, unread, err := Read(context.Background(), []string{empty}, ReadOptions{Meta: testMeta})
	if err != nil {
		t.Fatal(err)
	}
	if len(hosts) != 0 || len(unread) != 1 || !strings.Contains(unread[0].Reason, "holds no") {
		t.Fatalf("hosts %d, unread %+v", len(hosts), unread)
	}
	s := Build(hosts, unread, Meta{})
	if got := ExitCode(s, checks.Warning, false); got != report.ExitNothingEvaluated {
		t.Errorf("exit %d, want 3", got)
	}
}

// tarGz writes files (name → content) as a .tar.gz.
func tarGz(t *testing.T, path string, files map[string][]byte, order []string) {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	tw := tar.NewWriter(zw)
	for _, name := range order {
		data := files[name]
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), Typeflag: tar.TypeReg, ModTime: time.Unix(1700000000, 0)}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(data); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestSosCollectorArchive: a sos-collector archive holding three sosreport
// tarballs, two of one host: the two become one pair (in time order), the
// third is a host of its own, and a damaged member is unread by its name.
func TestSosCollectorArchive(t *testing.T) {
	tmp := t.TempDir()
	files := map[string][]byte{}
	var order []string
	add := func(dir string) {
		name := filepath.Base(dir) + ".tar.gz"
		out := filepath.Join(tmp, name)
		if err := fixturegen.WriteArchive(dir, out, filepath.Base(dir)); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		files["sos-collector-test-2024-06-03-abcde/"+name] = data
		order = append(order, "sos-collector-test-2024-06-03-abcde/"+name)
	}
	pairDir := filepath.Join(fixtures, "two-sosreports")
	entries, err := os.ReadDir(pairDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			add(filepath.Join(pairDir, e.Name()))
		}
	}
	add(filepath.Join(fixtures, "single-sosreport", "sosreport-erp-db-1-2024-02-14-vvyvdbh"))
	bad := "sos-collector-test-2024-06-03-abcde/sosreport-bad-2024-06-03-zzzzzzz.tar.xz"
	files[bad] = []byte("not an archive")
	order = append(order, bad)
	files["sos-collector-test-2024-06-03-abcde/sos_logs/sos.log"] = []byte("log\n")
	order = append(order, "sos-collector-test-2024-06-03-abcde/sos_logs/sos.log")
	archive := filepath.Join(tmp, "sos-collector-test-2024-06-03-abcde.tar.gz")
	tarGz(t, archive, files, order)

	hosts, unread, err := Read(context.Background(), []string{archive}, ReadOptions{Workers: 2, Meta: testMeta, TempDir: tmp})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, h := range hosts {
		got[h.Report.Host.Hostname] = h.Report.Samples
		if !strings.HasPrefix(h.Input, archive+":") {
			t.Errorf("host input %q does not name the archive and its member", h.Input)
		}
	}
	if got["k8s-worker-12"] != 2 || got["erp-db-1"] != 1 || len(hosts) != 2 {
		t.Errorf("hosts (samples) %v, want k8s-worker-12 paired and erp-db-1 single", got)
	}
	if len(unread) != 1 || !strings.HasSuffix(unread[0].Input, "sosreport-bad-2024-06-03-zzzzzzz.tar.xz") || strings.Contains(unread[0].Reason, "netdoctor-collector-") {
		t.Errorf("unread %+v: want the damaged member, named by the archive and not the temporary file", unread)
	}
	left, _ := filepath.Glob(filepath.Join(tmp, "netdoctor-collector-*"))
	if len(left) != 0 {
		t.Errorf("temporary sosreports left behind: %v", left)
	}
}

// TestDuplicatesNamed: each duplicate is named in the unread list with
// the host and the input read for it: the same input given twice (as
// itself and again in a walk), and a JSON report of a host whose bundle is
// read too.
func TestDuplicatesNamed(t *testing.T) {
	dir := t.TempDir()
	bundle := filepath.Join(fixtures, "irq-cpu0")
	r := reportOf(t, bundle)
	r.SampleTimes = []time.Time{r.SampleTimes[0].Add(-time.Hour)}
	writeJSON(t, filepath.Join(dir, "older.json"), r)
	inputs := []string{bundle, dir, filepath.Join(dir, "older.json"), bundle}
	hosts, unread, err := Read(context.Background(), inputs, ReadOptions{Workers: 2, Meta: testMeta})
	if err != nil {
		t.Fatal(err)
	}
	if len(hosts) != 1 || hosts[0].Input != bundle {
		t.Errorf("hosts %+v, want the bundle only", hosts)
	}
	var got []string
	for _, u := range unread {
		got = append(got, filepath.Base(u.Input)+": "+u.Reason)
	}
	want := []string{
		"older.json: given more than once: read once, as " + filepath.Join(dir, "older.json"),
		"irq-cpu0: given more than once: read once, as " + bundle,
		"older.json: duplicate host db-cache-07: " + bundle + " is read for it",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("unread:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// finding makes a report finding.
func finding(check, subject string, sev checks.Severity, why, run string, ev ...report.Figure) report.Finding {
	f := report.Finding{Check: check, Subject: subject, Severity: sev, Title: check + " title", Evidence: ev}
	if why != "" {
		f.Commands = []report.Command{{Run: run, Kind: checks.Change, Why: why}}
	}
	return f
}

func hostReport(name string, fs ...report.Finding) *report.Report {
	r := &report.Report{SchemaVersion: report.SchemaVersion, Host: report.Host{Hostname: name}, Findings: fs}
	r.Summary.Evaluated = 1
	ids := map[string]bool{}
	for i, f := range fs {
		r.Findings[i].Rank = i + 1
		switch f.Severity {
		case checks.Critical:
			r.Summary.BySeverity.Critical++
		case checks.Warning:
			r.Summary.BySeverity.Warning++
		case checks.Notice:
			r.Summary.BySeverity.Notice++
		}
		if i == 0 {
			r.Summary.Worst = &report.Worst{Rank: 1, Check: f.Check, Subject: f.Subject, Severity: f.Severity, Title: f.Title}
		}
		ids[f.Check] = true
	}
	for _, id := range []string{"a", "b", "c"} {
		v := checks.Pass
		if ids[id] {
			v = checks.Fail
		}
		r.Checks = append(r.Checks, report.CheckResult{ID: id, Title: id + " title", Verdict: v})
	}
	return r
}

// TestBuildRanks: checks rank by worst severity then hosts affected; a
// check's subjects by hosts; its fix is the change most hosts share; hosts
// rank by worst finding then counts.
func TestBuildRanks(t *testing.T) {
	hosts := []Host{
		{Input: "h1.json", Report: hostReport("h1", finding("b", "eth0", checks.Warning, "spread IRQs", "echo 1 > x"), finding("a", "softnet", checks.Notice, "", ""))},
		{Input: "h2.json", Report: hostReport("h2", finding("b", "eth0", checks.Warning, "spread IRQs", "echo 2 > x"), finding("b", "eth1", checks.Warning, "spread IRQs", "echo 3 > x"))},
		{Input: "h3.json", Report: hostReport("h3", finding("c", "net.ipv4.tcp_tw_recycle", checks.Critical, "turn it off", "sysctl -w x=0"))},
		{Input: "h4.json", Report: hostReport("h4", finding("b", "eth1", checks.Notice, "start irqbalance", "systemctl start irqbalance"))},
		{Input: "h5.json", Report: hostReport("h5")},
	}
	s := Build(hosts, nil, Meta{})
	var order []string
	for _, h := range s.Hosts {
		order = append(order, h.Hostname)
	}
	if got := strings.Join(order, " "); got != "h3 h2 h1 h4 h5" {
		t.Errorf("hosts ranked %s, want h3 h2 h1 h4 h5", got)
	}
	var ids []string
	for _, c := range s.Checks {
		ids = append(ids, c.ID)
	}
	if got := strings.Join(ids, " "); got != "c b a" {
		t.Errorf("checks ranked %s, want c b a", got)
	}
	b := s.Checks[1]
	if b.Hosts != 3 || b.Findings != 4 || *b.Worst != checks.Warning {
		t.Errorf("check b: %d hosts, %d findings, worst %v", b.Hosts, b.Findings, b.Worst)
	}
	if len(b.Subjects) != 2 || b.Subjects[0] != (SubjectCount{"eth0", 2}) && b.Subjects[0] != (SubjectCount{"eth1", 2}) {
		t.Errorf("subjects %+v", b.Subjects)
	}
	if b.Fix == nil || b.Fix.Why != "spread IRQs" || b.Fix.Hosts != 2 || b.Fix.ExampleHost != "h2" {
		t.Errorf("fix %+v, want spread IRQs on 2 hosts, example from h2 (the first ranked)", b.Fix)
	}
	if strings.Join(b.AffectedHosts, " ") != "h2 h1 h4" {
		t.Errorf("affected hosts %v", b.AffectedHosts)
	}
	if s.Checks[0].Verdicts.Fail != 1 || s.Checks[0].Verdicts.Pass != 4 {
		t.Errorf("check c verdicts %+v", s.Checks[0].Verdicts)
	}
	if s.Totals.HostsWithFindings != 4 || s.Totals.HostsByWorst.Critical != 1 || s.Totals.Findings != 6 {
		t.Errorf("totals %+v", s.Totals)
	}
	for sev, want := range map[checks.Severity]int{0: 0, checks.Critical: 1, checks.Warning: 1, checks.Notice: 1} {
		if got := ExitCode(s, sev, false); got != want {
			t.Errorf("--fail-on %v: exit %d, want %d", sev, got, want)
		}
	}
	only5 := Build(hosts[4:], nil, Meta{})
	if got := ExitCode(only5, checks.Notice, false); got != 0 {
		t.Errorf("a clean fleet exits %d", got)
	}
}

// TestFailOnWaived: --fail-on weighs each host's findings that no waiver
// covers, as for one host; Tripped counts the hosts that trip, not the
// hosts with findings.
func TestFailOnWaived(t *testing.T) {
	waived := finding("b", "eth0", checks.Critical, "", "")
	waived.Waived = &report.FindingWaiver{Reason: "known"}
	hosts := []Host{
		{Input: "1", Report: hostReport("h1", waived, finding("a", "x", checks.Notice, "", ""))},
		{Input: "2", Report: hostReport("h2", finding("a", "x", checks.Warning, "", ""))},
		{Input: "3", Report: hostReport("h3", finding("a", "y", checks.Notice, "", ""))},
	}
	s := Build(hosts, nil, Meta{})
	if n := len(Tripped(s, checks.Critical)); n != 0 || ExitCode(s, checks.Critical, false) != 0 {
		t.Errorf("--fail-on critical: %d hosts tripped by a waived finding", n)
	}
	var got []string
	for _, h := range Tripped(s, checks.Warning) {
		got = append(got, h.Hostname)
	}
	if strings.Join(got, " ") != "h2" || ExitCode(s, checks.Warning, false) != report.ExitFindings {
		t.Errorf("--fail-on warning tripped by %v, want h2 only", got)
	}
	if n := len(Tripped(s, checks.Notice)); n != 3 {
		t.Errorf("--fail-on notice: %d hosts, want 3", n)
	}
}

// TestHostileText: host text cannot make markup in the Markdown or HTML
// summary.
func TestHostileText(t *testing.T) {
	evil := "<script>alert(1)</script>|**x**\n# h"
	s := Build([]Host{{Input: evil + ".json", Report: hostReport(evil, finding("b", evil, checks.Warning, evil, evil))}}, []Unread{{Input: evil, Reason: evil}}, Meta{})
	var md, html bytes.Buffer
	if err := Markdown(&md, s); err != nil {
		t.Fatal(err)
	}
	if err := HTML(&html, s); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(html.String(), "<script>") {
		t.Error("HTML summary holds a host's <script>")
	}
	for _, line := range strings.Split(md.String(), "\n") {
		// Outside code spans, every < is escaped.
		parts := strings.Split(line, "`")
		for i := 0; i < len(parts); i += 2 {
			if strings.Contains(strings.ReplaceAll(parts[i], `\<`, ""), "<") {
				t.Errorf("Markdown line with a host's markup: %q", line)
			}
		}
		if strings.HasPrefix(line, "# h") {
			t.Errorf("Markdown line made by a host: %q", line)
		}
	}
	var js bytes.Buffer
	if err := JSON(&js, s); err != nil {
		t.Fatal(err)
	}
	var back Summary
	if err := json.Unmarshal(js.Bytes(), &back); err != nil || back.Hosts[0].Hostname != evil {
		t.Errorf("JSON round trip: %v %q", err, back.Hosts[0].Hostname)
	}
}

// TestDiff: findings keyed by check and subject are new, resolved or
// persisting, with the figures of both sides paired by name.
func TestDiff(t *testing.T) {
	fig := func(name, v string) report.Figure {
		return report.Figure{Name: name, Value: v, Threshold: ">= 1", Window: "over 10 s"}
	}
	old := hostReport("h", finding("b", "eth0", checks.Warning, "", "", fig("drops/s", "10")), finding("a", "softnet", checks.Notice, "", ""))
	cur := hostReport("h", finding("b", "eth0", checks.Critical, "", "", fig("drops/s", "900"), fig("squeeze/s", "4")), finding("c", "sysctl", checks.Warning, "", ""))
	old.Checks[2].Verdict = checks.NotEvaluated
	d := BuildDiff("old.json", old, "new.json", cur, Meta{})
	if len(d.Added) != 1 || d.Added[0].Check != "c" || len(d.Resolved) != 1 || d.Resolved[0].Check != "a" || len(d.Persisting) != 1 {
		t.Fatalf("diff %+v", d)
	}
	p := d.Persisting[0]
	if *p.OldSeverity != checks.Warning || *p.NewSeverity != checks.Critical {
		t.Errorf("severities %v → %v", p.OldSeverity, p.NewSeverity)
	}
	if len(p.Evidence) != 2 || p.Evidence[0] != (FigurePair{"drops/s", "10", "900", ">= 1", "over 10 s", "over 10 s"}) || p.Evidence[1].OldWindow != "" || p.Evidence[1].Old != "" || p.Evidence[1].New != "4" {
		t.Errorf("evidence %+v", p.Evidence)
	}
	if len(d.Verdicts) != 2 {
		t.Errorf("verdict changes %+v, want a (fail → pass) and c (not-evaluated → fail)", d.Verdicts)
	}
	if got := DiffExitCode(d, checks.Critical); got != report.ExitFindings {
		t.Errorf("a finding that got critical: exit %d", got)
	}
	if got := DiffExitCode(BuildDiff("a", cur, "b", cur, Meta{}), checks.Notice); got != 0 {
		t.Errorf("no change: exit %d", got)
	}
	var md bytes.Buffer
	if err := DiffMarkdown(&md, d); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(md.String(), "| drops/s | 10, over 10 s | 900, over 10 s | >= 1 |") {
		t.Errorf("markdown lacks the figures side by side:\n%s", md.String())
	}
}
