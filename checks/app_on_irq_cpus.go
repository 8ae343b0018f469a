package checks

import (
	"cmp"
	"fmt"
	"github.com/netdoctor/netdoctor/internal/hostview"
	"slices"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
)

// Thresholds of app-on-irq-cpus (their reasons are in its Doc).
const (
	// AppIRQHeavyRate: a CPU taking at least this many NIC hard IRQs/s or
	// NET_RX softirqs/s is IRQ-heavy (netutils-linux yellow).
	AppIRQHeavyRate = 40000.0
	// AppIRQHeavyCriticalRate: the 80,000/s mark (netutils-linux red) at
	// which a thread using AppBusyCriticalShare of the CPU is critical.
	AppIRQHeavyCriticalRate = 80000.0
	// AppIRQTimeShare: a CPU spending at least this share of its time in
	// hard IRQ + softirq is IRQ-heavy (netdoctor default).
	AppIRQTimeShare = 0.10
	// AppBusyCriticalShare: a thread using at least this share of an
	// IRQ-heavy CPU at the 80,000/s mark is critical (netdoctor default).
	AppBusyCriticalShare = 0.50
)

// latencyServers are known latency-sensitive servers (the Meituan case).
var latencyServers = map[string]bool{"redis-server": true, "memcached": true, "haproxy": true, "nginx": true, "envoy": true}

// collectorComms are the collection tools themselves, busy while sampling.
var collectorComms = map[string]bool{"sos": true, "sosreport": true, "ps": true, "pidstat": true, "netdoctor": true, "sar": true, "sadc": true}

// AppOnIRQCPUs finds busy application threads on CPUs with heavy NIC
// interrupt and softirq load.
var AppOnIRQCPUs = &Check{
	ID:       "app-on-irq-cpus",
	Title:    "Busy application threads on CPUs that service heavy NIC interrupt load",
	Doc:      appOnIRQCPUsDoc,
	Severity: Warning,
	Needs: []string{
		host.InputThreads, host.InputProcesses, host.InputInterrupts, host.InputSoftirqs,
		host.InputStat, host.InputSoftnet, host.InputCPUTopology, host.InputNUMANodes,
		host.InputSysctl, host.InputIrqbalance,
	},
	Growth: true,
	Run:    runAppOnIRQCPUs,
}

var appOnIRQCPUsDoc = fmt.Sprintf(`Finds busy user-space threads running on CPUs that service heavy NIC interrupt and softirq load
(the Meituan Redis case).

## Why it matters

Every hard IRQ and NET_RX softirq preempts the thread on that CPU: for a sub-millisecond server that is
slow queries. Wake affinity keeps pulling woken threads toward the IRQ CPU, so it does not fix itself;
the Meituan fix was IRQs on a few cores and Redis pinned to the other cores of the same node.

## When it does not apply

- One-CPU hosts (not applicable), and hosts where every usable CPU is IRQ-heavy (nowhere to move).
- Kernel threads (ksoftirqd, irq/N-..., kworker) are the IRQ work itself, not a conflict.
- A CPU with light NIC load (a small VM's queue) is not IRQ-heavy: an application there is normal.
- A short window catches migrations: the busy share is over the whole window.
- RFS (net.core.rps_sock_flow_entries > 0) brings softirq work to the application on purpose: one
  severity level lower.
- One sample: no CPU use is known; threads in state R (or busy since boot) last seen on, or pinned to,
  IRQ-heavy CPUs give a notice; without placement data the check is not evaluated.
- Two sosreports: sos has no per-thread CPU times, but its ps TIME column gives each process's CPU
  time in whole seconds; over the window between the reports that is the process's CPU use, placed on
  its main thread's last CPU (the PSR column, sos 4.7.1 and later). Findings from it are at most
  medium confidence.

## Thresholds

- IRQ-heavy CPU: NIC hard IRQs ≥ %s/s, or NET_RX ≥ %s/s (AppIRQHeavyRate), or irq + softirq time ≥ %s
  of the CPU (AppIRQTimeShare).
- Busy thread: a user-space thread using ≥ %s of one CPU over the window (BusyThreadShare).
- warning; critical when the thread uses ≥ %s (AppBusyCriticalShare) of a CPU at the %s/s mark
  (AppIRQHeavyCriticalRate), or that CPU shows softnet drops or squeeze.

## Fix and risks

Move the application to the NIC node's CPUs that service no queues (preferably not siblings of IRQ CPUs)
with taskset -acp, keep irqbalance off them (IRQBALANCE_BANNED_CPULIST) and persist with a systemd
CPUAffinity= drop-in or numactl in the start command. Pinning removes the scheduler's freedom: size the
CPU set for the application's peak, and keep IRQs and application on the NIC's node.
`, fmtInt(uint64(AppIRQHeavyRate)), fmtInt(uint64(AppIRQHeavyRate)), fmtPct(AppIRQTimeShare),
	fmtPct(hostview.BusyThreadShare), fmtPct(AppBusyCriticalShare), fmtInt(uint64(AppIRQHeavyCriticalRate)))

