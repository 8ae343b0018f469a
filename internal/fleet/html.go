package fleet

import (
	"html/template"
	"io"

	"github.com/netdoctor/netdoctor/internal/textfmt"
	"github.com/netdoctor/netdoctor/report"
)

// HTML writes the summary as one self-contained page. html/template escapes
// every host text; the page loads nothing from elsewhere.
func HTML(w io.Writer, s *Summary) error {
	return htmlTmpl.Execute(w, s)
}

var htmlTmpl = template.Must(template.New("summary").Funcs(template.FuncMap{
	"num":  num,
	"time": textfmt.Time,
	"line": report.OneLine,
}).Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>netdoctor fleet summary</title>
<style>
body{font-family:system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse;margin:1em 0}
th,td{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}
td.n{text-align:right}
code{background:#f4f4f4;padding:0 .2em}
.critical{color:#b00020;font-weight:bold}.warning{color:#a65e00;font-weight:bold}.notice{color:#1f5fa8}
</style></head><body>
<h1>netdoctor fleet summary</h1>
{{with .Totals}}<p>{{num .Hosts}} hosts read, {{num .HostsWithFindings}} with findings (worst: <span class="critical">{{num .HostsByWorst.Critical}} critical</span>, <span class="warning">{{num .HostsByWorst.Warning}} warning</span>, <span class="notice">{{num .HostsByWorst.Notice}} notice</span>); {{num .Findings}} findings in all; {{num .Unread}} inputs unread.{{if .HostsIncomplete}} {{num .HostsIncomplete}} hosts with a check that could not be evaluated; on {{num .HostsNotEvaluated}} nothing could be evaluated.{{end}}</p>{{end}}
<p>Generated {{time .Generated}} by netdoctor {{.Tool.Version}}.</p>
<h2>Checks across the fleet</h2>
{{if .Checks}}<table><tr><th>check</th><th>hosts affected</th><th>worst</th><th>findings</th><th>most common subjects</th><th>fix for most hosts</th><th>fail / pass / not evaluated / not applicable / error</th></tr>
{{range .Checks}}<tr><td><code>{{.ID}}</code> {{.Title}}</td><td class="n">{{num .Hosts}}</td><td>{{with .Worst}}<span class="{{.}}">{{.}}</span>{{else}}–{{end}}</td><td class="n">{{num .Findings}}</td>
<td>{{range $i, $s := .Subjects}}{{if $i}}, {{end}}{{line $s.Subject}} ({{num $s.Hosts}}){{end}}</td>
<td>{{with .Fix}}{{.Why}} ({{num .Hosts}} hosts; e.g. on {{line .ExampleHost}}: <code>{{.Example}}</code>){{else}}–{{end}}</td>
<td>{{with .Verdicts}}{{.Fail}} / {{.Pass}} / {{.NotEvaluated}} / {{.NotApplicable}} / {{.Error}}{{end}}</td></tr>
{{end}}</table>{{else}}<p>No check ran.</p>{{end}}
<h2>Hosts</h2>
{{if .Hosts}}<table><tr><th>#</th><th>host</th><th>worst finding</th><th>critical</th><th>warning</th><th>notice</th><th>not evaluated</th><th>input</th></tr>
{{range .Hosts}}<tr><td class="n">{{.Rank}}</td><td>{{line .Hostname}}</td><td>{{with .Worst}}<span class="{{.Severity}}">{{.Severity}}</span> <code>{{.Check}}</code> {{line .Subject}}{{else}}none{{end}}</td>
<td class="n">{{.BySeverity.Critical}}</td><td class="n">{{.BySeverity.Warning}}</td><td class="n">{{.BySeverity.Notice}}</td><td class="n">{{.Verdicts.NotEvaluated}}</td><td>{{line .Input}}</td></tr>
{{end}}</table>{{else}}<p>No host could be read.</p>{{end}}
<h2>Inputs not read</h2>
{{if .Unread}}<ul>{{range .Unread}}<li>{{line .Input}}: {{line .Reason}}</li>
{{end}}</ul>{{else}}<p>Every input was read.</p>{{end}}
</body></html>
`))
