package report

import (
	"bytes"
	"html/template"
	"sort"
	"strings"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// This file turns the Markdown prose of the report (check docs and finding
// explanations) into HTML for the HTML report.
//
// goldmark runs in its default safe mode (raw HTML and dangerous link
// targets are never passed through; html.WithUnsafe is never given), and
// stricter still: the parsers of raw HTML, HTML blocks, links, images and
// autolinks are left out, so a name like <img src=x onerror=...> or
// [x](javascript:...) stays literal text instead of becoming an element, a
// dropped "raw HTML omitted" comment or a link. The only elements the
// result can hold are those of paragraphs, lists, block quotes, headings,
// code, emphasis and tables.

// proseMarkdown is a goldmark configured as described above. Headings
// are pushed down by shift levels so that a doc's "## Why it matters"
// nests under the report's own headings.
func proseMarkdown(shift int) goldmark.Markdown {
	p := parser.NewParser(
		parser.WithBlockParsers(
			util.Prioritized(parser.NewSetextHeadingParser(), 100),
			util.Prioritized(parser.NewThematicBreakParser(), 200),
			util.Prioritized(parser.NewListParser(), 300),
			util.Prioritized(parser.NewListItemParser(), 400),
			util.Prioritized(parser.NewCodeBlockParser(), 500),
			util.Prioritized(parser.NewATXHeadingParser(), 600),
			util.Prioritized(parser.NewFencedCodeBlockParser(), 700),
			util.Prioritized(parser.NewBlockquoteParser(), 800),
			// No HTML block parser.
			util.Prioritized(parser.NewParagraphParser(), 1000),
		),
		parser.WithInlineParsers(
			util.Prioritized(parser.NewCodeSpanParser(), 100),
			// No link, autolink or raw HTML parser.
			util.Prioritized(parser.NewEmphasisParser(), 500),
		),
		// No link reference definitions either: without links they would
		// only make lines vanish.
		parser.WithParagraphTransformers(),
		parser.WithASTTransformers(util.Prioritized(headingShift(shift), 1000)),
	)
	return goldmark.New(
		goldmark.WithParser(p),
		goldmark.WithExtensions(extension.Table),
	)
}

// headingShift moves every heading down by its value, to at most h6.
type headingShift int

// Transform implements parser.ASTTransformer.
func (s headingShift) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if h, ok := n.(*ast.Heading); ok && entering {
			h.Level = min(6, h.Level+int(s))
		}
		return ast.WalkContinue, nil
	})
}

// markdownHTML renders Markdown prose to HTML. The result is trusted as
// template.HTML: goldmark escapes all text and, configured as in
// proseMarkdown, can emit no element that runs script, loads a resource
// or links anywhere. Invisible and control characters are made visible
// first (see proseText).
func markdownHTML(md goldmark.Markdown, src string) template.HTML {
	src = proseText(src)
	if strings.TrimSpace(src) == "" {
		return ""
	}
	var buf bytes.Buffer
	if err := md.Convert([]byte(src), &buf); err != nil {
		// goldmark does not fail on text; should it, show the text.
		return template.HTML("<p>" + template.HTMLEscapeString(src) + "</p>")
	}
	return template.HTML(buf.String())
}

// proseText makes Markdown source safe to display: invalid UTF-8 becomes
// U+FFFD and control and format characters (bidi overrides, zero-width
// characters, escapes) become the visible text \uXXXX, except the newlines
// and tabs that shape the Markdown.
func proseText(s string) string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return codeText(s)
}

// inlineProse turns an explanation into Markdown paragraphs that can hold
// inline Markdown only (emphasis, code spans): paragraphs split at blank
// lines, each joined into one line, leading spaces dropped and a leading
// block marker escaped. Text from the host inside an explanation (a
// command line with newlines, a name starting with "#" or "1.") can then
// start no heading, list, quote, code block, fence or table: a finding's
// text reads as the check wrote it, as in the Markdown report.
func inlineProse(s string) string {
	var out []string
	for _, p := range paragraphs(s) {
		lines := strings.Split(p, "\n")
		for i, l := range lines {
			lines[i] = strings.TrimSpace(l)
		}
		t := strings.Join(lines, " ")
		if t == "" {
			continue
		}
		switch t[0] {
		case '#', '>', '-', '+', '*', '=', '_', '`', '~', '|':
			t = `\` + t
		default:
			n := 0
			for n < len(t) && n < 10 && t[n] >= '0' && t[n] <= '9' {
				n++
			}
			if n > 0 && n < len(t) && (t[n] == '.' || t[n] == ')') {
				t = t[:n] + `\` + t[n:]
			}
		}
		out = append(out, t)
	}
	return strings.Join(out, "\n\n")
}

// escapeNames escapes, for Markdown, every occurrence in prose of a name
// that came from the host (an interface, a process, the hostname), so
// that the name shows as written: "<b>" stays text and "a_b_c" or "*x*"
// make no emphasis. The rest of prose is left as Markdown. Longer names
// win where several match at one place.
func escapeNames(prose string, names []string) string {
	var ns []string
	seen := map[string]bool{}
	for _, n := range names {
		if n != "" && !seen[n] && mdText(n) != n {
			seen[n] = true
			ns = append(ns, n)
		}
	}
	if len(ns) == 0 {
		return prose
	}
	sort.Slice(ns, func(i, j int) bool {
		if len(ns[i]) != len(ns[j]) {
			return len(ns[i]) > len(ns[j])
		}
		return ns[i] < ns[j]
	})
	var b strings.Builder
	b.Grow(len(prose) + len(prose)/4)
	for i := 0; i < len(prose); {
		matched := false
		for _, n := range ns {
			if strings.HasPrefix(prose[i:], n) {
				b.WriteString(mdText(n))
				i += len(n)
				matched = true
				break
			}
		}
		if !matched {
			b.WriteByte(prose[i])
			i++
		}
	}
	return b.String()
}
