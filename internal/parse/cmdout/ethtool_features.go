package cmdout

import (
	"sort"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
)

// maxFeatures bounds the features kept from one `ethtool -k` output (the
// kernel has about 70).
const maxFeatures = 512

// EthtoolFeatures parses `ethtool -k DEV`:
//
//	Features for eth0:
//	rx-checksumming: on
//	tx-checksumming: on
//		tx-checksum-ipv4: off [fixed]
//	large-receive-offload: off [fixed]
//	rx-gro-hw: off [requested on]
//
// Every "name: on|off" line is kept, indented (per-bit) lines too, by the
// name ethtool prints. "[fixed]" marks a feature the driver does not let
// change; "[requested on]" is a request the device did not apply (the
// state is the first word). An input with no feature line, such as
// "Cannot get device feature names: Operation not supported", is
// ErrUnavailable.
func EthtoolFeatures(b []byte) (map[string]host.Feature, error) {
	const cmd = "ethtool -k"
	out := map[string]host.Feature{}
	text, err := input(cmd, b)
	if err != nil {
		return out, err
	}
	p := problems{cmd: cmd}
	for i, l := range splitLines(text) {
		t := strings.TrimSpace(l)
		if t == "" || isSectionHeader(t) {
			continue
		}
		key, val, ok := cutKey(t)
		if !ok || key == "" || strings.ContainsAny(key, " \t") {
			continue
		}
		state, rest, _ := strings.Cut(strings.TrimSpace(val), " ")
		var f host.Feature
		switch state {
		case "on":
			f.On = true
		case "off":
		default:
			p.addf(i+1, "feature %s has state %s", quote(key), quote(state))
			continue
		}
		f.Fixed = strings.Contains(rest, "[fixed]")
		if _, dup := out[key]; !dup && len(out) >= maxFeatures {
			p.addf(i+1, "more than %d features", maxFeatures)
			break
		}
		out[key] = f
	}
	if len(out) == 0 {
		if err := p.err(); err != nil {
			return out, err
		}
		return out, noData(cmd, text, "feature line")
	}
	return out, p.err()
}

// FormatEthtoolFeatures writes features as `ethtool -k DEV` prints them,
// sorted by name, so that EthtoolFeatures reads them back.
func FormatEthtoolFeatures(dev string, m map[string]host.Feature) []byte {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString("Features for " + oneLine(dev) + ":\n")
	for _, n := range names {
		f := m[n]
		state := "off"
		if f.On {
			state = "on"
		}
		b.WriteString(n + ": " + state)
		if f.Fixed {
			b.WriteString(" [fixed]")
		}
		b.WriteByte('\n')
	}
	return []byte(b.String())
}
