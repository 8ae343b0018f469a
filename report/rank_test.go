package report

import (
	"bytes"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/netdoctor/netdoctor/checks"
)

func TestRank(t *testing.T) {
	f := func(sev checks.Severity, score int, check, subject string) Finding {
		return Finding{Severity: sev, Score: score, Check: check, Subject: subject}
	}
	tests := []struct {
		name string
		in   []Finding
		want []string // check/subject in order
	}{
		{
			name: "severity before score",
			in:   []Finding{f(checks.Notice, 99, "a", "x"), f(checks.Critical, 1, "b", "x"), f(checks.Warning, 50, "c", "x")},
			want: []string{"b/x", "c/x", "a/x"},
		},
		{
			name: "score high first within a severity",
			in:   []Finding{f(checks.Warning, 10, "a", "x"), f(checks.Warning, 90, "b", "x"), f(checks.Warning, 50, "c", "x")},
			want: []string{"b/x", "c/x", "a/x"},
		},
		{
			name: "check ID then subject on equal score",
			in: []Finding{f(checks.Warning, 50, "softnet-backlog-drops", "CPU0"), f(checks.Warning, 50, "irq-concentration", "eth1"),
				f(checks.Warning, 50, "irq-concentration", "eth0")},
			want: []string{"irq-concentration/eth0", "irq-concentration/eth1", "softnet-backlog-drops/CPU0"},
		},
		{
			name: "unknown severity last",
			in:   []Finding{f(0, 100, "a", "x"), f(checks.Notice, 0, "b", "x")},
			want: []string{"b/x", "a/x"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := slices.Clone(tt.in)
			Rank(fs)
			var got []string
			for i, x := range fs {
				got = append(got, x.Check+"/"+x.Subject)
				if x.Rank != i+1 {
					t.Errorf("finding %d has rank %d", i, x.Rank)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("order %v, want %v", got, tt.want)
			}
		})
	}
}

// TestRankIgnoresInputOrder shuffles the findings of the big report and of
// its outcomes: the ranking and every rendering stay byte-identical.
func TestRankIgnoresInputOrder(t *testing.T) {
	p, outs, loads, m := big()
	want := render(t, buildWith(p, outs, loads, m))
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 5; i++ {
		shuffled := slices.Clone(outs)
		for j := range shuffled {
			fs := slices.Clone(shuffled[j].Findings)
			rng.Shuffle(len(fs), func(a, b int) { fs[a], fs[b] = fs[b], fs[a] })
			shuffled[j].Findings = fs
		}
		got := buildWith(p, shuffled, loads, m)
		// The checks table keeps the engine's order; only findings may move.
		if g := render(t, got); !bytes.Equal(g, want) {
			t.Fatalf("shuffle %d changed the report", i)
		}
	}
}

// render concatenates every format of r.
func render(t testing.TB, r *Report) []byte {
	t.Helper()
	var buf bytes.Buffer
	for _, f := range renderers {
		if err := f.render(&buf, r); err != nil {
			t.Fatal(err)
		}
	}
	return buf.Bytes()
}

func TestDeterministic(t *testing.T) {
	for _, c := range append(cases, struct {
		name  string
		build builder
	}{"hostile", hostile}) {
		t.Run(c.name, func(t *testing.T) {
			r := buildCase(c.build)
			a, b := render(t, r), render(t, r)
			if !bytes.Equal(a, b) {
				t.Fatal("two renders of one report differ")
			}
			if c2 := render(t, buildCase(c.build)); !bytes.Equal(a, c2) {
				t.Fatal("two builds of one input differ")
			}
		})
	}
}
