package report_test

import (
	"bytes"
	"encoding/json"
	"github.com/netdoctor/netdoctor/internal/hostview"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/netdoctor/netdoctor/checks"
	"github.com/netdoctor/netdoctor/internal/source"
	"github.com/netdoctor/netdoctor/report"
)

// The fix script of real fixtures, end to end: source → checks → report.
// Only Change commands may be live lines; whatever blocks, is an
// alternative or holds a placeholder stays in a comment.

// fixturesDir is the repository's fixtures folder, from this package.
const fixturesDir = "../fixtures"

// fixtureReport loads one fixture (its expect.json's bundles, else the
// directory itself), runs every check and builds the report.
func fixtureReport(t *testing.T, dir string) *report.Report {
	t.Helper()
	paths := []string{dir}
	if b, err := os.ReadFile(filepath.Join(dir, "expect.json")); err == nil {
		var exp struct {
			Bundles []string `json:"bundles"`
		}
		if err := json.Unmarshal(b, &exp); err != nil {
			t.Fatalf("expect.json: %v", err)
		}
		if len(exp.Bundles) > 0 {
			paths = paths[:0]
			for _, p := range exp.Bundles {
				paths = append(paths, filepath.Join(dir, filepath.FromSlash(p)))
			}
		}
	}
	p, err := source.Load(paths, source.Options{})
	if err != nil {
		t.Fatalf("load %v: %v", paths, err)
	}
	view := hostview.New(p)
	outcomes := checks.Run(checks.FromView(view), checks.Registry())
	return report.Build(view, outcomes, report.Meta{
		Tool: "netdoctor", Version: "test", FailOn: "none",
		Generated: time.Date(2024, 3, 12, 15, 0, 0, 0, time.UTC),
		Command:   "netdoctor report --format script " + filepath.Base(dir),
	})
}

var (
	// placeholderRE matches a template slot such as <PID> or <command>.
	placeholderRE = regexp.MustCompile(`<[A-Za-z][A-Za-z0-9 _-]*>`)
	// blockingRE matches commands that block or take over the terminal.
	blockingRE = regexp.MustCompile(`(^|[;&|(\s])(watch|top|perf|dropwatch)(\s|$)`)
	// vendorRE matches the vendors' affinity scripts, alternatives to
	// netdoctor's own placement.
	vendorRE = regexp.MustCompile(`set_irq_affinity`)
)

// liveLines are the lines of a script that the shell would execute.
func liveLines(script string) []string {
	var out []string
	for _, l := range strings.Split(script, "\n") {
		if t := strings.TrimSpace(l); t != "" && !strings.HasPrefix(t, "#") {
			out = append(out, l)
		}
	}
	return out
}

// checkScript asserts the safety properties of one fix script and returns
// its text.
func checkScript(t *testing.T, r *report.Report) string {
	t.Helper()
	var buf bytes.Buffer
	if err := report.Script(&buf, r); err != nil {
		t.Fatal(err)
	}
	script := buf.String()
	// Every live line is part of a Change command of the report (or the
	// script's own set -eu, safety line and exit 0).
	allowed := map[string]bool{"set -eu": true, "exit 0": true}
	for _, f := range r.Findings {
		for _, c := range f.Commands {
			if c.Kind == checks.Change {
				for _, l := range strings.Split(c.Run, "\n") {
					allowed[l] = true
				}
			}
		}
	}
	for _, l := range liveLines(script) {
		switch {
		case strings.HasPrefix(l, "echo \"netdoctor: review this script"):
		case !allowed[l]:
			t.Errorf("live line is no change command: %q", l)
		case placeholderRE.MatchString(l):
			t.Errorf("live line holds a placeholder: %q", l)
		case blockingRE.MatchString(l):
			t.Errorf("live line blocks: %q", l)
		case vendorRE.MatchString(l):
			t.Errorf("live line runs a vendor script: %q", l)
		}
	}
	if sh, err := exec.LookPath("sh"); err != nil {
		t.Log("no sh: syntax not checked")
	} else {
		path := filepath.Join(t.TempDir(), "fix.sh")
		if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := exec.Command(sh, "-n", path).CombinedOutput(); err != nil {
			t.Errorf("sh -n: %v\n%s", err, out)
		}
	}
	return script
}

func TestScriptIRQCPU0Fixture(t *testing.T) {
	dir := filepath.Join(fixturesDir, "irq-cpu0")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("fixture irq-cpu0 absent: " + err.Error())
	}
	r := fixtureReport(t, dir)
	script := checkScript(t, r)
	live := strings.Join(liveLines(script), "\n")
	for _, want := range []string{
		`for p in 48:0 49:1 50:2 51:3 52:0 53:1 54:2 55:3; do echo "${p#*:}" > "/proc/irq/${p%:*}/smp_affinity_list"; done`,
		"sysctl -w net.core.netdev_max_backlog=2000",
		"IRQBALANCE_BANNED_CPULIST=0-3",
	} {
		if !strings.Contains(live, want) {
			t.Errorf("the fix does not run %q; live lines:\n%s", want, live)
		}
	}
	for _, banned := range []string{"watch", "set_irq_affinity", "ethtool -L", "enable --now", "perf record", "<"} {
		if strings.Contains(live, banned) {
			t.Errorf("a live line holds %q:\n%s", banned, live)
		}
	}
	// The reader still sees them, next to their finding.
	for _, want := range []string{
		"# verify: cat /proc/irq/48/effective_affinity_list; watch -d -n1 'grep -F -- eth0 /proc/interrupts'",
		"# option: ethtool -L eth0 combined 4",
		"# option: set_irq_affinity local eth0",
		"# option: systemctl enable --now irqbalance",
		"# option: nmcli connection modify eth0 ethtool.channels-combined 4",
		"# verify: perf record -g -a -e skb:kfree_skb -- sleep 10 && perf report",
	} {
		if !strings.Contains(script, want+"\n") {
			t.Errorf("script lacks the comment %q", want)
		}
	}
	// irqbalance is installed but not running: the ban must not start it.
	if strings.Contains(live, "systemctl restart irqbalance") || !strings.Contains(live, "systemctl try-restart irqbalance") {
		t.Errorf("the persistent ban starts a stopped irqbalance:\n%s", live)
	}
}

// TestScriptFixtures checks every fixture's script the same way.
func TestScriptFixtures(t *testing.T) {
	entries, err := os.ReadDir(fixturesDir)
	if err != nil {
		t.Skip("no fixtures: " + err.Error())
	}
	n := 0
	for _, e := range entries {
		dir := filepath.Join(fixturesDir, e.Name())
		if _, err := os.Stat(filepath.Join(dir, "expect.json")); !e.IsDir() || err != nil {
			continue
		}
		n++
		t.Run(e.Name(), func(t *testing.T) {
			checkScript(t, fixtureReport(t, dir))
		})
	}
	if n == 0 {
		t.Skip("no fixture with expect.json")
	}
}
