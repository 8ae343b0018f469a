package checks

import (
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

func TestLossOn(t *testing.T) {
	base := func() *host.Snapshot {
		s := newHost(4)
		addNIC(s, "eth0", "ixgbe", 0, 100, 2, []int{0, 1})
		return s
	}
	tests := []struct {
		name string
		pair func(t *testing.T) *host.Pair
		nic  string
		cpus []int
		want string // "" for no loss
	}{
		{"one sample never escalates", func(t *testing.T) *host.Pair {
			s := base()
			s.NICs[0].Stats["rx_missed_errors"] = 500
			s.Softnet[1].Dropped = 9
			return &host.Pair{After: s}
		}, "eth0", []int{1}, ""},
		{"no growth", func(t *testing.T) *host.Pair { return later(t, base(), nil) }, "eth0", []int{0, 1}, ""},
		{"NIC loss first", func(t *testing.T) *host.Pair {
			return later(t, base(), func(a *host.Snapshot) {
				a.NICs[0].Stats["rx_missed_errors"] += 42
				a.Softnet[1].Dropped += 7
			})
		}, "eth0", []int{1}, "rx_missed_errors on eth0 grew by 42"},
		{"softnet drops on a named CPU", func(t *testing.T) *host.Pair {
			return later(t, base(), func(a *host.Snapshot) { a.Softnet[1].Dropped += 7; a.Softnet[1].TimeSqueeze += 3 })
		}, "eth0", []int{0, 1}, "softnet dropped on CPU 1 grew by 7"},
		{"drops on another CPU do not count", func(t *testing.T) *host.Pair {
			return later(t, base(), func(a *host.Snapshot) { a.Softnet[3].Dropped += 7 })
		}, "eth0", []int{0, 1}, ""},
		{"squeeze when nothing dropped", func(t *testing.T) *host.Pair {
			return later(t, base(), func(a *host.Snapshot) { a.Softnet[0].TimeSqueeze += 3 })
		}, "", []int{0}, "softnet time_squeeze on CPU 0 grew by 3"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := NewEvidence(tt.pair(t))
			l, ok := lossOn(ev, tt.nic, tt.cpus)
			got := ""
			if ok {
				got = l.String()
			}
			if got != tt.want {
				t.Errorf("lossOn = %q, want %q", got, tt.want)
			}
			f := Finding{Severity: Notice, Explanation: "x."}
			escalate(ev, &f, tt.nic, tt.cpus)
			if wantSev := map[bool]Severity{true: Warning, false: Notice}[tt.want != ""]; f.Severity != wantSev {
				t.Errorf("escalate severity %s, want %s", f.Severity, wantSev)
			}
			if tt.want != "" && !strings.Contains(f.Explanation, tt.want) {
				t.Errorf("explanation %q does not name the loss", f.Explanation)
			}
		})
	}
}
