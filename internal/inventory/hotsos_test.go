package inventory

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/corpus"
	"github.com/netdoctor/netdoctor/internal/hostview"
	"github.com/netdoctor/netdoctor/internal/source"
)

// TestShowHotsos renders `show` for the three real sosreports of
// the corpus (internal/corpus), read in place (skipped when absent): the lines
// a support engineer reads first must say the right thing.
func TestShowHotsos(t *testing.T) {
	for _, tt := range []struct {
		dir  string
		want []string
		not  []string
	}{
		{"k8s-virtio-2cpu", []string{
			"Platform  VM (kvm)\n",
			"CPUs      2 online: 0-1\n",
			"NIC ens3  physical (virtual hardware)  driver virtio_net  pci 0000:00:03.0",
			"queues    2, mapped from IRQ names (no msi_irqs)",
			"    rx-0   29   0",
			"NIC flannel.1  virtual  driver vxlan",
		}, []string{"container", "invalid"}},
		{"openstack-7virtio", []string{
			"Platform  VM (kvm)\n",
			"CPUs      2 online: 0-1\n",
			"NIC ens9  physical (virtual hardware)  driver virtio_net  pci 0000:00:09.0",
			"identity  kind from sys/devices tree",
			"NIC br-ens3  bridge  driver bridge",
		}, []string{"container", "invalid"}},
		{"lxd-rabbitmq", []string{
			"container\n",
			"CPUs      2 online: 0-1\n",
			"NIC eth0  veth  driver veth",
		}, []string{"invalid", "physical"}},
	} {
		t.Run(tt.dir, func(t *testing.T) {
			m, _ := filepath.Glob(filepath.Join(corpus.Path(t, "hotsos/"+tt.dir), "sosreport-*"))
			if len(m) != 1 {
				t.Fatalf("hotsos/%s holds %d sosreports, want 1", tt.dir, len(m))
			}
			p, err := source.Load(m, source.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			if err := Text(&b, Build(hostview.New(p))); err != nil {
				t.Fatal(err)
			}
			out := b.String()
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("show lacks %q:\n%s", w, out)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(out, n) {
					t.Errorf("show says %q:\n%s", n, out)
				}
			}
		})
	}
}
