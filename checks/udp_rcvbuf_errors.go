package checks

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/hostview"
)

// Thresholds of udp-rcvbuf-errors (their sources are in its Doc).
const (
	// UDPRcvbufCriticalRate: receive-buffer errors above this many per
	// second are critical.
	UDPRcvbufCriticalRate = 100.0
	// UDPRcvbufCriticalShare: receive-buffer errors above this share of
	// received datagrams are critical.
	UDPRcvbufCriticalShare = 0.01
	// UDPMemWarning and UDPMemCritical are the shares of net.ipv4.udp_mem's
	// limit (its third value) that UDP memory in use warns and is critical
	// at.
	UDPMemWarning  = 0.85
	UDPMemCritical = 1.0
	// DefaultRmemMax is the kernel default of net.core.rmem_max, assumed
	// when the sysctl is unknown.
	DefaultRmemMax = 212992
	// MaxUDPSocketsNamed bounds the sockets a finding names.
	MaxUDPSocketsNamed = 8
)

// UDPSubject is the subject of a host's udp-rcvbuf-errors finding; a
// container namespace's is "netns NAME".
const UDPSubject = "udp"

// UDPRcvbufErrors finds UDP datagrams dropped at full socket buffers.
var UDPRcvbufErrors = &Check{
	ID:       "udp-rcvbuf-errors",
	Title:    "UDP datagrams dropped at full socket receive buffers",
	Doc:      udpRcvbufErrorsDoc,
	Severity: Warning,
	Needs:    []string{host.InputSNMP, host.InputSNMP6, host.InputSockstat, host.InputUDP, host.InputSysctl, host.InputNamespaces},
	Growth:   true,
	Run:      runUDPRcvbufErrors,
}

var udpRcvbufErrorsDoc = fmt.Sprintf(`Finds Udp RcvbufErrors (and Udp6RcvbufErrors) growing: datagrams dropped because a socket's receive
buffer was full, or UDP memory as a whole near net.ipv4.udp_mem's limit. Judged for the host and for every
container network namespace whose counters were read.

## Why it matters

DNS servers, syslog and metrics collectors, media and market-data receivers lose datagrams silently
when the reading application falls behind or its buffer is small: nothing retransmits UDP. The
counters are the only trace besides the per-socket drops column of /proc/net/udp.

## When it does not apply

- InErrors includes RcvbufErrors, MemErrors and InCsumErrors: they are never added; bad checksums are
  a link or NIC problem, not a buffer one.
- Multicast receivers that join groups they do not read drop by design: the sockets named tell.
- Counters are per network namespace: each namespace read is judged on its own, IPv4 (snmp) and IPv6
  (snmp6) alike, and the finding names it.
- From one sample the count is since boot: a notice; bursts long past count too.

## Thresholds

- Any growth of RcvbufErrors in the window: warning.
- Above %.0f/s, or above %s of the datagrams received (InDatagrams): critical (monitoring defaults
  alert at about 10 a minute; sosreport analysers flag more than 1 %% of datagrams).
- UDP memory (sockstat "UDP: mem", pages) ≥ %s of udp_mem's limit: warning; ≥ %s: critical (the
  kernel then drops for every UDP socket: MemErrors).
- One sample: RcvbufErrors > 0 since boot: notice.

## Fix and risks

The application sets its buffer with SO_RCVBUF, capped by net.core.rmem_max: raise rmem_max (the fix
doubles it, at least to 8 MiB) and the application's buffer setting; a socket whose buffer already
equals twice rmem_max asked for more than the cap. Raising net.core.rmem_default instead gives every
socket the larger buffer and costs memory on all of them. More reader threads or SO_REUSEPORT help an
application that cannot keep up. Persist with sysctl.d.
`, UDPRcvbufCriticalRate, fmtPct(UDPRcvbufCriticalShare), fmtPct(UDPMemWarning), fmtPct(UDPMemCritical))

func runUDPRcvbufErrors(ev *Evidence) Result {
	scs := scopes(ev, hostview.LayerUDP, "RcvbufErrors", "Udp6RcvbufErrors")
	memFig, memSev := udpMem(ev)
	if len(scs) == 0 && memSev == 0 {
		if ev.Now.NetStats == nil {
			return Result{Verdict: NotEvaluated, Reason: ev.InputReason(host.InputSNMP, "")}
		}
		return Result{Verdict: NotEvaluated, Reason: "Udp RcvbufErrors is absent from /proc/net/snmp"}
	}
	var findings []Finding
	var gaps []string
	hostDone := false
	for _, sc := range scs {
		v, gap := sc.value()
		if gap != "" {
			gaps = append(gaps, sc.subject("host")+" "+gap)
			continue
		}
		if v == 0 && (sc.Namespace != "" || memSev == 0) {
			continue
		}
		if sc.Namespace == "" {
			hostDone = true
		}
		findings = append(findings, udpFinding(ev, sc, v, memFig, memSev))
	}
	if !hostDone && memSev > 0 {
		findings = append(findings, udpFinding(ev, scope{}, 0, memFig, memSev))
	}
	if len(findings) == 0 {
		if len(gaps) > 0 {
			return Result{Verdict: NotEvaluated, Reason: "RcvbufErrors without values over the interval: " + gapWords(gaps)}
		}
		return Result{Verdict: Pass, Reason: "no UDP receive-buffer errors " + during(ev)}
	}
	return Result{Verdict: Fail, Findings: findings}
}

