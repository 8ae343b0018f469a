package checks

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
)

// Suggested commands shared by several checks: IRQ affinity, irqbalance,
// queue counts, sysctls. All use this host's values; netdoctor never runs
// them.

// Caveats repeated across checks.
const (
	caveatManaged = `If the write fails with "Input/output error" the IRQ is managed by the kernel ` +
		`(common on ice, some mlx5 and NVMe setups): change the queue count with ethtool -L ` +
		`or accept the kernel's placement.`
	caveatReapply = "Driver resets, ethtool -L and some ethtool -G changes re-request the vectors " +
		"and reset their affinity (and may renumber them): re-apply and re-check afterwards."
	caveatIRQNumbers = "IRQ numbers can change across reboots and driver reloads: a persistent " +
		"setup must find the IRQs by name (Intel set_irq_affinity, Mellanox " +
		"set_irq_affinity_bynode.sh, tuned's irq plugin, or a boot unit reading /proc/interrupts)."
)

// assignment is one IRQ → CPU move.
type assignment struct {
	IRQ int
	CPU int
}

// affinityCommand writes the runtime command moving each IRQ to its CPU.
func affinityCommand(moves []assignment, why string) Command {
	var run string
	if len(moves) == 1 {
		run = fmt.Sprintf("echo %d > /proc/irq/%d/smp_affinity_list", moves[0].CPU, moves[0].IRQ)
	} else {
		pairs := make([]string, len(moves))
		for i, m := range moves {
			pairs[i] = strconv.Itoa(m.IRQ) + ":" + strconv.Itoa(m.CPU)
		}
		run = `for p in ` + strings.Join(pairs, " ") +
			`; do echo "${p#*:}" > "/proc/irq/${p%:*}/smp_affinity_list"; done`
	}
	return Command{
		Run:       run,
		Kind:      Change,
		Why:       why,
		NeedsRoot: true,
		Caveats: []string{
			"irqbalance, when running, moves IRQs back within seconds unless stopped or told to leave them alone (see the irqbalance commands).",
			caveatManaged,
			caveatReapply,
		},
	}
}

// verifyAffinityCommand reads back where the first moved IRQ landed and
// watches the NIC's rows. It is a Verify: watch blocks until interrupted.
func verifyAffinityCommand(moves []assignment, nic string) Command {
	run := ""
	if len(moves) > 0 {
		run = fmt.Sprintf("cat /proc/irq/%d/effective_affinity_list", moves[0].IRQ)
	}
	if nic != "" {
		if safeWord.MatchString(nic) {
			if run != "" {
				run += "; "
			}
			run += fmt.Sprintf("watch -d -n1 'grep -F -- %s /proc/interrupts'", nic)
		} else {
			if run != "" {
				run += "; "
			}
			run += "grep -F -- " + shq(nic) + " /proc/interrupts"
		}
	}
	return Command{
		Run:     run,
		Kind:    Verify,
		Why:     "check that the kernel routes each IRQ to its new CPU and that the counts now grow there",
		Caveats: []string{"effective_affinity_list exists on kernels 4.13 and later; before, read smp_affinity_list."},
	}
}

// irqbalanceConf guesses the irqbalance configuration file of the host's
// distribution.
func irqbalanceConf(ev *Evidence) string {
	if strings.Contains(ev.Now.Irqbalance.Evidence, "/etc/default/") {
		return "/etc/default/irqbalance"
	}
	k := strings.ToLower(ev.Now.Kernel + " " + ev.Now.KernelVersion)
	if strings.Contains(k, "ubuntu") || strings.Contains(k, "debian") || strings.Contains(k, "-generic") {
		return "/etc/default/irqbalance"
	}
	return "/etc/sysconfig/irqbalance"
}

