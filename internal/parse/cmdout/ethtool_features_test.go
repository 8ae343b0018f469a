package cmdout

import (
	"errors"
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

const featuresIxgbe = `Features for eth2:
rx-checksumming: on
tx-checksumming: on
	tx-checksum-ipv4: off [fixed]
	tx-checksum-ip-generic: on
scatter-gather: on
generic-receive-offload: on
large-receive-offload: on
ntuple-filters: off
receive-hashing: on
rx-gro-hw: off [requested on]
highdma: on [fixed]
`

func TestEthtoolFeatures(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		check map[string]host.Feature
		n     int
		err   string
		unav  bool
	}{
		{name: "ixgbe", in: featuresIxgbe, n: 11, check: map[string]host.Feature{
			host.FeatureLRO:    {On: true},
			host.FeatureGRO:    {On: true},
			host.FeatureNtuple: {},
			"tx-checksum-ipv4": {Fixed: true},
			"rx-gro-hw":        {},
			"highdma":          {On: true, Fixed: true},
		}},
		{name: "lo: unsupported", in: "Features for lo:\nCannot get device feature names: Operation not supported\n", unav: true},
		{name: "empty", in: "", unav: true},
		{name: "a bad state is named, the rest kept", in: "Features for x:\na: on\nb: maybe\n", n: 1, err: `"b" has state "maybe"`},
		{name: "not ethtool", in: "hello\nworld\n", err: "not ethtool -k output"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, err := EthtoolFeatures([]byte(tc.in))
			switch {
			case tc.unav:
				if !errors.Is(err, ErrUnavailable) {
					t.Fatalf("err = %v, want unavailable", err)
				}
				return
			case tc.err != "":
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("err = %v, want %q", err, tc.err)
				}
			case err != nil:
				t.Fatal(err)
			}
			if len(m) != tc.n {
				t.Errorf("%d features, want %d: %v", len(m), tc.n, m)
			}
			for k, want := range tc.check {
				if got, ok := m[k]; !ok || got != want {
					t.Errorf("%s = %+v (%v), want %+v", k, got, ok, want)
				}
			}
		})
	}
}

func FuzzEthtoolFeatures(f *testing.F) {
	addSeeds(f, featuresIxgbe, "Features for x:\na: on [fixed]\n")
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := EthtoolFeatures(b)
		checkErrText(t, err, "ethtool -k")
		if m == nil || len(m) > maxFeatures {
			t.Fatalf("bad map of %d", len(m))
		}
		kept := map[string]host.Feature{}
		for k, v := range m {
			if k == "" || strings.ContainsAny(k, " \t\n") {
				t.Fatalf("bad name %q", k)
			}
			if clean(k) && !strings.Contains(k, ":") {
				kept[k] = v
			}
		}
		if len(kept) == 0 {
			return
		}
		back, err := EthtoolFeatures(FormatEthtoolFeatures("x", kept))
		if err != nil || len(back) != len(kept) {
			t.Fatalf("round trip: %v, %d vs %d", err, len(back), len(kept))
		}
		for k, v := range kept {
			if back[k] != v {
				t.Fatalf("round trip of %s: %+v vs %+v", k, back[k], v)
			}
		}
	})
}
