package cli

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/netdoctor/netdoctor/internal/bundle"
	"github.com/netdoctor/netdoctor/internal/fleet"
	"github.com/netdoctor/netdoctor/report"
)

var diffRenderers = map[string]func(io.Writer, *fleet.Diff) error{
	"markdown": fleet.DiffMarkdown,
	"html":     fleet.DiffHTML,
	"json":     fleet.DiffJSON,
}

// diffInput reads one side of a diff: a JSON report (known by its content:
// it starts with "{", whatever its name) or a bundle.
func diffInput(path string, meta report.Meta) (*report.Report, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if fi.Mode().IsRegular() && (fleet.LooksJSON(path) || strings.HasSuffix(path, ".json")) {
		r, err := fleet.ReadReport(path)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return r, nil
	}
	return fleet.BundleReport([]string{path}, bundle.DefaultLimits(), meta)
}

func newDiffCmd(env IO) *cobra.Command {
	var format, output, failOn string
	var force bool
	cmd := &cobra.Command{
		Use:   "diff OLD NEW",
		Short: "Compare two reports of one host: findings resolved, new and persisting",
		Long: `diff compares two reports of one host (each a JSON report or a bundle: a sosreport or a
netdoctor collect bundle, directory or archive), before and after a change: the findings
resolved, new and persisting, keyed by check and subject, with the evidence figures of both
side by side, and the checks whose verdict changed.

Two different hostnames are refused (exit 2) unless --force is given.

Formats: markdown (the default), html (one self-contained page, as the report's), json (its
own schema_version; see CONTRACT.md).
Exit codes: 0, or 1 when a new finding (or a persisting one that got worse) is at or above
--fail-on; 2 usage or different hosts without --force; 3 a side could not be read; 4 the
output could not be written; 130 interrupted.`,
		Example: `  netdoctor diff before.json after.json
  netdoctor diff --fail-on warning sosreport-web1-2024-03-05.tar.xz after.json`,
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			render, ok := diffRenderers[format]
			if !ok {
				return usageErr("--format must be one of markdown|html|json, got %q", format)
			}
			sev, err := parseFailOn(failOn)
			if err != nil {
				return err
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
			var sides [2]*report.Report
			for i, a := range args {
				if err := cmd.Context().Err(); err != nil {
					return err
				}
				r, err := diffInput(a, meta)
				if err != nil {
					return noEvidence(err)
				}
				sides[i] = r
			}
			if h0, h1 := sides[0].Host.Hostname, sides[1].Host.Hostname; h0 != h1 && !force {
				return usageErr("%s is host %q and %s is host %q: give --force to compare different hosts", args[0], h0, args[1], h1)
			}
			d := fleet.BuildDiff(args[0], sides[0], args[1], sides[1], fleet.Meta{Version: Version, Generated: meta.Generated, Command: meta.Command, FailOn: failOn})
			var buf bytes.Buffer
			if err := render(&buf, d); err != nil {
				return fmt.Errorf("rendering the %s diff: %w", format, err)
			}
			if err := writeText(out, buf.Bytes()); err != nil {
				return err
			}
			if code := fleet.DiffExitCode(d, sev); code == report.ExitFindings {
				return &exitError{code: code, err: fmt.Errorf("--fail-on %s: %s and %s since %s", failOn, plural(len(d.Added), "new finding", "new findings"), plural(len(d.Persisting), "persisting finding", "persisting findings"), d.Old.Input)}
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "markdown", "output format: markdown|html|json")
	cmd.Flags().StringVarP(&output, "output", "o", "", "write the diff to FILE (\"-\": standard output)")
	cmd.Flags().StringVar(&failOn, "fail-on", "none", "exit 1 when a new or worsened finding is at or above: none, notice, warning or critical")
	cmd.Flags().BoolVar(&force, "force", false, "compare reports of two different hosts")
	return cmd
}
