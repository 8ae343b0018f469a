package checks

import (
	"os"
	"path/filepath"
	"testing"
)

// TestNICLossFaultsNeedTheirCheck: each injected NIC-level fault (a copy
// of healthy-2socket-ht with one counter growing by 10,000/s) gets at
// least a warning from its check, and nothing at warning or above from
// the registry without that check: the check is what makes the host fail
// a --fail-on warning sign-off.
func TestNICLossFaultsNeedTheirCheck(t *testing.T) {
	cases := []struct{ fixture, check string }{
		{"ena-pps-allowance", "cloud-nic-limits"},
		{"gve-no-buffers", "nic-rx-fifo-missed"},
		{"bnxt-discards", "nic-rx-fifo-missed"},
		{"i40e-port-discards", "nic-rx-fifo-missed"},
		{"crc-errors", "nic-link-errors"},
	}
	for _, c := range cases {
		t.Run(c.fixture, func(t *testing.T) {
			dir := filepath.Join(fixturesDir, c.fixture)
			if _, err := os.Stat(filepath.Join(dir, "expect.json")); err != nil {
				t.Skip("fixture not generated: " + dir)
			}
			p, _ := loadFixture(t, dir)
			var with, without []*Check
			for _, ch := range Registry() {
				with = append(with, ch)
				if ch.ID != c.check {
					without = append(without, ch)
				}
			}
			worst := func(outs []Outcome, id string) Severity {
				var s Severity
				for _, o := range outs {
					for _, f := range o.Findings {
						if (id == "" || f.Check == id) && f.Severity > s {
							s = f.Severity
						}
					}
				}
				return s
			}
			if s := worst(Run(NewEvidence(p), with), c.check); s < Warning {
				t.Errorf("%s gives at most %v, want at least a warning", c.check, s)
			}
			if s := worst(Run(NewEvidence(p), without), ""); s >= Warning {
				t.Errorf("without %s the registry still gives a %v: the fixture does not test the check", c.check, s)
			}
		})
	}
}
