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
	output  string
	privacy source.Privacy
}

func newCollectCmd(io IO) *cobra.Command {
	o := &collectOptions{}
	cmd := &cobra.Command{
		Use:   "collect -o FILE.tar.gz|-",
		Short: "Capture two samples of this host into a bundle to analyse elsewhere",
		Long: `collect samples this host twice, --interval apart, and writes both samples into one
.tar.gz archive in the sosreport layout. Any netdoctor reads it back ('netdoctor show FILE',
'netdoctor report FILE'), and a person can read it with tar and less.

What the archive holds, in each of sample-1/ and sample-2/ (and netdoctor-collect.json:
host name, sample times, what was scrubbed):
  - the host's name, kernel release and version, and the time (proc/sys/kernel/hostname,
    osrelease, version; sos_commands/host/hostname, kernel/uname_-a, date/date_--utc);
  - the kernel command line (proc/cmdline), proc/stat, proc/interrupts, proc/softirqs,
    proc/loadavg, the proc lines of proc/mounts (hidepid), proc/irq/N/ affinity files, proc/net/{dev,softnet_stat,
    netstat,snmp}, and the proc/sys/net and proc/sys/kernel settings the checks read;
  - CPU, NUMA node and NIC files of /sys (topology, cpulists, PCI device, driver, queues,
    statistics, MTU, speed, state);
  - ethtool -i, -S, -g and -l of every interface (sos_commands/networking/);
  - irqbalance's configuration file;
  - for every process: proc/PID/stat (comm, pid, state, CPU, CPU time), a status file
    reduced to the lines netdoctor uses (name, pids, uid, allowed CPUs), per-thread
    task/TID/stat and status, and proc/PID/cmdline;
  - of PID 1's environment, only its container= variable.
What the second sample took from the first rather than read again (the threads of the
processes that did not run, CPU topology, IRQ nodes and hints) is in sample-2/ as hard
links to the same files in sample-1/.
By default command lines are scrubbed to the program alone (argv[0]; the arguments may
hold passwords or customer names) and no user names are stored (no etc/passwd: processes
show their uid). The checks need neither: they use comm, pid and uid.
--keep-cmdlines stores whole command lines; --keep-user-names stores the names and uids
of etc/passwd (never its other fields). Nothing else of /etc, no logs, no file contents
outside /proc and /sys, and no memory of any process is read.

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
			so := source.Options{Interval: o.interval, Now: io.Now, Limits: bundle.DefaultLimits(), Privacy: o.privacy, Root: o.root}
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
	cmd.Flags().BoolVar(&o.privacy.KeepCmdlines, "keep-cmdlines", false, "store whole process command lines (default: the program only)")
	cmd.Flags().BoolVar(&o.privacy.KeepUserNames, "keep-user-names", false, "store user names with their uids (default: uids only, no etc/passwd)")
	addRootFlag(cmd, &o.sampleFlags)
	return cmd
}
