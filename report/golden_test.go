package report

import (
	"bytes"
	"flag"
	"github.com/netdoctor/netdoctor/internal/hostview"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/netdoctor/netdoctor/checks"
	"github.com/netdoctor/netdoctor/internal/host"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

type builder func() (*host.Pair, []checks.Outcome, rates, Meta)

var cases = []struct {
	name  string
	build builder
}{
	{"concentration", concentration},
	{"clean", clean},
	{"single", single},
}

var renderers = []struct {
	ext    string
	render func(io.Writer, *Report) error
}{
	{"md", Markdown},
	{"json", JSON},
	{"sh", Script},
}

func buildCase(b builder) *Report {
	p, outs, loads, m := b()
	return buildWith(p, outs, loads, m)
}

// TestGolden compares every renderer's output for every case with
// testdata/CASE.EXT.golden; `go test ./report -update` rewrites them.
func TestGolden(t *testing.T) {
	for _, c := range cases {
		for _, r := range renderers {
			t.Run(c.name+"."+r.ext, func(t *testing.T) {
				var buf bytes.Buffer
				if err := r.render(&buf, buildCase(c.build)); err != nil {
					t.Fatal(err)
				}
				path := filepath.Join("testdata", c.name+"."+r.ext+".golden")
				if *update {
					if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test ./report -update)", err)
				}
				if got := buf.String(); got != string(want) {
					t.Errorf("%s differs from the golden file; diff:\n%s", path, lineDiff(string(want), got))
				}
			})
		}
	}
}

// lineDiff shows the first differing lines of two texts.
func lineDiff(want, got string) string {
	wl, gl := bytes.Split([]byte(want), []byte("\n")), bytes.Split([]byte(got), []byte("\n"))
	var out bytes.Buffer
	shown := 0
	for i := 0; i < max(len(wl), len(gl)) && shown < 10; i++ {
		var w, g []byte
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if !bytes.Equal(w, g) {
			out.WriteString("line ")
			out.WriteString(strconv.Itoa(i + 1))
			out.WriteString("\n- ")
			out.Write(w)
			out.WriteString("\n+ ")
			out.Write(g)
			out.WriteString("\n")
			shown++
		}
	}
	return out.String()
}

// buildWith builds the report of p with rates made by the test, not by
// the host view. The test's outcomes go through the engine first, as real
// ones do: the engine alone fills a finding's defaults.
func buildWith(p *host.Pair, outs []checks.Outcome, l rates, m Meta) *Report {
	return build(hostview.New(p), viaEngine(outs), l, m)
}

// viaEngine runs each outcome's result through checks.Run, with a check
// that returns it.
func viaEngine(outs []checks.Outcome) []checks.Outcome {
	ev := checks.NewEvidence(nil)
	done := make([]checks.Outcome, 0, len(outs))
	for _, o := range outs {
		if o.Check == nil {
			done = append(done, o)
			continue
		}
		stub := *o.Check
		res := checks.Result{Verdict: o.Verdict, Reason: o.Reason, Findings: o.Findings}
		stub.Run = func(*checks.Evidence) checks.Result { return res }
		stub.Growth = false
		r := checks.Run(ev, []*checks.Check{&stub})[0]
		r.Check = o.Check
		done = append(done, r)
	}
	return done
}
