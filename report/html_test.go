package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/netdoctor/netdoctor/checks"
	"github.com/netdoctor/netdoctor/internal/host"
)

// perCPUCase adds per-CPU splits to a builder's queue loads, as cli's
// loadsOf does from the evidence.
func perCPUCase(b builder, split func(q queueRate, seconds float64) []CPURate) builder {
	return func() (*host.Pair, []checks.Outcome, rates, Meta) {
		p, o, l, mt := b()
		secs := 0.0
		if p != nil && p.Before != nil {
			secs = p.Interval.Seconds()
		}
		for nic, qs := range l.Queues {
			for i := range qs {
				qs[i].PerCPU = split(qs[i], secs)
			}
			l.Queues[nic] = qs
		}
		return p, o, l, mt
	}
}

// htmlCases are the golden HTML reports of the hand-built cases: the
// concentration with every queue on CPU0 (and a stray remote one), the
// clean host with one queue per CPU, and the single sosreport without
// per-CPU counts (the heatmap falls back to the affinity files).
var htmlCases = []struct {
	name  string
	build builder
}{
	{"concentration", perCPUCase(concentration, func(q queueRate, s float64) []CPURate {
		out := []CPURate{{CPU: 0, RatePerS: q.RatePerS, Count: uint64(q.RatePerS * s)}}
		if q.IRQ == 123 {
			out = append(out, CPURate{CPU: 5, RatePerS: 40, Count: 200})
		}
		return out
	})},
	{"clean", perCPUCase(clean, func(q queueRate, s float64) []CPURate {
		return []CPURate{{CPU: q.IRQ - 120, RatePerS: q.RatePerS, Count: uint64(q.RatePerS * s)}}
	})},
	{"single", single},
}

func renderHTML(t testing.TB, r *Report) string {
	t.Helper()
	var buf bytes.Buffer
	if err := HTML(&buf, r); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestHTMLGolden compares the HTML of each case with
// testdata/CASE.html.golden; `go test ./report -update` rewrites them.
func TestHTMLGolden(t *testing.T) {
	for _, c := range htmlCases {
		t.Run(c.name, func(t *testing.T) {
			got := renderHTML(t, buildCase(c.build))
			path := filepath.Join("testdata", c.name+".html.golden")
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test ./report -update)", err)
			}
			if got != string(want) {
				t.Errorf("%s differs from the golden file; diff:\n%s", path, lineDiff(string(want), got))
			}
			assertSelfContained(t, got)
			assertWellFormedSVG(t, got)
		})
	}
}

