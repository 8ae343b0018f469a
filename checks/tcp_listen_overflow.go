package checks

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/hostview"
)

// Thresholds of tcp-listen-overflow (their sources are in its Doc).
const (
	// ListenOverflowCriticalRate: accept-queue overflows above this many
	// per second are critical; any growth warns.
	ListenOverflowCriticalRate = 5.0
	// ListenBacklogTarget is the somaxconn and tcp_max_syn_backlog the fix
	// raises a smaller value to.
	ListenBacklogTarget = 4096
	// MaxListenersNamed bounds the listeners a finding names.
	MaxListenersNamed = 4
)

// ListenSubject is the subject of a host's tcp-listen-overflow finding; a
// container namespace's is "netns NAME".
const ListenSubject = "tcp-listen"

// TCPListenOverflow finds accept queues of listening sockets overflowing.
var TCPListenOverflow = &Check{
	ID:       "tcp-listen-overflow",
	Title:    "TCP accept queues overflowing (ListenOverflows)",
	Doc:      tcpListenOverflowDoc,
	Severity: Warning,
	Needs:    []string{host.InputNetstat, host.InputSysctl, host.InputNamespaces, host.InputKernelLog, host.InputTCP, host.InputTCP6, host.InputSSListen},
	Growth:   true,
	Run:      runTCPListenOverflow,
}

var tcpListenOverflowDoc = fmt.Sprintf(`Finds TcpExt ListenOverflows growing: connections completed the handshake but the listening socket's
accept queue was full, so the kernel dropped them. Judged for the host and for every container network
namespace whose counters were read. The host's finding names the listeners that overflow: in a
sosreport, those whose accept queue (ss Recv-Q) is at their backlog (Send-Q); from /proc/net/tcp and
tcp6, which show the queue (rx_queue of a LISTEN row) but not the backlog, those whose queue is at
net.core.somaxconn or not empty in both samples.

## Why it matters

Clients see connect timeouts and retransmitted SYNs while the application logs nothing: it never saw
the connection. It is the classic failure of busy listeners (web servers, proxies, databases) whose
accept loop falls behind or whose listen backlog is small.

## When it does not apply

- ListenDrops includes ListenOverflows: they are never added; ListenDrops is shown as context.
- Counters are per network namespace: on a Kubernetes node the host's counters miss pod listeners,
  so each namespace read is judged on its own and findings name it.
- A SYN flood is an attack, not tuning: SYN-queue pressure (TCPReqQFullDrop, SyncookiesSent) and the
  kernel's "Possible SYN flooding" lines are shown as supporting evidence.
- From one sample the count is since boot: a notice with the since-boot rate.
- A container namespace's listeners are read from its process's /proc/PID/net/tcp and tcp6 (live,
  collect) or sos's "ip netns exec NS ss -peaonmi"; net.core.somaxconn is per namespace and only the
  host's is read, so a namespace's listener is named by its backlog (ss) or an undrained queue.

## Thresholds

- Any growth of ListenOverflows in the window: warning.
- Above %.0f/s: critical (netdata's listen-overflow alarm: warning above 1/s, critical above 5/s over
  a minute; netdoctor warns on any growth because each overflow is a lost connection).
- One sample: ListenOverflows > 0 since boot: notice.

## Fix and risks

Raise net.core.somaxconn and net.ipv4.tcp_max_syn_backlog to %d (the values of common network tuning
profiles; throughput profiles use at least 2048) and the application's own backlog: listen(fd, N) is
capped at N whatever somaxconn says, so raising the sysctl alone does nothing for an application that
asks for 128 (nginx "listen ... backlog=4096", and similar settings). If the queue fills because the
application accepts too slowly, add accept workers or use SO_REUSEPORT. A larger queue holds more
memory per listener and adds latency when the application is simply overloaded.
`, ListenOverflowCriticalRate, ListenBacklogTarget)

