package report

import (
	"bytes"
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/checks"
)

// TestScriptKinds: only Change commands are live lines; Verify, Option and
// unclassified commands are comments, every line of them, labelled with
// their kind, in their part next to their finding.
func TestScriptKinds(t *testing.T) {
	r := &Report{
		Samples: 1,
		Findings: []Finding{{
			Rank: 1, Check: "irq-concentration", Subject: "eth0", Severity: checks.Warning,
			Commands: []Command{
				{Run: "echo 2 > /proc/irq/48/smp_affinity_list", Kind: checks.Change, Why: "move"},
				{Run: "watch -d -n1 'grep -F -- eth0 /proc/interrupts'", Kind: checks.Verify, Why: "watch"},
				{Run: "for i in 1 2; do\n  cat /proc/irq/48/effective_affinity_list\ndone", Kind: checks.Verify, Why: "read twice"},
				{Run: "taskset -acp 0-3 <PID>", Kind: checks.Option, Why: "template"},
				{Run: "rm -rf /tmp/x", Why: "unclassified"},
				{Run: "ethtool -L eth0 combined 4", Kind: "bogus", Why: "unknown kind"},
				{Run: "echo 'IRQBALANCE_BANNED_CPULIST=2' >> /etc/default/irqbalance", Kind: checks.Change, Persistent: true, Why: "ban"},
				{Run: "numactl --cpunodebind=0 --membind=0 <command>", Kind: checks.Option, Persistent: true, Why: "start"},
			},
		}, {
			Rank: 2, Check: "irq-ht-siblings", Subject: "eth0", Severity: checks.Notice,
			Commands: []Command{
				{Run: "watch -d -n1 'grep -F -- eth0 /proc/interrupts'", Kind: checks.Verify, Why: "watch again"},
				{Run: "echo 2 > /proc/irq/48/smp_affinity_list", Kind: checks.Change, Why: "move again"},
			},
		}},
	}
	var buf bytes.Buffer
	if err := Script(&buf, r); err != nil {
		t.Fatal(err)
	}
	sh := buf.String()
	var live []string
	for _, l := range strings.Split(sh, "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			live = append(live, l)
		}
	}
	want := []string{
		"set -eu", scriptGuard,
		"echo 2 > /proc/irq/48/smp_affinity_list",
		"echo 'IRQBALANCE_BANNED_CPULIST=2' >> /etc/default/irqbalance",
	}
	if got := strings.Join(live, "\n"); got != strings.Join(want, "\n") {
		t.Errorf("live lines:\n%s\nwant:\n%s", got, strings.Join(want, "\n"))
	}
	for _, c := range []string{
		"# verify: watch -d -n1 'grep -F -- eth0 /proc/interrupts'\n",
		"# verify: for i in 1 2; do\n#     cat /proc/irq/48/effective_affinity_list\n#   done\n",
		"# option: taskset -acp 0-3 <PID>\n",
		"# option: rm -rf /tmp/x\n",
		"# option: ethtool -L eth0 combined 4\n",
		"# option: numactl --cpunodebind=0 --membind=0 <command>\n",
		"# verify, already above (finding 1): watch -d -n1",
		"# Already above (finding 1): echo 2 > /proc/irq/48/smp_affinity_list\n",
		"# Part 1 holds the runtime changes (2)",
		"Part 2 holds the persistent forms (1)",
		"comments (7) never run",
	} {
		if !strings.Contains(sh, c) {
			t.Errorf("script lacks %q:\n%s", c, sh)
		}
	}
	// The persistent option sits in part 2, after the persistent change.
	p2 := sh[strings.Index(sh, "# Part 2: persistent forms"):]
	if !strings.Contains(p2, "# option: numactl") || strings.Contains(p2, "taskset") {
		t.Errorf("part 2:\n%s", p2)
	}
	shCheck(t, sh)
}

// TestScriptOnlyShown: a report whose commands only read or are options
// still lists them, and runs nothing but the guard.
func TestScriptOnlyShown(t *testing.T) {
	r := &Report{Samples: 1, Findings: []Finding{{
		Rank: 1, Check: "nic-numa-remote", Subject: "eth2", Severity: checks.Notice,
		Commands: []Command{{Run: "cat /sys/class/net/eth2/device/numa_node", Kind: checks.Verify, Why: "read"}},
	}}}
	var buf bytes.Buffer
	if err := Script(&buf, r); err != nil {
		t.Fatal(err)
	}
	sh := buf.String()
	if !strings.Contains(sh, "# verify: cat /sys/class/net/eth2/device/numa_node\n") ||
		!strings.Contains(sh, "runtime changes (0)") || !strings.Contains(sh, "comments (1) never run") {
		t.Errorf("script:\n%s", sh)
	}
	shCheck(t, sh)
}

// TestMarkdownKindLabels: verify and option blocks say so in their comment
// line; a change's comment is its why alone.
func TestMarkdownKindLabels(t *testing.T) {
	for _, tc := range []struct {
		cmd  Command
		want string
	}{
		{Command{Run: "sysctl -w a=1", Kind: checks.Change, Why: "raise it", NeedsRoot: true}, "# raise it (root)\nsysctl -w a=1"},
		{Command{Run: "ethtool -S eth0", Kind: checks.Verify, Why: "read the counters"}, "# verify: read the counters\nethtool -S eth0"},
		{Command{Run: "taskset -acp 0-3 <PID>", Kind: checks.Option, Why: "pin it", NeedsRoot: true}, "# option: pin it (root)\ntaskset -acp 0-3 <PID>"},
		{Command{Run: "x"}, "# option:\nx"},
	} {
		if got := commandBlock(tc.cmd); got != tc.want {
			t.Errorf("commandBlock(%+v) = %q, want %q", tc.cmd, got, tc.want)
		}
	}
}

// TestJSONDefaultsKind: a hand-made command of no kind is an option in the
// JSON, and the report given is not modified.
func TestJSONDefaultsKind(t *testing.T) {
	r := &Report{Findings: []Finding{{Commands: []Command{{Run: "x"}, {Run: "y", Kind: checks.Change}}}}}
	var buf bytes.Buffer
	if err := JSON(&buf, r); err != nil {
		t.Fatal(err)
	}
	if s := buf.String(); !strings.Contains(s, `"kind": "option"`) || !strings.Contains(s, `"kind": "change"`) {
		t.Errorf("JSON kinds:\n%s", s)
	}
	if r.Findings[0].Commands[0].Kind != "" {
		t.Errorf("JSON modified the report it was given")
	}
}
