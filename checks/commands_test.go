package checks

import (
	"encoding/json"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

// placeholder matches a template slot such as <PID> or <command>.
var placeholder = regexp.MustCompile(`<[A-Za-z][A-Za-z0-9 _-]*>`)

// notForChange are words that make a command unfit to be run by a fix
// script: a blocking or interactive reader, or a vendor script that is an
// alternative to netdoctor's own placement.
var notForChange = regexp.MustCompile(`(^|[;&|(\s])(watch|top|perf|dropwatch|set_irq_affinity\S*)(\s|$)`)

// commandKindProblems lists what is wrong with the kinds of cmds as a check
// built them (before the engine fills in a missing kind): every command has
// a known kind, and a Change holds no placeholder and nothing that blocks
// or is an alternative.
func commandKindProblems(cmds []Command) []string {
	var bad []string
	for _, c := range cmds {
		switch {
		case c.Kind == "":
			bad = append(bad, "no kind: "+c.Run)
		case !c.Kind.Known():
			bad = append(bad, "unknown kind "+string(c.Kind)+": "+c.Run)
		case c.Kind != Change:
		case placeholder.MatchString(c.Run):
			bad = append(bad, "change with a placeholder: "+c.Run)
		case notForChange.MatchString(c.Run):
			bad = append(bad, "change that blocks or is an alternative: "+c.Run)
		}
	}
	return bad
}

// rawKindProblems runs c over p directly (not through the engine, which
// would fill in missing kinds) and reports commands with a bad kind.
func rawKindProblems(t *testing.T, c *Check, p *host.Pair) []string {
	t.Helper()
	res, err := call(NewEvidence(p), c)
	if err != nil {
		return nil // the engine reports it; not a kind problem
	}
	var bad []string
	for _, f := range res.Findings {
		for _, b := range commandKindProblems(f.Commands) {
			bad = append(bad, c.ID+" "+f.Subject+": "+b)
		}
	}
	return bad
}

func TestCommandKindProblems(t *testing.T) {
	for _, tc := range []struct {
		cmd  Command
		want string
	}{
		{Command{Run: "echo 2 > /proc/irq/48/smp_affinity_list", Kind: Change}, ""},
		{Command{Run: "watch -d -n1 'grep -F -- eth0 /proc/interrupts'", Kind: Verify}, ""},
		{Command{Run: "taskset -acp 0-7 <PID>", Kind: Option}, ""},
		{Command{Run: "sysctl -w x=1"}, "no kind"},
		{Command{Run: "sysctl -w x=1", Kind: "maybe"}, "unknown kind"},
		{Command{Run: "taskset -acp 0-7 <PID>", Kind: Change}, "placeholder"},
		{Command{Run: "numactl --cpunodebind=1 --membind=1 <command>", Kind: Change}, "placeholder"},
		{Command{Run: "cat /proc/irq/48/effective_affinity_list; watch -d -n1 'grep eth0 /proc/interrupts'", Kind: Change}, "blocks"},
		{Command{Run: "set_irq_affinity local eth0", Kind: Change}, "alternative"},
		{Command{Run: "set_irq_affinity_bynode.sh 1 eth0", Kind: Change}, "alternative"},
		{Command{Run: "perf record -g -a -e skb:kfree_skb -- sleep 10 && perf report", Kind: Change}, "blocks"},
		{Command{Run: "echo 'IRQBALANCE_ARGS=\"--banirq=48\"' >> /etc/default/irqbalance", Kind: Change}, ""},
	} {
		got := strings.Join(commandKindProblems([]Command{tc.cmd}), "; ")
		if (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
			t.Errorf("%q (%s): problems %q, want %q", tc.cmd.Run, tc.cmd.Kind, got, tc.want)
		}
	}
}

// TestFixtureCommandKinds: over every fixture, every command every check
// builds has an explicit, known kind, and no Change holds a placeholder,
// a blocking reader or a vendor script.
func TestFixtureCommandKinds(t *testing.T) {
	dirs := fixtureDirs(t)
	if len(dirs) == 0 {
		t.Skip("no fixtures with expect.json under " + fixturesDir)
	}
	kinds := map[CommandKind]int{}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			p, _ := loadFixture(t, dir)
			for _, c := range Registry() {
				for _, b := range rawKindProblems(t, c, p) {
					t.Error(b)
				}
			}
			for _, o := range Run(NewEvidence(p), Registry()) {
				for _, f := range o.Findings {
					for _, cmd := range f.Commands {
						kinds[cmd.Kind]++
					}
				}
			}
		})
	}
	// The fixtures exercise every kind.
	for _, k := range []CommandKind{Change, Verify, Option} {
		if kinds[k] == 0 {
			t.Errorf("no fixture produced a %s command", k)
		}
	}
}

func TestRunDefaultsCommandKind(t *testing.T) {
	c := stub("kinds", false, Result{Verdict: Fail, Findings: []Finding{{
		Summary: "s",
		Commands: []Command{
			{Run: "a"},
			{Run: "b", Kind: "bogus"},
			{Run: "c", Kind: Change},
			{Run: "d", Kind: Verify},
			{Run: "e", Kind: Option},
		},
	}}})
	out := Run(NewEvidence(host.Single(newHost(2))), []*Check{c})
	var got []string
	for _, cmd := range out[0].Findings[0].Commands {
		got = append(got, cmd.Run+"="+string(cmd.Kind))
	}
	if s := strings.Join(got, " "); s != "a=option b=option c=change d=verify e=option" {
		t.Errorf("kinds after Run: %s", s)
	}
}

