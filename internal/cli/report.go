package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/netdoctor/netdoctor/checks"
	"github.com/netdoctor/netdoctor/internal/hostview"
	"github.com/netdoctor/netdoctor/report"
)

type reportOptions struct {
	sampleFlags
	format string
	output string
	failOn string
	strict bool
	gateFlags
	brief bool
}

// renderers maps --format to its renderer.
var renderers = map[string]func(io.Writer, *report.Report) error{
	"markdown":   report.Markdown,
	"json":       report.JSON,
	"script":     report.Script,
	"html":       report.HTML,
	"junit":      report.JUnit,
	"prometheus": report.Prometheus,
	"line":       report.Line,
}

func formatNames() string {
	names := make([]string, 0, len(renderers))
	for _, n := range []string{"markdown", "html", "json", "script", "junit", "prometheus", "line"} {
		if _, ok := renderers[n]; ok {
			names = append(names, n)
		}
	}
	return strings.Join(names, "|")
}

func newReportCmd(io IO) *cobra.Command {
	o := &reportOptions{}
	cmd := &cobra.Command{
		Use:   "report [BUNDLE [BUNDLE2]]",
		Short: "Run every check and write the ranked report with evidence and fix commands",
		Long: `report runs every check over this host (two samples, --interval apart) or over one or
two bundles, and writes the findings ranked by severity and score, each with its evidence
and the commands that fix it on this host, then the verdict of every check and the status
of every input.

Formats: markdown (for tickets; the default), html (one self-contained page with pictures),
json (the documented contract), script (every suggested change as one shell script to review
and run by hand; checks and alternatives appear as comments), junit (one test case per check
for CI: a failed check is a failure, a check that could not be evaluated is skipped).
netdoctor itself never runs any of the commands. prometheus writes metrics for node_exporter's
textfile collector (-o DIR/netdoctor.prom is replaced atomically); line writes one line for
monitors (node-problem-detector).

--fail-on makes the exit code 1 when a finding is at or above that severity, for sign-off
gates, and prints one line on standard error saying which. --strict also refuses a report in
which any check could not be evaluated (a missing input): a sign-off never reads "could not
check" as passed. --only and --skip choose checks by ID. --waivers FILE accepts known findings:
a JSON file
  {"waivers": [{"check": "irq-concentration", "subject": "eth0",
                "reason": "OPS-123: vendor firmware", "expires": "2027-03-31"}]}
("subject": "*" covers every subject of the check). A waived finding stays in the report,
marked waived with its reason, and does not count for --fail-on; a waiver past its expiry
date is an error (exit 2) before anything is sampled.

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage (or an invalid or expired
waiver file), 3 nothing could be evaluated, 4 the output could not be written, 5 with
--strict, a check could not be evaluated, 130 interrupted.

-o FILE replaces a regular file atomically, keeping its owner and mode; a device or FIFO
(-o /dev/null) is written in place; "-" is standard output; a symbolic link or a directory
is refused. The destination is checked before sampling starts.`,
		Example: `  netdoctor report
  netdoctor report --fail-on warning --format json -o signoff.json
  netdoctor report --fail-on warning --waivers waivers.json --format junit -o netdoctor.xml
  netdoctor report --only irq-concentration,softnet-backlog-drops
  netdoctor report sosreport-web1-2024-03-05-abcdefg.tar.xz
  netdoctor report --format script -o fix.sh before/ after/`,
		Args: cobra.MaximumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			render, ok := renderers[o.format]
			if !ok {
				return usageErr("--format must be one of %s, got %q", formatNames(), o.format)
			}
			if o.brief {
				if o.format != "markdown" {
					return usageErr("--brief is a form of the markdown report, not of --format %s", o.format)
				}
				render = report.MarkdownBrief
			}
			failOn := checks.Severity(0)
			if o.failOn != "none" {
				s, ok := checks.ParseSeverity(o.failOn)
				if !ok {
					return usageErr("--fail-on must be none, notice, warning or critical, got %q", o.failOn)
				}
				failOn = s
			}
			if err := o.validate(); err != nil {
				return err
			}
			selected, skipped, err := o.selectChecks()
			if err != nil {
				return err
			}
			waivers, err := o.loadWaivers(io)
			if err != nil {
				return err
			}
			// The destination is checked before any sampling.
			out, err := openText(io, o.output)
			if err != nil {
				return err
			}
			defer out.Abort()
			p, err := loadPair(cmd.Context(), io, &o.sampleFlags, args)
			if err != nil {
				return err
			}
			view := hostview.New(p)
			outcomes := checks.Run(checks.FromView(view), selected)
			r := report.Build(view, outcomes, report.Meta{
				Tool: "netdoctor", Version: buildVersion().String(), Generated: io.Now(),
				Command: strings.TrimSpace("netdoctor " + strings.Join(io.Args, " ")), FailOn: o.failOn,
				SkippedChecks: skipped, WaiverFile: o.waivers,
			})
			for _, w := range report.ApplyWaivers(r, waivers) {
				printError(io.Err, fmt.Errorf("note: waiver %s %s (%s) matched no finding: remove it once the deviation is gone", w.Check, w.Subject, w.Reason))
			}
			var buf bytes.Buffer
			if err := render(&buf, r); err != nil {
				return fmt.Errorf("rendering the %s report: %w", o.format, err)
			}
			if err := writeText(out, buf.Bytes()); err != nil {
				return err
			}
			exitCode := report.ExitCode
			if o.strict {
				exitCode = report.StrictExitCode
			}
			switch code := exitCode(r, failOn); code {
			case report.ExitFindings:
				return &exitError{code: code, err: errors.New(failOnMessage(r, o.failOn, report.Tripped(r, failOn)))}
			case report.ExitNotEvaluated:
				return &exitError{code: code, err: fmt.Errorf("--strict: %d check(s) could not be evaluated: see the checks and inputs sections of the report", r.Summary.Verdicts.NotEvaluated+r.Summary.Verdicts.Error)}
			case report.ExitNothingEvaluated:
				return noEvidence(fmt.Errorf("no check could be evaluated: see the inputs section of the report"))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&o.format, "format", "markdown", "output format: "+formatNames())
	cmd.Flags().StringVarP(&o.output, "output", "o", "", "write the report to FILE (\"-\": standard output; a device or FIFO is written in place)")
	cmd.Flags().StringVar(&o.failOn, "fail-on", "none", "exit 1 when a finding is at or above: none, notice, warning or critical")
	cmd.Flags().BoolVar(&o.strict, "strict", false, "exit 5 when any check could not be evaluated (an input is missing), for sign-off gates that refuse incomplete bundles")
	cmd.Flags().BoolVar(&o.brief, "brief", false, "markdown only: the verdict and the findings summary table, under 60 lines")
	o.gateFlags.add(cmd)
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(
		[]string{"markdown", "html", "json", "script", "junit", "prometheus", "line"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("fail-on", cobra.FixedCompletions(
		[]string{"none", "notice", "warning", "critical"}, cobra.ShellCompDirectiveNoFileComp))
	cmd.Flags().DurationVar(&o.interval, "interval", defaultInterval, "time between the two samples of a live host")
	addRootFlag(cmd, &o.sampleFlags)
	return cmd
}
