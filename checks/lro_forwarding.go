package checks

import (
	"fmt"
	"sort"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
)

// Names read by lro-forwarding.
const (
	sysctlIPForward   = "net.ipv4.ip_forward"
	sysctlIPv6Forward = "net.ipv6.conf.all.forwarding"
)

// LROForwarding finds large receive offload on an interface of a host that
// routes or bridges.
var LROForwarding = &Check{
	ID:       "lro-forwarding",
	Title:    "LRO on an interface of a router or bridge",
	Doc:      lroForwardingDoc,
	Severity: Notice,
	Needs:    []string{host.InputEthtoolFeatures, host.InputSysctl, host.InputNICs},
	Run:      runLROForwarding,
}

const lroForwardingDoc = `Finds large receive offload (LRO) switched on for an interface of a host that forwards packets
(net.ipv4.ip_forward or IPv6 forwarding on) or bridges them (the interface is a bridge port).

## Why it matters

LRO makes the adapter merge received TCP segments into one large buffer and throws away the headers
of all but the first: what comes out cannot be re-segmented exactly. The kernel refuses to forward
such a buffer and logs "received packets cannot be forwarded while LRO is enabled"; bridged frames
are dropped or exceed the next hop's MTU. GRO does the same merging in software but keeps what is
needed to split the packet again, which is why GRO is safe to forward and LRO is not.

## When it does not apply

- The host neither forwards (ip_forward = 0, IPv6 forwarding off) nor has a bridge: LRO is then a
  legitimate receive offload for local sockets (not applicable).
- The kernel switches LRO off on every device when forwarding is enabled (dev_disable_lro, called
  from the forwarding sysctl handler) and when a device joins a bridge. A later ethtool -K, a driver
  reset or a device added afterwards can turn it back on: that is what this check finds.
- An interface that reports LRO "[fixed]" cannot change it: the finding says so and gives no
  ethtool -K command for it.
- GRO on a forwarding host is not reported: it is designed to be re-segmented on output.

## Thresholds

- notice: LRO on for a device-backed interface or a bridge port while the host forwards or bridges.
  A configuration alone is never ranked above a loss.
- warning: the same, while a loss counter of that interface (its adapter overflow counters) grew
  over the window: the finding names the counter.
- critical: the kernel log holds the line "received packets cannot be forwarded while LRO is
  enabled" for the interface: packets were dropped for this reason.

## Fix and risks

ethtool -K DEV lro off takes effect at once and costs some CPU for locally received TCP (GRO
takes over most of the gain). Make it persistent with NetworkManager (ethtool.feature-lro off),
a tuned [net] section (features=lro off) or the distribution's ethtool options; some drivers
also have a module parameter.
`

// lroNIC is one interface with LRO on.
type lroNIC struct {
	name    string
	fixed   bool
	bridged string // the bridge it is a port of, or ""
	logged  bool   // the kernel log names it
	loss    string // a loss of the NIC over the window, or ""
}

func runLROForwarding(ev *Evidence) Result {
	s := ev.Now
	if len(s.Sysctls) == 0 {
		return Result{Verdict: NotEvaluated, Reason: ev.InputReason(host.InputSysctl, "")}
	}
	bridgeOf := map[string]string{}
	for _, n := range s.NICs {
		if n.Kind == host.KindBridge {
			for _, l := range n.Lower {
				bridgeOf[l] = n.Name
			}
		}
	}
	v4 := strings.TrimSpace(s.Sysctls[sysctlIPForward]) == "1"
	v6 := strings.TrimSpace(s.Sysctls[sysctlIPv6Forward]) == "1"
	if !v4 && !v6 && len(bridgeOf) == 0 {
		return Result{Verdict: NotApplicable, Reason: "the host neither forwards (net.ipv4.ip_forward = 0, IPv6 forwarding off) nor bridges: LRO serves local sockets only"}
	}
	var hits []lroNIC
	read, unread := 0, []string{}
	for i := range s.NICs {
		n := &s.NICs[i]
		if !n.DeviceBacked() && bridgeOf[n.Name] == "" {
			continue
		}
		if n.Features == nil {
			unread = append(unread, n.Name)
			continue
		}
		read++
		on, _ := n.FeatureOn(host.FeatureLRO)
		if !on {
			continue
		}
		if !v4 && !v6 && bridgeOf[n.Name] == "" {
			continue
		}
		hits = append(hits, lroNIC{
			name:    n.Name,
			fixed:   n.Features[host.FeatureLRO].Fixed,
			bridged: bridgeOf[n.Name],
			logged:  lroLogged(s, n.Name),
			loss:    nicLoss(ev, n.Name),
		})
	}
	if len(hits) == 0 {
		if read == 0 && len(unread) == 0 {
			return Result{Verdict: NotApplicable, Reason: "no device-backed interface or bridge port: LRO is an adapter's offload"}
		}
		if read == 0 {
			return Result{Verdict: NotEvaluated, Reason: ev.InputReason(host.InputEthtoolFeatures, unread[0])}
		}
		r := fmt.Sprintf("LRO is off on the %d interfaces read", read)
		if len(unread) > 0 {
			r += fmt.Sprintf(" (ethtool -k not read for %s)", strings.Join(unread, ", "))
		}
		return Result{Verdict: Pass, Reason: r}
	}
	sort.Slice(hits, func(i, j int) bool { return hits[i].name < hits[j].name })
	var res Result
	res.Verdict = Fail
	for _, h := range hits {
		res.Findings = append(res.Findings, lroFinding(ev, h, v4, v6))
	}
	return res
}

