package checks

import (
	"fmt"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
)

// Thresholds and names of tcp-tw-recycle-nat (their reasons are in its Doc).
const (
	// PAWSPassiveCritical: PAWSPassive growing by more than this with
	// tcp_tw_recycle on is critical: SYNs are being dropped.
	PAWSPassiveCritical = 0
	sysctlTwRecycle     = "net.ipv4.tcp_tw_recycle"
	sysctlTimestamps    = "net.ipv4.tcp_timestamps"
)

// TCPTwRecycleNAT finds tcp_tw_recycle enabled with TCP timestamps.
var TCPTwRecycleNAT = &Check{
	ID:       "tcp-tw-recycle-nat",
	Title:    "tcp_tw_recycle enabled: SYNs from clients behind NAT are dropped",
	Doc:      tcpTwRecycleNATDoc,
	Severity: Warning,
	Needs:    []string{host.InputSysctl, host.InputNetstat, host.InputUname},
	Run:      runTCPTwRecycleNAT,
}

var tcpTwRecycleNATDoc = fmt.Sprintf(`Finds net.ipv4.tcp_tw_recycle = 1 with TCP timestamps on, on a kernel that still has the option
(before 4.12). PAWSPassive growing means SYNs from NATed clients are being dropped silently.

## Why it matters

With tcp_tw_recycle on, the kernel remembers the last TCP timestamp of each peer IP and drops, for 60 s,
SYNs carrying an older one. Clients behind one NAT address (or an L7 proxy) have independent clocks:
all but the one with the highest clock see connect timeouts. Linux 4.10 randomised timestamp offsets,
which breaks it even without NAT; 4.12 removed the option.

## When it does not apply

- The sysctl is absent (kernel 4.12 or later, or a distribution without it): not applicable. The
  decision is by the file's presence, not the version (RHEL 7 and Ubuntu 16.04 have it, RHEL 8 does not).
- With tcp_timestamps = 0 the option has no effect now: a notice, still recommending 0.
- NAT cannot be proved from the server: it is phrased as a risk unless PAWSPassive grows. PAWSEstab,
  PAWSActive and TCPACKSkippedPAWS have normal background levels and only support.

## Thresholds

- warning: tcp_tw_recycle = 1 and tcp_timestamps ≠ 0.
- critical: plus PAWSPassive growth above %d over two samples, or a non-zero since-boot PAWSPassive
  from one sample (no other kernel path increments it).
- notice: tcp_tw_recycle = 1 with tcp_timestamps = 0.

## Fix and risks

sysctl -w net.ipv4.tcp_tw_recycle=0 is safe: it only stops the per-host timestamp check. Keep
net.ipv4.tcp_timestamps = 1: window scaling, PAWS and RTT estimation depend on it. If TIME_WAIT pressure
was the motive, use net.ipv4.tcp_tw_reuse = 1 (outgoing connections), a wider ip_local_port_range or
connection pooling. Persist it in /etc/sysctl.d and delete the "= 1" lines elsewhere.
`, PAWSPassiveCritical)

