package cli

import (
	"bytes"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/netdoctor/netdoctor/checks"
)

func newChecksCmd(io IO) *cobra.Command {
	return &cobra.Command{
		Use:   "checks",
		Short: "List the checks netdoctor runs",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var buf bytes.Buffer
			tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
			fmt.Fprintf(tw, "ID\tSEVERITY\tTITLE\n")
			for _, c := range checks.Registry() {
				fmt.Fprintf(tw, "%s\t%s\t%s\n", c.ID, c.Severity, c.Title)
			}
			tw.Flush()
			fmt.Fprintln(&buf, "\n'netdoctor explain ID' prints a check's documentation.")
			return writeStdout(io, buf.Bytes())
		},
	}
}

func newExplainCmd(io IO) *cobra.Command {
	return &cobra.Command{
		Use:   "explain ID",
		Short: "Print one check's documentation: why it matters, thresholds, fixes and their risks",
		Args:  cobra.ExactArgs(1),
		ValidArgsFunction: func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
			var ids []string
			for _, c := range checks.Registry() {
				ids = append(ids, c.ID)
			}
			return ids, cobra.ShellCompDirectiveNoFileComp
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			c := checks.Lookup(args[0])
			if c == nil {
				return usageErr("no check %q; 'netdoctor checks' lists them", args[0])
			}
			doc := fmt.Sprintf("# %s: %s\n\nDefault severity: %s. Reads: %v.\n\n%s\n", c.ID, c.Title, c.Severity, c.Needs, c.Doc)
			return writeStdout(io, []byte(doc))
		},
	}
}