func runTCPListenOverflow(ev *Evidence) Result {
	scs := scopes(ev, hostview.LayerTCP, "ListenOverflows")
	if len(scs) == 0 {
		if ev.Now.NetStats == nil {
			return Result{Verdict: NotEvaluated, Reason: ev.InputReason(host.InputNetstat, "")}
		}
		return Result{Verdict: NotEvaluated, Reason: "TcpExt ListenOverflows is absent from /proc/net/netstat"}
	}
	var findings []Finding
	var gaps []string
	for _, sc := range scs {
		v, gap := sc.value()
		if gap != "" {
			gaps = append(gaps, sc.subject("host")+" "+gap)
			continue
		}
		if v == 0 {
			continue
		}
		findings = append(findings, listenFinding(ev, sc, v))
	}
	if len(findings) == 0 {
		if len(gaps) > 0 {
			return Result{Verdict: NotEvaluated, Reason: "ListenOverflows without values over the interval: " + gapWords(gaps)}
		}
		r := "no accept-queue overflows " + during(ev)
		if len(scs) > 1 {
			r += fmt.Sprintf(" (host and %d network %s)", len(scs)-1, plural(len(scs)-1, "namespace", "namespaces"))
		}
		return Result{Verdict: Pass, Reason: r}
	}
	return Result{Verdict: Fail, Findings: findings}
}

func listenFinding(ev *Evidence, sc scope, v uint64) Finding {
	rate := ev.Rate(v)
	sev, conf, score := Warning, High, scoreOver(rate, ListenOverflowCriticalRate)
	switch {
	case !ev.TwoSample():
		sev, conf, score = Notice, Medium, scoreOver(rate, ListenOverflowCriticalRate)/2
	case !ev.HasRates():
		score = 50
	case rate > ListenOverflowCriticalRate:
		sev = Critical
	}
	figs := []Figure{figure("TcpExt ListenOverflows"+sc.where(), withRate(ev, v), "> 0; > "+fmtRate(ListenOverflowCriticalRate)+": critical", ev.WindowLabel)}
	for _, name := range []string{"ListenDrops", "TCPReqQFullDrop", "TCPReqQFullDoCookies"} {
		if d, ok := netStatIn(ev, sc.Namespace, "TcpExt", name); ok && d > 0 {
			figs = append(figs, figure("TcpExt "+name+sc.where(), withRate(ev, uint64(d)), "supporting", ev.WindowLabel))
		}
	}
	synFlood := false
	if d, ok := netStatIn(ev, sc.Namespace, "TcpExt", "SyncookiesSent"); ok && d > 0 {
		synFlood = true
		figs = append(figs, figure("TcpExt SyncookiesSent"+sc.where(), withRate(ev, uint64(d)), "supporting: SYN queue full", ev.WindowLabel))
	}
	somax, somaxOK := sysctlInt(ev, "net.core.somaxconn")
	syn, synOK := sysctlInt(ev, "net.ipv4.tcp_max_syn_backlog")
	if somaxOK {
		figs = append(figs, figure("net.core.somaxconn", strconv.FormatInt(somax, 10), "", "configuration"))
	}
	if synOK {
		figs = append(figs, figure("net.ipv4.tcp_max_syn_backlog", strconv.FormatInt(syn, 10), "", "configuration"))
	}
	named := overflowingListeners(ev, sc.Namespace, somax, somaxOK && sc.Namespace == "")
	for _, nl := range named {
		figs = append(figs, figure("listener "+listenerName(nl.l)+sc.where(), nl.state, "queue at the backlog, or never drained", nl.window))
	}
	events, _ := logEvents(ev, host.LogSYNFlood, RecentLogSeconds)
	if len(events) > 0 {
		synFlood = true
		figs = append(figs, figure("kernel log \"Possible SYN flooding\"", fmt.Sprintf("%d lines; last: %s", len(events), events[len(events)-1].Text), "supporting", logWindow(ev)))
	}

	var summary string
	if ev.TwoSample() {
		summary = fmt.Sprintf("%s connections dropped at full accept queues%s %s", fmtInt(v), sc.where(), during(ev))
		if ev.HasRates() {
			summary += " (" + fmtRate(rate) + ")"
		}
	} else {
		summary = fmt.Sprintf("%s connections dropped at full accept queues%s since boot", fmtInt(v), sc.where())
		if ev.HasRates() {
			summary += " (" + fmtRate(rate) + " on average)"
		}
	}
	expl := "Connections completed the TCP handshake but the listening socket's accept queue was full, so the kernel dropped them: clients time out and retry while the application never sees them."
	if sc.Namespace != "" {
		expl += " The counters are those of network namespace " + sc.Namespace + ": find its listeners with ip netns exec or nsenter."
	}
	if synFlood {
		expl += " The SYN queue overflowed too (SYN cookies sent or the kernel's \"Possible SYN flooding\"): check whether this is an attack before tuning."
	}
	for _, nl := range named {
		if nl.l.Backlog > 0 && somaxOK && int64(nl.l.Backlog) < somax {
			expl += fmt.Sprintf(" The listener on port %d has a backlog of %d while net.core.somaxconn is %d: the application asked for %d in listen(), so raise the application's backlog, not only the sysctl.", nl.l.Port, nl.l.Backlog, somax, nl.l.Backlog)
			break
		}
	}
	if !ev.TwoSample() {
		expl += " This is a since-boot total: two samples tell whether it still happens."
	}
	return Finding{
		Severity:    sev,
		Confidence:  conf,
		Score:       score,
		Subject:     sc.subject(ListenSubject),
		Summary:     summary,
		Evidence:    figs,
		Explanation: expl,
		Commands:    listenCommands(ev, sc, somax, somaxOK, syn, synOK, named),
	}
}