// TestHTMLStructure checks the sections and pictures of the concentration
// report, so that a golden refresh cannot drop one unnoticed.
func TestHTMLStructure(t *testing.T) {
	h := renderHTML(t, buildCase(htmlCases[0].build))
	order := []string{
		`<header class="band sev-critical">`,
		`<h1>web01</h1>`,
		`class="worst sev-critical" href="#finding-1"`,
		`<section id="glance">`, `<svg class="pic heatmap"`, `<svg class="pic strip"`, `<svg class="pic nicmap"`,
		`<section id="findings">`, `id="finding-1"`, `id="finding-2"`, `id="finding-3"`,
		`<section id="checks">`, `<section id="nics">`, `<section id="inputs">`, `<footer>`,
	}
	at := 0
	for _, s := range order {
		i := strings.Index(h[at:], s)
		if i < 0 {
			t.Fatalf("%q missing or out of order", s)
		}
		at += i + len(s)
	}
	// Every check has a <details> with its verdict; runtime commands
	// come before persistent ones; root is marked.
	if n := strings.Count(h, `<li class="check `); n != len(registry) {
		t.Errorf("%d checks in the checklist, want %d", n, len(registry))
	}
	f1 := h[strings.Index(h, `id="finding-1"`):strings.Index(h, `id="finding-2"`)]
	if rt, ps := strings.Index(f1, "Fix now"), strings.Index(f1, "Make it persistent"); rt < 0 || ps < rt {
		t.Errorf("finding 1: runtime commands at %d, persistent at %d", rt, ps)
	}
	if !strings.Contains(f1, `<span class="tag root">needs root</span>`) {
		t.Errorf("finding 1 does not mark a command as needing root")
	}
	// The not-ok inputs are listed, the ok ones collapsed.
	in := h[strings.Index(h, `<section id="inputs">`):]
	bad, ok := strings.Index(in, "ethtool_ring eth0"), strings.Index(in, `<details class="okinputs">`)
	if bad < 0 || ok < 0 || bad > ok {
		t.Errorf("inputs: not-ok row at %d, ok details at %d", bad, ok)
	}
	// The heatmap colours rates on the absolute scale: CPU0's total row
	// cell has the colour of its NIC interrupt rate; the stray
	// interrupts of IRQ 123 on CPU 5 (node 1) are marked remote.
	r0 := buildCase(htmlCases[0].build)
	cpu0 := 0.0
	for _, l := range r0.CPULoad {
		if l.CPU == 0 {
			cpu0 = l.NICIRQPerS
		}
	}
	if fill, _ := rateColour(cpu0); cpu0 <= 0 || !regexp.MustCompile(`fill="`+fill+`"><title>CPU 0: `).MatchString(h) {
		t.Errorf("no CPU 0 total cell of colour %s for %.0f NIC interrupts/s", fill, cpu0)
	}
	if !regexp.MustCompile(`class="remote"><title>eth0 q3 · IRQ 123 \(eth0-TxRx-3\) on CPU 5 \(node 1\): 40 interrupts/s`).MatchString(h) {
		t.Errorf("no remote cell for IRQ 123 on CPU 5")
	}
}

// allowedTags are the only elements the HTML report may hold: an element
// outside them means text became markup.
var allowedTags = []string{
	"html", "head", "meta", "title", "style", "body", "header", "nav", "main", "section", "footer", "article",
	"div", "p", "span", "b", "strong", "em", "code", "pre", "small", "a", "h1", "h2", "h3", "h4", "h5", "h6",
	"dl", "dt", "dd", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "details", "summary",
	"figure", "figcaption", "blockquote", "hr", "br",
	"svg", "g", "rect", "text", "path",
}

var (
	tagScanRE = regexp.MustCompile(`<([a-zA-Z][a-zA-Z0-9-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>`)
	attrRE    = regexp.MustCompile(`([a-zA-Z_:][-a-zA-Z0-9_:.]*)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?`)
)

// assertSelfContained checks what holds for every HTML report: the CSP
// meta tag, only known elements, no event handler or script, no URL
// that leaves the page, no raw control or bidi character.
func assertSelfContained(t *testing.T, h string) {
	t.Helper()
	if !strings.HasPrefix(h, "<!DOCTYPE html>\n") {
		t.Errorf("no doctype")
	}
	csp := `<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;unsafe-inline&#39;; img-src data:; base-uri &#39;none&#39;; form-action &#39;none&#39;">`
	if !strings.Contains(h, csp) {
		t.Errorf("no strict Content-Security-Policy meta tag")
	}
	if strings.Contains(strings.ToLower(h), "script-src") {
		t.Errorf("the policy names script-src")
	}
	low := strings.ToLower(h)
	for _, bad := range []string{"<script", "<img", "<iframe", "<object", "<embed", "<link", "<base", "<form", "<svg onload", "@import"} {
		if strings.Contains(low, bad) {
			t.Errorf("HTML contains %q", bad)
		}
	}
	for _, m := range tagScanRE.FindAllStringSubmatch(h, -1) {
		tag := strings.ToLower(m[1])
		if !slices.Contains(allowedTags, tag) {
			t.Errorf("unexpected element <%s>", tag)
		}
		for _, a := range attrRE.FindAllStringSubmatch(m[2], -1) {
			name, val := strings.ToLower(a[1]), strings.ToLower(strings.Trim(a[2], `"'`))
			if strings.HasPrefix(name, "on") {
				t.Errorf("<%s> has an event handler %s=%s", tag, name, val)
			}
			if name == "style" {
				t.Errorf("<%s> has a style attribute", tag)
			}
			if name == "href" || name == "src" || name == "xlink:href" || name == "action" || name == "formaction" {
				if !strings.HasPrefix(val, "#") {
					t.Errorf("<%s %s=%q>: only fragment links are allowed", tag, name, val)
				}
			}
		}
	}
	if regexp.MustCompile(`(?i)url\(\s*['"]?\s*(https?:|//|javascript:)`).MatchString(h) {
		t.Errorf("CSS fetches a URL")
	}
	if regexp.MustCompile(`(?i)(src|href)\s*=\s*["']?\s*(https?:|//|javascript:|data:)`).MatchString(h) {
		t.Errorf("an attribute points outside the page")
	}
	if strings.ContainsAny(h, "\x00\x1b\a\r\u202e\u202d\u2066\u2067\u2068\u2069\u200b\u2028\u2029") {
		t.Errorf("HTML carries a raw control, bidi or separator character")
	}
}