// irqHeavy says whether a CPU is IRQ-heavy, whether it reaches the
// critical mark, and why.
func irqHeavy(ev *Evidence, row *hostview.CPULoad) (heavy, veryHeavy bool, why []string) {
	if row == nil || !row.Online {
		return false, false, nil
	}
	if ev.HasRates() {
		if row.NICIRQRate >= AppIRQHeavyRate {
			heavy = true
			why = append(why, fmt.Sprintf("NIC IRQs %s", fmtRate(row.NICIRQRate)))
		}
		if row.NetRXKnown && row.NetRXRate >= AppIRQHeavyRate {
			heavy = true
			why = append(why, fmt.Sprintf("NET_RX %s", fmtRate(row.NetRXRate)))
		}
		veryHeavy = row.NICIRQRate >= AppIRQHeavyCriticalRate || (row.NetRXKnown && row.NetRXRate >= AppIRQHeavyCriticalRate)
	}
	if row.IRQTimeKnown && row.IRQTime >= AppIRQTimeShare {
		heavy = true
		why = append(why, fmt.Sprintf("irq+softirq time %s", fmtPct(row.IRQTime)))
	}
	return heavy, veryHeavy, why
}

// appCandidate is one thread judged by the check.
type appCandidate struct {
	t      hostview.ThreadUse
	cpu    int  // the IRQ-heavy CPU it ran on, -1 when only pinned there
	pinned bool // Allowed holds only IRQ-heavy CPUs
}