func runTCPTwRecycleNAT(ev *Evidence) Result {
	if len(ev.Now.Sysctls) == 0 {
		return Result{Verdict: NotEvaluated, Reason: ev.InputReason(host.InputSysctl, "")}
	}
	raw, ok := ev.Now.Sysctls[sysctlTwRecycle]
	if !ok {
		r := "net.ipv4.tcp_tw_recycle does not exist on this kernel"
		if ev.Now.Kernel != "" {
			r += " (" + ev.Now.Kernel + ")"
		}
		return Result{Verdict: NotApplicable, Reason: r + ": removed in Linux 4.12"}
	}
	v := strings.TrimSpace(raw)
	if v == "0" {
		return Result{Verdict: Pass, Reason: "net.ipv4.tcp_tw_recycle = 0"}
	}
	if v != "1" {
		return Result{Verdict: NotEvaluated, Reason: fmt.Sprintf("net.ipv4.tcp_tw_recycle has an unexpected value %q", raw)}
	}
	ts, tsKnown := ev.Now.Sysctls[sysctlTimestamps]
	ts = strings.TrimSpace(ts)
	timestamps := !tsKnown || ts != "0" // kernel default 1

	paws, pawsKnown := ev.NetStat("TcpExt", "PAWSPassive")

	sev, score, conf := Warning, 60, High
	switch {
	case !timestamps:
		sev, score = Notice, 30
	case pawsKnown && paws > PAWSPassiveCritical:
		sev = Critical
		score = 70
		if ev.HasRates() {
			score = clampScore(70 + 30*min(1, ev.Rate(uint64(paws))))
		}
		if !ev.TwoSample() {
			conf = Medium
		}
	}

	tsText := ts
	if !tsKnown {
		tsText = "not collected (kernel default 1)"
	}
	figs := []Figure{
		figure(sysctlTwRecycle, "1", "0", "configuration"),
		figure(sysctlTimestamps, tsText, "≠ 0 makes the option bite", "configuration"),
	}
	if pawsKnown {
		val := fmtInt(uint64(max(paws, 0)))
		if ev.HasRates() && paws > 0 {
			val += " (" + fmtRate(ev.Rate(uint64(paws))) + ")"
		}
		figs = append(figs, figure("TcpExt PAWSPassive (SYNs rejected because of time stamp)", val,
			fmt.Sprintf("> %d: critical", PAWSPassiveCritical), ev.WindowLabel))
	}
	if ev.Now.Kernel != "" {
		figs = append(figs, figure("kernel", ev.Now.Kernel, "option removed in 4.12", "configuration"))
	}

	var summary, expl string
	switch {
	case !timestamps:
		summary = "net.ipv4.tcp_tw_recycle = 1 (no effect now: tcp_timestamps = 0)"
		expl = "tcp_tw_recycle is on, but without TCP timestamps its per-host check has nothing to compare, so it drops nothing today. Turning timestamps back on would make it drop SYNs from clients behind NAT: set it to 0."
	case sev == Critical:
		summary = fmt.Sprintf("net.ipv4.tcp_tw_recycle = 1 and %s SYNs rejected by timestamp (PAWSPassive)", fmtInt(uint64(paws)))
		if !ev.TwoSample() {
			summary += " since boot"
		}
		expl = "tcp_tw_recycle is on with TCP timestamps, and PAWSPassive shows incoming SYNs dropped because their timestamp was older than the one cached for the peer's IP: clients behind NAT or a proxy are seeing connect timeouts."
	default:
		summary = "net.ipv4.tcp_tw_recycle = 1 with TCP timestamps on"
		expl = "tcp_tw_recycle is on with TCP timestamps: any clients reaching this host through one NAT address or proxy will have SYNs dropped silently for 60 s after another client's connection. NAT cannot be seen from the server, so this is a risk"
		if pawsKnown {
			expl += " (PAWSPassive shows no drops yet)"
		} else {
			expl += " (TcpExt counters were not collected)"
		}
		expl += "."
	}
	cmds := sysctlCommands([][2]string{{sysctlTwRecycle, "0"}},
		"turn off the per-host timestamp check that drops SYNs from clients behind NAT",
		[]string{"Keep net.ipv4.tcp_timestamps = 1: window scaling, PAWS and RTT estimation depend on it."})
	cmds = append(cmds,
		Command{
			Run:  "grep -rn tcp_tw_recycle /etc/sysctl.conf /etc/sysctl.d/ /usr/lib/sysctl.d/ /run/sysctl.d/",
			Kind: Verify,
			Why:  "find where it is set to 1 and delete those lines (the persistent setting above is overridden otherwise)",
		},
		Command{
			Run:       "sysctl -w net.ipv4.tcp_tw_reuse=1",
			Kind:      Option,
			Why:       "only if TIME_WAIT pressure was the motive: reuse TIME_WAIT sockets for outgoing connections safely",
			NeedsRoot: true,
			Caveats:   []string{"It helps outgoing connections only; a wider net.ipv4.ip_local_port_range or connection pooling also relieve TIME_WAIT pressure."},
		},
		Command{
			Run:  "nstat -az TcpExtPAWSPassive",
			Kind: Verify,
			Why:  "confirm: run twice some seconds apart; growth means SYNs are still being rejected",
		})
	return Finding{
		Severity:    sev,
		Confidence:  conf,
		Score:       score,
		Subject:     sysctlTwRecycle,
		Summary:     summary,
		Evidence:    figs,
		Explanation: expl,
		Commands:    cmds,
	}.result()
}
