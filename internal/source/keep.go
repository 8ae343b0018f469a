package source

import "strings"

// keepInput tells bundle.OpenKeep which archive members the loader may
// read, so that only their content is held in memory: a sosreport carries
// gigabytes of logs and other plugins' files netdoctor never looks at.
//
// name is a member's name from the archive's top. Sample roots sit at most
// a few directories down (a sosreport's top directory, a collect bundle's
// top directory and sample, a sos-collector archive's reports), so the
// member is kept when, after dropping up to keepDepth leading directories,
// the rest is one of the loader's inputs (keptRel). Keeping a little too
// much costs memory; keeping too little would lose an input, which the
// loader then reports as missing, naming this reason, never silently.
func keepInput(name string) bool {
	rest := name
	for range keepDepth + 1 {
		if keptRel(rest) {
			return true
		}
		i := strings.IndexByte(rest, '/')
		if i < 0 {
			return false
		}
		rest = rest[i+1:]
	}
	return false
}

// keepDepth is how many leading directories keepInput looks past: a
// sosreport's root is at most bundle.Roots' three levels below the top, a
// collect sample two.
const keepDepth = 4

// keptDirs are the directories below a root whose files the loader reads
// (candidates.go and the section loaders): everything under them is kept.
var keptDirs = []string{
	"proc/",
	"sys/",
	"sos_strings/",
	"sos_commands/networking/",
	"sos_commands/kernel/",
	"sos_commands/processor/",
	"sos_commands/numa/",
	"sos_commands/process/",
	"sos_commands/systemd/",
	"sos_commands/date/",
	"sos_commands/host/",
	"sos_commands/general/",
	"sos_commands/pci/",
	// tuned's state and profiles, and the package lists that say whether
	// it is installed (tuned.go).
	"sos_commands/tuned/",
	"etc/tuned/",
	"usr/lib/tuned/",
	"sos_commands/rpm/",
	"sos_commands/dpkg/",
}

// keptFiles are the single files below a root the loader reads.
var keptFiles = map[string]bool{
	"etc/sysconfig/irqbalance":  true,
	"etc/default/irqbalance":    true,
	"etc/passwd":                true,
	"etc/hostname":              true,
	"version.txt":               true,
	"sos_reports/manifest.json": true,
	"netdoctor-collect.json":    true,
	".dockerenv":                true,
	"run/.containerenv":         true,
	// The kernel log's syslog copies (kernellog.go).
	"var/log/kern.log":        true,
	"var/log/messages":        true,
	"var/log/syslog":          true,
	"var/log/tuned/tuned.log": true,
	"installed-rpms":          true,
	// sos 3.x's links at the top; kept should they be plain files.
	"uname":    true,
	"hostname": true,
	"date":     true,
	"ps":       true,
}

// keptRel reports whether rel, relative to a root, is a loader input.
func keptRel(rel string) bool {
	if keptFiles[rel] {
		return true
	}
	for _, d := range keptDirs {
		if strings.HasPrefix(rel, d) {
			return true
		}
	}
	return false
}
