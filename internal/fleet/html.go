package fleet

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"sync"

	"github.com/netdoctor/netdoctor/checks"
	"github.com/netdoctor/netdoctor/internal/textfmt"
	"github.com/netdoctor/netdoctor/report"
	"github.com/netdoctor/netdoctor/templates"
)

// The summary and diff pages are rendered from templates/summary.html.tmpl
// and templates/diff.html.tmpl with the report's stylesheet
// (templates/report.css) and its Content-Security-Policy: one
// self-contained page each, inline CSS, no script, nothing loaded from
// elsewhere. html/template escapes every host text; report.OneLine first
// makes control and bidi characters visible, as in the report.

// HTML writes the summary as one self-contained page.
func HTML(w io.Writer, s *Summary) error {
	band := ""
	switch t := s.Totals; {
	case t.HostsByWorst.Critical > 0:
		band = "sev-critical"
	case t.HostsByWorst.Warning > 0:
		band = "sev-warning"
	case t.HostsByWorst.Notice > 0:
		band = "sev-notice"
	case t.Hosts > 0:
		band = "sev-clean"
	}
	return page(w, "summary", func(b pageBase) any {
		return struct {
			pageBase
			S    *Summary
			Band string
		}{b, s, band}
	})
}

// DiffHTML writes the diff as one self-contained page: the findings new,
// resolved and persisting, each with its evidence figures of both sides
// and their windows side by side.
func DiffHTML(w io.Writer, d *Diff) error {
	worst := 0
	for _, f := range append(append([]DiffFinding{}, d.Added...), d.Persisting...) {
		worst = max(worst, sevRank(*f.NewSeverity))
	}
	band := "sev-clean"
	switch checks.Severity(worst) {
	case checks.Critical:
		band = "sev-critical"
	case checks.Warning:
		band = "sev-warning"
	case checks.Notice:
		band = "sev-notice"
	}
	return page(w, "diff", func(b pageBase) any {
		return struct {
			pageBase
			D    *Diff
			Band string
		}{b, d, band}
	})
}

// pageBase is what every page reads besides its model: the stylesheet and
// the policy.
type pageBase struct {
	CSS template.CSS
	CSP string
}

// diffSection is one section of the diff page.
type diffSection struct {
	ID, Title string
	Findings  []DiffFinding
}

var (
	pagesOnce sync.Once
	pagesTmpl *template.Template
	pagesCSS  template.CSS
	pagesErr  error
)

func pages() (*template.Template, template.CSS, error) {
	pagesOnce.Do(func() {
		css, err := fs.ReadFile(templates.FS, "report.css")
		if err != nil {
			pagesErr = err
			return
		}
		// The stylesheet is ours, embedded at build time: trusted.
		pagesCSS = template.CSS(css)
		pagesTmpl, pagesErr = template.New("fleet").Funcs(template.FuncMap{
			"num":    num,
			"plural": plural,
			"line":   report.OneLine,
			"time":   textfmt.Time,
			"seen":   timeOrUnknown,
			"dash":   func(s string) string { return dash(report.OneLine(s)) },
			"section": func(id, title string, fs []DiffFinding) diffSection {
				return diffSection{id, title, fs}
			},
			"sevchange": sevChange,
			"sevclass": func(f DiffFinding) string {
				if f.NewSeverity != nil {
					return f.NewSeverity.String()
				}
				return "resolved"
			},
		}).ParseFS(templates.FS, "summary.html.tmpl", "diff.html.tmpl")
	})
	return pagesTmpl, pagesCSS, pagesErr
}

// page renders the template name with the data view makes.
func page(w io.Writer, name string, view func(pageBase) any) error {
	t, css, err := pages()
	if err != nil {
		return fmt.Errorf("%s: html: %w", name, err)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, view(pageBase{CSS: css, CSP: report.HTMLContentSecurityPolicy})); err != nil {
		return fmt.Errorf("%s: html: %w", name, err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}
