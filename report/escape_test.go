package report

import (
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/goldmark/extension"

	"github.com/netdoctor/netdoctor/checks"
)

func TestMDText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"eth0", "eth0"},
		{"", ""},
		{"a|b`c", "a\\|b\\`c"},
		{"<img src=x>", "\\<img src=x>"},
		{"[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"},
		{"*bold* _it_ ~s~", "\\*bold\\* \\_it\\_ \\~s\\~"},
		{"net.core.netdev_max_backlog", "net.core.netdev_max_backlog"}, // intraword _ stays
		{"_leading and trailing_", "\\_leading and trailing\\_"},
		{"__init__", "\\_\\_init\\_\\_"},
		{"a\nb\r\nc\td", "a b  c d"},
		{"bell\a", "bell\\u0007"},
		{"rlo\u202egnp", "rlo\\u202Egnp"},
		{"sep\u2028x", "sep x"},
		{"bad\xff", "bad\uFFFD"},
		{`back\slash`, `back\\slash`},
		{"&lt; & &#60;", "\\&lt; \\& \\&\\#60;"},
		{"see http://x.example and WWW.x.example", "see http\\://x.example and WWW\\.x.example"},
		{"@team #12 {.class} !", "\\@team \\#12 \\{.class\\} \\!"},
		{"(120-123) >= 2", "(120-123) >= 2"},
	}
	for _, tt := range tests {
		if got := mdText(tt.in); got != tt.want {
			t.Errorf("mdText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestMDBlock(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "plain"},
		{"- item", "\\- item"},
		{"+ item", "\\+ item"},
		{"> quote", "\\> quote"},
		{"=== x", "\\=== x"},
		{"12. ordered", "12\\. ordered"},
		{"3) ordered", "3\\) ordered"},
		{"2024 was", "2024 was"},
		{"    code?", "code?"},
		{"# heading", "\\# heading"},
		{"\n## injected", "\\#\\# injected"},
		{"1.5 GHz", "1\\.5 GHz"},
	}
	for _, tt := range tests {
		if got := mdBlock(tt.in); got != tt.want {
			t.Errorf("mdBlock(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFence(t *testing.T) {
	tests := []struct {
		body string
		want int
	}{
		{"echo", 3},
		{"a ` b", 3},
		{"```", 4},
		{"x\n````\ny", 5},
		{"`` ``````` `", 8},
	}
	for _, tt := range tests {
		if got := fence(tt.body); got != strings.Repeat("`", tt.want) {
			t.Errorf("fence(%q) = %q, want %d backticks", tt.body, got, tt.want)
		}
	}
}

func TestOneLineAndRunnable(t *testing.T) {
	tests := []struct {
		in       string
		one      string
		runnable bool
	}{
		{"sysctl -w a=1", "sysctl -w a=1", true},
		{"a\nrm -rf /", "a rm -rf /", true}, // a multi-line command is allowed; a comment is not
		{"x\r\ny", "x  y", false},
		{"echo \x1b[2K", "echo \\u001B[2K", false},
		{"rlo\u202e", "rlo\\u202E", false},
		{"nel\u0085x", "nel x", false},
		{"bad\xff", "bad\uFFFD", false},
		{"   ", "", false},
		{"\tindented\t", "indented", true},
	}
	for _, tt := range tests {
		if got := oneLine(tt.in); got != tt.one {
			t.Errorf("oneLine(%q) = %q, want %q", tt.in, got, tt.one)
		}
		if got := runnable(tt.in); got != tt.runnable {
			t.Errorf("runnable(%q) = %v, want %v", tt.in, got, tt.runnable)
		}
	}
}

// display is what an escaped text must render as: mdText's substitutions
// without its escapes.
func display(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	for _, r := range s {
		switch {
		case lineBreak(r) || r == '\t':
			b.WriteByte(' ')
		case invisible(r):
			writeEscape(&b, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

var (
	fuzzCellRE = regexp.MustCompile(`(?s)<tbody>\s*<tr>\s*<td>(.*?)</td>\s*<td>(.*?)</td>\s*</tr>\s*</tbody>`)
	fuzzH3RE   = regexp.MustCompile(`(?s)<h3>1\.(.*?)</h3>`)
)

// FuzzMarkdownEscape puts arbitrary text in each Markdown context the
// report uses and checks with goldmark that it creates no element, keeps
// the table's two columns, leaves the heading whole, and reads back as the
// text itself. Seeds: the hostile names of the report tests and real
// names (kernel 5.14 RHEL 9 release, an mlx5 IRQ action, a Java cmdline).
func FuzzMarkdownEscape(f *testing.F) {
	for _, s := range []string{
		"", "eth0", "5.14.0-362.8.1.el9_3.x86_64", "mlx5_comp0@pci:0000:3b:00.0",
		"java -Xmx4g -cp /opt/app/*:/opt/lib/* com.example.Main --port=8080",
		hostileProc, hostileIface, hostileHost, hostileCmdline, hostileURL, hostileControls,
		"- x", "1. x", "> x", "***", "___", "<!-- c -->", "&amp;", "\\", "x\\", "`", "|", "\\|",
		"[a]: http://x", "![i](x.png)", "<http://x>", "~~s~~", "**b**", "a_b_c", "_a_",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		text, block := mdText(s), mdBlock(s)
		md := "| h1 | h2 |\n|---|---|\n| " + text + " | x |\n\n### 1. " + text + "\n\n- " + block + "\n\n" + block + "\n"
		htm := toHTML(t, []byte(md), extension.GFM)
		for _, m := range tagRE.FindAllStringSubmatch(htm, -1) {
			switch m[2] {
			case "table", "thead", "tbody", "tr", "th", "td", "h3", "ul", "li", "p":
			default:
				t.Fatalf("element <%s> from %q:\n%s", m[2], s, htm)
			}
		}
		if strings.Contains(htm, "<!--") {
			t.Fatalf("raw HTML from %q", s)
		}
		want := strings.Trim(display(s), " ")
		cells := fuzzCellRE.FindStringSubmatch(htm)
		if cells == nil {
			t.Fatalf("table lost its shape for %q:\n%s", s, htm)
		}
		if got := html.UnescapeString(cells[1]); got != want {
			t.Fatalf("cell renders %q, want %q (input %q)", got, want, s)
		}
		if cells[2] != "x" {
			t.Fatalf("second cell %q for %q", cells[2], s)
		}
		h := fuzzH3RE.FindStringSubmatch(htm)
		if h == nil {
			t.Fatalf("heading lost for %q:\n%s", s, htm)
		}
		if got := html.UnescapeString(h[1]); strings.Trim(got, " ") != want {
			t.Fatalf("heading renders %q, want %q (input %q)", got, want, s)
		}
		if n := strings.Count(htm, "<li>") + strings.Count(htm, "<li "); n != 1 {
			t.Fatalf("%d list items for %q:\n%s", n, s, htm)
		}
	})
}

// FuzzScriptComments puts arbitrary text in every commented field of a
// script and checks that no line of it escapes its comment.
func FuzzScriptComments(f *testing.F) {
	for _, s := range []string{"eth0", hostileProc, hostileCmdline, hostileControls, "x\ntrue", "x\rtrue", "x\u2028true", "\\\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r := &Report{
			Tool: Tool{Name: s, Version: s, Command: s},
			Host: Host{Hostname: s}, Samples: 1, SampleTimes: nil,
			Source: Source{Kind: s, Paths: []string{s}},
			Findings: []Finding{{
				Rank: 1, Check: s, Subject: s, Summary: s,
				Commands: []Command{
					{Run: "true", Kind: checks.Change, Why: s, Caveats: []string{s}},
					{Run: "sysctl -p", Kind: checks.Change, Why: s, Persistent: true, Caveats: []string{s, s}},
					{Run: s, Kind: checks.Change, Why: s},
					{Run: s, Kind: checks.Verify, Why: s},
					{Run: s, Why: s},
				},
			}},
		}
		var b strings.Builder
		if err := Script(&b, r); err != nil {
			t.Fatal(err)
		}
		run := strings.TrimRight(s, "\n")
		for _, line := range strings.Split(b.String(), "\n") {
			switch {
			case line == "", line == "#", strings.HasPrefix(line, "# "), strings.HasPrefix(line, "#   "),
				line == "#!/bin/sh", line == "set -eu", line == scriptGuard, line == "true", line == "sysctl -p":
			case runnable(run) && strings.Contains(run, line):
				// The third command, when it may run, is written as given.
			default:
				t.Fatalf("line %q escaped its comment (input %q)", line, s)
			}
			if strings.ContainsAny(line, "\r\v\f\u0085\u2028\u2029") {
				t.Fatalf("line %q carries a line break (input %q)", line, s)
			}
		}
	})
}