// irqbalanceCommands keeps irqbalance from undoing manual IRQ placement:
// at runtime it is stopped (when it runs or nobody knows); persistently it
// is told to keep other IRQs off cpus (IRQBALANCE_BANNED_CPULIST, with the
// CPUs it already bans) and to leave irqs alone (--banirq), then restarted
// (try-restart when it is known not to run, so it is not started). Both
// are Change commands; the persistent one is last.
func irqbalanceCommands(ev *Evidence, cpus, irqs []int) []Command {
	ib := ev.Now.Irqbalance
	var out []Command
	if !ib.Known || ib.Running {
		state := "irqbalance may be running (its state is unknown)"
		if ib.Known {
			state = "irqbalance is running"
		}
		out = append(out, Command{
			Run:       "systemctl stop irqbalance",
			Kind:      Change,
			Why:       state + "; it rewrites IRQ affinity every 10 s and would move these IRQs back",
			NeedsRoot: true,
			Caveats: []string{
				"Stopped, it no longer balances any IRQ; to keep it, use the persistent ban below and restart it instead.",
			},
		})
	}
	banned := host.UnionCPUs(ib.Banned, cpus)
	conf := irqbalanceConf(ev)
	// The IRQs the configuration already bans stay banned: the new line
	// replaces the old one.
	args := make([]string, 0, len(irqs)+len(ib.BannedIRQs))
	for _, n := range host.UnionCPUs(ib.BannedIRQs, irqs) {
		args = append(args, "--banirq="+strconv.Itoa(n))
	}
	settings := []Setting{{File: conf, Key: "IRQBALANCE_BANNED_CPULIST", Syntax: SyntaxEnv, CPUs: banned}}
	if len(args) > 0 {
		settings = append(settings, Setting{File: conf, Key: "IRQBALANCE_ARGS", Syntax: SyntaxEnv, Words: args})
	}
	apply := "systemctl restart irqbalance"
	if ib.Known && !ib.Running {
		apply = "systemctl try-restart irqbalance"
	}
	run := fmt.Sprintf("echo 'IRQBALANCE_BANNED_CPULIST=%s' >> %s", cpuList(banned), conf)
	if len(args) > 0 {
		run += fmt.Sprintf(` && echo 'IRQBALANCE_ARGS="%s"' >> %s`, strings.Join(args, " "), conf)
	}
	// Not running: write the ban for when it starts, but do not start a
	// service the host runs without (try-restart).
	run += " && " + apply
	out = append(out, Command{
		Run:  run,
		Kind: Change,
		Why: fmt.Sprintf("keep irqbalance from placing other IRQs on CPUs %s and from moving these IRQs, across reboots",
			cpuList(cpus)),
		NeedsRoot:  true,
		Persistent: true,
		Settings:   settings,
		Apply:      apply,
		Caveats: []string{
			fmt.Sprintf("IRQBALANCE_BANNED_CPULIST needs irqbalance 1.8 or later; older releases take the mask form IRQBALANCE_BANNED_CPUS=%s.",
				host.FormatCPUMask(banned)),
			"Edit an existing IRQBALANCE_BANNED_CPULIST or IRQBALANCE_ARGS line instead of appending a second one (Debian/Ubuntu: /etc/default/irqbalance; RHEL/SUSE: /etc/sysconfig/irqbalance).",
			caveatIRQNumbers,
		},
	})
	return out
}

// channelsCommands suggests cutting the queue count to n, with its
// persistent form, both of the given kind: Option where it follows an
// affinity change (ethtool -L re-creates the queues and resets the
// affinity just set), Change where it is the fix itself.
func channelsCommands(nic string, n int, why string, kind CommandKind) []Command {
	q := shq(nic)
	return []Command{
		{
			Run:       fmt.Sprintf("ethtool -L %s combined %d", q, n),
			Kind:      kind,
			Why:       why,
			NeedsRoot: true,
			Caveats: []string{
				"Changing the channel count re-creates the queues: a short traffic interruption, IRQ numbers and affinity are reset (re-apply placement afterwards).",
				"Some drivers use separate rx/tx channels (ethtool -l shows which) or need a power-of-two count.",
			},
		},
		{
			Run:        fmt.Sprintf(`nmcli connection modify %s ethtool.channels-combined %d`, q, n),
			Kind:       kind,
			Why:        "make the queue count survive reboots (NetworkManager 1.26+; the connection is often named after the interface)",
			NeedsRoot:  true,
			Persistent: true,
			Caveats: []string{
				fmt.Sprintf(`Without NetworkManager: ifcfg ETHTOOL_OPTS="-L %s combined %d", an ifupdown post-up line, or a udev rule.`, nic, n),
			},
		},
	}
}

// sysctlConf is the file netdoctor's persistent sysctl settings go to.
const sysctlConf = "/etc/sysctl.d/90-netdoctor.conf"

// sysctlCommands sets key=value at runtime and persistently: both Change.
func sysctlCommands(settings [][2]string, why string, caveats []string) []Command {
	var rt, lines []string
	var conf []Setting
	for _, kv := range settings {
		rt = append(rt, kv[0]+"="+kv[1])
		lines = append(lines, kv[0]+" = "+kv[1])
		conf = append(conf, Setting{File: sysctlConf, Key: kv[0], Syntax: SyntaxSysctl, Value: kv[1]})
	}
	return []Command{
		{
			Run:       "sysctl -w " + strings.Join(rt, " "),
			Kind:      Change,
			Why:       why,
			NeedsRoot: true,
			Caveats:   caveats,
		},
		{
			Run:        fmt.Sprintf("printf '%%s\\n' %s >> %s && sysctl --system", quoteAll(lines), sysctlConf),
			Kind:       Change,
			Why:        "make the setting survive reboots",
			NeedsRoot:  true,
			Persistent: true,
			Settings:   conf,
			Apply:      "sysctl --system",
			Caveats: []string{
				"Remove contradicting lines elsewhere: /etc/sysctl.conf is applied last and wins.",
			},
		},
	}
}

func quoteAll(ss []string) string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
	}
	return strings.Join(out, " ")
}