// assertWellFormedSVG parses every inline SVG as XML.
func assertWellFormedSVG(t *testing.T, h string) {
	t.Helper()
	for rest := h; ; {
		i := strings.Index(rest, "<svg ")
		if i < 0 {
			return
		}
		j := strings.Index(rest[i:], "</svg>")
		if j < 0 {
			t.Fatalf("unterminated <svg>")
		}
		frag := rest[i : i+j+len("</svg>")]
		d := xml.NewDecoder(strings.NewReader(frag))
		d.Strict = true
		for {
			_, err := d.Token()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("SVG is not well-formed: %v\n%.400s", err, frag)
			}
		}
		rest = rest[i+j:]
	}
}

// TestHTMLHostile renders a report whose every text from the host is
// hostile: markup, links, javascript: URLs, fences, control and bidi
// characters. All of it must stay text.
func TestHTMLHostile(t *testing.T) {
	p, outs, loads, m := hostile()
	// Give the pictures the hostile interface with counts, and a check
	// doc and explanation that carry names.
	loads.Queues = map[string][]queueRate{hostileIface: {
		{Index: 0, IRQ: 120, RatePerS: 900, PerCPU: []CPURate{{CPU: 0, RatePerS: 900, Count: 4500}}},
	}}
	withDoc := *outs[0].Check
	outs[0].Check = &withDoc
	withDoc.Doc = "Finds " + hostileProc + " and [x](javascript:alert(1)) and <http://evil.example/>.\n\n" +
		"![i](http://evil.example/p.png) <script>alert(3)</script>\n\n<div onclick=alert(4)>x</div>"
	outs[0].Findings[0].Explanation += "\n\n\"><svg onload=alert(5)> " + hostileIface + " on " + hostileHost + " \u202eevil"
	r := buildWith(p, outs, loads, m)
	r.Host.Hostname = "javascript:alert(document.domain)//\"><svg onload=alert(6)>\u202e"
	h := renderHTML(t, r)

	assertSelfContained(t, h)
	assertWellFormedSVG(t, h)

	// onerror=, onload= and onclick= appear only inside escaped text.
	for _, ev := range []string{"onerror=", "onload=", "onclick="} {
		for i := 0; ; {
			k := strings.Index(h[i:], ev)
			if k < 0 {
				break
			}
			at := i + k
			before := h[max(0, at-40):at]
			if !strings.Contains(before, "&lt;") {
				t.Errorf("%s outside escaped text: …%s…", ev, h[max(0, at-60):min(len(h), at+20)])
			}
			i = at + len(ev)
		}
	}
	// The names show whole, escaped, where they belong.
	for _, want := range []string{
		"<h1>javascript:alert(document.domain)//&#34;&gt;&lt;svg onload=alert(6)&gt;\\u202E</h1>",
		"&lt;img src=x onerror=alert(1)&gt;",
		"a|b`c",
		`<pre><code>echo hidden\u001B[2K\u000Drm -rf /</code></pre>`,
		`<p class="unsafe">Not safe to copy`,
		// The explanation: the name that looks like a tag stays text.
		"<p>&quot;&gt;&lt;svg onload=alert(5)&gt; a|b`c on [x](javascript:alert(1)) \\u202Eevil</p>",
		// A command line with newlines starts no heading, list or fence.
		"<p>1. /usr/bin/app --x ## injected heading ``` &lt;script&gt;alert(2)&lt;/script&gt;</p>",
		// The doc: no link, no image, no raw HTML, all visible as text.
		"Finds &lt;img src=x onerror=alert(1)&gt; and [x](javascript:alert(1)) and &lt;http://evil.example/&gt;.",
		"![i](http://evil.example/p.png) &lt;script&gt;alert(3)&lt;/script&gt;",
	} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML does not hold %q", want)
		}
	}
	if strings.Contains(h, "raw HTML omitted") {
		t.Errorf("goldmark dropped text it took for HTML")
	}
	// Hostile names in the SVG are text nodes or attribute values.
	svg := h[strings.Index(h, `<svg class="pic heatmap"`):]
	svg = svg[:strings.Index(svg, "</svg>")]
	if !strings.Contains(svg, "<title>a|b`c q0 · IRQ 120 (eth0-TxRx-0) on CPU 0 (node 0): 900 interrupts/s") {
		t.Errorf("the heatmap does not name the hostile interface as text:\n%.2000s", svg)
	}
}

