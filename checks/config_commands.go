package checks

import (
	"fmt"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/hostview"
)

// Commands of the configuration checks: channel counts and RPS masks with
// this host's values, each with its runtime and persistent forms (among
// them a tuned profile, which tuned-adm verify later proves still
// applied). A setting the driver reports as fixed (maximum = current, or
// not reported at all) gets no command that changes it.

// RFSFlowEntries is the size of the RFS flow table suggested with RPS: the
// kernel's scaling document calls 32768 right for a moderately loaded
// server, each RX queue then taking entries / queues.
const RFSFlowEntries = 32768

// channelTarget is the channel change ethtool -L can make on nic toward
// want queues: the kind ("combined" or "rx") and the count, capped by the
// reported maximum. The kind is the one the driver uses now: combined
// channels, or separate rx channels when it runs rx channels and no
// combined ones (some drivers report a maximum for both). ok is false when
// the driver reports no channels, or the capped count is already the
// current one (the setting is fixed, or already there).
func channelTarget(nic *host.NIC, want int) (kind string, n int, ok bool) {
	if nic == nil || nic.Channels == nil || want <= 0 {
		return "", 0, false
	}
	ch := nic.Channels
	switch {
	case ch.MaxRX > 0 && ch.RX > 0 && ch.Combined == 0:
		n = min(want, ch.MaxRX)
		return "rx", n, n != ch.RX
	case ch.MaxCombined > 0:
		n = min(want, ch.MaxCombined)
		return "combined", n, n != ch.Combined
	case ch.MaxRX > 0:
		n = min(want, ch.MaxRX)
		return "rx", n, n != ch.RX
	}
	return "", 0, false
}

// reduceChannelsCommands cuts nic's receive channels to want (the cores
// that can serve them), through channelTarget: the kind the driver uses
// and within its maximum. Without ethtool -l (not collected) the command
// is the common combined form, whose caveat says to check ethtool -l
// first; when the driver reports channels that cannot go down to want
// (fixed, or already at most want) there is no command.
func reduceChannelsCommands(nic *host.NIC, name string, want int, why string, cmdKind CommandKind) []Command {
	if nic == nil || nic.Channels == nil {
		return channelsCommands(name, want, why, cmdKind)
	}
	kind, n, ok := channelTarget(nic, want)
	if !ok || n >= currentQueues(nic) {
		return nil
	}
	return setChannelsCommands(name, kind, n, why, cmdKind)
}

// currentQueues is the NIC's current receive channel count from ethtool
// -l, 0 when not reported.
func currentQueues(nic *host.NIC) int {
	if nic == nil || nic.Channels == nil {
		return 0
	}
	return nic.Channels.Combined + nic.Channels.RX
}

// maxQueues is the driver's maximum receive channel count (combined, else
// rx), 0 when not reported.
func maxQueues(nic *host.NIC) int {
	if nic == nil || nic.Channels == nil {
		return 0
	}
	if nic.Channels.MaxCombined > 0 {
		return nic.Channels.MaxCombined
	}
	return nic.Channels.MaxRX
}

// setChannelsCommands changes nic's receive channels to n of kind: the
// runtime ethtool -L and NetworkManager's persistent setting (both of
// cmdKind) and a tuned [net] snippet (Option).
func setChannelsCommands(nic, kind string, n int, why string, cmdKind CommandKind) []Command {
	var cmds []Command
	if kind == "combined" {
		cmds = channelsCommands(nic, n, why, cmdKind)
	} else {
		q := shq(nic)
		cmds = []Command{
			{
				Run:       fmt.Sprintf("ethtool -L %s rx %d", q, n),
				Kind:      cmdKind,
				Why:       why,
				NeedsRoot: true,
				Caveats:   []string{"Changing the channel count re-creates the queues: a short traffic interruption, IRQ numbers and affinity are reset (re-apply placement afterwards)."},
			},
			{
				Run:        fmt.Sprintf("nmcli connection modify %s ethtool.channels-rx %d", q, n),
				Kind:       cmdKind,
				Why:        "make the queue count survive reboots (NetworkManager 1.26+; the connection is often named after the interface)",
				NeedsRoot:  true,
				Persistent: true,
			},
		}
	}
	return append(cmds, tunedCommand(nic, "net", []string{"devices=" + nic, fmt.Sprintf("channels=%s %d", kind, n)},
		"with tuned: set the queue count in a tuned profile layered on the active one"))
}

