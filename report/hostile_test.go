package report

import (
	"bytes"
	"html"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"
)

// toHTML renders Markdown as a ticket system or the later HTML report
// would: goldmark in its default safe mode with the given extensions.
func toHTML(t testing.TB, md []byte, ext ...goldmark.Extender) string {
	t.Helper()
	var out bytes.Buffer
	if err := goldmark.New(goldmark.WithExtensions(ext...)).Convert(md, &out); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

var (
	tagRE     = regexp.MustCompile(`<(/?)([a-zA-Z][a-zA-Z0-9]*)`)
	headingRE = regexp.MustCompile(`(?s)<h([1-6])[^>]*>(.*?)</h[1-6]>`)
	rowRE     = regexp.MustCompile(`(?s)<tr>(.*?)</tr>`)
	cellRE    = regexp.MustCompile(`(?s)<t[hd][^>]*>(.*?)</t[hd]>`)
	preRE     = regexp.MustCompile(`(?s)<pre><code[^>]*>(.*?)</code></pre>`)
)

// reportTags are the only elements the report's Markdown may produce.
var reportTags = []string{"h1", "h2", "h3", "p", "table", "thead", "tbody", "tr", "th", "td", "pre", "code", "ul", "li", "strong", "details", "summary"}

// assertOnlyTags fails on any element outside allowed and on raw HTML.
func assertOnlyTags(t *testing.T, htm string, allowed []string) {
	t.Helper()
	for _, m := range tagRE.FindAllStringSubmatch(htm, -1) {
		if !slices.Contains(allowed, m[2]) {
			t.Errorf("HTML has a <%s> element", m[2])
		}
	}
	if strings.Contains(htm, "<!--") {
		t.Errorf("HTML has an omitted raw HTML comment: some text was read as a tag")
	}
	for _, bad := range []string{"<img", "<a ", "<a>", "<script", "href="} {
		if strings.Contains(htm, bad) {
			t.Errorf("HTML contains %q", bad)
		}
	}
}

// mdTableRows returns the cell count of every row of every table in md,
// splitting rows at pipes that no backslash escapes.
func mdTableRows(md string) [][]int {
	var tables [][]int
	var cur []int
	for _, line := range strings.Split(md, "\n") {
		if !strings.HasPrefix(line, "|") {
			if cur != nil {
				tables = append(tables, cur)
				cur = nil
			}
			continue
		}
		n, esc := 0, false
		for i := 0; i < len(line); i++ {
			switch {
			case esc:
				esc = false
			case line[i] == '\\':
				esc = true
			case line[i] == '|':
				n++
			}
		}
		cur = append(cur, n-1)
	}
	if cur != nil {
		tables = append(tables, cur)
	}
	return tables
}

func TestMarkdownHostile(t *testing.T) {
	r := buildCase(hostile)
	var buf bytes.Buffer
	if err := Markdown(&buf, r); err != nil {
		t.Fatal(err)
	}
	md := buf.String()

	for i, rows := range mdTableRows(md) {
		for j, n := range rows {
			if n != rows[0] {
				t.Errorf("table %d row %d has %d cells, header %d", i, j, n, rows[0])
			}
		}
	}

	for _, v := range []struct {
		name string
		ext  []goldmark.Extender
	}{
		{"table", []goldmark.Extender{extension.Table}},
		{"gfm", []goldmark.Extender{extension.GFM}}, // adds autolinks, strikethrough, task lists
	} {
		t.Run(v.name, func(t *testing.T) {
			htm := toHTML(t, buf.Bytes(), v.ext...)
			assertOnlyTags(t, htm, reportTags)

			var heads []string
			for _, m := range headingRE.FindAllStringSubmatch(htm, -1) {
				heads = append(heads, "h"+m[1]+" "+html.UnescapeString(m[2]))
			}
			want := []string{
				"h1 " + hostileProc + " report: " + hostileHost,
				"h2 Interfaces",
				"h2 Findings",
				"h3 1. [WARNING] app-on-irq-cpus — " + hostileProc,
				"h2 Where packets died",
				"h2 Checks",
				"h2 Inputs",
			}
			if !slices.Equal(heads, want) {
				t.Errorf("headings:\n got %q\nwant %q", heads, want)
			}

			// Every table row keeps its cells, and hostile names show whole.
			for _, row := range rowRE.FindAllStringSubmatch(htm, -1) {
				cells := cellRE.FindAllStringSubmatch(row[1], -1)
				if len(cells) < 2 {
					t.Errorf("row with %d cells: %q", len(cells), row[1])
				}
			}
			for _, cell := range []string{hostileIface, hostileProc, hostileHost, "0000:3b:00.0|x", "<i>drv</i>"} {
				if !strings.Contains(htm, "<td>"+html.EscapeString(cell)+"</td>") &&
					!strings.Contains(htm, "<th>"+html.EscapeString(cell)+"</th>") {
					t.Errorf("no table cell holds exactly %q", cell)
				}
			}

			// Four commands, each in its own block, none closed early.
			pres := preRE.FindAllStringSubmatch(htm, -1)
			if len(pres) != 4 {
				t.Fatalf("%d code blocks, want 4", len(pres))
			}
			for i, wantRun := range []string{
				"taskset -acp 1-3 666 # was run as: ```",
				`echo hidden\u001B[2K\u000Drm -rf /`,
				"cat <<'EOF'\n```\n## not a heading\n````\nEOF",
				"ethtool -L '" + hostileIface + "' combined 4",
			} {
				if got := html.UnescapeString(pres[i][1]); !strings.Contains(got, wantRun) {
					t.Errorf("code block %d = %q, want it to hold %q", i, got, wantRun)
				}
			}
			if strings.ContainsAny(htm, "\x1b\a\x00\u202e\u2028") {
				t.Errorf("HTML carries a raw control or bidi character")
			}
		})
	}
}

func TestScriptHostile(t *testing.T) {
	r := buildCase(hostile)
	var buf bytes.Buffer
	if err := Script(&buf, r); err != nil {
		t.Fatal(err)
	}
	sh := buf.String()
	allowed := map[string]bool{
		"": true, "#!/bin/sh": true, "set -eu": true, scriptGuard: true,
		"taskset -acp 1-3 666 # was run as: ```":       true,
		"ethtool -L '" + hostileIface + "' combined 4": true,
		"cat <<'EOF'": true, "```": true, "## not a heading": true, "````": true, "EOF": true,
	}
	for i, line := range strings.Split(sh, "\n") {
		if (strings.HasPrefix(line, "# ") || line == "#") && line != "## not a heading" {
			continue
		}
		if !allowed[line] {
			t.Errorf("line %d is code the report did not suggest: %q", i+1, line)
		}
	}
	if strings.ContainsAny(sh, "\r\x1b\a\x00\v\f\u0085\u2028\u2029\u202e") {
		t.Errorf("script carries a raw control, separator or bidi character")
	}
	if !strings.Contains(sh, "# Withheld:") {
		t.Errorf("the command with control characters was not withheld")
	}
	shCheck(t, sh)
}

// shCheck has sh parse the script without running it (sh -n), when a
// shell is installed.
func shCheck(t *testing.T, script string) {
	t.Helper()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Log("no sh: syntax not checked")
		return
	}
	path := filepath.Join(t.TempDir(), "fix.sh")
	if err := os.WriteFile(path, []byte(script), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(sh, "-n", path).CombinedOutput(); err != nil {
		t.Errorf("sh -n: %v\n%s", err, out)
	}
}

func TestScriptParses(t *testing.T) {
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := Script(&buf, buildCase(c.build)); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(buf.String(), "#!/bin/sh\n") {
				t.Errorf("no #!/bin/sh line")
			}
			shCheck(t, buf.String())
		})
	}
}

func TestJSONHostile(t *testing.T) {
	var buf bytes.Buffer
	if err := JSON(&buf, buildCase(hostile)); err != nil {
		t.Fatal(err)
	}
	if bytes.ContainsAny(buf.Bytes(), "<>&") {
		t.Errorf("JSON has a raw <, > or &: it would not embed safely in HTML")
	}
}
