package checks

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/source"
)

// hotsosDir holds three whole sosreports of real hosts, read in place
// (never copied into the repository); the test skips when it is absent.
const hotsosDir = "../../shared/corpus/hotsos"

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
			m, _ := filepath.Glob(filepath.Join(hotsosDir, tt.dir, "sosreport-*"))
			if len(m) != 1 {
				t.Skipf("corpus absent: %s", filepath.Join(hotsosDir, tt.dir))
			}
			if _, err := os.Stat(m[0]); err != nil {
				t.Skip(err)
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
