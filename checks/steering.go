package checks

import (
	"fmt"
	"slices"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/hostview"
)

// Helpers of the steering checks (rfs-half-configured, xps-unset,
// ntuple-off-rfs): the RFS switches, the NICs whose per-queue settings were
// read, and the commands that write per-queue sysfs settings with their
// persistent forms.

// sysctlRFSEntries is RFS's global flow table size.
const sysctlRFSEntries = "net.core.rps_sock_flow_entries"

// steeringNICs returns the device-backed NICs in view order, those among
// them whose queues/ directory was read (nic_queues ok), and the first
// reason one was not (the input's own, which offline says that sosreport
// does not collect queues/).
func steeringNICs(ev *Evidence) (all, read []*hostview.NICLoad, unread string) {
	for _, nl := range ev.NICs {
		if !nl.Physical || nl.NIC == nil {
			continue
		}
		all = append(all, nl)
		in := ev.Now.Input(host.InputNICQueues, nl.Name)
		if in != nil && in.Status == host.StatusOK {
			read = append(read, nl)
		} else if unread == "" {
			unread = ev.InputReason(host.InputNICQueues, nl.Name)
		}
	}
	return all, read, unread
}

// flowCnt sums a NIC's rps_flow_cnt over its RX queues and counts the
// queues read.
func flowCnt(n *host.NIC) (sum, queues int) {
	for _, v := range n.RPSFlowCnt {
		sum += v
		queues++
	}
	return sum, queues
}

// rxIndexes are a NIC's RX queue indexes 0..RXQueues-1 (sysfs rx-N).
func rxIndexes(n *host.NIC) []int {
	k := max(n.RXQueues, len(n.RPSFlowCnt))
	out := make([]int, k)
	for i := range out {
		out[i] = i
	}
	return out
}

// queueSysfsCommands writes per-queue sysfs attributes of nic: attr of
// queue dir "rx-N" or "tx-N" to vals[N], at runtime (of kind), in a udev
// rule for the next add event of the interface and in a tuned [sysfs]
// snippet (Option). name is the rule's and profile's name.
func queueSysfsCommands(nic, dir, attr string, vals map[int]string, why, name string, kind CommandKind) []Command {
	idx := make([]int, 0, len(vals))
	for i := range vals {
		idx = append(idx, i)
	}
	slices.Sort(idx)
	q := shq(nic)
	var writes, udev, sysfs []string
	for _, i := range idx {
		writes = append(writes, fmt.Sprintf("echo %s > /sys/class/net/%s/queues/%s-%d/%s", vals[i], q, dir, i, attr))
		udev = append(udev, fmt.Sprintf(`ATTR{queues/%s-%d/%s}="%s"`, dir, i, attr, vals[i]))
		sysfs = append(sysfs, fmt.Sprintf("/sys/class/net/%s/queues/%s-%d/%s=%s", nic, dir, i, attr, vals[i]))
	}
	rule := fmt.Sprintf(`ACTION=="add", SUBSYSTEM=="net", KERNEL=="%s", %s`, nic, strings.Join(udev, ", "))
	return []Command{
		{
			Run:       strings.Join(writes, " && "),
			Kind:      kind,
			Why:       why,
			NeedsRoot: true,
			Caveats:   []string{"Lost at reboot and when the driver re-creates the queues (ethtool -L): see the persistent forms."},
		},
		{
			Run:        fmt.Sprintf("printf '%%s\\n' %s > /etc/udev/rules.d/90-netdoctor-%s-%s.rules && udevadm control --reload", quoteAll([]string{rule}), name, safeFileName(nic)),
			Kind:       kind,
			Why:        "apply the same at every add event of the interface (boot, driver reload)",
			NeedsRoot:  true,
			Persistent: true,
			Caveats:    []string{"The rule applies at the next add event of the interface (reboot or driver reload)."},
		},
		tunedCommand(nic+"-"+name, "sysfs", sysfs, "with tuned: set the same from a tuned profile layered on the active one"),
	}
}
