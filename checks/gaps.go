package checks

import (
	"github.com/netdoctor/netdoctor/internal/hostview"
	"strconv"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
)

// Gaps in the two-sample window: counter series the pair could not give a
// value over the interval (a reboot, a renumbered or re-created IRQ, a
// counter reset, a delta beyond what the hardware can do). A check whose
// judgement needed such a series says not-evaluated with these words,
// never pass.

// maxGapWords is how many series a reason names before "and N more".
const maxGapWords = 3

// queueIRQGaps describes the receive queue IRQs of the physical multi-queue
// NICs that have no counts over the window, or "" when none (or one sample).
func queueIRQGaps(ev *Evidence) string {
	if !ev.TwoSample() {
		return ""
	}
	var gaps []string
	for _, nl := range ev.NICs {
		if !nl.Physical {
			continue
		}
		for _, il := range nl.QueueIRQs {
			if il.RX && il.Gap != "" {
				gaps = append(gaps, il.Gap)
			}
		}
	}
	if len(gaps) == 0 {
		return ""
	}
	return "queue IRQs without counts over the interval: " + gapWords(gaps)
}

// softnetGaps describes the softnet_stat series without a value over the
// window, or "" when none (or one sample).
func softnetGaps(ev *Evidence) string {
	return discWords(ev, func(d host.Discontinuity) bool { return d.Source == host.InputSoftnet })
}

// nicLossGaps describes nic's loss counters (the ones hwLoss reads)
// without a value over the window.
func nicLossGaps(ev *Evidence, nic string) string {
	return discWords(ev, func(d host.Discontinuity) bool {
		if d.Subject != nic {
			return false
		}
		switch d.Source {
		case host.InputNICSysfs:
			return hostview.IsOverflowCounter(hostview.FromSysfs, d.Counter)
		case host.InputNetDev:
			return hostview.IsOverflowCounter(hostview.FromNetDev, d.Counter)
		case host.InputEthtoolStats:
			return hostview.IsOverflowCounter(hostview.FromEthtool, d.Counter)
		}
		return false
	})
}

// discWords describes the pair's discontinuities that match (a reboot
// matches every series).
func discWords(ev *Evidence, match func(host.Discontinuity) bool) string {
	if !ev.TwoSample() {
		return ""
	}
	var gaps []string
	for _, d := range ev.Discontinuities {
		switch {
		case d.Kind == host.DiscReboot:
			return d.Reason
		case match(d):
			gaps = append(gaps, d.Series()+": "+d.Reason)
		}
	}
	if len(gaps) == 0 {
		return ""
	}
	return gapWords(gaps)
}

// gapWords joins distinct gap descriptions, at most maxGapWords of them.
func gapWords(gaps []string) string {
	var uniq []string
	seen := map[string]bool{}
	for _, g := range gaps {
		if !seen[g] {
			seen[g] = true
			uniq = append(uniq, g)
		}
	}
	s := strings.Join(uniq[:min(len(uniq), maxGapWords)], "; ")
	if n := len(uniq) - maxGapWords; n > 0 {
		s += "; and " + strconv.Itoa(n) + " more"
	}
	return s
}

// appLoadGaps describes what the per-CPU interrupt load of the window
// misses: queue IRQs and NET_RX softirq series without values.
func appLoadGaps(ev *Evidence) string {
	if g := queueIRQGaps(ev); g != "" {
		return g
	}
	return discWords(ev, func(d host.Discontinuity) bool { return d.Source == host.InputSoftirqs && d.Subject == "NET_RX" })
}
