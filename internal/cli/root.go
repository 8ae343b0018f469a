// Package cli holds netdoctor's cobra commands (report, show, collect,
// checks, explain), their options, and the one table of exit codes. It
// wires sources, checks and renderers together and computes nothing itself.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/netdoctor/netdoctor/internal/escape"
	"github.com/netdoctor/netdoctor/internal/output"
	"github.com/netdoctor/netdoctor/report"
	"golang.org/x/sys/unix"
)

// Version may be set at build time with -ldflags "-X .../internal/cli.Version=...";
// otherwise --version and the report read the module's build information
// (see buildVersion).
var Version = "dev"

// IO is the injectable environment of a command run.
type IO struct {
	In       io.Reader
	Out, Err io.Writer
	// ErrIsTerminal enables progress messages on Err.
	ErrIsTerminal bool
	// Now is the clock; time.Now unless a test injects another.
	Now func() time.Time
	// Args is the command line as given, for the report's record of it.
	Args []string

	// rawOut is Out before escaping (see terminal), for binary output.
	rawOut io.Writer
}

// StdIO is the process's real environment.
func StdIO() IO {
	_, err := unix.IoctlGetTermios(int(os.Stderr.Fd()), unix.TCGETS)
	return IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, ErrIsTerminal: err == nil, Now: time.Now}
}

// exitError carries an exit code through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErr(format string, a ...any) error {
	return &exitError{code: report.ExitUsage, err: fmt.Errorf(format, a...)}
}

func noEvidence(err error) error { return &exitError{code: report.ExitNothingEvaluated, err: err} }

// NewRoot builds the root command with every subcommand.
func NewRoot(io IO) *cobra.Command {
	if io.Now == nil {
		io.Now = time.Now
	}
	io = io.terminal()
	root := &cobra.Command{
		Use:   "netdoctor",
		Short: "Diagnose Linux network receive-path problems in one shot",
		Long: `netdoctor samples this host twice (or reads sosreport bundles captured elsewhere),
runs its checks of the network receive path (IRQ placement, NUMA locality, softnet
backlog drops, NIC FIFO overruns, hyperthread siblings, tcp_tw_recycle behind NAT,
applications on interrupt-heavy CPUs) and writes a ranked report whose findings carry
their evidence and the commands that fix them on this host.

netdoctor is read-only: it never changes the host and never runs external programs.`,
		Version:       buildVersion().String(),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetVersionTemplate(buildVersion().long())
	root.SetIn(io.In)
	root.SetOut(io.Out)
	root.SetErr(io.Err)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageErr("%v", err) })
	root.AddCommand(newReportCmd(io), newShowCmd(io), newCollectCmd(io), newChecksCmd(io), newExplainCmd(io))
	root.AddCommand(newSummaryCmd(io), newDiffCmd(io))
	return root
}

// Main runs netdoctor with args and returns the process exit code, from
// report's one table (report.Exit*): output errors are report.ExitOutput,
// an interrupt report.ExitInterrupted. Every message it prints is escaped
// (internal/escape): an error may quote a name from a bundle.
func Main(args []string, io IO) int {
	io.Args = args
	io = io.terminal()
	defer io.flush()
	root := NewRoot(io)
	root.SetArgs(args)
	ctx, stop := signalContext()
	defer stop()
	err := root.ExecuteContext(ctx)
	if err == nil {
		return report.ExitClean
	}
	if errors.Is(err, context.Canceled) {
		fmt.Fprintln(io.Err, "netdoctor: interrupted")
		return report.ExitInterrupted
	}
	var oe *output.Error
	if errors.As(err, &oe) {
		printError(io.Err, oe)
		return report.ExitOutput
	}
	var ee *exitError
	if errors.As(err, &ee) {
		printError(io.Err, ee.err)
		return ee.code
	}
	// Cobra's own argument and command errors are usage errors.
	fmt.Fprintf(io.Err, "netdoctor: %s\nRun 'netdoctor --help' for usage.\n", escape.Text(err.Error()))
	return report.ExitUsage
}
