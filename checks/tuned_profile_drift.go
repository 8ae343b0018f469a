package checks

import (
	"fmt"
	"sort"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/parse/cmdout"
)

// TunedProfileDrift finds a host whose running settings no longer match
// its tuned profile, or whose automatically chosen profile is not the one
// tuned now recommends.
var TunedProfileDrift = &Check{
	ID:       "tuned-profile-drift",
	Title:    "Settings drifted from the active tuned profile",
	Doc:      tunedDriftDoc,
	Severity: Notice,
	Needs:    []string{host.InputTuned, host.InputSysctl},
	Run:      runTunedProfileDrift,
}

const tunedDriftDoc = `Finds a host where tuned's active profile no longer holds: tuned-adm verify reports differences
(sosreport), the running sysctls differ from the [sysctl] settings of the active profile's files
(live, collect and sosreport), or tuned chose the profile automatically and now recommends another.

## Why it matters

tuned applies its profile's settings once, at start and on profile changes. A later sysctl -w, a
sysctl.d file applied afterwards, a script or a driver reset overrides them silently: the host runs
with settings nobody chose, while tuned-adm active still names the profile. The persistent fixes
netdoctor suggests are tuned profiles; tuned-adm verify is how tuned itself proves they still hold.

## When it does not apply

- tuned not installed (no /etc/tuned; a sosreport's package list without it), or no active profile:
  not applicable.
- tuned-adm verify fails forever for a sysctl the kernel does not have ("'KEY' = 'None'"): such
  lines are not drift and are left out.
- A profile chosen by hand (profile_mode manual) that differs from tuned's recommendation is a
  choice, not drift.
- Profile values with tuned variables or functions (${...}) are not compared: only tuned expands
  them. Only the sysctls netdoctor reads are compared (live: net.core, net.ipv4 and the all/default
  interface settings).

## Thresholds

- notice: tuned-adm verify failed with at least one difference other than a missing sysctl; or a
  sysctl of the active profile differs from the running value; or profile_mode auto and tuned-adm
  recommend names another profile (ranks 25 to 29 of the check specifications). No loss is tied to
  it: it stays a notice.

## Fix and risks

Find what overrides the profile (grep the key in /etc/sysctl.d, /etc/sysctl.conf, scripts), remove
it or put the value in a custom tuned profile, then re-apply: tuned-adm profile PROFILE (or
systemctl restart tuned) and tuned-adm verify. Re-applying undoes whatever changed the settings,
which may have been a deliberate fix: read the differences first.
`

