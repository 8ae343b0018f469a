package checks

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/bundle"
	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/source"
)

// The generic fixture test: every fixtures/*/ directory with an
// expect.json is loaded, every registered check runs, and the complete
// finding set must equal the expectation — a missing finding and an
// unexpected one (a false positive) both fail — and every listed verdict
// must match.

// fixturesDir is the repository's fixtures folder, from this package.
const fixturesDir = "../fixtures"

// expectFile is a fixture's expect.json.
type expectFile struct {
	// Bundles are the paths to load, relative to the fixture directory.
	Bundles  []string          `json:"bundles"`
	Findings []expectFinding   `json:"findings"`
	Verdicts map[string]string `json:"verdicts"`
	Model    struct {
		// InputsNotOK are the inputs the fixture withholds on purpose.
		InputsNotOK []struct {
			Name    string `json:"name"`
			Subject string `json:"subject"`
			Status  string `json:"status"`
		} `json:"inputs_not_ok"`
	} `json:"model"`
}

// expectFinding is one expected finding. An empty subject matches any; an
// absent cpus or pids list matches any, a present one must be equal.
type expectFinding struct {
	Check    string `json:"check"`
	Subject  string `json:"subject"`
	CPUs     *[]int `json:"cpus"`
	PIDs     *[]int `json:"pids"`
	Severity string `json:"severity"`
}

func (e expectFinding) String() string {
	s := e.Check + " subject=" + e.Subject
	if e.CPUs != nil {
		s += " cpus=" + cpuList(*e.CPUs)
	}
	if e.PIDs != nil {
		s += fmt.Sprintf(" pids=%v", *e.PIDs)
	}
	return s + " " + e.Severity
}

func (e expectFinding) matches(f Finding) bool {
	if e.Check != f.Check || e.Severity != f.Severity.String() {
		return false
	}
	if e.Subject != "" && e.Subject != f.Subject {
		return false
	}
	if e.CPUs != nil && !slices.Equal(host.SortedCPUs(*e.CPUs), host.SortedCPUs(f.CPUs)) {
		return false
	}
	if e.PIDs != nil && !slices.Equal(host.SortedCPUs(*e.PIDs), host.SortedCPUs(f.PIDs)) {
		return false
	}
	return true
}

func findingString(f Finding) string {
	return fmt.Sprintf("%s subject=%s cpus=%s pids=%v %s (%s)", f.Check, f.Subject, cpuList(f.CPUs), f.PIDs, f.Severity, f.Summary)
}

// fixtureDirs lists the fixture directories that hold an expect.json.
func fixtureDirs(t testing.TB) []string {
	t.Helper()
	root := fixturesDir
	if d := os.Getenv("NETDOCTOR_FIXTURES"); d != "" {
		root = d // a freshly generated set (go run ./internal/fixturegen/gen -out DIR)
	}
	entries, err := os.ReadDir(root)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var dirs []string
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		dir := filepath.Join(root, e.Name())
		if _, err := os.Stat(filepath.Join(dir, "expect.json")); err == nil {
			dirs = append(dirs, dir)
		}
	}
	sort.Strings(dirs)
	return dirs
}

func loadFixture(t testing.TB, dir string) (*host.Pair, expectFile) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "expect.json"))
	if err != nil {
		t.Fatal(err)
	}
	var exp expectFile
	if err := json.Unmarshal(b, &exp); err != nil {
		t.Fatalf("expect.json: %v", err)
	}
	if len(exp.Bundles) == 0 {
		exp.Bundles = []string{"."}
	}
	paths := make([]string, len(exp.Bundles))
	for i, p := range exp.Bundles {
		paths[i] = filepath.Join(dir, filepath.FromSlash(p))
	}
	p, err := source.Load(paths, source.Options{Limits: bundle.DefaultLimits()})
	if err != nil {
		t.Fatalf("load %v: %v", paths, err)
	}
	return p, exp
}

func TestFixtures(t *testing.T) {
	dirs := fixtureDirs(t)
	if len(dirs) == 0 {
		t.Skip("no fixtures with expect.json under " + fixturesDir)
	}
	known := map[string]bool{}
	for _, c := range Registry() {
		known[c.ID] = true
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			p, exp := loadFixture(t, dir)
			outcomes := Run(NewEvidence(p), Registry())
			var got []Finding
			verdicts := map[string]Outcome{}
			for _, o := range outcomes {
				got = append(got, o.Findings...)
				verdicts[o.Check.ID] = o
			}
			// Expected findings are matched one to one.
			used := make([]bool, len(got))
			var missing []string
			for _, e := range exp.Findings {
				if !known[e.Check] {
					t.Errorf("expect.json names unknown check %q", e.Check)
				}
				found := false
				for i, f := range got {
					if !used[i] && e.matches(f) {
						used[i], found = true, true
						break
					}
				}
				if !found {
					missing = append(missing, e.String())
				}
			}
			var unexpected []string
			for i, f := range got {
				if !used[i] {
					unexpected = append(unexpected, findingString(f))
				}
			}
			if len(missing) > 0 {
				t.Errorf("missing findings:\n  %s", strings.Join(missing, "\n  "))
			}
			if len(unexpected) > 0 {
				t.Errorf("unexpected findings:\n  %s", strings.Join(unexpected, "\n  "))
			}
			if len(missing) > 0 || len(unexpected) > 0 {
				t.Logf("all findings:\n  %s", strings.Join(mapSlice(got, findingString), "\n  "))
			}
			ids := make([]string, 0, len(exp.Verdicts))
			for id := range exp.Verdicts {
				ids = append(ids, id)
			}
			sort.Strings(ids)
			for _, id := range ids {
				want := exp.Verdicts[id]
				o, ok := verdicts[id]
				if !ok {
					t.Errorf("expect.json names unknown check %q", id)
					continue
				}
				if string(o.Verdict) != want {
					t.Errorf("%s: verdict %s (%s), want %s", id, o.Verdict, o.Reason, want)
				}
			}
			for _, o := range outcomes {
				if o.Verdict == Error {
					t.Errorf("%s: error: %s", o.Check.ID, o.Reason)
				}
			}
		})
	}
}

func mapSlice[T, U any](in []T, f func(T) U) []U {
	out := make([]U, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

// TestFixturesDeclareMissingInputs: every input the loader records as not
// ok in a fixture is one the fixture withholds on purpose (expect.json's
// model.inputs_not_ok). A new input the generator does not write yet fails
// here, in every fixture, instead of reading as missing unnoticed.
func TestFixturesDeclareMissingInputs(t *testing.T) {
	dirs := fixtureDirs(t)
	if len(dirs) == 0 {
		t.Skip("no fixtures with expect.json under " + fixturesDir)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			p, exp := loadFixture(t, dir)
			declared := map[string]bool{}
			for _, in := range exp.Model.InputsNotOK {
				declared[in.Name+"/"+in.Subject+"/"+in.Status] = true
			}
			for _, s := range []*host.Snapshot{p.Before, p.After} {
				if s == nil {
					continue
				}
				for _, in := range s.Inputs {
					// ethtool questions a driver does not answer are normal.
					if in.Status == host.StatusOK || strings.Contains(in.Reason, "holds no data") {
						continue
					}
					if !declared[in.Name+"/"+in.Subject+"/"+string(in.Status)] {
						t.Errorf("input %s %q is %s (%s) but the fixture does not declare it in inputs_not_ok: make the generator write it, or declare it",
							in.Name, in.Subject, in.Status, in.Reason)
					}
				}
			}
		})
	}
}