func runAppOnIRQCPUs(ev *Evidence) Result {
	if len(ev.Online) == 1 {
		return Result{Verdict: NotApplicable, Reason: "one online CPU: nowhere to move threads"}
	}
	if len(ev.Online) == 0 {
		return Result{Verdict: NotEvaluated, Reason: "online CPUs unknown"}
	}
	heavy := map[int]bool{}
	very := map[int]bool{}
	reasons := map[int][]string{}
	loadKnown := false
	for i := range ev.CPUs {
		row := &ev.CPUs[i]
		if row.IRQTimeKnown || (ev.HasRates() && len(ev.Now.Interrupts.IRQs) > 0) {
			loadKnown = true
		}
		h, v, why := irqHeavy(ev, row)
		if h {
			heavy[row.CPU], very[row.CPU], reasons[row.CPU] = true, v, why
		}
	}
	if !loadKnown {
		why := ev.InputReason(host.InputInterrupts, "")
		if ev.InputOK(host.InputInterrupts, "") && !ev.HasRates() {
			// The counts are there but no time base turns them into load:
			// one sample without a boot time, and no /proc/stat irq times.
			why = "one sample with no boot time (" + ev.InputReason(host.InputStat, "") + "), so interrupt counts give no rate"
		}
		return Result{Verdict: NotEvaluated, Reason: "per-CPU interrupt load unknown: " + why}
	}
	if len(heavy) == 0 {
		if g := appLoadGaps(ev); g != "" {
			return Result{Verdict: NotEvaluated, Reason: g}
		}
		return Result{Verdict: Pass, Reason: "no CPU is IRQ-heavy " + during(ev)}
	}
	light := false
	for _, c := range ev.Usable {
		if !heavy[c] {
			light = true
		}
	}
	if !light {
		return Result{Verdict: Pass, Reason: "every usable CPU is IRQ-heavy: there is no quieter CPU to move threads to"}
	}
	var heavyCPUs []int
	for c := range heavy {
		heavyCPUs = append(heavyCPUs, c)
	}
	heavyCPUs = host.SortedCPUs(heavyCPUs)

	placement, usage := false, false
	var cands []appCandidate
	for _, t := range ev.Threads {
		if t.Kernel || collectorComms[t.Comm] {
			continue
		}
		if t.CPU >= 0 || len(t.Allowed) > 0 {
			placement = true
		}
		if t.UsageKnown {
			usage = true
		}
		pinned := len(t.Allowed) > 0 && allHeavy(t.Allowed, heavy)
		onHeavy := t.CPU >= 0 && heavy[t.CPU]
		if !onHeavy && !pinned {
			continue
		}
		cpu := -1
		if onHeavy {
			cpu = t.CPU
		}
		if ev.TwoSample() {
			if t.UsageKnown && t.Usage >= hostview.BusyThreadShare && onHeavy {
				cands = append(cands, appCandidate{t: t, cpu: cpu, pinned: pinned})
			}
			continue
		}
		if t.State == "R" || (t.UsageKnown && t.Usage >= hostview.BusyThreadShare) {
			cands = append(cands, appCandidate{t: t, cpu: cpu, pinned: pinned})
		}
	}
	switch {
	case !placement:
		return Result{Verdict: NotEvaluated, Reason: "no thread placement data: " + ev.InputReason(host.InputThreads, "")}
	case ev.TwoSample() && !usage:
		return Result{Verdict: NotEvaluated, Reason: "no per-thread CPU times in both samples: " + ev.InputReason(host.InputThreads, "")}
	case len(cands) == 0:
		if g := appLoadGaps(ev); g != "" {
			return Result{Verdict: NotEvaluated, Reason: g}
		}
		if in := ev.Now.Input(host.InputProcessVisibility, ""); in != nil && in.Status == host.StatusUnreadable {
			// hidepid or a non-root reader: the busy thread may be one
			// netdoctor could not see, so no thread seen is no pass.
			return Result{Verdict: NotEvaluated, Reason: "no busy application thread among the processes seen, but the process table is partial: " + ev.InputReason(host.InputProcessVisibility, "")}
		}
		return Result{Verdict: Pass, Reason: "no busy application thread on the IRQ-heavy CPUs " + cpuList(heavyCPUs)}
	}

	byPID := map[int][]appCandidate{}
	var pids []int
	for _, c := range cands {
		if _, ok := byPID[c.t.PID]; !ok {
			pids = append(pids, c.t.PID)
		}
		byPID[c.t.PID] = append(byPID[c.t.PID], c)
	}
	slices.Sort(pids)
	var fs []Finding
	for _, pid := range pids {
		fs = append(fs, appFinding(ev, byPID[pid], heavyCPUs, very, reasons))
	}
	return Result{Verdict: Fail, Findings: fs}
}

