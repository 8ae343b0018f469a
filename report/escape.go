package report

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/netdoctor/netdoctor/internal/escape"
)

// This file holds the escaping of untrusted text for each output format.
// Hostnames, interface and process names, command lines, reasons and paths
// come from the host or a bundle and may be hostile.

// lineBreak reports whether r ends a line for some reader: the ASCII
// breaks, NEL, and the Unicode line and paragraph separators.
func lineBreak(r rune) bool {
	switch r {
	case '\n', '\r', '\v', '\f', '\u0085', '\u2028', '\u2029':
		return true
	}
	return false
}

// invisible reports whether r is a control or format character (bidi
// overrides, zero-width characters) or a line separator that would hide or
// reorder text: the one definition netdoctor uses for everything it prints
// (internal/escape).
func invisible(r rune) bool {
	return escape.Unsafe(r)
}

// writeEscape writes r as the visible text \uXXXX, as internal/escape
// does (a character beyond U+FFFF as its surrogate pair).
func writeEscape(b *strings.Builder, r rune) {
	b.WriteString(escape.Line(string(r)))
}

// mdAlways are the ASCII characters that mdText always escapes: they open
// emphasis, code spans, links and images, tags and autolinks, entities,
// table cells, strikethrough, attribute blocks, and GitHub issue references
// and mentions. The others are escaped only where they take effect: '_'
// unless inside a word (intraword '_' never emphasises), ':' before "//"
// and '.' after "www" (autolinks), and at the start of a block the list,
// quote and heading markers (see mdBlock). '(' and ')' need no escape: a
// link needs an unescaped ']' before its '('.
const mdAlways = "\\`*{}[]|<&~!#@"

// mdText escapes untrusted text for inline Markdown (a table cell, a
// heading, a run of text after other text): the result renders as the
// literal text and can create no tag, link, image, emphasis, code span,
// table cell or new line. Line breaks and tabs become spaces; other control
// and format characters become the visible text \uXXXX; invalid UTF-8
// becomes U+FFFD.
func mdText(s string) string {
	if s == "" {
		return ""
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	prev := rune(-1)
	for i, r := range s {
		switch {
		case lineBreak(r) || r == '\t':
			b.WriteByte(' ')
		case invisible(r):
			writeEscape(&b, r)
		case r < utf8.RuneSelf && strings.IndexByte(mdAlways, byte(r)) >= 0:
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '_':
			next, _ := utf8.DecodeRuneInString(s[i+1:])
			if !wordRune(prev) || !wordRune(next) {
				b.WriteByte('\\')
			}
			b.WriteByte('_')
		case r == ':' && strings.HasPrefix(s[i+1:], "//"):
			// "scheme://" would be picked up by autolinking renderers.
			b.WriteString(`\:`)
		case r == '.' && i >= 3 && strings.EqualFold(s[i-3:i], "www"):
			// "www." likewise.
			b.WriteString(`\.`)
		default:
			b.WriteRune(r)
		}
		prev = r
	}
	return b.String()
}

// wordRune reports whether r is a letter or digit: '_' between two of them
// can neither open nor close emphasis.
func wordRune(r rune) bool {
	return r >= 0 && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// mdBlock escapes untrusted text that starts a line of Markdown (a
// paragraph or a list item's text): mdText, leading spaces removed, and
// the first character escaped when it would open a list, a block quote, a
// heading underline or an ordered list ("12." or "12)").
func mdBlock(s string) string {
	t := strings.TrimLeft(mdText(s), " ")
	if t == "" {
		return t
	}
	switch t[0] {
	case '-', '+', '=', '>':
		return `\` + t
	}
	n := 0
	for n < len(t) && n < 10 && t[n] >= '0' && t[n] <= '9' {
		n++
	}
	if n > 0 && n < len(t) && (t[n] == '.' || t[n] == ')') {
		return t[:n] + `\` + t[n:]
	}
	return t
}

// codeText makes text safe to show inside a fenced code block: newlines
// and tabs are kept, every other control, line-separator and format
// character becomes the visible text \uXXXX (a CR cannot hide what precedes
// it, a bidi override cannot reorder it). Choose the fence with fence().
func codeText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t':
			b.WriteRune(r)
		case invisible(r), lineBreak(r):
			writeEscape(&b, r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// fence returns a backtick code fence longer than any run of backticks in
// body, so that no line of body can close it.
func fence(body string) string {
	longest, run := 0, 0
	for i := 0; i < len(body); i++ {
		if body[i] == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	return strings.Repeat("`", max(3, longest+1))
}

// oneLine makes untrusted text safe in a shell or code comment: line
// breaks and tabs become spaces, other control and format characters become
// the visible text \uXXXX (as in mdText), invalid UTF-8 becomes U+FFFD, and
// the result is trimmed. It holds no character that ends a line.
func oneLine(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
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
	return strings.TrimSpace(b.String())
}

// runnable reports whether a command may be written to a script as it is:
// valid UTF-8 with no control or format characters but newlines and tabs.
// A command failing this is withheld, not altered.
func runnable(cmd string) bool {
	if strings.TrimSpace(cmd) == "" || !utf8.ValidString(cmd) {
		return false
	}
	for _, r := range cmd {
		if r == '\n' || r == '\t' {
			continue
		}
		if invisible(r) || lineBreak(r) {
			return false
		}
	}
	return true
}
