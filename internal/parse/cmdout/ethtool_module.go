package cmdout

import (
	"math"
	"strconv"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
)

// maxModuleLanes bounds the per-channel values kept.
const maxModuleLanes = 16

// EthtoolModule parses the power figures of `ethtool -m DEV` (SFF-8472
// for SFP, SFF-8636 for QSFP, CMIS for QSFP-DD):
//
//	Identifier                                : 0x03 (SFP)
//	Laser output power                        : 0.5512 mW / -2.59 dBm
//	Receiver signal average optical power     : 0.4870 mW / -3.12 dBm
//	Laser rx power low alarm threshold        : 0.0100 mW / -20.00 dBm
//	Laser rx power low warning threshold      : 0.0200 mW / -16.99 dBm
//	Rx power (Channel 1)                      : 0.6123 mW / -2.13 dBm
//
// A value is taken in dBm, converted from mW when only mW is printed. A
// module without diagnostics (a DAC cable, "Optical diagnostics support :
// No") gives a value with no power figures; "Cannot get module EEPROM
// information: Operation not supported" (virtual NICs) is ErrUnavailable.
func EthtoolModule(b []byte) (host.ModulePower, error) {
	const cmd = "ethtool -m"
	var m host.ModulePower
	text, err := input(cmd, b)
	if err != nil {
		return m, err
	}
	p := problems{cmd: cmd}
	found := false
	for i, l := range splitLines(text) {
		key, val, ok := cutKey(strings.TrimSpace(l))
		if !ok || key == "" {
			continue
		}
		k := strings.ToLower(key)
		if k == "identifier" {
			m.Identifier = cleanValue(val)
			found = true
			continue
		}
		if !strings.Contains(val, "mW") && !strings.Contains(val, "dBm") {
			if strings.Contains(k, "power") || strings.Contains(k, "diagnostics") || strings.HasPrefix(k, "vendor") || strings.HasPrefix(k, "transceiver") {
				found = true
			}
			continue
		}
		found = true
		dbm, ok := moduleDBm(val)
		if !ok {
			p.addf(i+1, "bad power %s", quote(val))
			continue
		}
		threshold := strings.Contains(k, "threshold")
		rx := strings.Contains(k, "rx power") || strings.Contains(k, "receiver signal") || strings.Contains(k, "rcvr signal")
		tx := strings.Contains(k, "laser output power") || strings.Contains(k, "tx power") || strings.Contains(k, "transmit avg optical power")
		switch {
		case threshold && strings.Contains(k, "rx power") && strings.Contains(k, "low") && strings.Contains(k, "warning"):
			m.RxLowWarnDBm = &dbm
		case threshold && strings.Contains(k, "rx power") && strings.Contains(k, "low") && strings.Contains(k, "alarm"):
			m.RxLowAlarmDBm = &dbm
		case threshold && strings.Contains(k, "rx power") && strings.Contains(k, "high") && strings.Contains(k, "warning"):
			m.RxHighWarnDBm = &dbm
		case threshold:
		case rx:
			if len(m.RxDBm) < maxModuleLanes {
				m.RxDBm = append(m.RxDBm, dbm)
			}
		case tx:
			if len(m.TxDBm) < maxModuleLanes {
				m.TxDBm = append(m.TxDBm, dbm)
			}
		}
	}
	if !found {
		return host.ModulePower{}, noData(cmd, text, "module field")
	}
	return m, p.err()
}

// moduleDBm reads "0.4870 mW / -3.12 dBm", "-3.12 dBm" or "0.4870 mW".
// A power of 0 mW is -40 dBm, the floor ethtool prints.
func moduleDBm(val string) (float64, bool) {
	for part := range strings.SplitSeq(val, "/") {
		part = strings.TrimSpace(part)
		if s, ok := strings.CutSuffix(part, "dBm"); ok {
			v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, false
			}
			return v, true
		}
	}
	for part := range strings.SplitSeq(val, "/") {
		part = strings.TrimSpace(part)
		if s, ok := strings.CutSuffix(part, "mW"); ok {
			v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil || v < 0 || math.IsNaN(v) || math.IsInf(v, 0) {
				return 0, false
			}
			if v == 0 {
				return -40, true
			}
			return 10 * math.Log10(v), true
		}
	}
	return 0, false
}
