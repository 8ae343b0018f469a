package checks

import (
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func TestValidateRegistry(t *testing.T) {
	if err := Validate(Registry()); err != nil {
		t.Fatal(err)
	}
	for _, c := range Registry() {
		if Lookup(c.ID) != c {
			t.Errorf("Lookup(%q) does not find it", c.ID)
		}
	}
	if Lookup("no-such-check") != nil {
		t.Error("Lookup of an unknown ID")
	}
	// The registry is a fresh slice: callers cannot reorder it for others.
	r := Registry()
	r[0] = nil
	if Registry()[0] == nil {
		t.Error("Registry returned a shared slice")
	}
}

// Each check's Doc names its thresholds' values.
func TestDocsNameThresholds(t *testing.T) {
	want := map[*Check][]string{
		IRQConcentration:    {fmtInt(uint64(ConcentrationCriticalRate)), fmtInt(uint64(ConcentrationConfidentRate)), "80 %", "95 %", "80 interrupts/s"},
		NICNUMARemote:       {"50 %", fmt.Sprint(NUMARemoteFarDistance)},
		SoftnetBacklogDrops: {"10 drops/s", "1000", "300"},
		NICRxFIFOMissed:     {"1.0 %"},
		IRQHTSiblings:       {fmtInt(uint64(HTSiblingCriticalNetRX))},
		TCPTwRecycleNAT:     {"4.12", "PAWSPassive"},
		AppOnIRQCPUs:        {"40,000", "80,000", "10 %", "50 %"},
	}
	for c, ws := range want {
		for _, w := range ws {
			if !strings.Contains(c.Doc, w) {
				t.Errorf("%s: Doc does not mention %q", c.ID, w)
			}
		}
	}
}

func TestValidateCatchesBadChecks(t *testing.T) {
	good := func() *Check {
		return &Check{
			ID: "good-check", Title: "A good check", Severity: Warning,
			Doc:   "Finds x.\n\n## Why it matters\n\nBecause.\n\n## When it does not apply\n\nNever.\n\n## Thresholds\n\n- 1\n\n## Fix and risks\n\nNone.\n",
			Needs: []string{"interrupts"},
			Run:   func(*Evidence) Result { return Result{Verdict: Pass} },
		}
	}
	if err := Validate([]*Check{good()}); err != nil {
		t.Fatalf("good check rejected: %v", err)
	}
	tests := []struct {
		name string
		bad  func(c *Check)
		want string
	}{
		{"camel-case ID", func(c *Check) { c.ID = "goodCheck" }, "kebab-case"},
		{"trailing dash", func(c *Check) { c.ID = "good-" }, "kebab-case"},
		{"empty title", func(c *Check) { c.Title = "" }, "empty title"},
		{"two-line title", func(c *Check) { c.Title = "A good\ncheck" }, "one line"},
		{"title with a period", func(c *Check) { c.Title = "A good check." }, "period"},
		{"no severity", func(c *Check) { c.Severity = 0 }, "severity"},
		{"nil Run", func(c *Check) { c.Run = nil }, "Run is nil"},
		{"unknown input", func(c *Check) { c.Needs = []string{"interrupts", "proc_interrupts"} }, `unknown input "proc_interrupts"`},
		{"no inputs", func(c *Check) { c.Needs = nil }, "Needs is empty"},
		{"empty doc", func(c *Check) { c.Doc = " \n" }, "empty Doc"},
		{"doc without fix section", func(c *Check) {
			c.Doc = strings.Replace(c.Doc, "## Fix and risks", "## Fixes", 1)
		}, `"Fix and risks"`},
		{"doc sections out of order", func(c *Check) {
			c.Doc = "## Thresholds\n\nx\n\n## Why it matters\n\nx\n\n## When it does not apply\n\nx\n\n## Fix and risks\n\nx\n"
		}, "lacks the section"},
		{"empty doc section", func(c *Check) {
			c.Doc = strings.Replace(c.Doc, "- 1\n", "", 1)
		}, `"Thresholds" is empty`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := good()
			tc.bad(c)
			err := Validate([]*Check{c})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Validate = %v, want an error containing %q", err, tc.want)
			}
		})
	}
	t.Run("duplicate IDs", func(t *testing.T) {
		err := Validate([]*Check{good(), good()})
		if err == nil || !strings.Contains(err.Error(), "duplicate ID") {
			t.Errorf("Validate = %v", err)
		}
	})
	t.Run("nil check", func(t *testing.T) {
		if err := Validate([]*Check{nil}); err == nil {
			t.Error("nil check accepted")
		}
	})
}

// TestReadmeListsTheRegistry: the README's list of check IDs (part of the
// JSON contract) is the registry's, in report order.
func TestReadmeListsTheRegistry(t *testing.T) {
	b, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	const start, end = "The check IDs are part of the contract:", "(`netdoctor checks`"
	text := string(b)
	i := strings.Index(text, start)
	j := strings.Index(text[max(i, 0):], end)
	if i < 0 || j < 0 {
		t.Fatalf("README.md has no sentence %q ... %q listing the check IDs", start, end)
	}
	var listed []string
	for _, m := range regexp.MustCompile("`([a-z0-9-]+)`").FindAllStringSubmatch(text[i:i+j], -1) {
		listed = append(listed, m[1])
	}
	var ids []string
	for _, c := range Registry() {
		ids = append(ids, c.ID)
	}
	if !slices.Equal(listed, ids) {
		t.Errorf("README.md lists the checks %v; the registry has %v", listed, ids)
	}
}