// TestHTMLDeterministic renders twice and checks that rendering leaves the
// report as it was.
func TestHTMLDeterministic(t *testing.T) {
	for _, c := range htmlCases {
		r := buildCase(c.build)
		before, _ := json.Marshal(r)
		a, b := renderHTML(t, r), renderHTML(t, r)
		after, _ := json.Marshal(r)
		if a != b {
			t.Errorf("%s: two renders differ", c.name)
		}
		if !bytes.Equal(before, after) {
			t.Errorf("%s: rendering changed the report", c.name)
		}
	}
	if err := HTML(io.Discard, nil); err == nil {
		t.Errorf("HTML(nil) did not fail")
	}
	// A hand-made report with nothing in it still renders.
	h := renderHTML(t, &Report{})
	assertSelfContained(t, h)
	if !strings.Contains(h, "No NIC queue or per-CPU data to draw.") || !strings.Contains(h, "No check ran.") {
		t.Errorf("an empty report does not say it is empty")
	}
}

// TestHTML512 checks the size and shape of the HTML of a 512-CPU host with
// 8 NICs of 64 queues: under 2 MB, every CPU accounted for in at most 64
// columns, one heatmap row per NIC.
func TestHTML512(t *testing.T) {
	p, outs, loads, m := big()
	for nic, qs := range loads.Queues {
		for i := range qs {
			cpu := qs[i].IRQ - 200 // big's affinity: IRQ 200+n*64+q on CPU n*64+q
			qs[i].PerCPU = []CPURate{{CPU: cpu, RatePerS: qs[i].RatePerS, Count: uint64(qs[i].RatePerS * 5)}}
		}
		loads.Queues[nic] = qs
	}
	r := buildWith(p, outs, loads, m)
	start := time.Now()
	h := renderHTML(t, r)
	t.Logf("512-CPU HTML: %d bytes in %v", len(h), time.Since(start))
	if len(h) >= 2<<20 {
		t.Errorf("512-CPU HTML is %d bytes, want < 2 MB", len(h))
	}
	assertSelfContained(t, h)
	assertWellFormedSVG(t, h)

	cols := layoutColumns(r)
	if cols.Mode != "bucket" || len(cols.Cols) > svgMaxCols || cols.Total != 512 {
		t.Errorf("columns: mode %s, %d columns, %d CPUs", cols.Mode, len(cols.Cols), cols.Total)
	}
	seen := 0
	for _, c := range cols.Cols {
		seen += len(c.CPUs)
	}
	if seen != 512 {
		t.Errorf("buckets hold %d CPUs, want 512", seen)
	}
	hm := layoutHeatmap(r, cols)
	if len(hm.Rows) != 9 || hm.Rows[8].Text != "CPU total, all NICs" || len(hm.Notes) == 0 {
		t.Errorf("heatmap: %d rows (want one per NIC and the CPU totals), notes %q", len(hm.Rows), hm.Notes)
	}
	if !strings.Contains(h, "512 CPUs in 64 columns") || !strings.Contains(h, "one row per interface") {
		t.Errorf("the heatmap caption does not say how it aggregated")
	}
}

