package checks

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/netdoctor/netdoctor/internal/corpus"
	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/source"
)

// hotsosNIC is what a NIC of a real sosreport must read as.
type hotsosNIC struct {
	kind, driver, pci string
	virtualHW         bool
	queueIRQs         []int // RX then TX queue IRQs, in queue order
}

// TestHotsosSosreports loads each real sosreport as the CLI does and checks
// the host model (platform, CPUs, NICs with kind, driver, bus address and
// queue IRQs) and that no check raises a finding: none of the three hosts
// has a receive-path fault.
func TestHotsosSosreports(t *testing.T) {
	for _, tt := range []struct {
		dir       string
		vm        bool
		container bool
		online    []int
		nics      map[string]hotsosNIC
	}{
		{"k8s-virtio-2cpu", true, false, []int{0, 1}, map[string]hotsosNIC{
			"ens3":      {"physical", "virtio_net", "0000:00:03.0", true, []int{29, 30}},
			"flannel.1": {"virtual", "vxlan", "", false, nil},
			"lo":        {"loopback", "", "", false, nil},
		}},
		{"openstack-7virtio", true, false, []int{0, 1}, map[string]hotsosNIC{
			"ens3":           {"physical", "virtio_net", "0000:00:03.0", true, []int{25, 26}},
			"ens9":           {"physical", "virtio_net", "0000:00:09.0", true, []int{47, 48}},
			"br-ens3":        {"bridge", "bridge", "", false, nil},
			"br-int":         {"virtual", "openvswitch", "", false, nil},
			"tap0e778df8-ca": {"tun", "tun", "", false, nil},
			"veth0d284c32":   {"veth", "veth", "", false, nil},
		}},
		{"lxd-rabbitmq", true, true, []int{0, 1}, map[string]hotsosNIC{
			"eth0": {"veth", "veth", "", false, nil},
			"lo":   {"loopback", "", "", false, nil},
		}},
	} {
		t.Run(tt.dir, func(t *testing.T) {
			m, _ := filepath.Glob(filepath.Join(corpus.Path(t, "hotsos/"+tt.dir), "sosreport-*"))
			if len(m) != 1 {
				t.Fatalf("hotsos/%s holds %d sosreports, want 1", tt.dir, len(m))
			}
			p, err := source.Load([]string{m[0]}, source.Options{})
			if err != nil {
				t.Fatal(err)
			}
			s := p.Latest()
			if (s.Virtualization != "") != tt.vm || s.Container != tt.container {
				t.Errorf("virtualization %q container %v, want VM %v container %v", s.Virtualization, s.Container, tt.vm, tt.container)
			}
			if !equalInts(s.Topology.Online, tt.online) {
				t.Errorf("online %v, want %v", s.Topology.Online, tt.online)
			}
			for name, want := range tt.nics {
				n := s.NIC(name)
				if n == nil {
					t.Errorf("no NIC %s", name)
					continue
				}
				var irqs []int
				for _, dir := range []string{host.DirRX, host.DirTX, host.DirCombined} {
					for _, q := range n.Queues {
						if q.Dir == dir {
							irqs = append(irqs, q.IRQ)
						}
					}
				}
				if n.Kind != want.kind || n.Driver != want.driver || n.PCI != want.pci || n.VirtualHW != want.virtualHW || !equalInts(irqs, want.queueIRQs) {
					t.Errorf("%s: kind %q driver %q pci %q virtual_hw %v queue IRQs %v (facts %v), want %+v",
						name, n.Kind, n.Driver, n.PCI, n.VirtualHW, irqs, n.Facts, want)
				}
			}
			for _, in := range s.Inputs {
				if in.Status == host.StatusInvalid {
					t.Errorf("input %s %s invalid: %s", in.Name, in.Subject, in.Reason)
				}
			}
			for _, o := range Run(NewEvidence(p), Registry()) {
				if len(o.Findings) > 0 || o.Verdict == Fail || o.Verdict == Error {
					t.Errorf("%s: %s (%s) with %d findings: a false positive", o.Check.ID, o.Verdict, o.Reason, len(o.Findings))
				}
			}
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestNetutilsHostsAsSosreports lays two real netutils-linux hosts out as
// sos does (proc/interrupts, proc/cpuinfo, lscpu, ethtool -i/-g/-c outputs;
// no sysfs at all) in a temporary directory and runs the checks as the CLI
// does: the NICs must be recognised from ethtool -i alone, and the qlcnic
// host, every vector of eth0 and eth1 counted on CPU 0, must give
// irq-concentration findings, and so must the 2xE5-2640 host, whose eight
// igb eth0 queues all sit on CPU 0 (see corpus_test.go).
func TestNetutilsHostsAsSosreports(t *testing.T) {
	for _, tt := range []struct {
		host    string
		verdict Verdict
		want    string
	}{
		{"2xE5-2687W.2xQLogic.L3_manual", Fail, "eth0 0 warning; eth1 0 warning"},
		{"2xE5-2640.i350_and_82599ES.l2_mixed.masterconf", Fail, "eth0 0 warning"},
	} {
		t.Run(tt.host, func(t *testing.T) {
			src := corpus.Path(t, "netutils-linux/tests/server-info-show.tests/"+tt.host)
			dst := t.TempDir()
			put := func(from, to string) {
				b, err := os.ReadFile(filepath.Join(src, from))
				if err != nil {
					return
				}
				p := filepath.Join(dst, filepath.FromSlash(to))
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, b, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			put("interrupts", "proc/interrupts")
			put("cpuinfo", "proc/cpuinfo")
			put("lscpu_info", "sos_commands/processor/lscpu")
			for _, opt := range []string{"i", "g", "c"} {
				ents, _ := os.ReadDir(filepath.Join(src, "ethtool", opt))
				for _, e := range ents {
					put(filepath.Join("ethtool", opt, e.Name()), "sos_commands/networking/ethtool_-"+opt+"_"+e.Name())
				}
			}
			if err := os.WriteFile(filepath.Join(dst, "version.txt"), []byte("sos report: 4.5.6\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			p, err := source.Load([]string{dst}, source.Options{})
			if err != nil {
				t.Fatal(err)
			}
			eth0 := p.Latest().NIC("eth0")
			if eth0 == nil || eth0.Kind != "physical" || eth0.PCI == "" || eth0.Facts[host.FactKind] == "" || len(eth0.Queues) < 4 {
				t.Fatalf("eth0 %+v", eth0)
			}
			o := run(t, IRQConcentration, p)
			if o.Verdict != tt.verdict || keys(o.Findings) != tt.want {
				t.Errorf("%s (%s) %q, want %s %q", o.Verdict, o.Reason, keys(o.Findings), tt.verdict, tt.want)
			}
		})
	}
}
