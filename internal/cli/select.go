package cli

import (
	"fmt"
	"os"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/netdoctor/netdoctor/checks"
	"github.com/netdoctor/netdoctor/report"
)

// gateFlags are report's flags for CI gates: which checks run, and which
// findings a waiver file accepts.
type gateFlags struct {
	only, skip []string
	waivers    string
}

func (g *gateFlags) add(cmd *cobra.Command) {
	cmd.Flags().StringSliceVar(&g.only, "only", nil, "run only these check IDs (comma-separated or repeated; 'netdoctor checks' lists them)")
	cmd.Flags().StringSliceVar(&g.skip, "skip", nil, "do not run these check IDs (comma-separated or repeated)")
	cmd.Flags().StringVar(&g.waivers, "waivers", "", "JSON file of accepted findings (check, subject, reason, expires); an expired waiver is an error")
	_ = cmd.RegisterFlagCompletionFunc("only", completeCheckIDs)
	_ = cmd.RegisterFlagCompletionFunc("skip", completeCheckIDs)
	_ = cmd.RegisterFlagCompletionFunc("waivers", func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
		return []string{"json"}, cobra.ShellCompDirectiveFilterFileExt
	})
}

// completeCheckIDs completes check IDs, with their titles as descriptions.
func completeCheckIDs(_ *cobra.Command, _ []string, _ string) ([]string, cobra.ShellCompDirective) {
	var ids []string
	for _, c := range checks.Registry() {
		ids = append(ids, c.ID+"\t"+c.Title)
	}
	return ids, cobra.ShellCompDirectiveNoFileComp
}

// selectChecks returns the checks to run and the IDs left out. An unknown
// ID, or an ID both in --only and --skip, is a usage error.
func (g *gateFlags) selectChecks() (run []*checks.Check, skipped []string, err error) {
	for _, list := range [][]string{g.only, g.skip} {
		for _, id := range list {
			if checks.Lookup(id) == nil {
				return nil, nil, usageErr("no check %q; 'netdoctor checks' lists them", id)
			}
		}
	}
	for _, id := range g.only {
		if slices.Contains(g.skip, id) {
			return nil, nil, usageErr("check %q is in both --only and --skip", id)
		}
	}
	for _, c := range checks.Registry() {
		if (len(g.only) > 0 && !slices.Contains(g.only, c.ID)) || slices.Contains(g.skip, c.ID) {
			skipped = append(skipped, c.ID)
			continue
		}
		run = append(run, c)
	}
	if len(run) == 0 {
		return nil, nil, usageErr("--only and --skip leave no check to run")
	}
	return run, skipped, nil
}

// loadWaivers reads the waiver file, if any, and refuses expired waivers:
// before any sampling, so that a gate fails at once and loudly.
func (g *gateFlags) loadWaivers(env IO) ([]report.Waiver, error) {
	if g.waivers == "" {
		return nil, nil
	}
	f, err := os.Open(g.waivers)
	if err != nil {
		return nil, usageErr("--waivers: %v", err)
	}
	defer f.Close()
	ws, err := report.ParseWaivers(f, g.waivers, func(id string) bool { return checks.Lookup(id) != nil })
	if err != nil {
		return nil, &exitError{code: report.ExitUsage, err: err}
	}
	if err := report.ExpiredWaivers(ws, g.waivers, env.Now()); err != nil {
		return nil, &exitError{code: report.ExitUsage, err: err}
	}
	return ws, nil
}

// failOnMessage is the one line on standard error when --fail-on trips.
func failOnMessage(r *report.Report, failOn string, tripped []report.Finding) string {
	var crit, warn, notice int
	for _, f := range tripped {
		switch f.Severity {
		case checks.Critical:
			crit++
		case checks.Warning:
			warn++
		default:
			notice++
		}
	}
	var parts []string
	for _, p := range []struct {
		n    int
		name string
	}{{crit, "critical"}, {warn, "warning"}, {notice, "notice"}} {
		if p.n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", p.n, p.name))
		}
	}
	msg := fmt.Sprintf("--fail-on %s: %d finding(s) at or above %s (%s)", failOn, len(tripped), failOn, strings.Join(parts, ", "))
	if len(tripped) > 0 {
		w := tripped[0]
		msg += fmt.Sprintf("; first: %s [%s] %s", w.Check, w.Severity, report.SubjectSummary(w))
	}
	if r.Summary.Waived > 0 {
		msg += fmt.Sprintf("; %d waived", r.Summary.Waived)
	}
	return msg
}
