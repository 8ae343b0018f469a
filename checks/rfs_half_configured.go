package checks

import (
	"fmt"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/hostview"
)

// RFSHalfConfigured finds receive flow steering with only one of its two
// settings: the global flow table without per-queue flow counts, or the
// reverse. Either way RFS does nothing.
var RFSHalfConfigured = &Check{
	ID:       "rfs-half-configured",
	Title:    "RFS half configured: the flow table or the per-queue flow counts missing",
	Doc:      rfsHalfDoc,
	Severity: Notice,
	Needs:    []string{host.InputSysctl, host.InputNICs, host.InputNICQueues},
	Run:      runRFSHalfConfigured,
}

var rfsHalfDoc = fmt.Sprintf(`Finds receive flow steering (RFS) set up halfway: net.core.rps_sock_flow_entries above 0 while
no NIC gives its receive queues a flow count (queues/rx-N/rps_flow_cnt), or a NIC with flow counts
while the global table is 0.

## Why it matters

RFS steers each flow's protocol work to the CPU where the application consuming it last ran, so
the socket's data stays in that CPU's cache. The kernel's scaling document says both settings are
needed: the global socket flow table (rps_sock_flow_entries) records where each flow is consumed,
and each receive queue's flow table (rps_flow_cnt) is what RPS or accelerated RFS consult. With one
of them 0 nothing is steered: whoever set the other one expects an effect that never happens, and
work stays on the interrupt CPU.

## When it does not apply

- Both 0 on every NIC (RFS off, the default): pass.
- A sosreport: sos never collects sys/class/net/*/queues/, so rps_flow_cnt is unknown and the check
  is not evaluated (the reason says so). Run netdoctor live or use netdoctor collect.
- Flow counts on some NICs and not others with the table set: RFS is configured for those NICs on
  purpose; only a table without any flow count is reported.

## Thresholds

- notice: rps_sock_flow_entries > 0 and every receive queue of every device-backed NIC read has
  rps_flow_cnt 0; or a NIC with rps_flow_cnt > 0 on some queue while rps_sock_flow_entries is 0.
- warning: the same, while a loss grows on that NIC (the finding names it).

## Fix and risks

Complete it or undo it. The scaling document suggests rps_sock_flow_entries = %d for a moderately
loaded server and rps_flow_cnt = entries / queues on each receive queue; write them with sysctl
and to queues/rx-N/rps_flow_cnt, persistently with sysctl.d, a udev rule or a tuned profile. RFS
needs RPS (rps_cpus) or accelerated RFS (ntuple on a capable NIC) to act; the memory cost is a few
hundred kilobytes.
`, RFSFlowEntries)

func runRFSHalfConfigured(ev *Evidence) Result {
	if len(ev.Now.Sysctls) == 0 {
		return Result{Verdict: NotEvaluated, Reason: ev.InputReason(host.InputSysctl, "")}
	}
	entries, ok := sysctlInt(ev, sysctlRFSEntries)
	if !ok {
		return Result{Verdict: NotApplicable, Reason: "no net.core.rps_sock_flow_entries (a kernel without RFS, or a container, whose network namespace does not show it)"}
	}
	all, read, unread := steeringNICs(ev)
	if len(all) == 0 {
		return ev.noDeviceNIC()
	}
	if len(read) == 0 {
		return Result{Verdict: NotEvaluated, Reason: unread}
	}
	var fs []Finding
	if entries > 0 {
		anyCnt := false
		for _, nl := range read {
			if s, _ := flowCnt(nl.NIC); s > 0 {
				anyCnt = true
			}
		}
		if !anyCnt {
			fs = append(fs, rfsNoFlowCnt(ev, entries, read))
		}
	} else {
		for _, nl := range read {
			if s, _ := flowCnt(nl.NIC); s > 0 {
				fs = append(fs, rfsNoTable(ev, nl, s))
			}
		}
	}
	if len(fs) > 0 {
		return Result{Verdict: Fail, Findings: fs}
	}
	r := "RFS is off: net.core.rps_sock_flow_entries is 0 and no receive queue has a flow count"
	if entries > 0 {
		r = fmt.Sprintf("RFS is complete: net.core.rps_sock_flow_entries = %d with flow counts on the receive queues", entries)
	}
	if len(read) < len(all) {
		r += " (" + unread + ")"
	}
	return Result{Verdict: Pass, Reason: r}
}

