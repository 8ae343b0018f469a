package fixturegen

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/parse"
	"github.com/netdoctor/netdoctor/internal/parse/cmdout"
)

// TestParsersAcceptFixtures runs netdoctor's parsers over every file of
// every sample of every fixture: the generated text must be what the
// parsers were written for (and round-trip where they have writers), and
// error outputs (ethtool on lo) must read as unavailable.
func TestParsersAcceptFixtures(t *testing.T) {
	for _, sc := range Fixtures() {
		m, err := newModel(sc)
		if err != nil {
			t.Fatal(err)
		}
		collect := m.sc.Bundle == BundleCollect
		for s := range m.times {
			tr, _ := sampleTree(t, sc, s, collect)
			name := sc.Name + " sample " + itoa(s+1)
			fail := func(what string, err error) {
				t.Helper()
				if err != nil {
					t.Errorf("%s: %s: %v", name, what, err)
				}
			}
			online := m.online(s)

			irq, err := parse.Interrupts([]byte(read(t, tr, "proc/interrupts")))
			fail("interrupts", err)
			if !slices.Equal(irq.CPUs, online) {
				t.Errorf("%s: interrupts header %v, online %v", name, irq.CPUs, online)
			}
			if len(irq.IRQs) != len(m.irqs) {
				t.Errorf("%s: %d IRQ rows, want %d", name, len(irq.IRQs), len(m.irqs))
			}
			noNet := m.noNetworking()
			if noNet {
				for p := range tr.files {
					if strings.HasPrefix(p, "sos_commands/networking/") || strings.Contains(p, "/net/") || strings.HasPrefix(p, "sys/class/net") {
						t.Errorf("%s: %s written although the networking plugin did not run", name, p)
					}
				}
			} else {
				rows, err := parse.SoftnetStat([]byte(read(t, tr, "proc/net/softnet_stat")), online)
				fail("softnet_stat", err)
				for i, r := range rows {
					if r.CPU != online[i] {
						t.Errorf("%s: softnet row %d is CPU %d, want %d", name, i, r.CPU, online[i])
					}
				}
			}
			_, err = parse.Softirqs([]byte(read(t, tr, "proc/softirqs")))
			fail("softirqs", err)
			st, err := parse.Stat([]byte(read(t, tr, "proc/stat")))
			if m.sc.NoBtime {
				// Withheld by design: the parser must say so.
				if err == nil || !st.BootTime.IsZero() {
					t.Errorf("%s: stat without btime parsed as %v, %v", name, st.BootTime, err)
				}
			} else if fail("stat", err); !st.BootTime.Equal(m.sc.Boot.Truncate(1e9)) {
				t.Errorf("%s: btime %v, want %v", name, st.BootTime, m.sc.Boot)
			}
			if !noNet {
				_, err = parse.NetDev([]byte(read(t, tr, "proc/net/dev")))
				fail("net/dev", err)
				ns, err := parse.NetStat([]byte(read(t, tr, "proc/net/netstat")))
				fail("netstat", err)
				if _, ok := ns["TcpExt"]["PAWSEstab"]; !ok {
					t.Errorf("%s: no TcpExt PAWSEstab", name)
				}
				_, err = parse.NetStat([]byte(read(t, tr, "proc/net/snmp")))
				fail("snmp", err)
			}
			if !noNet {
				checkNetInputs(t, name, m, tr)
			}

			u, err := cmdout.Uname([]byte(read(t, tr, "sos_commands/kernel/uname_-a")))
			fail("uname", err)
			if u.Release != sc.Kernel || u.Hostname != sc.Hostname {
				t.Errorf("%s: uname %+v", name, u)
			}
			datePath := "sos_commands/date/date_--utc"
			if !collect && !m.sos.ge(3, 4, 0) {
				datePath = "sos_commands/general/date"
			}
			d, err := cmdout.Date([]byte(read(t, tr, datePath)))
			fail("date", err)
			if !d.Equal(m.times[s]) {
				t.Errorf("%s: date %v, want %v", name, d, m.times[s])
			}
			for p, b := range tr.files {
				if !strings.HasPrefix(p, "sos_commands/networking/ethtool_") {
					continue
				}
				var err error
				switch {
				case strings.HasPrefix(p, "sos_commands/networking/ethtool_-S_"):
					_, err = cmdout.EthtoolStats(b)
				case strings.HasPrefix(p, "sos_commands/networking/ethtool_-i_"):
					_, err = cmdout.EthtoolInfo(b)
				case strings.HasPrefix(p, "sos_commands/networking/ethtool_-g_"):
					_, err = cmdout.EthtoolRing(b)
				case strings.HasPrefix(p, "sos_commands/networking/ethtool_-l_"):
					_, err = cmdout.EthtoolChannels(b)
				case strings.HasPrefix(p, "sos_commands/networking/ethtool_-m_"):
					_, err = cmdout.EthtoolModule(b)
				case strings.HasPrefix(p, "sos_commands/networking/ethtool_-c_"):
					_, err = cmdout.EthtoolCoalesce(b)
					if errors.Is(err, cmdout.ErrUnavailable) {
						err = nil
					}
				case strings.HasPrefix(p, "sos_commands/networking/ethtool_-a_"):
					_, err = cmdout.EthtoolPause(b)
					if errors.Is(err, cmdout.ErrUnavailable) {
						err = nil
					}
				case strings.HasPrefix(p, "sos_commands/networking/ethtool_-k_"):
					_, err = cmdout.EthtoolFeatures(b)
				case strings.HasPrefix(p, "sos_commands/networking/ethtool_-x_"):
					_, err = cmdout.EthtoolRSS(b)
					if errors.Is(err, cmdout.ErrUnavailable) {
						err = nil
					}
				default:
					_, err = cmdout.EthtoolSettings(b)
					if err == nil {
						_, err = cmdout.EthtoolLink(b)
					}
				}
				if ethtoolError(b) {
					if !errors.Is(err, cmdout.ErrUnavailable) {
						t.Errorf("%s: %s: %v, want unavailable", name, p, err)
					}
				} else {
					fail(p, err)
				}
			}
			if collect {
				for _, p := range m.procs {
					for _, th := range p.threads {
						dir := "proc/" + itoa(p.PID)
						if len(p.threads) > 1 {
							dir += "/task/" + itoa(th.tid)
						} else if th.tid != p.PID {
							continue
						}
						ts, err := parse.TaskStat([]byte(read(t, tr, dir+"/stat")))
						fail(dir+"/stat", err)
						if ts.Processor != th.cpuAt(s) || ts.Comm != th.comm {
							t.Errorf("%s: %s/stat: cpu %d comm %q", name, dir, ts.Processor, ts.Comm)
						}
						_, err = parse.TaskStatus([]byte(read(t, tr, dir+"/status")))
						fail(dir+"/status", err)
					}
				}
				continue
			}
			// sosreport command outputs.
			kv, err := cmdout.Sysctl([]byte(read(t, tr, "sos_commands/kernel/sysctl_-a")))
			fail("sysctl", err)
			if kv["net.core.netdev_max_backlog"] == "" {
				t.Errorf("%s: sysctl lacks netdev_max_backlog", name)
			}
			v, err := cmdout.SosVersion([]byte(read(t, tr, "version.txt")))
			fail("version.txt", err)
			if v != sc.Sos {
				t.Errorf("%s: sos version %q", name, v)
			}
			if m.sos.ge(4, 0, 0) {
				man, err := cmdout.SosManifest([]byte(read(t, tr, "sos_reports/manifest.json")))
				fail("manifest", err)
				if len(man.Commands) == 0 {
					t.Errorf("%s: manifest lists no commands", name)
				}
			}
			_, err = cmdout.Lscpu([]byte(read(t, tr, "sos_commands/processor/lscpu")))
			fail("lscpu", err)
			if m.sos.ge(4, 2, 0) {
				cpus, err := cmdout.LscpuTable([]byte(read(t, tr, "sos_commands/processor/lscpu_-ae")))
				fail("lscpu -ae", err)
				if len(cpus) != m.n {
					t.Errorf("%s: lscpu -ae has %d CPUs", name, len(cpus))
				}
			}
			if m.sc.NUMAPlugin {
				nodes, err := cmdout.NumactlHardware([]byte(read(t, tr, "sos_commands/numa/numactl_--hardware")))
				fail("numactl", err)
				if len(nodes) != len(m.nodes) {
					t.Errorf("%s: numactl has %d nodes", name, len(nodes))
				}
			}
			for p, b := range tr.files {
				if !strings.HasPrefix(p, "sos_commands/process/ps_") {
					continue
				}
				ps, err := cmdout.PS(b)
				fail(p, err)
				if len(ps) != len(m.procs) {
					t.Errorf("%s: %s has %d processes, want %d", name, p, len(ps), len(m.procs))
				}
				if strings.Contains(p, "_psr_") {
					for _, r := range ps {
						if r.PSR < 0 {
							t.Errorf("%s: PID %d without PSR", name, r.PID)
						}
					}
				}
			}
			if b, ok := tr.files["sos_commands/process/pidstat_-tl"]; ok {
				_, err := cmdout.Pidstat(b)
				fail("pidstat", err)
			}
			units, err := cmdout.SystemctlUnits([]byte(read(t, tr, "sos_commands/systemd/systemctl_list-units")))
			fail("systemctl", err)
			if len(units) == 0 {
				t.Errorf("%s: no units", name)
			}
		}
	}
}

