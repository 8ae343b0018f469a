package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netdoctor/netdoctor/internal/fleet"
)

// TestSummaryCommand: summary over JSON reports and bundles ranks the
// hosts, names the unread input, and its exit code follows --fail-on and
// --strict as report's does.
func TestSummaryCommand(t *testing.T) {
	dir := t.TempDir()
	r := run(t, "report", "--format", "json", "-o", filepath.Join(dir, "irq.json"), fixture("irq-cpu0"))
	if r.code != 1 && r.code != 0 {
		t.Fatalf("report: %+v", r)
	}
	if err := os.WriteFile(filepath.Join(dir, "cut.json"), []byte(`{"schema_version": 1, "tool": {"na`), 0o644); err != nil {
		t.Fatal(err)
	}
	args := []string{"summary", "--format", "json", dir, fixture("healthy-2socket-ht")}
	r = run(t, args...)
	if r.code != 0 {
		t.Fatalf("summary: exit %d: %s", r.code, r.stderr)
	}
	var s fleet.Summary
	if err := json.Unmarshal([]byte(r.stdout), &s); err != nil {
		t.Fatal(err)
	}
	if s.SchemaVersion != fleet.SchemaVersion || s.Totals.Hosts != 2 || s.Hosts[0].Hostname != "db-cache-07" || len(s.Unread) != 1 {
		t.Errorf("summary %+v", s)
	}
	for _, c := range []struct {
		flags []string
		code  int
	}{
		{[]string{"--fail-on", "warning"}, 1},
		{[]string{"--fail-on", "none", "--strict"}, 5},
		{[]string{"--fail-on", "bogus"}, 2},
		{[]string{"--format", "script"}, 2},
	} {
		if got := run(t, append(append([]string{"summary"}, c.flags...), dir)...); got.code != c.code {
			t.Errorf("summary %v: exit %d, want %d (%s)", c.flags, got.code, c.code, got.stderr)
		}
	}
	if got := run(t, "summary", t.TempDir()); got.code != 3 || !strings.Contains(got.stdout, "holds no JSON report") {
		t.Errorf("summary of an empty directory: %+v", got)
	}
}

// TestDiffCommand: diff refuses two hosts without --force, and exits 1 on
// a new finding at or above --fail-on.
func TestDiffCommand(t *testing.T) {
	dir := t.TempDir()
	healthy := filepath.Join(dir, "healthy.json")
	run(t, "report", "--format", "json", "-o", healthy, fixture("healthy-2socket-ht"))
	if r := run(t, "diff", healthy, fixture("irq-cpu0")); r.code != 2 || !strings.Contains(r.stderr, "--force") {
		t.Errorf("diff of two hosts: %+v", r)
	}
	r := run(t, "diff", "--force", "--fail-on", "warning", "--format", "json", healthy, fixture("irq-cpu0"))
	if r.code != 1 {
		t.Fatalf("diff --force: exit %d: %s", r.code, r.stderr)
	}
	var d fleet.Diff
	if err := json.Unmarshal([]byte(r.stdout), &d); err != nil {
		t.Fatal(err)
	}
	if !d.DifferentHosts || len(d.Added) == 0 || len(d.Resolved) != 0 {
		t.Errorf("diff %+v", d)
	}
	if r := run(t, "diff", "--fail-on", "notice", healthy, fixture("healthy-2socket-ht")); r.code != 0 || !strings.Contains(r.stdout, "0 new, 0 resolved") {
		t.Errorf("diff of a report and its bundle: %+v", r)
	}
}

// TestPrometheusTextfile: the .prom file is written whole into the
// textfile directory, with nothing else left there.
func TestPrometheusTextfile(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "netdoctor.prom")
	for range 2 { // a new file, then a replacement
		if r := run(t, "report", "--format", "prometheus", "-o", out, fixture("irq-cpu0")); r.code != 0 {
			t.Fatalf("exit %d: %s", r.code, r.stderr)
		}
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "netdoctor.prom" {
		t.Errorf("textfile directory holds %v", entries)
	}
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(string(data), "\n") || !strings.Contains(string(data), `netdoctor_check_verdict{check="irq-concentration",verdict="fail"} 1`) {
		t.Errorf("the .prom file:\n%s", data)
	}
}

