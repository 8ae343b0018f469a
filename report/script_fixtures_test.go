package report_test

import (
	"bytes"
	"encoding/json"
	"github.com/netdoctor/netdoctor/internal/hostview"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
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

// mergedRE matches the script's merged write of one configuration file.
var mergedRE = regexp.MustCompile(`^printf '%s\\n' ((?:'[^']*' ?)+) >> (\S+)((?: && [a-z -]+)*)$`)

// mergedLine reports whether l is a merged configuration write made only of
// the settings and apply commands of the report's Change commands, and
// checks that it keeps every value of every finding for its keys.
func mergedLine(t *testing.T, r *report.Report, l string) bool {
	t.Helper()
	m := mergedRE.FindStringSubmatch(l)
	if m == nil {
		return false
	}
	file := m[2]
	applies := map[string]bool{}
	keys := map[string][]report.Setting{}
	for _, f := range r.Findings {
		for _, c := range f.Commands {
			if c.Kind != checks.Change || !c.Persistent {
				continue
			}
			for _, s := range c.Settings {
				if s.File == file {
					keys[s.Key] = append(keys[s.Key], s)
					applies[c.Apply] = true
				}
			}
		}
	}
	if len(keys) == 0 {
		return false
	}
	for _, a := range strings.Split(m[3], " && ")[1:] {
		if !applies[a] {
			t.Errorf("merged line applies %q, which no finding asked for: %q", a, l)
		}
	}
	written := map[string]string{}
	for _, q := range regexp.MustCompile(`'([^']*)'`).FindAllStringSubmatch(m[1], -1) {
		k, v, ok := strings.Cut(q[1], "=")
		if !ok {
			t.Errorf("merged line %q: no key in %q", l, q[1])
			continue
		}
		k, v = strings.TrimSpace(k), strings.Trim(strings.TrimSpace(v), `"`)
		if _, dup := written[k]; dup {
			t.Errorf("merged line writes %s twice: %q", k, l)
		}
		written[k] = v
	}
	for k, ss := range keys {
		v, ok := written[k]
		if !ok {
			t.Errorf("merged line for %s lacks %s: %q", file, k, l)
			continue
		}
		for _, s := range ss {
			for _, w := range s.Words {
				if !slices.Contains(strings.Fields(v), w) {
					t.Errorf("merged %s lost %s: %q", k, w, v)
				}
			}
			if len(s.CPUs) > 0 {
				got := cpuSet(t, v)
				for _, c := range s.CPUs {
					if !got[c] {
						t.Errorf("merged %s lost CPU %d: %q", k, c, v)
					}
				}
			}
		}
	}
	return true
}

// cpuSet parses a CPU list such as "1-4,9".
func cpuSet(t *testing.T, s string) map[int]bool {
	out := map[int]bool{}
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			t.Errorf("CPU list %q: %v", s, err)
			return out
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil {
				t.Errorf("CPU list %q: %v", s, err)
				return out
			}
		}
		for c := a; c <= b; c++ {
			out[c] = true
		}
	}
	return out
}

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
		case mergedLine(t, r, l):
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

// TestScriptTwoNICFixture: two NICs' concentration findings each ban 15
// IRQs; running the script whole must leave irqbalance with all 30 bans
// and both NICs' CPUs in one line each (appended per finding, the second
// IRQBALANCE_ARGS line would replace the first).
func TestScriptTwoNICFixture(t *testing.T) {
	dir := filepath.Join(fixturesDir, "two-nic-bans")
	if _, err := os.Stat(dir); err != nil {
		t.Skip("fixture two-nic-bans absent: " + err.Error())
	}
	r := fixtureReport(t, dir)
	script := checkScript(t, r)
	var args, cpus []string
	for _, l := range liveLines(script) {
		for _, m := range regexp.MustCompile(`'IRQBALANCE_ARGS="([^"]*)"'`).FindAllStringSubmatch(l, -1) {
			args = append(args, m[1])
		}
		for _, m := range regexp.MustCompile(`'IRQBALANCE_BANNED_CPULIST=([0-9,-]+)'`).FindAllStringSubmatch(l, -1) {
			cpus = append(cpus, m[1])
		}
		if strings.Contains(l, ">> /etc/sysconfig/irqbalance") && !strings.HasPrefix(l, "printf ") {
			t.Errorf("a finding's own append runs: %q", l)
		}
	}
	if len(args) != 1 || len(cpus) != 1 {
		t.Fatalf("IRQBALANCE_ARGS written %d times, IRQBALANCE_BANNED_CPULIST %d times; want once each:\n%s", len(args), len(cpus), script)
	}
	bans := strings.Fields(args[0])
	if len(bans) != 30 {
		t.Errorf("%d IRQ bans, want 30 (15 per NIC): %q", len(bans), args[0])
	}
	var findingCPUs int
	for _, f := range r.Findings {
		if f.Check != "irq-concentration" {
			continue
		}
		findingCPUs++
		for _, c := range f.Commands {
			for _, s := range c.Settings {
				for _, w := range s.Words {
					if !slices.Contains(bans, w) {
						t.Errorf("%s's ban %s lost", f.Subject, w)
					}
				}
				got := cpuSet(t, cpus[0])
				for _, cpu := range s.CPUs {
					if !got[cpu] {
						t.Errorf("%s's CPU %d not banned: %s", f.Subject, cpu, cpus[0])
					}
				}
			}
		}
	}
	if findingCPUs != 2 {
		t.Errorf("%d concentration findings, want one per NIC", findingCPUs)
	}
}