func runTunedProfileDrift(ev *Evidence) Result {
	t := ev.Now.Tuned
	switch {
	case t == nil:
		return Result{Verdict: NotEvaluated, Reason: ev.InputReason(host.InputTuned, "")}
	case !t.Installed:
		return Result{Verdict: NotApplicable, Reason: "tuned is not installed"}
	case t.Active == "":
		return Result{Verdict: NotApplicable, Reason: "tuned has no active profile"}
	}
	var drift, missing []string
	seen := map[string]bool{}
	for _, d := range t.Drift {
		if cmdout.DriftIsMissing(d) {
			missing = append(missing, d)
			continue
		}
		drift = append(drift, d)
		if k := driftKey(d); k != "" {
			seen[k] = true
		}
	}
	var keys []string
	for k := range t.ProfileSysctls {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		want := t.ProfileSysctls[k]
		got, ok := ev.Now.Sysctls[k]
		if !ok || seen[k] || sameSysctl(got, want) {
			continue
		}
		drift = append(drift, fmt.Sprintf("'%s' = '%s', expected '%s'", k, strings.Join(strings.Fields(got), " "), want))
	}
	verifyFailed := t.Verified != nil && !*t.Verified && (len(drift) > 0 || len(missing) == 0)
	other := t.Mode == "auto" && t.Recommended != "" && t.Recommended != t.Active
	if len(drift) == 0 && !verifyFailed && !other {
		r := fmt.Sprintf("the settings of tuned profile %s hold", t.Active)
		switch {
		case t.Verified != nil && *t.Verified:
			r += " (tuned-adm verify succeeded)"
		case t.Verified != nil:
			r += fmt.Sprintf(" (tuned-adm verify failed only on %d sysctls this kernel does not have)", len(missing))
		case t.ProfileSysctls != nil:
			r += " (its sysctls match the running values)"
		default:
			return Result{Verdict: NotEvaluated, Reason: fmt.Sprintf("tuned profile %s: neither tuned-adm verify nor the profile's files were read", t.Active)}
		}
		if t.Recommended != "" && t.Recommended != t.Active {
			r += fmt.Sprintf("; chosen by hand over tuned's recommendation %s", t.Recommended)
		}
		return Result{Verdict: Pass, Reason: r}
	}
	var figs []Figure
	figs = append(figs, figure("active tuned profile", t.Active+modeWords(t.Mode), "", "configuration"))
	var parts []string
	if t.Verified != nil && !*t.Verified {
		figs = append(figs, figure("tuned-adm verify", "failed", "succeeded", "configuration"))
	}
	if len(drift) > 0 {
		shown := drift
		if len(shown) > 8 {
			shown = shown[:8]
		}
		figs = append(figs, figure("settings that differ from the profile", strings.Join(shown, "; "), "none", "configuration"))
		parts = append(parts, fmt.Sprintf("%d %s differ from tuned profile %s", len(drift), plural(len(drift), "setting", "settings"), t.Active))
	} else if verifyFailed {
		parts = append(parts, fmt.Sprintf("tuned-adm verify reports the settings of tuned profile %s no longer hold", t.Active))
	}
	if other {
		figs = append(figs, figure("tuned-adm recommend", t.Recommended, t.Active, "configuration"))
		parts = append(parts, fmt.Sprintf("tuned chose %s automatically but now recommends %s", t.Active, t.Recommended))
	}
	expl := "tuned applies its profile at start and on profile changes; anything that changes a setting later (sysctl -w, a sysctl.d file applied afterwards, a script, a driver reset) overrides it silently while tuned-adm active still names the profile."
	if len(drift) > 0 {
		expl += " The differences are given as tuned prints them: the running value, then the profile's."
	} else if verifyFailed {
		expl += " tuned-adm verify failed; its log (/var/log/tuned/tuned.log) names the settings, and was not available here."
	}
	if other {
		expl += fmt.Sprintf(" In automatic mode tuned picks the profile for the hardware; a recommendation of %s means the host changed (another hypervisor, hardware, or a rule in /etc/tuned/recommend.d).", t.Recommended)
	}
	if len(missing) > 0 {
		expl += fmt.Sprintf(" %d verify %s about sysctls this kernel does not have were left out (they fail forever and are no drift).", len(missing), plural(len(missing), "line", "lines"))
	}
	cmds := []Command{
		{Run: "tuned-adm verify; grep 'verify: failed' /var/log/tuned/tuned.log | tail -n 20", Kind: Verify, Why: "list the settings that differ from the profile"},
	}
	if k := firstKeys(drift, 3); len(k) > 0 {
		cmds = append(cmds, Command{
			Run:  "grep -rs -e " + strings.Join(quoteEach(k), " -e ") + " /etc/sysctl.conf /etc/sysctl.d /run/sysctl.d /usr/lib/sysctl.d",
			Kind: Verify,
			Why:  "find what else sets these values",
		})
	}
	cmds = append(cmds, Command{
		Run:       "tuned-adm profile " + quoteAll(strings.Fields(t.Active)) + " && tuned-adm verify",
		Kind:      Change,
		Why:       "re-apply the active profile and check that it holds",
		NeedsRoot: true,
		Caveats:   []string{"This undoes whatever changed the settings, which may have been a deliberate fix: read the differences first and move a wanted value into a custom profile."},
	})
	if other {
		cmds = append(cmds, Command{
			Run:        "tuned-adm profile " + quoteAll([]string{t.Recommended}),
			Kind:       Option,
			Why:        "switch to the profile tuned recommends for this host now",
			NeedsRoot:  true,
			Persistent: true,
		})
	}
	return Result{Verdict: Fail, Findings: []Finding{{
		Severity:    Notice,
		Confidence:  High,
		Score:       20,
		Subject:     "tuned " + t.Active,
		Summary:     strings.Join(parts, "; "),
		Evidence:    figs,
		Explanation: expl,
		Commands:    cmds,
	}}}
}

// driftKey is the setting name of a drift line "'KEY' = ...", or "".
func driftKey(d string) string {
	if !strings.HasPrefix(d, "'") {
		return ""
	}
	k, _, ok := strings.Cut(d[1:], "'")
	if !ok {
		return ""
	}
	return k
}

// firstKeys returns up to n setting names of drift lines.
func firstKeys(drift []string, n int) []string {
	var out []string
	for _, d := range drift {
		if k := driftKey(d); k != "" && len(out) < n {
			out = append(out, k)
		}
	}
	return out
}

func quoteEach(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = quoteAll([]string{s})
	}
	return out
}

// sameSysctl compares a running and a profile value, field by field.
func sameSysctl(got, want string) bool {
	return strings.Join(strings.Fields(got), " ") == strings.Join(strings.Fields(want), " ")
}

// modeWords is " (automatic)", " (chosen by hand)" or "".
func modeWords(mode string) string {
	switch mode {
	case "auto":
		return " (chosen automatically)"
	case "manual":
		return " (chosen by hand)"
	}
	return ""
}
