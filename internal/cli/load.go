package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/netdoctor/netdoctor/internal/bundle"
	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/source"
	"github.com/netdoctor/netdoctor/report"
)

// sampleFlags are the flags of every command that samples a host or reads bundles.
type sampleFlags struct {
	interval time.Duration
	// root is where the live host's "/" is mounted (--root); "" is "/".
	root string
}

// maxInterval bounds --interval: a sample pair is minutes apart at most.
const maxInterval = time.Hour

func (f *sampleFlags) validate() error {
	if f.interval <= 0 || f.interval > maxInterval {
		return usageErr("--interval must be between 1ms and %s, got %s", maxInterval, f.interval)
	}
	return nil
}

// loadPair samples the live host (no args) or reads one or two bundles.
func loadPair(ctx context.Context, env IO, f *sampleFlags, args []string) (*host.Pair, error) {
	if len(args) > 2 {
		return nil, usageErr("at most two bundles (the earlier first), got %d", len(args))
	}
	if err := f.validate(); err != nil {
		return nil, err
	}
	if err := f.validateRoot(len(args)); err != nil {
		return nil, err
	}
	var progress io.Writer
	if env.ErrIsTerminal {
		progress = env.Err
	}
	o := source.Options{Interval: f.interval, Progress: progress, Now: env.Now, Limits: bundle.DefaultLimits(), Root: f.root,
		Note: func(msg string) { printError(env.Err, errors.New("note: "+msg)) }}
	var (
		p   *host.Pair
		err error
	)
	if len(args) == 0 {
		p, err = source.Live(ctx, o)
	} else {
		p, err = source.Load(args, o)
	}
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if errors.Is(err, source.ErrSameBundle) {
			return nil, &exitError{code: report.ExitUsage, err: err}
		}
		return nil, noEvidence(fmt.Errorf("%w", err))
	}
	return p, nil
}
