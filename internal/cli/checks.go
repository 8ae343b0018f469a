package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/netdoctor/netdoctor/checks"
)

// checkInfo is one check in `netdoctor checks --format json`.
type checkInfo struct {
	ID       string          `json:"id"`
	Title    string          `json:"title"`
	Severity checks.Severity `json:"severity"`
	// Inputs are the host inputs the check reads.
	Inputs []string `json:"inputs"`
	// Growth is true when the check needs two samples to pass.
	Growth bool `json:"growth"`
	// Doc is the check's documentation (Markdown).
	Doc string `json:"doc"`
}

func newChecksCmd(io IO) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "checks",
		Short: "List the checks netdoctor runs",
		Long: `checks lists the checks netdoctor runs, in report order: their IDs (for --only, --skip,
waiver files and 'netdoctor explain'), default severities and titles. --format json gives
every check's id, title, severity, inputs, growth (true when it needs two samples to pass)
and doc (its Markdown documentation).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			var buf bytes.Buffer
			switch format {
			case "text":
				tw := tabwriter.NewWriter(&buf, 0, 0, 2, ' ', 0)
				fmt.Fprintf(tw, "ID\tSEVERITY\tTITLE\n")
				for _, c := range checks.Registry() {
					fmt.Fprintf(tw, "%s\t%s\t%s\n", c.ID, c.Severity, c.Title)
				}
				tw.Flush()
				fmt.Fprintln(&buf, "\n'netdoctor explain ID' prints a check's documentation.")
			case "json":
				list := []checkInfo{}
				for _, c := range checks.Registry() {
					in := append([]string{}, c.Needs...)
					list = append(list, checkInfo{ID: c.ID, Title: c.Title, Severity: c.Severity, Inputs: in, Growth: c.Growth, Doc: c.Doc})
				}
				b, err := json.MarshalIndent(list, "", "  ")
				if err != nil {
					return err
				}
				buf.Write(append(b, '\n'))
			default:
				return usageErr("--format must be text or json, got %q", format)
			}
			return writeStdout(io, buf.Bytes())
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output format: text|json")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func newExplainCmd(io IO) *cobra.Command {
	return &cobra.Command{
		Use:   "explain ID",
		Short: "Print one check's documentation: why it matters, thresholds, fixes and their risks",
		Args:  cobra.ExactArgs(1),
		ValidArgsFunction: func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
			if len(args) > 0 {
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
			return completeCheckIDs(cmd, args, toComplete)
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