// TestLayoutColumns covers the three column modes and the core order.
func TestLayoutColumns(t *testing.T) {
	// 8 CPUs, 2 nodes, siblings n and n+4 (the concentration case, with
	// sibling lists as Build makes them).
	r := buildCase(htmlCases[0].build)
	cols := layoutColumns(r)
	var labels []string
	for _, c := range cols.Cols {
		labels = append(labels, c.Label)
	}
	// snapshot(): node 0 = 0-3, siblings {c&^1, c|1}: cores (0,1), (2,3).
	if want := []string{"0", "1", "2", "3", "4", "5", "6", "7"}; cols.Mode != "all" || !slices.Equal(labels, want) {
		t.Errorf("mode %s, columns %q, want all %q", cols.Mode, labels, want)
	}
	if cols.Cols[0].Core != 0 || cols.Cols[1].Core != 0 || cols.Cols[2].Core != 2 {
		t.Errorf("cores %d %d %d", cols.Cols[0].Core, cols.Cols[1].Core, cols.Cols[2].Core)
	}
	if cols.Cols[4].X-cols.Cols[3].X != cols.CellW+svgNodeGap {
		t.Errorf("no gap between nodes")
	}

	// Siblings n and n+8 are put side by side.
	r2 := &Report{}
	for c := 0; c < 16; c++ {
		r2.CPULoad = append(r2.CPULoad, CPULoad{CPU: c, Node: c % 8 / 4, Siblings: []int{c % 8, c%8 + 8}})
	}
	labels = nil
	for _, c := range layoutColumns(r2).Cols {
		labels = append(labels, c.Label)
	}
	if want := []string{"0", "8", "1", "9", "2", "10", "3", "11", "4", "12", "5", "13", "6", "14", "7", "15"}; !slices.Equal(labels, want) {
		t.Errorf("columns %q, want %q", labels, want)
	}

	// 512 CPUs with queue interrupts on three of them: those three.
	r3 := &Report{}
	for c := 0; c < 512; c++ {
		r3.CPULoad = append(r3.CPULoad, CPULoad{CPU: c, Node: c / 64})
	}
	r3.NICs = []NIC{{Name: "eth0", NUMANode: 1, Queues: []Queue{
		{Index: 0, IRQ: 1, PerCPU: []CPURate{{CPU: 0, RatePerS: 9000}}},
		{Index: 1, IRQ: 2, PerCPU: []CPURate{{CPU: 0, RatePerS: 9000}, {CPU: 70, RatePerS: 3}}},
	}}}
	r3.CPULoad[300].DropsPerS = 5
	c3 := layoutColumns(r3)
	labels = nil
	for _, c := range c3.Cols {
		labels = append(labels, c.Label)
	}
	if want := []string{"0", "70", "300"}; c3.Mode != "active" || !slices.Equal(labels, want) {
		t.Errorf("mode %s, columns %q, want active %q", c3.Mode, labels, want)
	}
	if len(c3.Nodes) != 3 || c3.Nodes[1].Label != "node 1" || c3.Nodes[1].Tip != "node 1 (1 of 64)" {
		t.Errorf("node bands %+v", c3.Nodes)
	}
	hm := layoutHeatmap(r3, c3)
	remote := 0
	for _, cell := range hm.Cells {
		if cell.Remote && cell.Tip != "" && strings.Contains(cell.Tip, "eth0") {
			remote++
		}
	}
	if remote != 2 { // CPU 0 of node 0 twice; CPU 70 is on eth0's node 1
		t.Errorf("%d remote cells, want 2", remote)
	}
}