func TestCommandKindJSON(t *testing.T) {
	b, err := json.Marshal(Command{Run: "ethtool -S eth0", Kind: Verify, Why: "read"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), `"kind":"verify"`) {
		t.Errorf("JSON %s lacks the kind", b)
	}
}

// TestCommandKindsByFixture pins the kind of each command the fixtures
// produce, by fixture, check and the start of the command line.
func TestCommandKindsByFixture(t *testing.T) {
	want := map[string][]struct {
		check, prefix string
		kind          CommandKind
	}{
		"irq-cpu0": {
			{"irq-concentration", "for p in ", Change},
			{"irq-concentration", "cat /proc/irq/48/effective_affinity_list; watch ", Verify},
			{"irq-concentration", "ethtool -L eth0 combined 4", Option},
			{"irq-concentration", "nmcli connection modify eth0 ethtool.channels-combined", Option},
			{"irq-concentration", "systemctl enable --now irqbalance", Option},
			{"irq-concentration", "set_irq_affinity local eth0", Option},
			{"irq-concentration", "echo 'IRQBALANCE_BANNED_CPULIST=", Change},
			{"softnet-backlog-drops", "sysctl -w net.core.netdev_max_backlog=", Change},
			{"softnet-backlog-drops", "printf '%s\\n' 'net.core.netdev_max_backlog", Change},
			{"softnet-backlog-drops", "perf record", Verify},
		},
		"numa-remote": {
			{"nic-numa-remote", "cat /sys/class/net/eth2/device/numa_node", Verify},
			{"nic-numa-remote", "for p in ", Change},
			{"nic-numa-remote", "taskset -acp ", Option},
			{"nic-numa-remote", "numactl ", Option},
			{"nic-numa-remote", "echo 'IRQBALANCE_BANNED_CPULIST=", Change},
		},
		"nic-fifo-missed": {
			{"nic-rx-fifo-missed", "ethtool -S ", Verify},
			{"nic-rx-fifo-missed", "ethtool -G ", Change},
			{"nic-rx-fifo-missed", "nmcli connection modify eth1 ethtool.ring-rx", Change},
			{"nic-rx-fifo-missed", "ethtool -c ", Verify},
			{"nic-rx-fifo-missed", "cpupower frequency-set", Option},
		},
		"ht-siblings": {
			{"irq-ht-siblings", "echo 4 > /proc/irq/81/smp_affinity_list", Change},
			{"irq-ht-siblings", "cat /sys/devices/system/cpu/cpu4/topology/thread_siblings_list", Verify},
			{"irq-ht-siblings", "cat /proc/irq/81/effective_affinity_list", Verify},
			{"irq-ht-siblings", "echo 'IRQBALANCE_BANNED_CPULIST=", Change},
		},
		"tw-recycle-nat": {
			{"tcp-tw-recycle-nat", "sysctl -w net.ipv4.tcp_tw_recycle=0", Change},
			{"tcp-tw-recycle-nat", "printf '%s\\n' 'net.ipv4.tcp_tw_recycle = 0'", Change},
			{"tcp-tw-recycle-nat", "grep -rn tcp_tw_recycle", Verify},
			{"tcp-tw-recycle-nat", "sysctl -w net.ipv4.tcp_tw_reuse=1", Option},
			{"tcp-tw-recycle-nat", "nstat ", Verify},
		},
		"redis-on-irq-cpu": {
			{"app-on-irq-cpus", "taskset -acp 4-7,12-15 4972", Change},
			{"app-on-irq-cpus", "taskset -acp 4972; ps ", Verify},
			{"app-on-irq-cpus", "unit=$(ps -o unit= -p 4972)", Option},
			{"app-on-irq-cpus", "echo 'IRQBALANCE_BANNED_CPULIST=", Change},
		},
	}
	dirs := map[string]string{}
	for _, d := range fixtureDirs(t) {
		dirs[filepath.Base(d)] = d
	}
	if len(dirs) == 0 {
		t.Skip("no fixtures with expect.json under " + fixturesDir)
	}
	for name, rows := range want {
		t.Run(name, func(t *testing.T) {
			dir, ok := dirs[name]
			if !ok {
				t.Skip("fixture " + name + " absent")
			}
			p, _ := loadFixture(t, dir)
			var cmds []Command
			var checks []string
			for _, o := range Run(NewEvidence(p), Registry()) {
				for _, f := range o.Findings {
					for _, c := range f.Commands {
						cmds = append(cmds, c)
						checks = append(checks, f.Check)
					}
				}
			}
			for _, w := range rows {
				found := false
				for i, c := range cmds {
					if checks[i] != w.check || !strings.HasPrefix(c.Run, w.prefix) {
						continue
					}
					found = true
					if c.Kind != w.kind {
						t.Errorf("%s %q: kind %s, want %s", w.check, c.Run, c.Kind, w.kind)
					}
				}
				if !found {
					t.Errorf("%s: no command starting %q", w.check, w.prefix)
				}
			}
		})
	}
}