// namedListener is a listener a finding names, with its queue as text.
type namedListener struct {
	l      host.TCPListener
	state  string
	window string
	rank   uint64
}

// overflowingListeners returns the host's listeners whose accept queue is
// full or not drained, fullest first, at most MaxListenersNamed: with a
// backlog known (ss), Queue at Backlog; without it (/proc/net/tcp), Queue
// at somaxconn (no backlog is larger), or not empty in both samples.
func overflowingListeners(ev *Evidence, ns string, somax int64, somaxOK bool) []namedListener {
	prev := map[string]host.TCPListener{}
	if ev.Prev != nil {
		for _, l := range listenersIn(ev.Prev, ns) {
			prev[listenerKey(l)] = l
		}
	}
	var out []namedListener
	for _, l := range listenersIn(ev.Now, ns) {
		var state string
		window := "at the sample"
		switch {
		case l.Backlog > 0 && l.Queue >= l.Backlog:
			state = fmt.Sprintf("accept queue %s of backlog %s (full)", fmtInt(l.Queue), fmtInt(l.Backlog))
		case l.Backlog == 0 && somaxOK && somax > 0 && l.Queue >= uint64(somax):
			state = fmt.Sprintf("accept queue %s, at net.core.somaxconn (full)", fmtInt(l.Queue))
		case l.Backlog == 0 && l.Queue > 0:
			p, ok := prev[listenerKey(l)]
			switch {
			case ev.Prev == nil:
				state = fmt.Sprintf("accept queue %s (connections waiting for accept())", fmtInt(l.Queue))
			case ok && p.Queue > 0:
				state = fmt.Sprintf("accept queue %s, then %s: not drained in the interval", fmtInt(p.Queue), fmtInt(l.Queue))
				window = "both samples"
			}
		}
		if state != "" {
			out = append(out, namedListener{l: l, state: state, window: window, rank: l.Queue})
		}
	}
	slices.SortStableFunc(out, func(a, b namedListener) int { return cmp.Compare(b.rank, a.rank) })
	if len(out) > MaxListenersNamed {
		out = out[:MaxListenersNamed]
	}
	return out
}

