package cmdout

import (
	"errors"
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

func TestEthtoolPause(t *testing.T) {
	tests := []struct {
		name, in string
		want     host.Pause
		unav     bool
		err      string
	}{
		{name: "ixgbe", in: "Pause parameters for eth0:\nAutonegotiate:\ton\nRX:\t\ton\nTX:\t\ton\nRX negotiated:\ton\nTX negotiated:\ton\n\n", want: host.Pause{AutoNeg: true, RX: true, TX: true}},
		{name: "rx only", in: "Pause parameters for eth1:\nAutonegotiate:\toff\nRX:\t\ton\nTX:\t\toff\n", want: host.Pause{RX: true}},
		{name: "sos order: the error before the header", in: "Cannot get device pause settings: Operation not supported\nPause parameters for ens3:\n", unav: true},
		{name: "bad value", in: "Pause parameters for x:\nRX:\tmaybe\n", err: `bad values RX "maybe"`},
		{name: "not ethtool", in: "a\nb\n", err: "not ethtool -a output"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := EthtoolPause([]byte(tc.in))
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
			case p != tc.want:
				t.Errorf("got %+v, want %+v", p, tc.want)
			}
		})
	}
}

func FuzzEthtoolPause(f *testing.F) {
	addSeeds(f, "Pause parameters for eth0:\nAutonegotiate:\ton\nRX:\t\ton\nTX:\t\toff\n", "Cannot get device pause settings: Operation not supported\nPause parameters for ens3:\n")
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := EthtoolPause(b)
		checkErrText(t, err, "ethtool -a")
		if err == nil {
			back, err := EthtoolPause(FormatEthtoolPause("x", p))
			if err != nil || back != p {
				t.Fatalf("round trip: %+v %v vs %+v", back, err, p)
			}
		}
	})
}
