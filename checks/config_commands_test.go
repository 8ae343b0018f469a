package checks

import (
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

func TestReduceChannelsCommands(t *testing.T) {
	for _, tc := range []struct {
		name string
		ch   *host.Channels
		want string // the ethtool -L command, "" for none
	}{
		{"unknown channels: the common form", nil, "ethtool -L eth0 combined 4"},
		{"combined within the maximum", &host.Channels{Combined: 16, MaxCombined: 32}, "ethtool -L eth0 combined 4"},
		{"separate rx channels", &host.Channels{RX: 16, TX: 16, MaxRX: 16, MaxTX: 16, MaxCombined: 16}, "ethtool -L eth0 rx 4"},
		{"fixed at the current count", &host.Channels{Combined: 4, MaxCombined: 4}, ""},
		{"already below the target", &host.Channels{Combined: 2, MaxCombined: 8}, ""},
		{"no channel support reported", &host.Channels{}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nic := &host.NIC{Name: "eth0", Channels: tc.ch}
			cmds := reduceChannelsCommands(nic, "eth0", 4, "why", Option)
			got := ""
			for _, c := range cmds {
				if strings.HasPrefix(c.Run, "ethtool -L ") {
					got = c.Run
				}
			}
			if got != tc.want {
				t.Errorf("ethtool -L command %q, want %q", got, tc.want)
			}
		})
	}
}