func appFinding(ev *Evidence, ts []appCandidate, heavyCPUs []int, very map[int]bool, reasons map[int][]string) Finding {
	slices.SortFunc(ts, func(a, b appCandidate) int {
		if c := cmp.Compare(b.t.Usage, a.t.Usage); c != 0 {
			return c
		}
		return cmp.Compare(a.t.TID, b.t.TID)
	})
	first := ts[0].t
	var cpus []int
	pinned := true
	maxUse := 0.0
	sev := Warning
	for _, c := range ts {
		if c.cpu >= 0 {
			cpus = append(cpus, c.cpu)
		} else {
			cpus = append(cpus, host.IntersectCPUs(c.t.Allowed, heavyCPUs)...)
		}
		pinned = pinned && c.pinned
		maxUse = max(maxUse, c.t.Usage)
		if ev.TwoSample() && c.cpu >= 0 {
			if c.t.Usage >= AppBusyCriticalShare && very[c.cpu] {
				sev = Critical
			}
			if row := ev.CPU(c.cpu); row != nil && row.SoftnetKnown && (row.Softnet.Dropped > 0 || row.Softnet.TimeSqueeze > 0) {
				sev = Critical
			}
		}
	}
	cpus = host.SortedCPUs(cpus)
	conf := High
	var notes []string
	if rfs, ok := sysctlInt(ev, "net.core.rps_sock_flow_entries"); ok && rfs > 0 {
		sev = lowerSeverity(sev)
		notes = append(notes, "RFS is on (rps_sock_flow_entries > 0): softirq work is brought to the application's CPU on purpose, good for throughput, bad only for latency-critical threads")
	}
	if !ev.TwoSample() {
		sev, conf = Notice, Low
	}
	if ev.Now.Virtualization != "" {
		conf = lower(conf)
	}
	if ev.TwoSample() && coarseCPUTime(ts) {
		if conf == High {
			conf = Medium
		}
		notes = append(notes, "CPU use comes from the ps TIME column of two sosreports: whole seconds for the whole process, placed on its main thread's last CPU (PSR)")
	}
	name := first.Comm
	if name == "" {
		name = fmt.Sprintf("PID %d", first.PID)
	}

	win := ev.WindowLabel
	var figs []Figure
	for i, c := range ts {
		if i == 8 {
			figs = append(figs, figure("further busy threads", fmt.Sprint(len(ts)-8), "", win))
			break
		}
		where := "pinned to CPUs " + cpuList(c.t.Allowed)
		if c.cpu >= 0 {
			where = fmt.Sprintf("last on CPU %d", c.cpu)
		}
		val := where
		if c.t.UsageKnown {
			val = fmtPct(c.t.Usage) + " of a CPU, " + where
		} else if c.t.State != "" {
			val = "state " + c.t.State + ", " + where
		}
		thr := "≥ " + fmtPct(hostview.BusyThreadShare) + "; ≥ " + fmtPct(AppBusyCriticalShare) + " on a CPU at " + fmtInt(uint64(AppIRQHeavyCriticalRate)) + "/s: critical"
		figs = append(figs, figure(fmt.Sprintf("thread %d (%s)", c.t.TID, c.t.ThreadComm), val, thr, win))
	}
	for _, c := range cpus {
		if why := reasons[c]; len(why) > 0 {
			figs = append(figs, figure(fmt.Sprintf("IRQ load on CPU %d", c), strings.Join(why, ", "),
				fmt.Sprintf("≥ %s/s or ≥ %s time", fmtInt(uint64(AppIRQHeavyRate)), fmtPct(AppIRQTimeShare)), win))
		}
	}

	var summary, expl string
	if ev.TwoSample() {
		summary = fmt.Sprintf("%s (PID %d) uses %s of IRQ-heavy CPU %s", name, first.PID, fmtPct(maxUse), cpuList(cpus))
		expl = fmt.Sprintf("%s's busy threads run on CPUs that also service heavy NIC interrupt and softirq load: every hard IRQ and NET_RX softirq preempts them, which shows as latency spikes; wake affinity keeps pulling them back there.", name)
	} else {
		summary = fmt.Sprintf("%s (PID %d) was last seen on, or may run on, CPUs %s that service NIC IRQs", name, first.PID, cpuList(cpus))
		expl = fmt.Sprintf("With one sample netdoctor cannot measure CPU use: %s was running (or busy since boot) on, or is pinned to, CPUs whose interrupt load is heavy. Two samples would tell whether it is busy there.", name)
	}
	if pinned {
		expl += fmt.Sprintf(" Its allowed CPUs hold only IRQ-heavy CPUs: it is pinned there (Cpus_allowed_list %s).", cpuList(ts[0].t.Allowed))
	}
	if latencyServers[first.Comm] {
		expl += " " + first.Comm + " is a latency-sensitive server: interrupts on its CPUs show as slow requests."
	}
	if len(notes) > 0 {
		expl += " Note: " + strings.Join(notes, "; ") + "."
	}

	return Finding{
		Severity:    sev,
		Confidence:  conf,
		Score:       clampScore(100 * min(1, maxUse)),
		Subject:     name,
		CPUs:        cpus,
		PIDs:        []int{first.PID},
		Summary:     summary,
		Evidence:    figs,
		Explanation: expl,
		Commands:    appCommands(ev, first.PID, cpus, heavyCPUs),
	}
}