// rfsNoFlowCnt is the finding of a global flow table with no queue flow
// counts: commands for the first NIC with receive queues.
func rfsNoFlowCnt(ev *Evidence, entries int64, read []*hostview.NICLoad) Finding {
	names := make([]string, len(read))
	for i, nl := range read {
		names[i] = nl.Name
	}
	nl := read[0]
	f := Finding{
		Severity:   Notice,
		Confidence: High,
		Score:      25,
		Subject:    sysctlRFSEntries,
		NIC:        nl.Name,
		Summary:    fmt.Sprintf("net.core.rps_sock_flow_entries = %d but no receive queue has rps_flow_cnt: RFS steers nothing", entries),
		Evidence: []Figure{
			figure(sysctlRFSEntries, fmt.Sprint(entries), "> 0 with rps_flow_cnt > 0", "configuration"),
			figure("rps_flow_cnt of "+strings.Join(names, ", "), "0 on every receive queue", "> 0", "configuration"),
		},
		Explanation: fmt.Sprintf("The global RFS table has %d entries, but no receive queue of %s has a flow table (rps_flow_cnt 0), so RFS is not active on any of them: both settings are needed (the kernel's scaling document).",
			entries, strings.Join(names, ", ")),
	}
	escalate(ev, &f, nl.Name, nil)
	rx := rxIndexes(nl.NIC)
	if len(rx) > 0 {
		per := int(entries) / len(rx)
		vals := map[int]string{}
		for _, i := range rx {
			vals[i] = fmt.Sprint(max(per, 1))
		}
		f.Commands = append(f.Commands, queueSysfsCommands(nl.Name, "rx", "rps_flow_cnt", vals,
			fmt.Sprintf("give each of %s's %d receive queues an RFS flow table of entries / queues = %d", nl.Name, len(rx), max(per, 1)), "rfs", Change)...)
	}
	f.Commands = append(f.Commands, sysctlCommands([][2]string{{sysctlRFSEntries, "0"}},
		"or, if RFS is not wanted, remove the table nobody uses", nil)[0])
	f.Commands[len(f.Commands)-1].Kind = Option
	f.Commands = append(f.Commands, Command{
		Run:  fmt.Sprintf("grep . /sys/class/net/%s/queues/rx-*/rps_flow_cnt /proc/sys/net/core/rps_sock_flow_entries", shq(nl.Name)),
		Kind: Verify,
		Why:  "read both RFS settings back",
	})
	return f
}

// rfsNoTable is the finding of a NIC with queue flow counts while the
// global table is 0.
func rfsNoTable(ev *Evidence, nl *hostview.NICLoad, sum int) Finding {
	_, queues := flowCnt(nl.NIC)
	f := Finding{
		Severity:   Notice,
		Confidence: High,
		Score:      25,
		Subject:    nl.Name,
		NIC:        nl.Name,
		Summary:    fmt.Sprintf("%s's receive queues have RFS flow tables (rps_flow_cnt) but net.core.rps_sock_flow_entries is 0: RFS steers nothing", nl.Name),
		Evidence: []Figure{
			figure(nl.Name+" rps_flow_cnt (sum over queues)", fmt.Sprintf("%d over %d %s", sum, queues, plural(queues, "queue", "queues")), "", "configuration"),
			figure(sysctlRFSEntries, "0", "> 0 with rps_flow_cnt > 0", "configuration"),
		},
		Explanation: fmt.Sprintf("%s's receive queues have flow tables, but the global socket flow table is 0, so no flow's consuming CPU is recorded and RFS is not active: both settings are needed (the kernel's scaling document).", nl.Name),
	}
	escalate(ev, &f, nl.Name, nil)
	f.Commands = sysctlCommands([][2]string{{sysctlRFSEntries, fmt.Sprint(RFSFlowEntries)}},
		"size the global RFS flow table so that the queues' flow tables are used", nil)
	f.Commands = append(f.Commands, tunedCommand(nl.Name+"-rfs", "sysctl", []string{fmt.Sprintf("%s=%d", sysctlRFSEntries, RFSFlowEntries)},
		"with tuned: size the RFS flow table from a tuned profile instead of /etc/sysctl.d"))
	f.Commands = append(f.Commands, Command{
		Run:  fmt.Sprintf("grep . /sys/class/net/%s/queues/rx-*/rps_flow_cnt /proc/sys/net/core/rps_sock_flow_entries", shq(nl.Name)),
		Kind: Verify,
		Why:  "read both RFS settings back",
	})
	return f
}
