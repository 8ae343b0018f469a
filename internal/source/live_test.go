package source

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/netdoctor/netdoctor/internal/bundle"
	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/parse"
)

// virtioHost skips unless this machine is the 2-vCPU KVM guest the brief
// describes: eth0 on virtio2 behind a PCI function.
func virtioHost(t *testing.T) {
	t.Helper()
	target, err := os.Readlink("/sys/class/net/eth0/device")
	if err != nil || !strings.Contains(target, "virtio") {
		t.Skip("needs a host whose eth0 is a virtio NIC")
	}
}

// irqByAction finds the live IRQ number of an action name.
func irqByAction(t *testing.T, s *host.Snapshot, action string) int {
	t.Helper()
	for _, q := range s.Interrupts.IRQs {
		if slices.Contains(q.Actions, action) {
			return q.Num
		}
	}
	t.Fatalf("no IRQ named %s", action)
	return -1
}

func liveOnline(t *testing.T) []int {
	t.Helper()
	b, err := os.ReadFile("/sys/devices/system/cpu/online")
	if err != nil {
		t.Skip(err)
	}
	cpus, err := parse.CPUList(strings.TrimSpace(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	return cpus
}

func TestLive(t *testing.T) {
	virtioHost(t)
	var progress bytes.Buffer
	start := time.Now()
	p, err := Live(context.Background(), Options{Interval: 200 * time.Millisecond, Progress: &progress})
	if err != nil {
		t.Fatal(err)
	}
	if !p.TwoSample() || p.Interval < 200*time.Millisecond || time.Since(start) < 200*time.Millisecond {
		t.Errorf("pair: two %v interval %v", p.TwoSample(), p.Interval)
	}
	if got := progress.String(); !strings.Contains(got, "sampling 1/2") || !strings.Contains(got, "sampling 2/2") {
		t.Errorf("progress %q", got)
	}
	for _, s := range []*host.Snapshot{p.Before, p.After} {
		if s.Source != KindLive || s.Origin != "/" || s.Hostname == "" || s.Kernel == "" || s.BootTime.IsZero() {
			t.Errorf("identity %q %q %q %v", s.Source, s.Hostname, s.Kernel, s.BootTime)
		}
		if !slices.Equal(s.Topology.Online, liveOnline(t)) {
			t.Errorf("online %v", s.Topology.Online)
		}
		eth0 := nicOf(t, s, "eth0")
		if eth0.Kind != "physical" || !strings.HasPrefix(eth0.Device, "virtio") || !isPCIAddr(eth0.PCI) || eth0.Driver != "virtio_net" {
			t.Errorf("eth0 %+v", eth0)
		}
		if eth0.QueueMap != "msi_irqs" || len(eth0.MSIIRQs) == 0 {
			t.Errorf("eth0 queue map %q msi %v", eth0.QueueMap, eth0.MSIIRQs)
		}
		rx := irqByAction(t, s, eth0.Device+"-input.0")
		tx := irqByAction(t, s, eth0.Device+"-output.0")
		if !slices.ContainsFunc(eth0.Queues, func(q host.Queue) bool { return q.IRQ == rx && q.Index == 0 && q.Dir == "rx" }) ||
			!slices.ContainsFunc(eth0.Queues, func(q host.Queue) bool { return q.IRQ == tx && q.Index == 0 && q.Dir == "tx" }) {
			t.Errorf("eth0 queues %+v, want rx 0 = %d, tx 0 = %d", eth0.Queues, rx, tx)
		}
		if eth0.Ring == nil || eth0.Ring.RXMax == 0 || len(eth0.EthtoolStats) == 0 || len(eth0.Stats) == 0 || eth0.RPS == nil {
			t.Errorf("eth0 data: ring %+v, %d ethtool stats, %d sysfs stats, rps %v", eth0.Ring, len(eth0.EthtoolStats), len(eth0.Stats), eth0.RPS)
		}
		if lo := nicOf(t, s, "lo"); lo.Kind != "loopback" {
			t.Errorf("lo %+v", lo)
		}
		if in := inputOf(t, s, host.InputEthtoolRing, "lo"); in.Status != host.StatusMissing || !strings.Contains(in.Reason, "not supported") {
			t.Errorf("ethtool -g lo: %+v", in)
		}
		if !s.ThreadsKnown || len(s.Procs) == 0 || len(s.Sysctls) < 50 || s.Sysctls["net.core.netdev_max_backlog"] == "" {
			t.Errorf("threads %v, %d procs, %d sysctls", s.ThreadsKnown, len(s.Procs), len(s.Sysctls))
		}
		if len(s.Softnet) != len(s.Topology.Online) || len(s.NetStats["TcpExt"]) == 0 {
			t.Errorf("softnet %d rows, netstat %d", len(s.Softnet), len(s.NetStats["TcpExt"]))
		}
	}
	// This process is in the list, with its threads.
	self := os.Getpid()
	found := false
	for _, pr := range p.After.Procs {
		if pr.PID == self {
			found = len(pr.Threads) > 1 && pr.Threads[0].CPUKnown
		}
	}
	if !found {
		t.Error("the test process or its threads are missing")
	}
	if _, ok := p.ThreadCPUDelta(self, self); !ok {
		t.Error("no CPU delta for the test's main thread")
	}
}

// Without root, or on a kernel that refuses, inputs are "unreadable" and
// the rest still loads.
func TestLiveUnprivileged(t *testing.T) {
	virtioHost(t)
	deny := errFS{FS: bundle.Live(), errs: map[string]error{}}
	for _, p := range []string{"proc/1/environ", "proc/interrupts", "proc/net/softnet_stat"} {
		deny.errs[p] = fs.ErrPermission
	}
	l := newLoader(deny, KindLive, Options{}.withDefaults())
	l.prober = failedProber{err: mapErrno(syscall.EPERM)}
	l.load(time.Now())
	s := l.snap
	if in := inputOf(t, s, host.InputInterrupts, ""); in.Status != host.StatusUnreadable || !strings.Contains(in.Reason, "not root?") {
		t.Errorf("interrupts %+v", in)
	}
	// An unreadable candidate gives way to the next one.
	if in := inputOf(t, s, host.InputSoftnet, ""); in.Status != host.StatusOK || in.Path != "proc/self/net/softnet_stat" {
		t.Errorf("softnet %+v", in)
	}
	if in := inputOf(t, s, host.InputEthtoolStats, "eth0"); in.Status != host.StatusUnreadable {
		t.Errorf("ethtool stats %+v", in)
	}
	if len(s.NICs) == 0 || len(s.Procs) == 0 || len(s.Topology.Online) == 0 {
		t.Errorf("the rest did not load: %d NICs, %d procs", len(s.NICs), len(s.Procs))
	}
}

func TestCollectRoundTrip(t *testing.T) {
	virtioHost(t)
	var buf bytes.Buffer
	var progress bytes.Buffer
	if err := Collect(context.Background(), &buf, Options{Interval: 200 * time.Millisecond, Progress: &progress}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "bundle.tar.gz")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := Load([]string{path}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	live, err := Live(context.Background(), Options{Interval: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if !p.TwoSample() || p.Interval < 200*time.Millisecond || p.Interval > 5*time.Second {
		t.Fatalf("collect pair: %v %v", p.TwoSample(), p.Interval)
	}
	a, b := p.After, live.After
	if a.Source != KindCollect || !strings.HasPrefix(a.Origin, path) {
		t.Errorf("source %q origin %q", a.Source, a.Origin)
	}
	if a.Hostname != b.Hostname || a.Kernel != b.Kernel || a.KernelVersion != b.KernelVersion || a.Arch != b.Arch ||
		!a.BootTime.Equal(b.BootTime) || a.Virtualization != b.Virtualization || a.Container != b.Container || a.CmdLine != b.CmdLine {
		t.Errorf("identity differs:\ncollect %q %q %q %q %v %q %v\nlive    %q %q %q %q %v %q %v",
			a.Hostname, a.Kernel, a.KernelVersion, a.Arch, a.BootTime, a.Virtualization, a.Container,
			b.Hostname, b.Kernel, b.KernelVersion, b.Arch, b.BootTime, b.Virtualization, b.Container)
	}
	if d := absDuration(time.Until(a.Time)); d > time.Minute {
		t.Errorf("sample time %v", a.Time)
	}
	if !slices.Equal(a.Topology.Online, b.Topology.Online) || len(a.Topology.CPUs) != len(b.Topology.CPUs) || len(a.Topology.Nodes) != len(b.Topology.Nodes) {
		t.Errorf("topology differs: %+v vs %+v", a.Topology, b.Topology)
	}
	if len(a.Interrupts.IRQs) != len(b.Interrupts.IRQs) || len(a.Softnet) != len(b.Softnet) || len(a.Sysctls) != len(b.Sysctls) {
		t.Errorf("counts differ: irqs %d/%d softnet %d/%d sysctls %d/%d",
			len(a.Interrupts.IRQs), len(b.Interrupts.IRQs), len(a.Softnet), len(b.Softnet), len(a.Sysctls), len(b.Sysctls))
	}
	if len(a.NICs) != len(b.NICs) {
		t.Fatalf("NICs %d vs %d", len(a.NICs), len(b.NICs))
	}
	for i := range a.NICs {
		x, y := a.NICs[i], b.NICs[i]
		if x.Name != y.Name || x.Kind != y.Kind || x.Device != y.Device || x.PCI != y.PCI || x.Driver != y.Driver ||
			x.NUMANode != y.NUMANode || x.QueueMap != y.QueueMap || len(x.Queues) != len(y.Queues) || x.MTU != y.MTU ||
			x.RXQueues != y.RXQueues || x.TXQueues != y.TXQueues || !slices.Equal(x.MSIIRQs, y.MSIIRQs) ||
			(x.Ring == nil) != (y.Ring == nil) || (x.Channels == nil) != (y.Channels == nil) || len(x.Stats) != len(y.Stats) ||
			len(x.EthtoolStats) != len(y.EthtoolStats) || len(x.RPS) != len(y.RPS) || x.Speed != y.Speed {
			t.Errorf("NIC %s differs:\ncollect %+v\nlive    %+v", x.Name, x, y)
		}
	}
	if !a.ThreadsKnown || len(a.Procs) == 0 {
		t.Errorf("threads %v procs %d", a.ThreadsKnown, len(a.Procs))
	}
	// This test process: every thread has its allowed CPUs.
	for _, pr := range a.Procs {
		if pr.PID != os.Getpid() {
			continue
		}
		if len(pr.Threads) < 2 {
			t.Errorf("test process threads %+v", pr.Threads)
		}
		for _, th := range pr.Threads {
			if !slices.Equal(th.Allowed, b.Topology.Online) || !th.CPUKnown {
				t.Errorf("thread %+v", th)
			}
		}
	}
	// The same inputs are ok; ethtool inputs of a NIC the driver does not
	// answer are missing in both.
	status := func(s *host.Snapshot) map[string]host.Status {
		m := map[string]host.Status{}
		for _, in := range s.Inputs {
			m[in.Name+"/"+in.Subject] = in.Status
		}
		return m
	}
	sa, sb := status(a), status(b)
	for k, v := range sb {
		if sa[k] != v {
			t.Errorf("input %s: collect %s, live %s", k, sa[k], v)
		}
	}
	// A second pass over the same bytes gives the same snapshot.
	p2, err := Load([]string{path}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(p2.After.Procs) != len(p.After.Procs) || !p2.After.Time.Equal(p.After.Time) || p2.Interval != p.Interval {
		t.Error("loading the same bundle twice differs")
	}
}

// sched_getaffinity gives what the status file says, and the status lines
// written for a collect bundle parse back to the same thread.
func TestLiveAffinity(t *testing.T) {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip(err)
	}
	st, err := parse.TaskStatus(b)
	if err != nil {
		t.Fatal(err)
	}
	l := newLoader(bundle.Live(), KindLive, Options{}.withDefaults())
	cpus, ok := l.liveAffinity(os.Getpid())
	if !ok || !slices.Equal(cpus, st.CpusAllowed) {
		t.Errorf("sched_getaffinity %v, status %v", cpus, st.CpusAllowed)
	}
	if _, ok := newLoader(bundle.Live(), KindSosreport, Options{}).liveAffinity(os.Getpid()); ok {
		t.Error("liveAffinity answered offline")
	}
	back, err := parse.TaskStatus(taskStatus("app\nx\\y", 10, 12, 1, 1000, []int{0, 2, 3}))
	if err != nil || back.Name != `app\nx\\y` || back.Tgid != 10 || back.Pid != 12 || back.PPid != 1 || back.UID != 1000 ||
		!slices.Equal(back.CpusAllowed, []int{0, 2, 3}) {
		t.Errorf("round trip %+v %v", back, err)
	}
}