// checkNetInputs parses the receive-path inputs of one sample: every file
// reads without error and shows a healthy host (nothing dropped).
func checkNetInputs(t *testing.T, name string, m *model, tr *tree) {
	t.Helper()
	fail := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Errorf("%s: %s: %v", name, what, err)
		}
	}
	if m.conntrackLoaded() {
		ct, err := parse.ProcNetStat([]byte(read(t, tr, "proc/net/stat/nf_conntrack")), "nf_conntrack")
		fail("nf_conntrack", err)
		if len(ct.Rows) != m.n {
			t.Errorf("%s: nf_conntrack has %d rows, want one per possible CPU (%d)", name, len(ct.Rows), m.n)
		}
		if d, _ := ct.Total("drop"); d != 0 && m.sc.ConntrackStat == nil {
			t.Errorf("%s: conntrack drops %d on a healthy host", name, d)
		}
	} else if _, ok := tr.files["proc/net/stat/nf_conntrack"]; ok {
		t.Errorf("%s: nf_conntrack stat without the module", name)
	}
	for _, f := range []string{"arp_cache", "ndisc_cache"} {
		nt, err := parse.ProcNetStat([]byte(read(t, tr, "proc/net/stat/"+f)), f)
		fail(f, err)
		if v, ok := nt.Total("table_fulls"); !ok || (v != 0 && m.sc.ARPStat == nil) {
			t.Errorf("%s: %s table_fulls %d %v", name, f, v, ok)
		}
	}
	for _, f := range []string{"sockstat", "sockstat6"} {
		_, err := parse.Sockstat([]byte(read(t, tr, "proc/net/"+f)))
		fail(f, err)
	}
	s6, err := parse.SNMP6([]byte(read(t, tr, "proc/net/snmp6")))
	fail("snmp6", err)
	if _, ok := s6["Udp6RcvbufErrors"]; !ok {
		t.Errorf("%s: snmp6 without Udp6RcvbufErrors", name)
	}
	for f, fam := range map[string]int{"udp": 4, "udp6": 6} {
		rows, err := parse.UDPSockets([]byte(read(t, tr, "proc/net/"+f)), fam)
		fail(f, err)
		if len(rows) == 0 {
			t.Errorf("%s: no %s sockets", name, f)
		}
	}
	kl, err := parse.KernelLog([]byte(read(t, tr, "sos_commands/kernel/dmesg")))
	fail("dmesg", err)
	if kl.Lines < 2 {
		t.Errorf("%s: dmesg of %d lines", name, kl.Lines)
	}
}