// udpMem compares sockstat's UDP memory with udp_mem's limit.
func udpMem(ev *Evidence) (*Figure, Severity) {
	pages, ok := ev.Now.Sockstat["UDP"]["mem"]
	limits := strings.Fields(ev.Now.Sysctls["net.ipv4.udp_mem"])
	if !ok || len(limits) != 3 {
		return nil, 0
	}
	limit, err := strconv.ParseInt(limits[2], 10, 64)
	if err != nil || limit <= 0 {
		return nil, 0
	}
	share := float64(pages) / float64(limit)
	f := figure("UDP memory in use (sockstat, pages) of net.ipv4.udp_mem's limit",
		fmt.Sprintf("%s of %s (%s)", fmtInt(uint64(max(pages, 0))), fmtInt(uint64(limit)), fmtPct(share)),
		"≥ "+fmtPct(UDPMemWarning)+": warning; ≥ "+fmtPct(UDPMemCritical)+": critical", "at the sample")
	switch {
	case share >= UDPMemCritical:
		return &f, Critical
	case share >= UDPMemWarning:
		return &f, Warning
	}
	return &f, 0
}

func udpFinding(ev *Evidence, sc scope, v uint64, memFig *Figure, memSev Severity) Finding {
	rate := ev.Rate(v)
	var figs []Figure
	sev, conf, score := Severity(0), High, 0
	in, inOK := netStatIn(ev, sc.Namespace, "Udp", "InDatagrams")
	inName := "Udp InDatagrams"
	if sc.losing("Udp6RcvbufErrors") {
		// IPv6 datagrams dropped: their own received count joins the
		// denominator (IPv4's alone when IPv6's is unknown).
		if in6, ok := snmp6Delta(ev, sc.Namespace, "Udp6InDatagrams"); ok {
			if !sc.losing("RcvbufErrors") || !inOK {
				in, inOK, inName = in6, true, "Udp6InDatagrams"
			} else {
				in, inName = in+in6, "Udp InDatagrams + Udp6InDatagrams"
			}
		}
	}
	share := 0.0
	if v > 0 {
		for _, e := range sc.Rows {
			if e.Known && e.Value > 0 {
				figs = append(figs, figure(e.Name()+sc.where(), withRate(ev, e.Value),
					"> 0; > "+fmtRate(UDPRcvbufCriticalRate)+" or > "+fmtPct(UDPRcvbufCriticalShare)+" of datagrams: critical", ev.WindowLabel))
			}
		}
		if inOK && in > 0 {
			share = float64(v) / float64(in)
			figs = append(figs, figure(inName+sc.where(), withRate(ev, uint64(in)), "share dropped "+fmtPct(share), ev.WindowLabel))
		}
		switch {
		case !ev.TwoSample():
			sev, conf, score = Notice, Medium, scoreOver(rate, UDPRcvbufCriticalRate)/2
		case (ev.HasRates() && rate > UDPRcvbufCriticalRate) || share > UDPRcvbufCriticalShare:
			sev, score = Critical, max(scoreOver(rate, UDPRcvbufCriticalRate), scoreOver(share, UDPRcvbufCriticalShare))
		default:
			sev, score = Warning, max(scoreOver(rate, UDPRcvbufCriticalRate), 25)
		}
	}
	if sc.Namespace == "" && memFig != nil && memSev > 0 {
		figs = append(figs, *memFig)
		if memSev > sev {
			sev, score = memSev, max(score, 60)
		}
	}
	socks := droppingSockets(ev)
	if sc.Namespace == "" {
		for i, s := range socks {
			if i == MaxUDPSocketsNamed {
				figs = append(figs, figure("further sockets with drops", strconv.Itoa(len(socks)-i), "", ev.WindowLabel))
				break
			}
			owner := ""
			if len(s.PIDs) > 0 {
				owner = ", pid " + joinInts(s.PIDs, ",")
				if comm := procComm(ev, s.PIDs[0]); comm != "" {
					owner += " (" + comm + ")"
				}
			}
			figs = append(figs, figure(fmt.Sprintf("drops of UDP socket %s:%d%s", s.Local, s.Port, owner), withRate(ev, s.Drops), "", ev.WindowLabel))
		}
	}
	rmem, rmemOK := sysctlInt(ev, "net.core.rmem_max")
	if !rmemOK {
		rmem = DefaultRmemMax
	}
	figs = append(figs, figure("net.core.rmem_max", fmtInt(uint64(rmem)), "", "configuration"))

	var summary string
	switch {
	case v == 0:
		summary = "UDP memory near net.ipv4.udp_mem's limit"
	case ev.TwoSample():
		summary = fmt.Sprintf("%s UDP datagrams dropped at full receive buffers%s %s", fmtInt(v), sc.where(), during(ev))
		if ev.HasRates() {
			summary += " (" + fmtRate(rate) + ")"
		}
	default:
		summary = fmt.Sprintf("%s UDP datagrams dropped at full receive buffers%s since boot", fmtInt(v), sc.where())
	}
	expl := "Datagrams arrived for sockets whose receive buffer was full, so the kernel dropped them; UDP does not retransmit, so the application simply never sees them."
	if memSev > 0 && sc.Namespace == "" {
		expl += " UDP memory as a whole is near net.ipv4.udp_mem's limit, past which every UDP socket drops."
	}
	if len(socks) > 0 && sc.Namespace == "" {
		expl += " The sockets named above are the ones whose drops grew."
	}
	if !ev.TwoSample() && v > 0 {
		expl += " This is a since-boot total: two samples tell whether it still happens."
	}
	var pids []int
	for _, s := range socks {
		pids = append(pids, s.PIDs...)
	}
	slices.Sort(pids)
	return Finding{
		Severity:    sev,
		Confidence:  conf,
		Score:       score,
		Subject:     sc.subject(UDPSubject),
		PIDs:        slices.Compact(pids),
		Summary:     summary,
		Evidence:    figs,
		Explanation: expl,
		Commands:    udpCommands(ev, sc, rmem, rmemOK),
	}
}

