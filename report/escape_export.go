package report

// The escaping of this package, for the renderers of other packages that
// write host text in the same media (the fleet summary and diff).

// MarkdownText escapes untrusted text for inline Markdown (a table cell, a
// heading, text after other text): it can create no markup and no new line.
func MarkdownText(s string) string { return mdText(s) }

// MarkdownBlock escapes untrusted text that starts a line of Markdown.
func MarkdownBlock(s string) string { return mdBlock(s) }

// CodeBlock returns body as a fenced Markdown code block whose fence no
// line of body can close, with control and format characters made visible.
func CodeBlock(body string) string {
	body = codeText(body)
	f := fence(body)
	return f + "\n" + body + "\n" + f + "\n"
}

// OneLine makes untrusted text safe on one line of plain text: line breaks
// become spaces, control and format characters become visible.
func OneLine(s string) string { return oneLine(s) }
