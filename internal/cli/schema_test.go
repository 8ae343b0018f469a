package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// compileSchema compiles one of docs/schema/*.schema.json with format
// assertions on (date-time is checked).
func compileSchema(t *testing.T, name string) *jsonschema.Schema {
	t.Helper()
	path := filepath.Join("..", "..", "docs", "schema", name)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource(name, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(name)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return s
}

func validate(t *testing.T, s *jsonschema.Schema, what string, b []byte) error {
	t.Helper()
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: not JSON: %v", what, err)
	}
	return s.Validate(inst)
}

// Every golden JSON report, the JSON report of every fixture and the show
// JSON of every fixture are valid against the published schemas; and the
// schemas reject what the contract forbids.
func TestJSONSchemas(t *testing.T) {
	rs := compileSchema(t, "report.schema.json")
	ss := compileSchema(t, "show.schema.json")
	// The summary and diff goldens (summary-*, diff-*) have contracts of
	// their own, without a published schema.
	goldens, _ := filepath.Glob(filepath.Join("testdata", "report-*.json.golden"))
	more, _ := filepath.Glob(filepath.Join("..", "..", "report", "testdata", "*.json.golden"))
	goldens = append(goldens, more...)
	if len(goldens) < 6 {
		t.Fatalf("only %d golden JSON files", len(goldens))
	}
	for _, g := range goldens {
		b, err := os.ReadFile(g)
		if err != nil {
			t.Fatal(err)
		}
		if err := validate(t, rs, g, b); err != nil {
			t.Errorf("%s: %v", g, err)
		}
	}
	dirs, _ := os.ReadDir(fixture())
	n := 0
	for _, d := range dirs {
		if !d.IsDir() || strings.HasPrefix(d.Name(), ".") {
			continue
		}
		n++
		args := []string{fixture(d.Name())}
		if sos, _ := filepath.Glob(filepath.Join(fixture(d.Name()), "sosreport-*")); len(sos) == 2 {
			args = sos // two sosreports of one host, named in time order
		}
		r := run(t, append([]string{"report", "--format", "json"}, args...)...)
		if r.code == 2 || r.stdout == "" {
			t.Errorf("%s: exit %d: %s", d.Name(), r.code, r.stderr)
			continue
		}
		if err := validate(t, rs, d.Name(), []byte(r.stdout)); err != nil {
			t.Errorf("report of %s: %v", d.Name(), err)
		}
		s := run(t, append([]string{"show", "--format", "json"}, args...)...)
		if s.code != 0 {
			t.Errorf("show %s: exit %d: %s", d.Name(), s.code, s.stderr)
			continue
		}
		if err := validate(t, ss, d.Name(), []byte(s.stdout)); err != nil {
			t.Errorf("show of %s: %v", d.Name(), err)
		}
	}
	if n < 5 {
		t.Errorf("only %d fixtures", n)
	}

	// The schema is not a rubber stamp.
	good, err := os.ReadFile(filepath.Join("testdata", "report-irq-cpu0.json.golden"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ name, from, to string }{
		{"null list", `"pids": []`, `"pids": null`},
		{"unknown severity", `"severity": "critical"`, `"severity": "fatal"`},
		{"unknown verdict", `"verdict": "pass"`, `"verdict": "ok"`},
		{"bad time", `"generated": "2026-01-02T03:04:05Z"`, `"generated": "yesterday"`},
		{"missing field", `"load_window": "5.0 s interval",`, ``},
		{"other schema version", `"schema_version": 2`, `"schema_version": 1`},
	} {
		bad := strings.Replace(string(good), c.from, c.to, 1)
		if bad == string(good) {
			t.Fatalf("%s: %q not in the golden file", c.name, c.from)
		}
		if validate(t, rs, c.name, []byte(bad)) == nil {
			t.Errorf("%s: the schema accepts it", c.name)
		}
	}
}
