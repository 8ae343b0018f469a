package cmdout

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

const coalesceIxgbe = `Coalesce parameters for ens1f0:
Adaptive RX: off  TX: off
stats-block-usecs: 0
sample-interval: 0
pkt-rate-low: 0
pkt-rate-high: 0

rx-usecs: 1
rx-frames: 0
rx-usecs-irq: 0
rx-frames-irq: 0

tx-usecs: 0
tx-frames: 0
tx-usecs-irq: 0
tx-frames-irq: 256

rx-usecs-low: 0
rx-frame-low: 0
tx-usecs-low: 0
tx-frame-low: 0

rx-usecs-high: 0
rx-frame-high: 0
tx-usecs-high: 0
tx-frame-high: 0

`

const coalesceNetlink = `Coalesce parameters for eth0:
Adaptive RX: on  TX: n/a
stats-block-usecs:	n/a
rx-usecs:	8
rx-frames:	128
tx-usecs:	n/a
tx-frames:	n/a
`

func TestEthtoolCoalesce(t *testing.T) {
	on, off := true, false
	tests := []struct {
		name, in string
		want     host.Coalesce
		unav     bool
		err      string
	}{
		{name: "ixgbe ioctl ethtool", in: coalesceIxgbe, want: host.Coalesce{AdaptiveRX: &off, AdaptiveTX: &off, RXUsecs: 1, RXFrames: 0, TXUsecs: 0, TXFrames: 0}},
		{name: "netlink ethtool with n/a", in: coalesceNetlink, want: host.Coalesce{AdaptiveRX: &on, RXUsecs: 8, RXFrames: 128, TXUsecs: -1, TXFrames: -1}},
		{name: "sos order: the error before the header", in: "Cannot get device coalesce settings: Operation not supported\nCoalesce parameters for ens3:\n", unav: true},
		{name: "bad value", in: "Coalesce parameters for x:\nrx-usecs: lots\n", err: `bad values rx-usecs "lots"`},
		{name: "negative", in: "Coalesce parameters for x:\nrx-usecs: -4\n", err: `bad values`},
		{name: "not ethtool", in: "a\nb\n", err: "not ethtool -c output"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := EthtoolCoalesce([]byte(tc.in))
			switch {
			case tc.unav:
				if !errors.Is(err, ErrUnavailable) {
					t.Fatalf("err = %v, want unavailable", err)
				}
			case tc.err != "":
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
			case err != nil:
				t.Fatal(err)
			case !reflect.DeepEqual(c, tc.want):
				t.Errorf("got %+v, want %+v", c, tc.want)
			}
		})
	}
}

func FuzzEthtoolCoalesce(f *testing.F) {
	addSeeds(f, coalesceIxgbe, coalesceNetlink, "Cannot get device coalesce settings: Operation not supported\nCoalesce parameters for ens3:\n")
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := EthtoolCoalesce(b)
		checkErrText(t, err, "ethtool -c")
		for _, v := range []int{c.RXUsecs, c.RXFrames, c.TXUsecs, c.TXFrames} {
			if v < -1 || v > maxCoalesce {
				t.Fatalf("value %d out of range: %+v", v, c)
			}
		}
		if err == nil {
			back, err := EthtoolCoalesce(FormatEthtoolCoalesce("x", c))
			if err != nil || !reflect.DeepEqual(back, c) {
				t.Fatalf("round trip: %+v %v vs %+v", back, err, c)
			}
		}
	})
}
