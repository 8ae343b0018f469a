package fleet

import (
	"bytes"
	"github.com/netdoctor/netdoctor/internal/bundle"
	"testing"

	"github.com/netdoctor/netdoctor/report"
)

// FuzzDecodeReport: a JSON report read back (untrusted: any file a fleet
// directory holds) never panics DecodeReport, and what it accepts renders
// in every summary format.
func FuzzDecodeReport(f *testing.F) {
	r, err := BundleReport([]string{"../../fixtures/irq-cpu0"}, bundle.DefaultLimits(), testMeta)
	if err != nil {
		f.Fatal(err)
	}
	var b bytes.Buffer
	if err := report.JSON(&b, r); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte(`{"schema_version": 2, "tool": {"name": "netdoctor"}}`))
	f.Add([]byte(`{"schema_version": 1, "tool": {"name": "netdoctor"}, "findings": [{"severity": "bogus"}]}`))
	f.Add([]byte(`{"schema_version": 1, "tool": {"name": "netdoctor"}, "totals": {}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := DecodeReport(data)
		if err != nil {
			return
		}
		s := Build([]Host{{Input: "x.json", Report: r}}, nil, Meta{})
		for _, render := range []func(*bytes.Buffer, *Summary) error{
			func(w *bytes.Buffer, s *Summary) error { return Markdown(w, s) },
			func(w *bytes.Buffer, s *Summary) error { return HTML(w, s) },
			func(w *bytes.Buffer, s *Summary) error { return JSON(w, s) },
		} {
			var out bytes.Buffer
			if err := render(&out, s); err != nil {
				t.Fatal(err)
			}
		}
		d := BuildDiff("a", r, "b", r, Meta{})
		if len(d.Added)+len(d.Resolved) != 0 {
			t.Fatalf("a report differs from itself: %+v", d)
		}
	})
}
