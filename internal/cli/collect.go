package cli

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/netdoctor/netdoctor/internal/bundle"
	"github.com/netdoctor/netdoctor/internal/source"
)

type collectOptions struct {
	sampleFlags
	output string
}

func newCollectCmd(io IO) *cobra.Command {
	o := &collectOptions{}
	cmd := &cobra.Command{
		Use:   "collect -o FILE.tar.gz",
		Short: "Capture two samples of this host into a bundle to analyse elsewhere",
		Long: `collect samples this host twice, --interval apart, and writes both samples into one
.tar.gz archive in the sosreport layout: the raw /proc and /sys files at their paths,
ethtool data written as sos names it and in ethtool's own text format, and each user
process's per-thread stat and status. Any netdoctor reads it back ('netdoctor show FILE',
'netdoctor report FILE'), and a person can read it with tar and less.`,
		Example: `  netdoctor collect -o /tmp/netdoctor-$(hostname).tar.gz
  netdoctor collect --interval 10s -o web1.tar.gz`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.output == "" {
				return usageErr("collect needs -o FILE.tar.gz")
			}
			if err := o.validate(); err != nil {
				return err
			}
			// Write to a temporary file beside the target, then rename: an
			// interrupted collect never leaves a truncated archive behind.
			dir := filepath.Dir(o.output)
			tmp, err := os.CreateTemp(dir, ".netdoctor-collect-*")
			if err != nil {
				return fmt.Errorf("collect: %w", err)
			}
			defer os.Remove(tmp.Name())
			so := source.Options{Interval: o.interval, Now: io.Now, Limits: bundle.DefaultLimits()}
			if io.ErrIsTerminal {
				so.Progress = io.Err
			}
			if err := source.Collect(cmd.Context(), tmp, so); err != nil {
				tmp.Close()
				return fmt.Errorf("collect: %w", err)
			}
			if err := tmp.Close(); err != nil {
				return fmt.Errorf("collect: %w", err)
			}
			if err := os.Chmod(tmp.Name(), 0o600); err != nil {
				return fmt.Errorf("collect: %w", err)
			}
			if err := os.Rename(tmp.Name(), o.output); err != nil {
				return fmt.Errorf("collect: %w", err)
			}
			fmt.Fprintf(io.Err, "wrote %s\n", o.output)
			return nil
		},
	}
	cmd.Flags().StringVarP(&o.output, "output", "o", "", "the archive to write (.tar.gz)")
	cmd.Flags().DurationVar(&o.interval, "interval", defaultInterval, "time between the two samples")
	return cmd
}
