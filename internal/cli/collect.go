package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/netdoctor/netdoctor/internal/bundle"
	"github.com/netdoctor/netdoctor/internal/output"
	"github.com/netdoctor/netdoctor/internal/source"
)

type collectOptions struct {
	sampleFlags
	output string
}

func newCollectCmd(io IO) *cobra.Command {
	o := &collectOptions{}
	cmd := &cobra.Command{
		Use:   "collect -o FILE.tar.gz|-",
		Short: "Capture two samples of this host into a bundle to analyse elsewhere",
		Long: `collect samples this host twice, --interval apart, and writes both samples into one
.tar.gz archive in the sosreport layout: the raw /proc and /sys files at their paths,
ethtool data written as sos names it and in ethtool's own text format, and each user
process's per-thread stat and status. Any netdoctor reads it back ('netdoctor show FILE',
'netdoctor report FILE'), and a person can read it with tar and less.

-o - writes the archive to standard output (refused on a terminal). A new file is
created mode 0600; an existing regular file is replaced atomically, keeping its owner
and mode; a device or FIFO is written in place; a symbolic link or a directory is
refused. The destination is checked before sampling starts. Exit codes: 0 written,
2 usage, 3 the host could not be sampled, 4 the archive could not be written,
130 interrupted.`,
		Example: `  netdoctor collect -o /tmp/netdoctor-$(hostname).tar.gz
  netdoctor collect --interval 10s -o web1.tar.gz
  netdoctor collect -o - | ssh support@jump 'cat > web1.tar.gz'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.output == "" {
				return usageErr("collect needs -o FILE.tar.gz")
			}
			if err := o.validate(); err != nil {
				return err
			}
			// Checked before sampling; an interrupted collect leaves
			// nothing behind (internal/output writes a new or replaced
			// file through a temporary file renamed when complete).
			out, err := openBinary(io, o.output)
			if err != nil {
				return err
			}
			defer out.Abort()
			if err := o.validateRoot(0); err != nil {
				return err
			}
			so := source.Options{Interval: o.interval, Now: io.Now, Limits: bundle.DefaultLimits(), Root: o.root}
			if io.ErrIsTerminal {
				so.Progress = io.Err
			}
			if err := source.Collect(cmd.Context(), out, so); err != nil {
				var oe *output.Error
				if errors.As(err, &oe) || cmd.Context().Err() != nil {
					return err
				}
				return noEvidence(fmt.Errorf("collect: %w", err))
			}
			if err := out.Close(); err != nil {
				return err
			}
			fmt.Fprintf(io.Err, "wrote %s\n", out.Name())
			return nil
		},
	}
	cmd.Flags().StringVarP(&o.output, "output", "o", "", "the archive to write (.tar.gz; \"-\": standard output, never a terminal); a new file is mode 0600")
	cmd.Flags().DurationVar(&o.interval, "interval", defaultInterval, "time between the two samples")
	addRootFlag(cmd, &o.sampleFlags)
	return cmd
}