// tunedCommand writes a tuned profile named after the finding's subject
// with one plugin section and layers it on the active profile. It is an
// Option: tuned may not be installed, and the file is netdoctor's own.
func tunedCommand(subject, plugin string, lines []string, why string) Command {
	name := "netdoctor-" + strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, subject)
	body := append([]string{"[" + plugin + "_" + strings.TrimPrefix(name, "netdoctor-") + "]", "type=" + plugin}, lines...)
	dir := "/etc/tuned/" + name
	return Command{
		Run: fmt.Sprintf(`mkdir -p %s && printf '%%s\n' %s > %s/tuned.conf && tuned-adm profile $(tuned-adm active | sed -n 's/^Current active profile: //p') %s && tuned-adm verify`,
			dir, quoteAll(body), dir, name),
		Kind:       Option,
		Why:        why,
		NeedsRoot:  true,
		Persistent: true,
		Caveats: []string{
			"tuned merges the profiles named on the tuned-adm profile line; tuned-adm verify later shows whether the setting still holds.",
		},
	}
}

// rpsCommands spreads the receive work of nl's RX queues rxq (of total
// receive queues) over cpus (the NIC-local CPUs minus the queue IRQ CPUs)
// with RPS, writing the mask as the kernel prints cpumasks
// (comma-separated 32-bit hex groups), and sizes RFS (entries / total per
// queue). Commands are of kind; the persistent forms (a sysctl file, a
// udev rule, a tuned [sysfs] snippet) follow the runtime ones.
func rpsCommands(nl *hostview.NICLoad, rxq []int, total int, cpus []int, kind CommandKind) []Command {
	if len(cpus) == 0 || len(rxq) == 0 || total <= 0 {
		return nil
	}
	mask := host.FormatCPUMask(cpus)
	q := shq(nl.Name)
	flowCnt := RFSFlowEntries / total
	queues := len(rxq)
	var writes, udev, sysfs []string
	for _, i := range rxq {
		writes = append(writes, fmt.Sprintf("echo %s > /sys/class/net/%s/queues/rx-%d/rps_cpus", mask, q, i))
		writes = append(writes, fmt.Sprintf("echo %d > /sys/class/net/%s/queues/rx-%d/rps_flow_cnt", flowCnt, q, i))
		udev = append(udev, fmt.Sprintf(`ATTR{queues/rx-%d/rps_cpus}="%s", ATTR{queues/rx-%d/rps_flow_cnt}="%d"`, i, mask, i, flowCnt))
		sysfs = append(sysfs, fmt.Sprintf("/sys/class/net/%s/queues/rx-%d/rps_cpus=%s", nl.Name, i, mask))
	}
	rule := fmt.Sprintf(`ACTION=="add", SUBSYSTEM=="net", KERNEL=="%s", %s`, nl.Name, strings.Join(udev, ", "))
	cmds := []Command{{
		Run:       strings.Join(writes, " && "),
		Kind:      kind,
		Why:       fmt.Sprintf("spread the protocol work of %s's receive %s %s over CPUs %s (RPS), and give RFS %d flows per queue", nl.Name, plural(queues, "queue", "queues"), "rx-"+joinInts(rxq, ", rx-"), cpuList(cpus), flowCnt),
		NeedsRoot: true,
		Caveats: []string{
			"RPS costs an inter-processor interrupt per batch and uses the target CPUs' backlogs (softnet dropped shows overflow); it is redundant once the NIC has a queue per core.",
			"Lost at reboot and when the driver re-creates the queues (ethtool -L): see the persistent forms.",
		},
	}}
	cmds = append(cmds, sysctlCommands([][2]string{{"net.core.rps_sock_flow_entries", fmt.Sprint(RFSFlowEntries)}},
		"size the RFS flow table so that RPS steers each flow to the CPU of the thread consuming it", nil)...)
	for i := range cmds[1:] {
		cmds[1+i].Kind = kind
	}
	cmds = append(cmds, Command{
		Run:        fmt.Sprintf("printf '%%s\\n' %s > /etc/udev/rules.d/90-netdoctor-rps-%s.rules && udevadm control --reload", quoteAll([]string{rule}), safeFileName(nl.Name)),
		Kind:       kind,
		Why:        "apply the RPS masks whenever the interface appears (boot, driver reload)",
		NeedsRoot:  true,
		Persistent: true,
		Caveats:    []string{"The rule applies at the next add event of the interface (reboot or driver reload)."},
	})
	cmds = append(cmds, tunedCommand(nl.Name+"-rps", "sysfs", sysfs, "with tuned: set the RPS masks from a tuned profile layered on the active one"))
	cmds = append(cmds, tunedCommand(nl.Name+"-rfs", "sysctl", []string{fmt.Sprintf("net.core.rps_sock_flow_entries=%d", RFSFlowEntries)},
		"with tuned: size the RFS flow table from a tuned profile instead of /etc/sysctl.d"))
	return cmds
}

// safeFileName keeps letters, digits, dot, dash and underscore of s.
func safeFileName(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, s)
}
