package cli

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/netdoctor/netdoctor/checks"
	"github.com/netdoctor/netdoctor/internal/bundle"
	"github.com/netdoctor/netdoctor/internal/fleet"
	"github.com/netdoctor/netdoctor/report"
)

// summaryRenderers maps summary's --format to its renderer.
var summaryRenderers = map[string]func(io.Writer, *fleet.Summary) error{
	"markdown": fleet.Markdown,
	"html":     fleet.HTML,
	"json":     fleet.JSON,
}

// plural writes n and the noun agreeing with it: "1 host", "2 hosts".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// parseFailOn reads --fail-on: 0 for none.
func parseFailOn(s string) (checks.Severity, error) {
	if s == "none" {
		return 0, nil
	}
	sev, ok := checks.ParseSeverity(s)
	if !ok {
		return 0, usageErr("--fail-on must be none, notice, warning or critical, got %q", s)
	}
	return sev, nil
}

func newSummaryCmd(env IO) *cobra.Command {
	var format, output, failOn string
	var strict bool
	var jobs int
	cmd := &cobra.Command{
		Use:   "summary INPUT...",
		Short: "Rank many hosts in one view: checks by hosts affected, hosts by worst finding",
		Long: `summary reads many hosts and ranks them in one view: each check with the hosts it
affects, its worst severity, its most common subjects and the fix that applies to most of
them; each host with its worst finding and its findings by severity; and every input that
could not be read, with why. The rest of the summary always comes out.

An INPUT is a JSON report (netdoctor report --format json), a bundle (a sosreport or
netdoctor collect bundle, as a directory or an archive), a directory holding any of these
(walked, links not followed), or a sos-collector archive (each sosreport inside is a host).
Bundles are analysed in parallel on every core (--jobs), one host in memory per worker.
Two single-sample sosreports of one host are read as a pair (in time order); any other
second input of a host already read is listed as a duplicate. A JSON report of another
schema_version is not read (it is listed).

Formats: markdown (the default), html, json (its own schema_version; see CONTRACT.md).
Exit codes as for report: 0 clean, 1 a host has a finding at or above --fail-on, 2 usage,
3 no host could be read or evaluated, 4 the output could not be written, 5 with --strict an
input was not read or a host has a check that could not be evaluated, 130 interrupted.`,
		Example: `  netdoctor summary reports/*.json
  netdoctor summary --format html -o fleet.html sosreports/
  netdoctor summary --fail-on warning sos-collector-cluster-2024-03-05-abcde.tar`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			render, ok := summaryRenderers[format]
			if !ok {
				return usageErr("--format must be one of markdown|html|json, got %q", format)
			}
			sev, err := parseFailOn(failOn)
			if err != nil {
				return err
			}
			if jobs < 0 {
				return usageErr("--jobs must be 0 (every core) or more, got %d", jobs)
			}
			out, err := openText(env, output)
			if err != nil {
				return err
			}
			defer out.Abort()
			meta := report.Meta{
				Tool: "netdoctor", Version: Version, Generated: env.Now(),
				Command: strings.TrimSpace("netdoctor " + strings.Join(env.Args, " ")), FailOn: failOn,
			}
			hosts, unread, err := fleet.Read(cmd.Context(), args, fleet.ReadOptions{Workers: jobs, Limits: bundle.DefaultLimits(), Meta: meta})
			if err != nil {
				return err
			}
			s := fleet.Build(hosts, unread, fleet.Meta{Version: Version, Generated: meta.Generated, Command: meta.Command, FailOn: failOn})
			var buf bytes.Buffer
			if err := render(&buf, s); err != nil {
				return fmt.Errorf("rendering the %s summary: %w", format, err)
			}
			if err := writeText(out, buf.Bytes()); err != nil {
				return err
			}
			switch code := fleet.ExitCode(s, sev, strict); code {
			case report.ExitFindings:
				tripped := fleet.Tripped(s, sev)
				verb := "have"
				if len(tripped) == 1 {
					verb = "has"
				}
				return &exitError{code: code, err: fmt.Errorf("--fail-on %s: %d of %s %s a finding at or above %s; the worst first: %s", failOn, len(tripped), plural(len(s.Hosts), "host", "hosts"), verb, failOn, tripped[0].Hostname)}
			case report.ExitNotEvaluated:
				return &exitError{code: code, err: fmt.Errorf("--strict: %s not read, %s with a check not evaluated", plural(s.Totals.Unread, "input", "inputs"), plural(s.Totals.HostsIncomplete, "host", "hosts"))}
			case report.ExitNothingEvaluated:
				return noEvidence(fmt.Errorf("no host could be read or evaluated: see the summary's unread inputs"))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "markdown", "output format: markdown|html|json")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write the summary to FILE (\"-\": standard output)")
	cmd.Flags().StringVar(&failOn, "fail-on", "none", "exit 1 when a host has a finding at or above: none, notice, warning or critical")
	cmd.Flags().BoolVar(&strict, "strict", false, "exit 5 when an input could not be read or a host has a check not evaluated")
	cmd.Flags().IntVarP(&jobs, "jobs", "j", 0, "bundles analysed at once (0: every core)")
	return cmd
}