// droppingSockets returns the UDP sockets whose drops grew in the window
// (with one sample: whose drops are non-zero), most drops first; Drops
// holds the growth.
func droppingSockets(ev *Evidence) []host.UDPSocket {
	var prev map[uint64]uint64
	if ev.Prev != nil {
		prev = make(map[uint64]uint64, len(ev.Prev.UDPSockets))
		for _, s := range ev.Prev.UDPSockets {
			if s.Inode != 0 {
				prev[s.Inode] = s.Drops
			}
		}
	}
	var out []host.UDPSocket
	for _, s := range ev.Now.UDPSockets {
		if s.Drops == 0 {
			continue
		}
		if prev != nil {
			old, ok := prev[s.Inode]
			if !ok || s.Inode == 0 || s.Drops <= old {
				continue
			}
			s.Drops -= old
		}
		out = append(out, s)
	}
	slices.SortStableFunc(out, func(a, b host.UDPSocket) int {
		switch {
		case a.Drops > b.Drops:
			return -1
		case a.Drops < b.Drops:
			return 1
		}
		return 0
	})
	return out
}

// udpCommands raises rmem_max (double, at least 8 MiB) and shows the
// sockets and their buffers.
func udpCommands(ev *Evidence, sc scope, rmem int64, known bool) []Command {
	target := max(2*rmem, 8<<20)
	caveats := []string{"The application must ask for the larger buffer (SO_RCVBUF, or its own setting such as a DNS server's receive buffer size): the sysctl only raises the cap."}
	if !known {
		caveats = append(caveats, fmt.Sprintf("The current value was not collected; the kernel default %d was assumed.", DefaultRmemMax))
	}
	cmds := sysctlCommands([][2]string{{"net.core.rmem_max", strconv.FormatInt(target, 10)}}, "raise the cap on socket receive buffers", caveats)
	cmds = append(cmds,
		Command{Run: nsCommand(ev, sc.Namespace, "ss -uamp"), Kind: Verify,
			Why: "per socket: skmem rb (buffer size) and d (drops), with the owning process"},
		Command{Run: nsCommand(ev, sc.Namespace, "nstat -az UdpRcvbufErrors UdpInErrors Udp6RcvbufErrors"), Kind: Verify,
			Why: "run twice a few seconds apart: the counters must stop growing after the fix"},
		Command{Run: fmt.Sprintf("sysctl -w net.core.rmem_default=%d", min(target, 1<<20)), Kind: Option,
			Why:       "only for applications that cannot set SO_RCVBUF: a larger default buffer for every socket",
			NeedsRoot: true, Caveats: []string{"Costs memory on every socket of the host."}},
	)
	return cmds
}

// procComm is the command name of process pid in the latest sample, or "".
func procComm(ev *Evidence, pid int) string {
	for i := range ev.Now.Procs {
		if ev.Now.Procs[i].PID == pid {
			return ev.Now.Procs[i].Comm
		}
	}
	return ""
}
