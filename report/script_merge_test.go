package report

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/checks"
)

// banCommand is the persistent irqbalance ban a check builds for cpus and irqs.
func banCommand(conf, apply string, cpus, irqs []int) Command {
	var args []string
	for _, n := range irqs {
		args = append(args, fmt.Sprintf("--banirq=%d", n))
	}
	return Command{
		Run:  fmt.Sprintf(`echo 'IRQBALANCE_BANNED_CPULIST=x' >> %s && echo 'IRQBALANCE_ARGS="%s"' >> %s && %s`, conf, strings.Join(args, " "), conf, apply),
		Kind: checks.Change, Persistent: true, NeedsRoot: true, Why: "ban",
		Settings: []Setting{
			{File: conf, Key: "IRQBALANCE_BANNED_CPULIST", Syntax: checks.SyntaxEnv, CPUs: cpus},
			{File: conf, Key: "IRQBALANCE_ARGS", Syntax: checks.SyntaxEnv, Words: args},
		},
		Apply: apply,
	}
}

func sysctlCommand(kv ...string) Command {
	c := Command{Run: "printf '%s\\n' 'x' >> /etc/sysctl.d/90-netdoctor.conf && sysctl --system",
		Kind: checks.Change, Persistent: true, Apply: "sysctl --system"}
	for i := 0; i+1 < len(kv); i += 2 {
		c.Settings = append(c.Settings, Setting{File: "/etc/sysctl.d/90-netdoctor.conf", Key: kv[i], Syntax: checks.SyntaxSysctl, Value: kv[i+1]})
	}
	return c
}

func seq(a, b int) []int {
	var out []int
	for i := a; i <= b; i++ {
		out = append(out, i)
	}
	return out
}

// TestScriptMergesSettings: two NICs' findings each ban 15 IRQs and their
// CPUs, two findings set sysctls: the script writes irqbalance's file once
// with all 30 bans and both CPU lists, the sysctl.d file once, says the
// disagreement, and runs no finding's own append.
func TestScriptMergesSettings(t *testing.T) {
	const conf = "/etc/sysconfig/irqbalance"
	r := &Report{
		Samples: 2,
		Findings: []Finding{
			{Rank: 1, Check: "irq-concentration", Subject: "eth0", Severity: checks.Critical, Commands: []Command{
				banCommand(conf, "systemctl restart irqbalance", seq(1, 15), seq(100, 114)),
				sysctlCommand("net.core.netdev_max_backlog", "2000"),
			}},
			{Rank: 2, Check: "irq-concentration", Subject: "eth1", Severity: checks.Critical, Commands: []Command{
				banCommand(conf, "systemctl restart irqbalance", seq(16, 30), seq(200, 214)),
			}},
			{Rank: 3, Check: "softnet-backlog-drops", Subject: "CPU 3", Severity: checks.Warning, Commands: []Command{
				sysctlCommand("net.core.netdev_max_backlog", "4000", "net.core.netdev_budget", "600"),
			}},
		},
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
	var args []string
	for _, n := range append(seq(100, 114), seq(200, 214)...) {
		args = append(args, fmt.Sprintf("--banirq=%d", n))
	}
	want := []string{
		"set -eu", scriptGuard,
		`printf '%s\n' 'IRQBALANCE_BANNED_CPULIST=1-30' 'IRQBALANCE_ARGS="` + strings.Join(args, " ") + `"' >> ` + conf + ` && systemctl restart irqbalance`,
		`printf '%s\n' 'net.core.netdev_max_backlog = 2000' 'net.core.netdev_budget = 600' >> /etc/sysctl.d/90-netdoctor.conf && sysctl --system`,
	}
	if strings.Join(live, "\n") != strings.Join(want, "\n") {
		t.Errorf("live lines:\n%s\nwant:\n%s\nscript:\n%s", strings.Join(live, "\n"), strings.Join(want, "\n"), sh)
	}
	if n := strings.Count(strings.Join(live, "\n"), "IRQBALANCE_ARGS="); n != 1 {
		t.Errorf("IRQBALANCE_ARGS is written %d times:\n%s", n, sh)
	}
	flat := strings.ReplaceAll(sh, "\n#     ", " ")
	if !strings.Contains(flat, "finding 3 suggests net.core.netdev_max_backlog 4000; finding 1's 2000 is written") {
		t.Errorf("the disagreement is not said:\n%s", flat)
	}
}

func TestMergeableRefusesOddSettings(t *testing.T) {
	good := banCommand("/etc/default/irqbalance", "systemctl restart irqbalance", []int{1}, []int{40})
	if !mergeable(good) {
		t.Fatal("a plain irqbalance ban must merge")
	}
	for name, mut := range map[string]func(c *Command){
		"file outside /etc":    func(c *Command) { c.Settings[0].File = "/tmp/x" },
		"file with ..":         func(c *Command) { c.Settings[0].File = "/etc/../root/x" },
		"key with a quote":     func(c *Command) { c.Settings[0].Key = "A'B" },
		"word with a quote":    func(c *Command) { c.Settings[1].Words = []string{"--banirq=1'; rm -rf /"} },
		"two kinds of value":   func(c *Command) { c.Settings[0].Value = "3" },
		"no value":             func(c *Command) { c.Settings[0].CPUs = nil },
		"unknown syntax":       func(c *Command) { c.Settings[0].Syntax = "yaml" },
		"apply with a pipe":    func(c *Command) { c.Apply = "systemctl restart irqbalance | sh" },
		"runtime command":      func(c *Command) { c.Persistent = false },
		"an option, not a fix": func(c *Command) { c.Kind = checks.Option },
	} {
		c := good
		c.Settings = []Setting{good.Settings[0], good.Settings[1]}
		c.Settings[0].CPUs = []int{1}
		mut(&c)
		if mergeable(c) {
			t.Errorf("%s: merged", name)
		}
	}
}
