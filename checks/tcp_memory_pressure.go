package checks

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/hostview"
)

// Thresholds of tcp-memory-pressure (their sources are in its Doc).
const (
	// TCPMemHighShare is the share of tcp_mem's limit (its third value)
	// that warns as "high"; at the limit itself it is critical.
	TCPMemHighShare = 0.85
)

// TCPMemSubject is the subject of a host's tcp-memory-pressure finding.
const TCPMemSubject = "tcp_mem"

// TCPMemoryPressure finds TCP buffer memory at the kernel's pressure or
// limit marks, and the pruning and dropping that follow.
var TCPMemoryPressure = &Check{
	ID:       "tcp-memory-pressure",
	Title:    "TCP memory at net.ipv4.tcp_mem pressure: receive queues pruned",
	Doc:      tcpMemoryPressureDoc,
	Severity: Warning,
	Needs:    []string{host.InputSockstat, host.InputSysctl, host.InputNetstat, host.InputNamespaces, host.InputKernelLog},
	Growth:   true,
	Run:      runTCPMemoryPressure,
}

var tcpMemoryPressureDoc = fmt.Sprintf(`Finds the TCP buffer memory of the whole host (sockstat "TCP: mem", in pages) at net.ipv4.tcp_mem's
pressure or limit values, and TcpExt TCPMemoryPressures, RcvPruned or OfoPruned growing: the kernel
shrinking or dropping receive queues for lack of memory.

## Why it matters

Above tcp_mem's second value the kernel is under memory pressure and collapses and prunes receive
queues of every connection; at its third value it drops incoming segments and refuses to grow
buffers. Throughput collapses across all connections and retransmissions rise, with no NIC or
backlog counter moving. The kernel logs "TCP: out of memory -- consider tuning tcp_mem".

## When it does not apply

- tcp_mem is sized at boot from RAM: the usual cause is an oversized tcp_rmem maximum set by hand or
  many slow readers, not tcp_mem itself.
- sockstat memory is global; the prune counters are per network namespace and are judged per
  namespace read.
- From one sample the memory is a state and is judged; the counters are since boot: a notice.

## Thresholds

- TCP memory ≥ tcp_mem[1] (pressure): warning.
- TCP memory ≥ %s of tcp_mem[2]: warning "high"; ≥ tcp_mem[2]: critical (sosreport analysers use the
  same marks).
- TCPMemoryPressures, RcvPruned or OfoPruned growth > 0 in the window: warning (each counts
  connections that lost queued data or entered pressure).
- The kernel's "TCP: out of memory" line in the window: critical.

## Fix and risks

Find the consumers (ss -tmpi: large skmem r/rb), lower an oversized net.ipv4.tcp_rmem maximum, fix
slow readers; raise net.ipv4.tcp_mem only with the memory to back it (it is in pages, for all TCP
sockets together). Persist with sysctl.d.
`, fmtPct(TCPMemHighShare))

func runTCPMemoryPressure(ev *Evidence) Result {
	var findings []Finding
	memFigs, memSev, memWhy := tcpMem(ev)
	events, _ := logEvents(ev, host.LogTCPOutOfMemory, RecentLogSeconds)
	scs := scopes(ev, hostview.LayerTCP, "TCPMemoryPressures", "RcvPruned", "OfoPruned")
	var gaps []string
	hostDone := false
	for _, sc := range scs {
		var figs []Figure
		var grew uint64
		for _, e := range sc.Rows {
			if !e.Known {
				gaps = append(gaps, sc.subject("host")+" "+e.Name()+": "+e.Gap)
				continue
			}
			if e.Value > 0 {
				grew += e.Value
				figs = append(figs, figure(e.Name()+sc.where(), withRate(ev, e.Value), "> 0", ev.WindowLabel))
			}
		}
		isHost := sc.Namespace == ""
		if grew == 0 && (!isHost || (memSev == 0 && len(events) == 0)) {
			continue
		}
		sev, why := Severity(0), []string{}
		if grew > 0 {
			if ev.TwoSample() {
				sev = Warning
				why = append(why, "TCP pruned or dropped queued data"+sc.where()+" "+during(ev))
			} else {
				sev = Notice
				why = append(why, "TCP pruned queued data"+sc.where()+" since boot")
			}
		}
		if isHost {
			hostDone = true
			figs = append(memFigs, figs...)
			if memSev > 0 {
				sev = max(sev, memSev)
				why = append([]string{memWhy}, why...)
			}
			if len(events) > 0 {
				sev = Critical
				figs = append(figs, figure("kernel log \"TCP: out of memory\"", strconv.Itoa(len(events))+" lines", "any", logWindow(ev)))
				why = append(why, "the kernel logged \"TCP: out of memory\"")
			}
		}
		findings = append(findings, tcpMemFinding(ev, sc, sev, figs, why))
	}
	if !hostDone && (memSev > 0 || len(events) > 0) {
		sev, why, figs := memSev, []string{}, memFigs
		if memSev > 0 {
			why = append(why, memWhy)
		}
		if len(events) > 0 {
			sev = Critical
			figs = append(figs, figure("kernel log \"TCP: out of memory\"", strconv.Itoa(len(events))+" lines", "any", logWindow(ev)))
			why = append(why, "the kernel logged \"TCP: out of memory\"")
		}
		findings = append(findings, tcpMemFinding(ev, scope{}, sev, figs, why))
	}
	if len(findings) > 0 {
		return Result{Verdict: Fail, Findings: findings}
	}
	if len(gaps) > 0 {
		return Result{Verdict: NotEvaluated, Reason: "TCP memory counters without values over the interval: " + gapWords(gaps)}
	}
	if memFigs == nil && len(scs) == 0 {
		return Result{Verdict: NotEvaluated, Reason: ev.InputReason(host.InputSockstat, "") + "; " + ev.InputReason(host.InputNetstat, "")}
	}
	if memFigs == nil {
		return Result{Verdict: Pass, Reason: "no TCP pruning " + during(ev) + " (TCP memory unknown: " + tcpMemUnknown(ev) + ")"}
	}
	return Result{Verdict: Pass, Reason: "TCP memory below tcp_mem's pressure value and no pruning " + during(ev)}
}

