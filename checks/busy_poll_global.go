package checks

import (
	"fmt"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
)

// Names read by busy-poll-global.
const (
	sysctlBusyPoll = "net.core.busy_poll"
	sysctlBusyRead = "net.core.busy_read"
)

// BusyPollGlobal finds socket busy polling switched on for every socket.
var BusyPollGlobal = &Check{
	ID:       "busy-poll-global",
	Title:    "Busy polling switched on for every socket (net.core.busy_poll, busy_read)",
	Doc:      busyPollGlobalDoc,
	Severity: Notice,
	Needs:    []string{host.InputSysctl, host.InputTuned},
	Run:      runBusyPollGlobal,
}

const busyPollGlobalDoc = `Finds net.core.busy_read or net.core.busy_poll above 0: every socket read, poll and select on the
host busy-waits on the device queue instead of sleeping until an interrupt.

## Why it matters

Busy polling trades CPU for latency: a thread that finds no data spins on the NIC's queue for up to
busy_read microseconds (reads) or busy_poll microseconds (poll, select, epoll) before it sleeps. Set
globally it applies to every socket of every process, not only to the latency-critical one: CPUs
spin where they would idle, power use rises, and on a busy host the spinning threads take cycles
from the softirq work that receives packets. The kernel's ip-sysctl document says busy_read applies
to every socket and that setting SO_BUSY_POLL on the sockets that need it is the selective way; it
notes the power cost.

## When it does not apply

- Both sysctls 0 (the default) or absent (kernels before 3.11): pass or not applicable.
- The active tuned profile sets the same values (network-latency, or a custom latency profile):
  chosen on purpose for a latency application; the check passes and says so.

## Thresholds

- notice: busy_read > 0 or busy_poll > 0 and the active tuned profile does not set them (the ranks
  25 to 29 of the check specifications: configuration notices only). No loss is tied to it, so it
  never becomes a warning.

## Fix and risks

If no latency application needs it: sysctl -w net.core.busy_read=0 net.core.busy_poll=0, and remove
the lines that set them from /etc/sysctl.d (or the tuned profile). If one application needs it, set
SO_BUSY_POLL on its sockets (or SO_PREFER_BUSY_POLL with epoll, kernels 5.11+) instead of the
global values. Turning it off raises that application's latency by the interrupt and wake-up time.
`

func runBusyPollGlobal(ev *Evidence) Result {
	s := ev.Now
	if len(s.Sysctls) == 0 {
		return Result{Verdict: NotEvaluated, Reason: ev.InputReason(host.InputSysctl, "")}
	}
	read, rok := sysctlInt(ev, sysctlBusyRead)
	poll, pok := sysctlInt(ev, sysctlBusyPoll)
	if !rok && !pok {
		return Result{Verdict: NotApplicable, Reason: "no net.core.busy_read or busy_poll (a kernel without socket busy polling, or a container, whose network namespace does not show them)"}
	}
	if read <= 0 && poll <= 0 {
		return Result{Verdict: Pass, Reason: "net.core.busy_read and busy_poll are 0: no socket busy-polls unless it asks (SO_BUSY_POLL)"}
	}
	var set [][2]string
	for _, kv := range []struct {
		key string
		v   int64
	}{{sysctlBusyRead, read}, {sysctlBusyPoll, poll}} {
		if kv.v > 0 {
			set = append(set, [2]string{kv.key, fmt.Sprint(kv.v)})
		}
	}
	if t := s.Tuned; t != nil && t.Active != "" && t.ProfileSysctls != nil {
		fromTuned := true
		for _, kv := range set {
			if strings.TrimSpace(t.ProfileSysctls[kv[0]]) != kv[1] {
				fromTuned = false
			}
		}
		if fromTuned {
			return Result{Verdict: Pass, Reason: fmt.Sprintf("%s set by the active tuned profile %s: a latency profile chosen on purpose", settingList(set), t.Active)}
		}
	}
	figs := make([]Figure, 0, len(set)+1)
	for _, kv := range set {
		figs = append(figs, figure(kv[0], kv[1]+" µs", "0 (busy-poll only the sockets that ask)", "configuration"))
	}
	expl := fmt.Sprintf("With %s, every socket of every process busy-waits on the device queue for that many microseconds before sleeping: CPUs spin where they would idle, power use rises, and the spinning competes with the softirq work that receives packets.", settingList(set))
	if t := s.Tuned; t != nil && t.Active != "" {
		figs = append(figs, figure("active tuned profile", t.Active, "", "configuration"))
		expl += fmt.Sprintf(" The active tuned profile (%s) does not set these values: they come from elsewhere (sysctl.d, a script, by hand).", t.Active)
	}
	expl += " It is right only for a host dedicated to a latency application; otherwise set SO_BUSY_POLL on the sockets that need it."
	zero := make([][2]string, len(set))
	for i, kv := range set {
		zero[i] = [2]string{kv[0], "0"}
	}
	cmds := []Command{{
		Run:  "grep -rs -e busy_read -e busy_poll /etc/sysctl.conf /etc/sysctl.d /run/sysctl.d /usr/lib/sysctl.d /etc/tuned",
		Kind: Verify,
		Why:  "find what sets busy polling at boot",
	}}
	cmds = append(cmds, sysctlCommands(zero, "stop busy polling on every socket (sockets that set SO_BUSY_POLL still busy-poll)",
		[]string{"A latency application relying on the global values loses them: give its sockets SO_BUSY_POLL, or keep the values on a host dedicated to it."})...)
	for i := range cmds[1:] {
		cmds[1+i].Kind = Option
	}
	return Result{Verdict: Fail, Findings: []Finding{{
		Severity:    Notice,
		Confidence:  Medium,
		Score:       20,
		Subject:     set[0][0],
		Summary:     "busy polling is on for every socket: " + settingList(set),
		Evidence:    figs,
		Explanation: expl,
		Commands:    cmds,
	}}}
}

// settingList writes key = value pairs: "net.core.busy_read = 50, ...".
func settingList(kv [][2]string) string {
	parts := make([]string, len(kv))
	for i, p := range kv {
		parts[i] = p[0] + " = " + p[1]
	}
	return strings.Join(parts, ", ")
}
