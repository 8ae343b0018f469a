// Package source turns a running host, a sosreport or a netdoctor collect
// bundle into host.Snapshot values and pairs of them, and writes collect
// bundles.
//
// One loader reads every root, live or offline, through a bundle.FS: the
// live host through bundle.Live(), a sosreport or a collect sample through
// bundle.Sub. Every input is resolved through an ordered list of candidate
// paths (candidates.go) because sos moved files between versions; for each
// input the snapshot records which candidate matched and whether it could
// be used (ok, missing, unreadable, invalid with the reason). A missing or
// broken input never stops the others from loading, and no input, however
// malformed, makes the loader panic.
//
// Live sampling differs from offline loading only where the kernel offers
// no file: ethtool data comes from ioctls (github.com/safchain/ethtool,
// getters only), the sample time from the clock. Collect records every file
// the live loader read and writes it at its path in the sosreport layout,
// with the ethtool, uname, hostname and date data written as sos names and
// formats them, so that Load reads a collect bundle with the same code.
package source

import (
	"io"
	"time"

	"github.com/netdoctor/netdoctor/internal/bundle"
)

// Options tune sampling and loading.
type Options struct {
	// Interval is the time between the starts of the two live samples;
	// zero or negative means DefaultInterval.
	Interval time.Duration
	// Progress receives one line per step of a live sampling ("sampling
	// 1/2", "waiting 5s"); nil keeps quiet.
	Progress io.Writer
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Limits bound what a bundle may make netdoctor read; the zero value
	// means bundle.DefaultLimits().
	Limits bundle.Limits
	// Privacy says what collect keeps of command lines and user names;
	// the zero value scrubs both.
	Privacy Privacy
	// Note receives a one-line remark about the input that does not stop
	// the run (two bundles given in the wrong order); nil keeps quiet.
	Note func(msg string)
	// Root is where the live host's "/" is mounted ("" or "/": here): a
	// container reading its node's /proc and /sys under /host. It is read
	// only; the ethtool ioctls ask the reader's network namespace, so run
	// in the host's.
	Root string
}

// DefaultInterval is the time between two live samples when Options.Interval is unset.
const DefaultInterval = 5 * time.Second

// Source kinds, as Snapshot.Source reports them.
const (
	KindLive      = "live"
	KindSosreport = "sosreport"
	KindCollect   = "collect"
)

func (o Options) withDefaults() Options {
	if o.Interval <= 0 {
		o.Interval = DefaultInterval
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Limits == (bundle.Limits{}) {
		o.Limits = bundle.DefaultLimits()
	}
	return o
}

// Privacy is what collect keeps that may identify people or hold secrets.
// The zero value is the default: command lines reduced to their program
// and no user names. The checks need neither: they use comm, pid and uid.
type Privacy struct {
	// KeepCmdlines archives every process's whole command line.
	KeepCmdlines bool
	// KeepUserNames archives the names and uids of etc/passwd (never its
	// other fields).
	KeepUserNames bool
}