// TestRootOption: --root reads a host whose / is mounted elsewhere; here
// a directory whose proc and sys lead to this machine's.
func TestRootOption(t *testing.T) {
	root := t.TempDir()
	for _, d := range []string{"proc", "sys"} {
		if err := os.Symlink("/"+d, filepath.Join(root, d)); err != nil {
			t.Fatal(err)
		}
	}
	r := runClock(t, time.Now, "report", "--root", root, "--interval", "100ms", "--format", "json")
	if r.code != 0 && r.code != 1 {
		t.Fatalf("report --root: exit %d: %s", r.code, r.stderr)
	}
	var rep struct {
		Source struct{ Paths []string } `json:"source"`
		Inputs []struct{ Name, Path, Status string }
	}
	if err := json.Unmarshal([]byte(r.stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Source.Paths) != 1 || rep.Source.Paths[0] != root {
		t.Errorf("source paths %v, want [%s]", rep.Source.Paths, root)
	}
	ok := false
	for _, in := range rep.Inputs {
		if in.Name == "interrupts" && in.Status == "ok" {
			ok = true
		}
	}
	if !ok {
		t.Errorf("interrupts not read under --root: %+v", rep.Inputs)
	}
	for _, c := range [][]string{
		{"report", "--root", "relative"},
		{"report", "--root", t.TempDir()},
		{"report", "--root", root, fixture("irq-cpu0")},
	} {
		if r := run(t, c...); r.code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", c, r.code, r.stderr)
		}
	}
}

// TestFleetGolden pins the summary and diff outputs in every format, made
// through the whole CLI path. Fixture paths read FIXTURES.
func TestFleetGolden(t *testing.T) {
	pair := fixture("two-sosreports")
	cases := []struct {
		name string
		args []string
	}{
		{"summary-fleet", []string{"summary", fixture("irq-cpu0"), fixture("healthy-2socket-ht"), fixture("numa-remote"), pair, fixture("missing")}},
		{"diff-two-sosreports", []string{"diff", filepath.Join(pair, "sosreport-k8s-worker-12-2024-06-03-mrhodne"), filepath.Join(pair, "sosreport-k8s-worker-12-2024-06-03-grwbigl")}},
		{"diff-force", []string{"diff", "--force", fixture("healthy-2socket-ht"), fixture("irq-cpu0")}},
	}
	for _, c := range cases {
		for _, format := range []string{"markdown", "html", "json"} {
			t.Run(c.name+"/"+format, func(t *testing.T) {
				args := append([]string{c.args[0], "--format", format}, c.args[1:]...)
				r := run(t, args...)
				if r.code != 0 {
					t.Fatalf("exit %d: %s", r.code, r.stderr)
				}
				got := r.stdout
				for _, p := range []string{filepath.Clean(fixture()), strings.ReplaceAll(filepath.Clean(fixture()), "/", `\/`)} {
					got = strings.ReplaceAll(got, p, "FIXTURES")
				}
				ext := map[string]string{"markdown": "md", "html": "html", "json": "json"}[format]
				golden := filepath.Join("testdata", c.name+"."+ext+".golden")
				if *update {
					if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test -update)", err)
				}
				if got != string(want) {
					t.Errorf("%s differs from %s (run go test -update after an intended change)", strings.Join(args, " "), golden)
				}
			})
		}
	}
}

// TestDiffJSONByContent: a JSON report is known by its content, whatever
// its name; the HTML diff is one self-contained page under the report's
// policy.
func TestDiffJSONByContent(t *testing.T) {
	dir := t.TempDir()
	before := filepath.Join(dir, "before.out")
	if r := run(t, "report", "--format", "json", "-o", before, fixture("irq-cpu0")); r.code > 1 {
		t.Fatalf("report: %+v", r)
	}
	r := run(t, "diff", "--format", "html", before, fixture("irq-cpu0"))
	if r.code != 0 {
		t.Fatalf("diff of a JSON report named .out: exit %d: %s", r.code, r.stderr)
	}
	for _, want := range []string{"<!DOCTYPE html>", "Content-Security-Policy", "default-src &#39;none&#39;", "old window", "Persisting"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("HTML diff lacks %q", want)
		}
	}
	if strings.Contains(r.stdout, "<script") || strings.Contains(r.stdout, "http:") || strings.Contains(r.stdout, "https:") {
		t.Error("HTML diff loads or runs something")
	}
}

// TestSummaryFailOnMessage: the --fail-on message counts the hosts at or
// above the threshold, not every host with findings, in words that agree
// with the count.
func TestSummaryFailOnMessage(t *testing.T) {
	r := run(t, "summary", "--fail-on", "critical", fixture("irq-cpu0"), fixture("healthy-2socket-ht"), fixture("numa-remote"))
	if r.code != 1 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if !strings.Contains(r.stderr, "1 of 3 hosts has a finding at or above critical") {
		t.Errorf("message: %s", r.stderr)
	}
	if !strings.Contains(r.stdout, "3 hosts read") || !strings.Contains(r.stdout, "0 inputs not read") {
		t.Errorf("summary totals:\n%s", r.stdout)
	}
	one := run(t, "summary", fixture("irq-cpu0"))
	if !strings.Contains(one.stdout, "1 host read") {
		t.Errorf("one host:\n%s", one.stdout)
	}
}
