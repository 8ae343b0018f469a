package cli

import (
	"github.com/spf13/cobra"

	"github.com/netdoctor/netdoctor/internal/hostview"
	"github.com/netdoctor/netdoctor/internal/inventory"
)

type showOptions struct {
	sampleFlags
	format string
}

func newShowCmd(io IO) *cobra.Command {
	o := &showOptions{}
	cmd := &cobra.Command{
		Use:   "show [BUNDLE [BUNDLE2]]",
		Short: "Print the host inventory: CPUs, NUMA nodes, NICs, queues, IRQs and inputs",
		Long: `show prints what a support engineer reads first about a host: CPUs and NUMA nodes
with hyperthread siblings; each NIC with driver, NUMA node, ring and channels, and its
queues with IRQ, effective CPUs and interrupt rate over the interval; and the status of
every input netdoctor read.

With no bundle it samples this host twice, --interval apart. A bundle is a sosreport
(directory or .tar, .tar.gz, .tar.xz) or a 'netdoctor collect' archive. Two sosreports of
one host, the earlier first, give two samples.`,
		Example: `  netdoctor show
  netdoctor show --format json sosreport-web1-2024-03-05-abcdefg.tar.xz
  netdoctor show netdoctor-web1-20240305-101112.tar.gz`,
		Args: cobra.MaximumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if o.format != "text" && o.format != "json" {
				return usageErr("--format must be text or json, got %q", o.format)
			}
			p, err := loadPair(cmd.Context(), io, &o.sampleFlags, args)
			if err != nil {
				return err
			}
			inv := inventory.Build(hostview.New(p))
			if o.format == "json" {
				return inventory.JSON(io.Out, inv)
			}
			return inventory.Text(io.Out, inv)
		},
	}
	cmd.Flags().StringVar(&o.format, "format", "text", "output format: text or json")
	cmd.Flags().DurationVar(&o.interval, "interval", defaultInterval, "time between the two samples of a live host")
	return cmd
}