// lroLogged reports whether the kernel log says the NIC's packets could
// not be forwarded because of LRO.
func lroLogged(s *host.Snapshot, nic string) bool {
	if s.KernelLog == nil {
		return false
	}
	for _, e := range s.KernelLog.Events {
		if e.Kind == host.LogLROForwarding && strings.Contains(e.Text, nic+":") {
			return true
		}
	}
	return false
}

func lroFinding(ev *Evidence, h lroNIC, v4, v6 bool) Finding {
	sev, score := Notice, 40
	switch {
	case h.logged:
		sev, score = Critical, 70
	case h.loss != "":
		sev, score = Warning, 55
	}
	var why []string
	if v4 {
		why = append(why, "net.ipv4.ip_forward = 1")
	}
	if v6 {
		why = append(why, "net.ipv6.conf.all.forwarding = 1")
	}
	if h.bridged != "" {
		why = append(why, "port of bridge "+h.bridged)
	}
	lro := "on"
	if h.fixed {
		lro = "on [fixed]"
	}
	figs := []Figure{
		figure("large-receive-offload of "+h.name, lro, "off where packets are forwarded", "configuration"),
		figure("forwarding", strings.Join(why, ", "), "", "configuration"),
	}
	if h.loss != "" {
		figs = append(figs, figure("loss on "+h.name, h.loss, "> 0: warning", ev.WindowLabel))
	}
	if h.logged {
		figs = append(figs, figure("kernel log", "received packets cannot be forwarded while LRO is enabled", "present: critical", "kernel log"))
	}
	summary := fmt.Sprintf("LRO is on for %s while the host forwards (%s)", h.name, strings.Join(why, ", "))
	expl := "LRO merges received TCP segments in the adapter and drops the headers needed to split them again: the kernel will not forward such packets, and bridged ones are dropped or exceed the next hop's MTU."
	switch {
	case h.logged:
		summary = fmt.Sprintf("packets received on %s cannot be forwarded: LRO is on (kernel log)", h.name)
		expl += " The kernel log shows it already refused packets of this interface."
	case h.loss != "":
		summary += "; " + h.loss
		expl += " A loss counter of this interface grew over the window (" + h.loss + ")."
	default:
		expl += " No loss of this interface was seen yet: the kernel switches LRO off when forwarding starts, so something turned it back on (ethtool -K, a driver reset, a device added later)."
	}
	var cmds []Command
	q := shq(h.name)
	if h.fixed {
		expl += " The driver reports LRO as fixed: it cannot be switched off with ethtool; look for a driver module parameter or firmware setting."
		cmds = append(cmds, Command{
			Run:  "modinfo -p \"$(ethtool -i " + q + " | awk '/^driver:/{print $2}')\" | grep -i lro",
			Kind: Verify,
			Why:  "find a driver module parameter that disables LRO",
		})
	} else {
		cmds = append(cmds,
			Command{
				Run:       "ethtool -K " + q + " lro off",
				Kind:      Change,
				Why:       "stop merging received segments in the adapter so that forwarded packets keep their headers",
				NeedsRoot: true,
				Caveats:   []string{"Locally received TCP loses the adapter's merging; GRO keeps most of the gain in software."},
			},
			Command{
				Run:        "nmcli connection modify " + q + " ethtool.feature-lro off",
				Kind:       Change,
				Why:        "keep it off across reboots (NetworkManager 1.14+; the connection is often named after the interface)",
				NeedsRoot:  true,
				Persistent: true,
				Caveats:    []string{"Without NetworkManager: ifcfg ETHTOOL_OPTS=\"-K " + h.name + " lro off\" or an ifupdown post-up line."},
			},
			Command{
				Run:        "printf '%s\\n' " + quoteAll([]string{"[net_lro_" + h.name + "]", "type=net", "devices=" + h.name, "features=lro off"}) + " >> /etc/tuned/<profile>/tuned.conf",
				Kind:       Option,
				Why:        "with tuned: its [net] plugin keeps LRO off (edit your custom profile, then tuned-adm profile <profile>)",
				NeedsRoot:  true,
				Persistent: true,
			})
	}
	cmds = append(cmds, Command{
		Run:  "ethtool -k " + q + " | grep large-receive-offload",
		Kind: Verify,
		Why:  "confirm LRO is off",
	})
	return Finding{
		Severity:    sev,
		Score:       score,
		Subject:     h.name,
		NIC:         h.name,
		Summary:     summary,
		Evidence:    figs,
		Explanation: expl,
		Commands:    cmds,
	}
}