// TestHeatmapCounts: one sample without a boot time has counts but no
// rates; the heatmap shows the counts and says so. CPUs without topology
// get a column of unknown node.
func TestHeatmapCounts(t *testing.T) {
	r := &Report{Samples: 1, LoadWindow: "single sample, boot time unknown", NICs: []NIC{{
		Name: "eth1", NUMANode: -1, Queues: []Queue{
			{Index: 0, IRQ: 30, CPUs: []int{0, 1}, PerCPU: []CPURate{{CPU: 0, Count: 900000}, {CPU: 1, Count: 12}}},
			{Index: 1, IRQ: 31, CPUs: []int{0, 1}, PerCPU: []CPURate{{CPU: 0, Count: 880000}}},
		},
	}}}
	cols := layoutColumns(r)
	if len(cols.Cols) != 2 || cols.Cols[0].Node != -1 || cols.Nodes[0].Label != "node unknown" {
		t.Fatalf("columns %+v, bands %+v", cols.Cols, cols.Nodes)
	}
	hm := layoutHeatmap(r, cols)
	if !strings.Contains(hm.Caption, "counts rather than rates") || !strings.Contains(hm.Caption, "from one sample (single sample, boot time unknown)") {
		t.Errorf("caption %q", hm.Caption)
	}
	var tips []string
	for _, c := range hm.Cells {
		if strings.HasPrefix(c.Tip, "eth1") {
			tips = append(tips, c.Tip)
		}
	}
	if len(tips) != 3 || !strings.Contains(tips[0], "900,000 interrupts (100 %") || !strings.Contains(tips[1], ": 12 interrupts (0 %") {
		t.Errorf("cell tips %q", tips)
	}
	if layoutStrip(r, cols) != nil {
		t.Errorf("a strip without rates")
	}
	mp := layoutNICMap(r, cols)
	if mp == nil || len(mp.Boxes) != 1 || !strings.Contains(mp.Texts[len(mp.Texts)-1].Text, "eth1: 2 of 2 queues") {
		t.Errorf("NIC map %+v", mp)
	}
}

