package report

import (
	"bytes"
	"encoding/xml"
	"strings"
	"testing"
	"time"

	"github.com/netdoctor/netdoctor/checks"
)

// FuzzParseWaivers: any waiver file is accepted whole, with every waiver
// valid, or refused with an error; never a panic.
func FuzzParseWaivers(f *testing.F) {
	for _, s := range []string{
		`{"waivers": [{"check": "a", "subject": "*", "reason": "r", "expires": "2027-01-01"}]}`,
		`{"waivers": []}`, `{}`, `[]`, `{"waivers": [{}]}`, "", "{\"waivers\": [{\"check\": \"a\"}]} x",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		ws, err := ParseWaivers(bytes.NewReader(b), "w.json", func(id string) bool { return id == "a" })
		if err != nil {
			if ws != nil {
				t.Fatalf("waivers with an error")
			}
			return
		}
		for _, w := range ws {
			if w.Check != "a" || w.Subject == "" || strings.TrimSpace(w.Reason) == "" {
				t.Fatalf("invalid waiver accepted: %+v", w)
			}
			if _, err := time.Parse(waiverDate, w.Expires); err != nil {
				t.Fatalf("bad date accepted: %+v", w)
			}
		}
		_ = ExpiredWaivers(ws, "w.json", time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC))
	})
}

// FuzzJUnitText: whatever the host's text, the JUnit document is XML that
// holds no raw control character.
func FuzzJUnitText(f *testing.F) {
	for _, s := range []string{"eth0", "a\x1b[31mb", "]]></failure><x>", "\xff\xfe", "\u202e", "a\nb"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := &Report{
			Host:     Host{Hostname: s},
			Findings: []Finding{{Rank: 1, Check: "c", Severity: checks.Warning, Subject: s, Summary: s}},
			Checks:   []CheckResult{{ID: "c", Title: s, Verdict: checks.Fail, Reason: s, Findings: 1}, {ID: s, Verdict: checks.NotEvaluated, Reason: s}},
		}
		var b bytes.Buffer
		if err := JUnit(&b, r); err != nil {
			t.Fatal(err)
		}
		d := xml.NewDecoder(bytes.NewReader(b.Bytes()))
		for {
			_, err := d.Token()
			if err != nil {
				if err.Error() != "EOF" {
					t.Fatalf("not XML: %v\n%s", err, b.String())
				}
				break
			}
		}
		for _, c := range b.String() {
			if c < 0x20 && c != '\n' || c == 0x7f || c == 0x1b {
				t.Fatalf("raw control %U in the XML", c)
			}
		}
	})
}
