package checks

import (
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/hostview"
)

// Helpers of the stack-level loss checks, which read the view's loss ledger
// (hostview.Ledger) rather than the counters: one value per series over
// the window, gaps said, double counts marked.

// scope is one network namespace's view of a ledger counter: the host's
// ("" Namespace) or a container's.
type scope struct {
	Namespace string
	Rows      []hostview.LossEntry
}

// subject is the finding subject of a scope: host for the host's own
// namespace, "netns NAME" for a container's.
func (s scope) subject(host string) string {
	if s.Namespace == "" {
		return host
	}
	return "netns " + s.Namespace
}

// where is " in network namespace NAME" or "".
func (s scope) where() string {
	if s.Namespace == "" {
		return ""
	}
	return " in network namespace " + s.Namespace
}

// value sums the scope's known rows; gap joins the reasons of rows without
// a value.
func (s scope) value() (v uint64, gap string) {
	var gaps []string
	for _, e := range s.Rows {
		if e.Known {
			v += e.Value
		} else if e.Gap != "" {
			gaps = append(gaps, e.Name()+": "+e.Gap)
		}
	}
	return v, strings.Join(gaps, "; ")
}

// losing is true when the scope's row of counter name counts a loss.
func (s scope) losing(name string) bool {
	for i := range s.Rows {
		if s.Rows[i].Counter == name && s.Rows[i].Known && s.Rows[i].Value > 0 {
			return true
		}
	}
	return false
}

// scopes groups the ledger rows of counters (layer, name) by namespace, the
// host's first, in ledger order.
func scopes(ev *Evidence, layer hostview.LossLayer, names ...string) []scope {
	var out []scope
	idx := map[string]int{}
	for _, name := range names {
		for _, e := range ev.Ledger.Find(layer, name) {
			i, ok := idx[e.Namespace]
			if !ok {
				i = len(out)
				idx[e.Namespace] = i
				out = append(out, scope{Namespace: e.Namespace})
			}
			out[i].Rows = append(out[i].Rows, e)
		}
	}
	// The host's namespace first.
	for i := range out {
		if out[i].Namespace == "" && i > 0 {
			out[0], out[i] = out[i], out[0]
		}
	}
	return out
}

// netStatIn reads a netstat/snmp counter over the window in namespace ns
// ("" the host's), as the view's NetStat does for the host.
func netStatIn(ev *Evidence, ns, group, name string) (int64, bool) {
	if ns == "" {
		return ev.NetStat(group, name)
	}
	cur, ok := nsStats(ev.Now, ns)[group][name]
	if !ok {
		return 0, false
	}
	if ev.Prev == nil {
		return cur, true
	}
	if ev.Pair.Rebooted() != "" {
		return 0, false
	}
	old, ok := nsStats(ev.Prev, ns)[group][name]
	if !ok {
		return 0, false
	}
	return int64(uint64(cur) - uint64(old)), true
}

// nsStats returns namespace ns's counters in s, or nil.
func nsStats(s *host.Snapshot, ns string) map[string]map[string]int64 {
	for i := range s.Namespaces {
		if s.Namespaces[i].Name == ns {
			return s.Namespaces[i].NetStats
		}
	}
	return nil
}

// nsSNMP6 returns the snmp6 counters of namespace ns ("" the host's) in s,
// or nil.
func nsSNMP6(s *host.Snapshot, ns string) map[string]int64 {
	if ns == "" {
		return s.SNMP6
	}
	for i := range s.Namespaces {
		if s.Namespaces[i].Name == ns {
			return s.Namespaces[i].SNMP6
		}
	}
	return nil
}

// withRate is "1,234" or "1,234 (56/s)" when the window has a time base.
func withRate(ev *Evidence, n uint64) string {
	s := fmtInt(n)
	if ev.HasRates() {
		s += " (" + fmtRate(ev.Rate(n)) + ")"
	}
	return s
}

// logEvents returns the kernel log events of kind that fall in the window:
// between the two samples' uptimes with two samples, within the last
// recentLog seconds of the sample with one. Lines without a stamp are
// counted in all (returned second): they may be old.
func logEvents(ev *Evidence, kind string, recentLog float64) (inWindow []host.LogEvent, unstamped int) {
	kl := ev.Now.KernelLog
	if kl == nil {
		return nil, 0
	}
	now := ev.Now.Uptime().Seconds()
	from := now - recentLog
	if ev.Prev != nil {
		from = ev.Prev.Uptime().Seconds()
	}
	for _, e := range kl.Events {
		if e.Kind != kind {
			continue
		}
		switch {
		case e.Uptime < 0:
			unstamped++
		case now > 0 && e.Uptime >= from && e.Uptime <= now+1:
			inWindow = append(inWindow, e)
		}
	}
	return inWindow, unstamped
}

// RecentLogSeconds is how far back a single sample's kernel log counts as
// current: an hour (a netdoctor default: recent enough that the condition
// likely still holds when the report is read).
const RecentLogSeconds = 3600
