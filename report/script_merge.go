package report

import (
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/netdoctor/netdoctor/checks"
	"github.com/netdoctor/netdoctor/internal/host"
)

// Merging the configuration files of the fix script. Several findings may
// write the same file: each irqbalance finding its own
// IRQBALANCE_BANNED_CPULIST and IRQBALANCE_ARGS, each sysctl finding its
// lines of /etc/sysctl.d/90-netdoctor.conf. Appended one per finding, the
// last IRQBALANCE_ARGS line wins and the earlier findings' bans are lost.
// So the script writes every file once, with one line per key holding
// every finding's values: CPU lists and word lists by union, single values
// from the first-ranked finding (the others are said in a comment).

// mergedFile is one configuration file with its merged keys.
type mergedFile struct {
	file  string
	keys  []*mergedKey
	apply []string // the commands to run after writing, first-ranked first
	notes []string // disagreements, for comments
}

// mergedKey is one key of a file with every finding's value merged.
type mergedKey struct {
	key, syntax string
	kind        int // valueCPUs, valueWords or valueOne
	cpus        []int
	words       []string
	value       string
	rank        int // the finding that set value
}

const (
	valueCPUs = iota + 1
	valueWords
	valueOne
)

var (
	safeFile  = regexp.MustCompile(`^/etc/[A-Za-z0-9._/-]+$`)
	safeKey   = regexp.MustCompile(`^[A-Za-z0-9_.]+$`)
	safeWord  = regexp.MustCompile(`^[A-Za-z0-9_.,:=+/-]+$`)
	safeValue = regexp.MustCompile(`^[A-Za-z0-9_.,:=+/ -]+$`)
	safeApply = regexp.MustCompile(`^[a-z][a-z0-9 ._-]*$`)
)

// mergeable reports whether cmd's settings go to the merged files: a
// persistent change whose settings are all well-formed. Anything else is
// written as the finding gave it.
func mergeable(cmd Command) bool {
	if cmd.Kind != checks.Change || !cmd.Persistent || len(cmd.Settings) == 0 || !runnable(cmd.Run) {
		return false
	}
	if cmd.Apply != "" && !safeApply.MatchString(cmd.Apply) {
		return false
	}
	for _, s := range cmd.Settings {
		if !safeFile.MatchString(s.File) || strings.Contains(s.File, "..") || !safeKey.MatchString(s.Key) {
			return false
		}
		if s.Syntax != checks.SyntaxEnv && s.Syntax != checks.SyntaxSysctl {
			return false
		}
		n := 0
		if len(s.CPUs) > 0 {
			n++
		}
		if len(s.Words) > 0 {
			n++
			for _, w := range s.Words {
				if !safeWord.MatchString(w) {
					return false
				}
			}
		}
		if s.Value != "" {
			n++
			if !safeValue.MatchString(s.Value) {
				return false
			}
		}
		if n != 1 {
			return false
		}
	}
	return true
}

// mergeSettings merges the settings of every mergeable command of the
// findings (in rank order) by file and key, files and keys in order of
// first appearance.
func mergeSettings(fs []Finding) []*mergedFile {
	var files []*mergedFile
	byFile := map[string]*mergedFile{}
	for _, f := range fs {
		for _, cmd := range f.Commands {
			if !mergeable(cmd) {
				continue
			}
			for _, s := range cmd.Settings {
				mf := byFile[s.File]
				if mf == nil {
					mf = &mergedFile{file: s.File}
					byFile[s.File] = mf
					files = append(files, mf)
				}
				mf.add(s, f.Rank)
				if cmd.Apply != "" && !slices.Contains(mf.apply, cmd.Apply) {
					mf.apply = append(mf.apply, cmd.Apply)
				}
			}
		}
	}
	for _, mf := range files {
		// restart covers try-restart of the same unit: run the stronger
		// only when a finding asked for it.
		if slices.Contains(mf.apply, "systemctl restart irqbalance") {
			mf.apply = slices.DeleteFunc(mf.apply, func(a string) bool { return a == "systemctl try-restart irqbalance" })
		}
	}
	return files
}

func (mf *mergedFile) add(s Setting, rank int) {
	var k *mergedKey
	for _, x := range mf.keys {
		if x.key == s.Key {
			k = x
		}
	}
	kind := valueOne
	switch {
	case len(s.CPUs) > 0:
		kind = valueCPUs
	case len(s.Words) > 0:
		kind = valueWords
	}
	if k == nil {
		k = &mergedKey{key: s.Key, syntax: s.Syntax, kind: kind, rank: rank}
		mf.keys = append(mf.keys, k)
	} else if k.kind != kind {
		mf.notes = append(mf.notes, "finding "+strconv.Itoa(rank)+" gives "+s.Key+" another kind of value; the first finding's is kept")
		return
	}
	switch kind {
	case valueCPUs:
		k.cpus = host.UnionCPUs(k.cpus, s.CPUs)
	case valueWords:
		for _, w := range s.Words {
			if !slices.Contains(k.words, w) {
				k.words = append(k.words, w)
			}
		}
	default:
		if k.value == "" {
			k.value = s.Value
		} else if k.value != s.Value {
			mf.notes = append(mf.notes, "finding "+strconv.Itoa(rank)+" suggests "+s.Key+" "+s.Value+
				"; finding "+strconv.Itoa(k.rank)+"'s "+k.value+" is written (the first-ranked wins)")
		}
	}
}

// line is the file line of one merged key.
func (k *mergedKey) line() string {
	var v string
	switch k.kind {
	case valueCPUs:
		v = host.FormatCPUList(k.cpus)
	case valueWords:
		v = strings.Join(k.words, " ")
	default:
		v = k.value
	}
	if k.syntax == checks.SyntaxSysctl {
		return k.key + " = " + v
	}
	if strings.Contains(v, " ") {
		v = `"` + v + `"`
	}
	return k.key + "=" + v
}

// command is the one command writing the merged file and applying it.
func (mf *mergedFile) command() string {
	lines := make([]string, len(mf.keys))
	for i, k := range mf.keys {
		lines[i] = "'" + k.line() + "'"
	}
	run := `printf '%s\n' ` + strings.Join(lines, " ") + " >> " + mf.file
	for _, a := range mf.apply {
		run += " && " + a
	}
	return run
}

// settingsWords lists a command's own settings for a comment.
func settingsWords(cmd Command) string {
	parts := make([]string, 0, len(cmd.Settings))
	for _, s := range cmd.Settings {
		k := mergedKey{key: s.Key, syntax: s.Syntax, cpus: s.CPUs, words: s.Words, value: s.Value, kind: valueOne}
		switch {
		case len(s.CPUs) > 0:
			k.kind = valueCPUs
		case len(s.Words) > 0:
			k.kind = valueWords
		}
		parts = append(parts, k.line())
	}
	return strings.Join(parts, ", ")
}
