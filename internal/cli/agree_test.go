package cli

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
)

// fixtureArgs lists every fixture with an expect.json and the bundle
// paths the CLI takes for it.
func fixtureArgs(t *testing.T) map[string][]string {
	t.Helper()
	entries, err := os.ReadDir(fixture())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		b, err := os.ReadFile(fixture(e.Name(), "expect.json"))
		if err != nil {
			continue
		}
		var exp struct {
			Bundles []string `json:"bundles"`
		}
		if err := json.Unmarshal(b, &exp); err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		if len(exp.Bundles) == 0 {
			exp.Bundles = []string{"."}
		}
		for _, p := range exp.Bundles {
			out[e.Name()] = append(out[e.Name()], fixture(e.Name(), filepath.FromSlash(p)))
		}
	}
	if len(out) == 0 {
		t.Fatal("no fixture with an expect.json")
	}
	return out
}

// agreeQueue is what report and show both say of one queue vector.
type agreeQueue struct {
	Index    int      `json:"index"`
	Dir      string   `json:"dir"`
	IRQ      int      `json:"irq"`
	CPUs     []int    `json:"cpus"`
	CPUsFrom string   `json:"cpus_from"`
	Rate     *float64 `json:"rate_per_s"`
}

type agreeNICs struct {
	Samples int `json:"samples"`
	NICs    []struct {
		Name   string       `json:"name"`
		Kind   string       `json:"kind"`
		Queues []agreeQueue `json:"queues"`
	} `json:"nics"`
}

// TestReportAndShowAgree: on every fixture, `report --format json` and
// `show --format json` give every queue the same CPUs, the same cpus_from
// spelling and (two samples) the same rate, and every NIC the same kind:
// both read the one host view.
func TestReportAndShowAgree(t *testing.T) {
	for name, args := range fixtureArgs(t) {
		t.Run(name, func(t *testing.T) {
			rep := run(t, append([]string{"report", "--format", "json"}, args...)...)
			shw := run(t, append([]string{"show", "--format", "json"}, args...)...)
			var r, s agreeNICs
			if err := json.Unmarshal([]byte(rep.stdout), &r); err != nil {
				t.Fatalf("report: %v (%s)", err, rep.stderr)
			}
			if err := json.Unmarshal([]byte(shw.stdout), &s); err != nil {
				t.Fatalf("show: %v (%s)", err, shw.stderr)
			}
			type key struct {
				nic        string
				index, irq int
				dir        string
			}
			shown := map[key]agreeQueue{}
			kinds := map[string]string{}
			for _, n := range s.NICs {
				kinds[n.Name] = n.Kind
				for _, q := range n.Queues {
					shown[key{n.Name, q.Index, q.IRQ, q.Dir}] = q
				}
			}
			queues := 0
			for _, n := range r.NICs {
				if k, ok := kinds[n.Name]; !ok || k != n.Kind {
					t.Errorf("%s: report kind %q, show kind %q (listed %v)", n.Name, n.Kind, k, ok)
				}
				for _, q := range n.Queues {
					queues++
					sq, ok := shown[key{n.Name, q.Index, q.IRQ, q.Dir}]
					if !ok {
						t.Errorf("%s queue %d IRQ %d: in the report, not in show", n.Name, q.Index, q.IRQ)
						continue
					}
					if !slices.Equal(q.CPUs, sq.CPUs) || q.CPUsFrom != sq.CPUsFrom {
						t.Errorf("%s IRQ %d: report CPUs %v from %q, show %v from %q", n.Name, q.IRQ, q.CPUs, q.CPUsFrom, sq.CPUs, sq.CPUsFrom)
					}
					if r.Samples == 2 && sq.Rate != nil && (q.Rate == nil || math.Abs(*q.Rate-*sq.Rate) > 0.05+1e-9) {
						t.Errorf("%s IRQ %d: report rate %v, show %v (the report rounds to 0.1)", n.Name, q.IRQ, fmtRatePtr(q.Rate), *sq.Rate)
					}
				}
			}
			if queues != len(shown) {
				t.Errorf("report has %d queues, show %d", queues, len(shown))
			}
		})
	}
}

func fmtRatePtr(r *float64) string {
	if r == nil {
		return "none"
	}
	return strconv.FormatFloat(*r, 'f', -1, 64)
}