// tcpMemUnknown says which half of the TCP memory comparison is missing.
func tcpMemUnknown(ev *Evidence) string {
	if _, ok := ev.Now.Sockstat["TCP"]["mem"]; !ok {
		return "no TCP mem in sockstat: " + ev.InputReason(host.InputSockstat, "")
	}
	return "net.ipv4.tcp_mem not read: " + ev.InputReason(host.InputSysctl, "")
}

// tcpMem compares sockstat's TCP memory with tcp_mem: the figures, the
// severity (0 below pressure) and why.
func tcpMem(ev *Evidence) ([]Figure, Severity, string) {
	pages, ok := ev.Now.Sockstat["TCP"]["mem"]
	limits := strings.Fields(ev.Now.Sysctls["net.ipv4.tcp_mem"])
	if !ok || len(limits) != 3 {
		return nil, 0, ""
	}
	var lim [3]int64
	for i, s := range limits {
		v, err := strconv.ParseInt(s, 10, 64)
		if err != nil || v <= 0 {
			return nil, 0, ""
		}
		lim[i] = v
	}
	share := float64(pages) / float64(lim[2])
	figs := []Figure{figure("TCP memory in use (sockstat, pages)", fmt.Sprintf("%s (%s of tcp_mem's limit)", fmtInt(uint64(max(pages, 0))), fmtPct(share)),
		fmt.Sprintf("≥ %s (pressure): warning; ≥ %s of %s: warning; ≥ %s: critical", fmtInt(uint64(lim[1])), fmtPct(TCPMemHighShare), fmtInt(uint64(lim[2])), fmtInt(uint64(lim[2]))), "at the sample"),
		figure("net.ipv4.tcp_mem", strings.Join(limits, " "), "", "configuration")}
	switch {
	case pages >= lim[2]:
		return figs, Critical, "TCP memory is at tcp_mem's limit: the kernel drops incoming segments"
	case share >= TCPMemHighShare:
		return figs, Warning, "TCP memory is high, " + fmtPct(share) + " of tcp_mem's limit"
	case pages >= lim[1]:
		return figs, Warning, "TCP memory is above tcp_mem's pressure value"
	}
	return figs, 0, ""
}

func tcpMemFinding(ev *Evidence, sc scope, sev Severity, figs []Figure, why []string) Finding {
	if rm := ev.Now.Sysctls["net.ipv4.tcp_rmem"]; rm != "" && sc.Namespace == "" {
		figs = append(figs, figure("net.ipv4.tcp_rmem", strings.Join(strings.Fields(rm), " "), "", "configuration"))
	}
	expl := "The kernel is short of memory for TCP buffers: it collapses and prunes receive queues and, at the limit, drops incoming segments for every connection."
	if sc.Namespace != "" {
		expl += " The counters are those of network namespace " + sc.Namespace + "; the memory is shared by the whole host."
	}
	if !ev.TwoSample() && sev == Notice {
		expl += " These are since-boot totals: two samples tell whether it still happens."
	}
	conf := High
	if sev == Notice {
		conf = Medium
	}
	return Finding{
		Severity:    sev,
		Confidence:  conf,
		Score:       map[Severity]int{Notice: 20, Warning: 55, Critical: 85}[sev],
		Subject:     sc.subject(TCPMemSubject),
		Summary:     capFirst(joinSentences(why)),
		Evidence:    figs,
		Explanation: expl,
		Commands: []Command{
			{Run: nsCommand(ev, sc.Namespace, "ss -tmpi"), Kind: Verify, Why: "find the connections holding the most buffer memory (skmem r and rb)"},
			{Run: "cat /proc/net/sockstat; sysctl net.ipv4.tcp_mem net.ipv4.tcp_rmem", Kind: Verify, Why: "TCP memory in pages against the limits"},
			{Run: "sysctl -w net.ipv4.tcp_rmem='4096 131072 6291456'", Kind: Option, NeedsRoot: true,
				Why:     "if the tcp_rmem maximum was raised far beyond the kernel default (6 MiB): bring it back so a few connections cannot take all TCP memory",
				Caveats: []string{"Lowers the receive window of fast long-distance connections; persist in /etc/sysctl.d only after checking throughput."}},
		},
	}
}