// TestInlineProse: an explanation keeps its inline Markdown but starts no
// block, whatever the text from the host in it.
func TestInlineProse(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"CPU 0 runs *all*\nof eth0.", "CPU 0 runs *all* of eth0."},
		{"# heading\n\n- item\n\n    code\n\n12) list\n\n> quote", "\\# heading\n\n\\- item\n\ncode\n\n12\\) list\n\n\\> quote"},
		{"a\n===\n\n| a | b |\n|---|---|", "a ===\n\n\\| a | b | |---|---|"},
		{"```\nfence\n```", "\\``` fence ```"},
		{"\n\n  \n", ""},
	} {
		if got := inlineProse(c.in); got != c.want {
			t.Errorf("inlineProse(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestHeatColour(t *testing.T) {
	if f, txt := heatColour(1); f != heatHot || txt != "cell hi" {
		t.Errorf("heatColour(1) = %s %s", f, txt)
	}
	if f, txt := heatColour(0); f != "#fef0c7" || txt != "cell lo" {
		t.Errorf("heatColour(0) = %s %s", f, txt)
	}
	if heatScale(0, 100) != 0 || heatScale(100, 100) != 1 || heatScale(5, 0) != 0 {
		t.Errorf("heatScale bounds")
	}
	for _, c := range []struct {
		v    float64
		want string
	}{{0, "0"}, {3.25, "3.2"}, {950, "950"}, {11114, "11.1k"}, {11000, "11k"}, {123456, "123k"}, {2.5e6, "2.5M"}} {
		if got := compact(c.v); got != c.want {
			t.Errorf("compact(%v) = %q, want %q", c.v, got, c.want)
		}
	}
	for _, c := range []struct {
		v    float64
		want string
	}{{0, "0"}, {0.05, "0.05"}, {3.25, "3.2"}, {84210.4, "84,210"}, {1234567, "1,234,567"}} {
		if got := grouped(c.v); got != c.want {
			t.Errorf("grouped(%v) = %q, want %q", c.v, got, c.want)
		}
	}
}

// TestProseMarkdown: docs and explanations keep their Markdown, but no
// text can become an element, a link or an image.
func TestProseMarkdown(t *testing.T) {
	md := proseMarkdown(2)
	for _, c := range []struct {
		name, in string
		names    []string
		want     string
	}{
		{"paragraphs and emphasis", "CPU 0 *runs* `eth0`.\n\nSecond.", nil,
			"<p>CPU 0 <em>runs</em> <code>eth0</code>.</p>\n<p>Second.</p>\n"},
		{"heading shifted", "## Why it matters\n\n- a\n- b", nil,
			"<h4>Why it matters</h4>\n<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"},
		{"table", "| a | b |\n|---|---|\n| 1 | 2 |", nil,
			"<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n<td>2</td>\n</tr>\n</tbody>\n</table>\n"},
		{"raw HTML is text", "<img src=x onerror=alert(1)>", nil,
			"<p>&lt;img src=x onerror=alert(1)&gt;</p>\n"},
		{"HTML block is text", "<div onclick=\"x()\">\nhi\n</div>", nil,
			"<p>&lt;div onclick=&quot;x()&quot;&gt;\nhi\n&lt;/div&gt;</p>\n"},
		{"link is text", "[x](javascript:alert(1)) <https://evil.example/>", nil,
			"<p>[x](javascript:alert(1)) &lt;https://evil.example/&gt;</p>\n"},
		{"image is text", "![i](http://evil.example/i.png)", nil,
			"<p>![i](http://evil.example/i.png)</p>\n"},
		{"reference definition kept", "[a]: http://evil.example/\n\ntext", nil,
			"<p>[a]: http://evil.example/</p>\n<p>text</p>\n"},
		{"names escaped", "redis_*x*_ on eth_0_ and *this*", []string{"redis_*x*_", "eth_0_"},
			"<p>redis_*x*_ on eth_0_ and <em>this</em></p>\n"},
		{"bidi made visible", "a\u202eb\x1b[31m", nil,
			"<p>a\\u202Eb\\u001B[31m</p>\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := string(markdownHTML(md, escapeNames(c.in, c.names)))
			if got != c.want {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}

// BenchmarkHTML512 renders the HTML of a 512-CPU host with 8 NICs of 64
// queues and about 50 findings (target: under 200 ms, under 2 MB).
func BenchmarkHTML512(b *testing.B) {
	p, outs, loads, m := big()
	for nic, qs := range loads.Queues {
		for i := range qs {
			cpu := qs[i].IRQ - 200
			qs[i].PerCPU = []CPURate{{CPU: cpu, RatePerS: qs[i].RatePerS, Count: uint64(qs[i].RatePerS * 5)}}
		}
		loads.Queues[nic] = qs
	}
	r := buildWith(p, outs, loads, m)
	var buf bytes.Buffer
	if err := HTML(&buf, r); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(buf.Len()), "bytes")
	b.ReportAllocs()
	for b.Loop() {
		if err := HTML(io.Discard, r); err != nil {
			b.Fatal(err)
		}
	}
}