// allHeavy reports whether every CPU of allowed is IRQ-heavy: a thread
// pinned to them. It stops at the first quiet CPU and allocates nothing (it
// runs for every thread, whose allowed list may name thousands of CPUs).
func allHeavy(allowed []int, heavy map[int]bool) bool {
	for _, c := range allowed {
		if !heavy[c] {
			return false
		}
	}
	return true
}

// appCPUs picks CPUs for the application: the NIC node's CPUs that
// service no queues and are not IRQ-heavy, preferably not siblings of IRQ
// CPUs.
func appCPUs(ev *Evidence, cpus, heavyCPUs []int) []int {
	irqCPUs := slices.Clone(heavyCPUs)
	var local []int
	for _, nl := range ev.NICs {
		if !nl.Physical {
			continue
		}
		srv := nl.ServicingCPUs()
		irqCPUs = append(irqCPUs, srv...)
		if len(host.IntersectCPUs(srv, cpus)) > 0 {
			local = append(local, nl.LocalCPUs...)
		}
	}
	irqCPUs = host.SortedCPUs(irqCPUs)
	if len(local) == 0 && len(cpus) > 0 {
		if nd := ev.Node(ev.NodeOf(cpus[0])); nd != nil && ev.MultiNode {
			local = host.IntersectCPUs(nd.CPUs, ev.Usable)
		}
	}
	if len(local) == 0 {
		local = ev.Usable
	}
	cands := host.MinusCPUs(local, irqCPUs)
	if len(cands) == 0 {
		cands = host.MinusCPUs(ev.Usable, irqCPUs)
	}
	var sibs []int
	for _, c := range irqCPUs {
		if core := ev.CoreOf(c); core != nil {
			sibs = append(sibs, core.CPUs...)
		}
	}
	if rest := host.MinusCPUs(cands, sibs); len(rest) > 0 {
		cands = rest
	}
	return cands
}

// appCommands moves the threads off the IRQ CPUs (Change), reads the mask
// back (Verify), offers a systemd drop-in (Option: the process may not be
// a service, and it restarts the service) and keeps irqbalance off the
// application's CPUs (Change).
func appCommands(ev *Evidence, pid int, cpus, heavyCPUs []int) []Command {
	app := appCPUs(ev, cpus, heavyCPUs)
	if len(app) == 0 {
		return nil
	}
	list := cpuList(app)
	cmds := []Command{
		{
			Run:       fmt.Sprintf("taskset -acp %s %d", list, pid),
			Kind:      Change,
			Why:       fmt.Sprintf("move every thread of PID %d to CPUs %s, which service no NIC queue", pid, list),
			NeedsRoot: true,
			Caveats: []string{
				"Threads created later inherit the new mask; a restart of the service loses it (see the persistent form).",
				"Pinning removes the scheduler's freedom: the set must cover the application's peak.",
			},
		},
		{
			Run:  fmt.Sprintf("taskset -acp %d; ps -L -o tid,psr,pcpu,comm -p %d", pid, pid),
			Kind: Verify,
			Why:  "verify the mask and where the threads run",
		},
	}
	cmds = append(cmds, Command{
		Run: fmt.Sprintf(`unit=$(ps -o unit= -p %d) && mkdir -p "/etc/systemd/system/$unit.d" && printf '[Service]\nCPUAffinity=%s\n' > "/etc/systemd/system/$unit.d/90-netdoctor-cpus.conf" && systemctl daemon-reload && systemctl restart "$unit"`,
			pid, list),
		Kind:       Option,
		Why:        "if the process is a systemd service: keep it on those CPUs across restarts with a drop-in (CPUAffinity=)",
		NeedsRoot:  true,
		Persistent: true,
		Caveats: []string{
			"Restarts the service. Without systemd: numactl or taskset in its start command, or the application's own option (Redis 6+ server_cpulist).",
		},
	})
	ib := irqbalanceCommands(ev, app, nil)
	ib[len(ib)-1].Why = fmt.Sprintf("keep irqbalance from putting IRQs on the application's CPUs %s, across reboots", list)
	cmds = append(cmds, ib[len(ib)-1])
	return cmds
}

// coarseCPUTime reports whether any candidate's CPU time came from ps TIME:
// process-wide, whole seconds.
func coarseCPUTime(ts []appCandidate) bool {
	for _, c := range ts {
		if c.t.Coarse {
			return true
		}
	}
	return false
}
