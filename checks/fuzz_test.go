package checks

import (
	"encoding/json"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

// FuzzChecks feeds arbitrary host models (JSON of one or two snapshots)
// to the evidence and every check: no check may panic (the engine would
// turn it into an error verdict) or give an inconsistent verdict, however
// odd the model: negative CPU IDs, IRQs missing from a sample, counters
// going backwards, duplicate NICs, NaN-prone zero intervals; and every
// command a check builds has an explicit kind, no change a placeholder.
func FuzzChecks(f *testing.F) {
	seed := func(s *host.Snapshot, after func(a *host.Snapshot)) {
		b, _ := json.Marshal(s)
		a := clone(f, s)
		a.Time = s.Time.Add(interval)
		if after != nil {
			after(a)
		}
		c, _ := json.Marshal(a)
		f.Add(b, c)
		f.Add(b, []byte(nil))
	}
	seed(concHost([]int{0, 0, 0, 0}), func(a *host.Snapshot) {
		for irq := 100; irq < 104; irq++ {
			irqRate(a, irq, 0, 30000)
		}
		a.Softnet[0].Dropped += 100
	})
	seed(htHost(), nil)
	seed(fifoHost(), func(a *host.Snapshot) { a.NICs[0].Stats["rx_missed_errors"] = 0 })
	seed(appHost(0), func(a *host.Snapshot) { irqRate(a, 100, 0, 90000); a.Procs[3].Threads[0].UTime += 400 })
	s := twoSocketHT()
	addNIC(s, "eth2", "ixgbe", 1, 140, 8, []int{0, 1, 2, 3, 4, 5, 6, 7})
	s.Sysctls["net.ipv4.tcp_tw_recycle"] = "1"
	seed(s, nil)

	f.Fuzz(func(t *testing.T, a, b []byte) {
		var before, after host.Snapshot
		if json.Unmarshal(a, &before) != nil {
			return
		}
		p := host.Single(&before)
		if len(b) > 0 {
			if json.Unmarshal(b, &after) != nil {
				return
			}
			var err error
			if p, err = host.NewPair(&before, &after); err != nil {
				return
			}
		}
		for _, o := range Run(NewEvidence(p), Registry()) {
			if o.Verdict == Error {
				t.Fatalf("%s: %s", o.Check.ID, o.Reason)
			}
			if (o.Verdict == Fail) != (len(o.Findings) > 0) {
				t.Fatalf("%s: %s with %d findings", o.Check.ID, o.Verdict, len(o.Findings))
			}
			for _, fd := range o.Findings {
				if fd.Score < 0 || fd.Score > 100 || fd.Summary == "" {
					t.Fatalf("%s: bad finding %+v", o.Check.ID, fd)
				}
			}
		}
		// Every command is classified by the check itself, and no change
		// holds a placeholder or blocks.
		for _, c := range Registry() {
			if bad := rawKindProblems(t, c, p); len(bad) > 0 {
				t.Fatalf("%s", bad[0])
			}
		}
	})
}
