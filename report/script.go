package report

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/netdoctor/netdoctor/checks"
)

// Script writes the suggested commands as one POSIX sh script to review and
// run by hand. A header says that netdoctor generated it and ran nothing;
// `set -eu` stops it at the first failure; a safety line makes it exit
// until the reader deletes it. Only Change commands run: part 1 holds
// every finding's runtime changes in rank order, part 2 the persistent
// forms. Verify and Option commands (and any of no known kind) are written
// next to them as comments ("# verify: ...", "# option: ..."), so the
// reader sees them but nothing runs them: they block, only read, are
// alternatives to the changes, or hold placeholders. Each command is
// preceded by comments giving its finding, why, whether it needs root and
// its caveats.
//
// Untrusted text only ever appears in comments, flattened to one line (see
// oneLine), so it cannot leave the comment. Commands are written as the
// checks built them; one holding a control or invisible character other
// than a newline or a tab is withheld (shown in a comment, not run).
func Script(w io.Writer, r *Report) error {
	if r == nil {
		return errNilReport
	}
	r = normalized(r)
	var b strings.Builder
	b.Grow(2048 + 1024*len(r.Findings))
	// c writes a comment, wrapped at commentWidth; continuation lines are
	// indented under the first.
	c := func(format string, args ...any) {
		s := fmt.Sprintf(format, args...)
		if s == "" {
			b.WriteString("#\n")
			return
		}
		for i, l := range wrap(s, commentWidth) {
			if i == 0 {
				b.WriteString("# ")
			} else {
				b.WriteString("#     ")
			}
			b.WriteString(l)
			b.WriteByte('\n')
		}
	}

	runtime, persistent, shown := 0, 0, 0
	for _, f := range r.Findings {
		for _, cmd := range f.Commands {
			switch {
			case cmd.Kind != checks.Change:
				shown++
			case cmd.Persistent:
				persistent++
			default:
				runtime++
			}
		}
	}

	b.WriteString("#!/bin/sh\n")
	name := "unknown host"
	if r.Host.Hostname != "" {
		name = oneLine(r.Host.Hostname)
	}
	tool := oneLine(toolName(r))
	if r.Tool.Version != "" {
		tool += " " + oneLine(r.Tool.Version)
	}
	c("Commands suggested by %s for host %s.", tool, name)
	c("Generated: %s", stamp(r.Generated))
	c("Samples:   %s", sampleWords(r))
	if r.Source.Kind != "" || len(r.Source.Paths) > 0 {
		src := r.Source.Kind
		if len(r.Source.Paths) > 0 {
			src += ": " + strings.Join(r.Source.Paths, ", ")
		}
		c("Source:    %s", oneLine(src))
	}
	if r.Tool.Command != "" {
		c("Command:   %s", oneLine(r.Tool.Command))
	}
	c("")
	c("netdoctor executed none of these commands and changed nothing on the host:")
	c("this script only collects what the report suggests. Review every command")
	c("before running it, and run it by hand, part by part. Commands marked")
	c("\"needs root\" must run as root.")
	if runtime+persistent+shown == 0 {
		c("")
		c("No finding suggested a command: there is nothing to run.")
		b.WriteString("exit 0\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	c("")
	c("Part 1 holds the runtime changes (%d): they take effect now and are lost", runtime)
	c("at reboot. Part 2 holds the persistent forms (%d): they survive reboots.", persistent)
	c("Apply part 1, check the result, then decide about part 2.")
	c("")
	if shown > 0 {
		c("Only the changes run. Commands shown as \"# verify:\" or \"# option:\"")
		c("comments (%d) never run: a verify only reads state to check a change", shown)
		c("(some block until interrupted); an option is an alternative or a")
		c("conditional change, or a template to fill in. Run one by hand only when")
		c("it applies.")
		c("")
	}
	c("set -eu: stop at the first failing command, so that nothing runs on top of")
	c("a half-applied change, and treat unset variables as errors.")
	b.WriteString("set -eu\n\n")
	c("Safety catch: delete the next line once you have reviewed this script.")
	b.WriteString(scriptGuard + "\n")

	part := func(title string, persistentPart bool) {
		b.WriteString("\n")
		c("=====================================================================")
		c("%s", title)
		c("=====================================================================")
		// kind and command → rank of the finding that first had it
		seen := map[string]int{}
		wrote := false
		for _, f := range r.Findings {
			var cmds []Command
			for _, cmd := range f.Commands {
				if cmd.Persistent == persistentPart {
					cmds = append(cmds, cmd)
				}
			}
			if len(cmds) == 0 {
				continue
			}
			wrote = true
			b.WriteString("\n")
			head := fmt.Sprintf("%d. [%s] %s", f.Rank, f.Severity, oneLine(f.Check))
			if f.Subject != "" {
				head += " " + oneLine(f.Subject)
			}
			if s := oneLine(f.Summary); s != "" {
				head += ": " + s
			}
			c("%s", head)
			if f.Waived != nil {
				c("Waived until %s (%s): its changes are shown as comments, not run.", oneLine(f.Waived.Expires), oneLine(f.Waived.Reason))
			}
			for _, cmd := range cmds {
				b.WriteString("\n")
				if why := oneLine(cmd.Why); why != "" {
					c("Why: %s", why)
				}
				if cmd.NeedsRoot {
					c("Needs root.")
				}
				for _, cv := range cmd.Caveats {
					if s := oneLine(cv); s != "" {
						c("Caveat: %s", s)
					}
				}
				run := strings.TrimRight(cmd.Run, "\n")
				// A waived finding's changes are shown, never run.
				live := cmd.Kind == checks.Change && f.Waived == nil
				key := string(cmd.Kind) + "\x00" + strconv.FormatBool(live) + "\x00" + run
				switch {
				case persistentPart && mergeable(cmd):
					var files []string
					for _, s := range cmd.Settings {
						if !slices.Contains(files, s.File) {
							files = append(files, s.File)
						}
					}
					c("Written once for every finding under \"Configuration files\" at the end of part 2 (%s): %s",
						strings.Join(files, ", "), oneLine(settingsWords(cmd)))
				case !runnable(run):
					c("Withheld: this command holds control or invisible characters")
					c("(shown as \\uXXXX):")
					for _, l := range strings.Split(run, "\n") {
						b.WriteString("#   " + oneLine(l) + "\n")
					}
				case seen[key] != 0:
					if live {
						c("Already above (finding %d): %s", seen[key], oneLine(run))
					} else {
						c("%s, already above (finding %d): %s", kindLabel(cmd.Kind), seen[key], oneLine(run))
					}
				case live:
					seen[key] = f.Rank
					b.WriteString(run)
					b.WriteByte('\n')
				default:
					// Shown, never run: every line stays in a comment.
					seen[key] = f.Rank
					for i, l := range strings.Split(run, "\n") {
						if i == 0 {
							b.WriteString("# " + kindLabel(cmd.Kind) + ": " + oneLine(l) + "\n")
						} else {
							b.WriteString("#   " + indent(l) + oneLine(l) + "\n")
						}
					}
				}
			}
		}
		if !wrote {
			b.WriteString("\n")
			c("No command of this kind.")
		}
		if !persistentPart {
			return
		}
		merged := mergeSettings(r.Findings)
		if len(merged) == 0 {
			return
		}
		b.WriteString("\n")
		c("Configuration files: one line per key holding every finding's settings")
		c("(CPU lists and IRQ bans merged; a later line of the same key in the file")
		c("replaces an earlier one, so each key is written once). Needs root.")
		for _, mf := range merged {
			b.WriteString("\n")
			for _, n := range mf.notes {
				c("Note: %s", oneLine(n))
			}
			b.WriteString(mf.command())
			b.WriteByte('\n')
		}
	}
	part("Part 1: runtime changes (take effect now, lost at reboot)", false)
	part("Part 2: persistent forms (survive reboots)", true)
	_, err := io.WriteString(w, b.String())
	return err
}

// indent is the leading indentation of a command line as spaces (a tab
// counts four), kept when the line is shown in a comment.
func indent(l string) string {
	n := 0
	for _, r := range l {
		switch r {
		case ' ':
			n++
		case '\t':
			n += 4
		default:
			return strings.Repeat(" ", n)
		}
	}
	return ""
}

// kindLabel names a command kind in a script comment: "verify" or
// "option"; anything not a known kind is an option.
func kindLabel(k checks.CommandKind) string {
	if k == checks.Verify {
		return "verify"
	}
	if k == checks.Change {
		return "change"
	}
	return "option"
}

// scriptGuard is the safety line that stops the script until it is deleted.
const scriptGuard = `echo "netdoctor: review this script, then delete its safety line (exit 1)" >&2; exit 1`

// commentWidth is where script comments wrap.
const commentWidth = 76

// sampleWords says in words which samples the report read.
func sampleWords(r *Report) string {
	switch {
	case r.Samples == 2 && len(r.SampleTimes) == 2:
		return "2, " + strconv.FormatFloat(r.IntervalSeconds, 'f', 1, 64) +
			" s apart, the last at " + stamp(r.SampleTimes[1])
	case r.Samples == 1 && len(r.SampleTimes) == 1:
		return "1, taken at " + stamp(r.SampleTimes[0])
	}
	return strconv.Itoa(r.Samples)
}

// wrap splits one line of text at spaces into lines of at most width
// bytes; a longer word stays whole on its own line.
func wrap(s string, width int) []string {
	var lines []string
	for len(s) > width {
		cut := strings.LastIndexByte(s[:width+1], ' ')
		if cut <= 0 {
			cut = strings.IndexByte(s, ' ')
			if cut < 0 {
				break
			}
		}
		lines = append(lines, strings.TrimRight(s[:cut], " "))
		s = strings.TrimLeft(s[cut:], " ")
	}
	if s != "" || len(lines) == 0 {
		lines = append(lines, s)
	}
	return lines
}
