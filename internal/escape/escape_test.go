package escape

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// hostile holds every kind of character a hostile name uses against a
// terminal.
var hostile = []struct {
	name, in, line, text string
}{
	{"plain", "eth0 café", "eth0 café", "eth0 café"},
	{"ESC sequence", "a\x1b[2Jb", `a\u001B[2Jb`, `a\u001B[2Jb`},
	{"BEL", "x\ay", `x\u0007y`, `x\u0007y`},
	{"CR hides the start", "good\rbad", `good\u000Dbad`, `good\u000Dbad`},
	{"backspace and DEL", "a\bb\x7f", `a\u0008b\u007F`, `a\u0008b\u007F`},
	{"C1 CSI", "a\u009b2Jb", `a\u009B2Jb`, `a\u009B2Jb`},
	{"NEL", "a\u0085b", `a\u0085b`, `a\u0085b`},
	{"newline and tab", "a\nb\tc", `a\u000Ab\u0009c`, "a\nb\tc"},
	{"RLO", "abc\u202Egpj.exe", `abc\u202Egpj.exe`, `abc\u202Egpj.exe`},
	{"RLM", "a\u200Fb", `a\u200Fb`, `a\u200Fb`},
	{"ALM", "a\u061Cb", `a\u061Cb`, `a\u061Cb`},
	{"LRI..PDI", "\u2066x\u2069", `\u2066x\u2069`, `\u2066x\u2069`},
	{"zero-width space and joiner", "e\u200Bth\u200D0", `e\u200Bth\u200D0`, `e\u200Bth\u200D0`},
	{"BOM and soft hyphen", "\uFEFFa\u00ADb", `\uFEFFa\u00ADb`, `\uFEFFa\u00ADb`},
	{"line separator", "a\u2028b\u2029", `a\u2028b\u2029`, `a\u2028b\u2029`},
	{"tag character", "a\U000E0041", `a\uDB40\uDC41`, `a\uDB40\uDC41`},
	{"invalid UTF-8", "a\xffb\xc3", "a\uFFFDb\uFFFD", "a\uFFFDb\uFFFD"},
	{"NUL", "a\x00b", `a\u0000b`, `a\u0000b`},
	{"emoji stays", "😀", "😀", "😀"},
}

func TestLineAndText(t *testing.T) {
	for _, c := range hostile {
		t.Run(c.name, func(t *testing.T) {
			if got := Line(c.in); got != c.line {
				t.Errorf("Line(%q) = %q, want %q", c.in, got, c.line)
			}
			if got := Text(c.in); got != c.text {
				t.Errorf("Text(%q) = %q, want %q", c.in, got, c.text)
			}
			if got := string(Bytes([]byte(c.in))); got != c.text {
				t.Errorf("Bytes(%q) = %q, want %q", c.in, got, c.text)
			}
			// Escaped text is safe and escaping it again changes nothing.
			for _, s := range []string{Line(c.in), Text(c.in)} {
				if !safe([]byte(s)) || Text(s) != s {
					t.Errorf("%q is not a fixed point", s)
				}
			}
		})
	}
}

// TestWriterSplitsAnywhere writes every hostile string cut at every byte
// boundary: the result is the same as escaping it whole.
func TestWriterSplitsAnywhere(t *testing.T) {
	for _, c := range hostile {
		in := []byte(c.in + "\n" + c.in)
		want := string(Bytes(in))
		for cut := 0; cut <= len(in); cut++ {
			var b bytes.Buffer
			w := NewWriter(&b)
			for _, part := range [][]byte{in[:cut], in[cut:]} {
				if n, err := w.Write(part); err != nil || n != len(part) {
					t.Fatalf("Write: %d, %v", n, err)
				}
			}
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			if b.String() != want {
				t.Errorf("%s cut at %d: %q, want %q", c.name, cut, b.String(), want)
			}
		}
	}
}

// TestJSONUnchanged: escaping a JSON document leaves every value as it was,
// and the escaped document holds none of the characters.
func TestJSONUnchanged(t *testing.T) {
	var names []string
	for _, c := range hostile {
		names = append(names, c.in)
	}
	checkJSON(t, map[string]any{"names": names, "n": 1.5, "ok": true})
}

func checkJSON(t *testing.T, v any) {
	t.Helper()
	doc, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	esc := Bytes(doc)
	if !safe(esc) {
		t.Fatalf("escaped JSON still unsafe: %q", esc)
	}
	var a, b any
	if err := json.Unmarshal(doc, &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(esc, &b); err != nil {
		t.Fatalf("escaped JSON does not parse: %v\n%s", err, esc)
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("escaping changed the JSON:\n%s\n%s", doc, esc)
	}
}

func FuzzEscape(f *testing.F) {
	for _, c := range hostile {
		f.Add(c.in, 3)
	}
	f.Fuzz(func(t *testing.T, s string, cut int) {
		line, text := Line(s), Text(s)
		if !safe([]byte(line)) || strings.ContainsAny(line, "\n\t") {
			t.Fatalf("Line(%q) = %q", s, line)
		}
		if !safe([]byte(text)) {
			t.Fatalf("Text(%q) = %q", s, text)
		}
		if cut < 0 {
			cut = -cut
		}
		if len(s) > 0 {
			cut %= len(s) + 1
		} else {
			cut = 0
		}
		var b bytes.Buffer
		w := NewWriter(&b)
		w.Write([]byte(s[:cut]))
		w.Write([]byte(s[cut:]))
		w.Flush()
		if b.String() != text {
			t.Fatalf("Writer(%q cut %d) = %q, Text = %q", s, cut, b.String(), text)
		}
		checkJSON(t, s)
	})
}

// BenchmarkBytes escapes a 1 MiB report: the common case (nothing to
// escape) only scans it; the hostile case rewrites it.
func BenchmarkBytes(b *testing.B) {
	safeDoc := bytes.Repeat([]byte("| eth0 | combined-0 | 72 | 0-15 | café |\n"), 1<<20/40)
	hostileDoc := bytes.Repeat([]byte("| eth0\u202e | combined-0 | 72 | \x1b[2J |\n"), 1<<20/40)
	for _, c := range []struct {
		name string
		doc  []byte
	}{{"safe", safeDoc}, {"hostile", hostileDoc}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(c.doc)))
			for b.Loop() {
				Bytes(c.doc)
			}
		})
	}
}
