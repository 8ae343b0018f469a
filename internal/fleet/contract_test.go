package fleet

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

// TestContractFields: every JSON field of the summary and the diff is
// named in report/CONTRACT.md's section for it.
func TestContractFields(t *testing.T) {
	doc, err := os.ReadFile("../../report/CONTRACT.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(doc)
	for _, c := range []struct {
		heading string
		v       any
	}{
		{"## The fleet summary", Summary{}},
		{"## The diff", Diff{}},
	} {
		i := strings.Index(text, c.heading)
		if i < 0 {
			t.Fatalf("CONTRACT.md has no section %q", c.heading)
		}
		section := text[i:]
		if j := strings.Index(section[1:], "\n## "); j >= 0 {
			section = section[:j+1]
		}
		for _, f := range jsonFields(reflect.TypeOf(c.v), map[reflect.Type]bool{}) {
			if !strings.Contains(section, "`"+f+"`") {
				t.Errorf("%s: CONTRACT.md does not name the field %s", c.heading, f)
			}
		}
	}
}

// jsonFields lists the JSON names of t's fields and of the structs it
// holds, in this package's types.
func jsonFields(t reflect.Type, seen map[reflect.Type]bool) []string {
	for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct || seen[t] || !strings.HasSuffix(t.PkgPath(), "internal/fleet") {
		return nil
	}
	seen[t] = true
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		out = append(out, name)
		out = append(out, jsonFields(f.Type, seen)...)
	}
	return out
}
