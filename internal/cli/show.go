package cli

import (
	"bytes"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/netdoctor/netdoctor/internal/hostview"
	"github.com/netdoctor/netdoctor/internal/inventory"
)

type showOptions struct {
	sampleFlags
	format string
	output string
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
			if err := o.validate(); err != nil {
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
			inv := inventory.Build(hostview.New(p))
			render := inventory.Text
			if o.format == "json" {
				render = inventory.JSON
			}
			var buf bytes.Buffer
			if err := render(&buf, inv); err != nil {
				return fmt.Errorf("rendering the inventory: %w", err)
			}
			return writeText(out, buf.Bytes())
		},
	}
	cmd.Flags().StringVar(&o.format, "format", "text", "output format: text or json")
	cmd.Flags().StringVarP(&o.output, "output", "o", "", "write the inventory to FILE (\"-\": standard output), as report -o does")
	cmd.Flags().DurationVar(&o.interval, "interval", defaultInterval, "time between the two samples of a live host")
	addRootFlag(cmd, &o.sampleFlags)
	return cmd
}