// listenersIn returns the listeners of namespace ns ("" the host's) in s.
func listenersIn(s *host.Snapshot, ns string) []host.TCPListener {
	if ns == "" {
		return s.TCPListeners
	}
	for i := range s.Namespaces {
		if s.Namespaces[i].Name == ns {
			return s.Namespaces[i].Listeners
		}
	}
	return nil
}

// listenerKey identifies a listener across samples.
func listenerKey(l host.TCPListener) string {
	return strconv.Itoa(l.Family) + "|" + l.Local + "|" + strconv.Itoa(l.Port)
}

// listenerName is "0.0.0.0:80 (nginx, pid 812)" or "[::]:22".
func listenerName(l host.TCPListener) string {
	addr := l.Local + ":" + strconv.Itoa(l.Port)
	if strings.Contains(l.Local, ":") {
		addr = "[" + l.Local + "]:" + strconv.Itoa(l.Port)
	}
	var who []string
	if l.Process != "" {
		who = append(who, l.Process)
	}
	if len(l.PIDs) > 0 {
		who = append(who, "pid "+strconv.Itoa(l.PIDs[0]))
	}
	if len(who) > 0 {
		addr += " (" + strings.Join(who, ", ") + ")"
	}
	return addr
}

// listenCommands raises somaxconn and the SYN backlog when below the
// target, and shows the listeners and the application backlog to fix.
func listenCommands(ev *Evidence, sc scope, somax int64, somaxOK bool, syn int64, synOK bool, named []namedListener) []Command {
	var settings [][2]string
	target := strconv.Itoa(ListenBacklogTarget)
	if !somaxOK || somax < ListenBacklogTarget {
		settings = append(settings, [2]string{"net.core.somaxconn", target})
	}
	if !synOK || syn < ListenBacklogTarget {
		settings = append(settings, [2]string{"net.ipv4.tcp_max_syn_backlog", target})
	}
	var cmds []Command
	if len(settings) > 0 {
		cmds = sysctlCommands(settings, "raise the cap on accept-queue and SYN-queue lengths",
			[]string{"The application's own listen() backlog caps its queue whatever somaxconn says: raise it too (and restart the application).",
				"net.core.somaxconn is per network namespace: set it inside a container's namespace (a pod's sysctls) for its listeners."})
	}
	ports := map[int]bool{}
	for _, nl := range named {
		if ports[nl.l.Port] {
			continue
		}
		ports[nl.l.Port] = true
		cmds = append(cmds, Command{Run: nsCommand(ev, sc.Namespace, "ss -ltnp 'sport = :"+strconv.Itoa(nl.l.Port)+"'"), Kind: Verify,
			Why: "watch the listener on port " + strconv.Itoa(nl.l.Port) + ": Recv-Q (queued connections) at Send-Q (its backlog) means its accept queue is full"})
	}
	if len(named) == 0 {
		cmds = append(cmds, Command{Run: nsCommand(ev, sc.Namespace, "ss -ltn"), Kind: Verify,
			Why: "find the listeners whose accept queue is full: Recv-Q (queued connections) at Send-Q (the listener's backlog)"})
	}
	cmds = append(cmds,
		Command{Run: nsCommand(ev, sc.Namespace, "nstat -az TcpExtListenOverflows TcpExtListenDrops"), Kind: Verify,
			Why: "run twice a few seconds apart: the counters must stop growing after the fix"},
	)
	return cmds
}

// nsCommand runs cmd in network namespace ns ("" the host's): ip netns
// exec for a named namespace (sosreport), nsenter into a process of it for
// a live one ("net:[INODE]").
func nsCommand(ev *Evidence, ns, cmd string) string {
	if ns == "" {
		return cmd
	}
	for i := range ev.Now.Namespaces {
		n := &ev.Now.Namespaces[i]
		if n.Name == ns && len(n.PIDs) > 0 {
			return "nsenter -t " + strconv.Itoa(n.PIDs[0]) + " -n " + cmd
		}
	}
	return "ip netns exec " + shq(ns) + " " + cmd
}
