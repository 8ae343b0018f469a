package report

import (
	"slices"
	"sort"
	"strings"

	"github.com/netdoctor/netdoctor/checks"
)

// Rank sorts findings into report order and numbers them from 1: severity
// (critical first), then score (high first), then check ID, then subject,
// then NIC, CPUs, PIDs, summary, confidence, title and explanation, so
// that the order of the input matters only for findings equal in all of
// these.
func Rank(fs []Finding) {
	sort.SliceStable(fs, func(i, j int) bool { return less(&fs[i], &fs[j]) })
	for i := range fs {
		fs[i].Rank = i + 1
	}
}

// severityOrder maps a severity to its rank key; an unknown severity sorts
// after notice.
func severityOrder(s checks.Severity) int {
	switch s {
	case checks.Critical, checks.Warning, checks.Notice:
		return int(s)
	}
	return 0
}

func less(a, b *Finding) bool {
	if sa, sb := severityOrder(a.Severity), severityOrder(b.Severity); sa != sb {
		return sa > sb
	}
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	if c := strings.Compare(a.Check, b.Check); c != 0 {
		return c < 0
	}
	if c := strings.Compare(a.Subject, b.Subject); c != 0 {
		return c < 0
	}
	// Tie-breakers, so that the input order matters only for findings
	// equal in all of these fields.
	if c := strings.Compare(a.NIC, b.NIC); c != 0 {
		return c < 0
	}
	if c := slices.Compare(a.CPUs, b.CPUs); c != 0 {
		return c < 0
	}
	if c := slices.Compare(a.PIDs, b.PIDs); c != 0 {
		return c < 0
	}
	if c := strings.Compare(a.Summary, b.Summary); c != 0 {
		return c < 0
	}
	if c := strings.Compare(string(a.Confidence), string(b.Confidence)); c != 0 {
		return c < 0
	}
	if c := strings.Compare(a.Title, b.Title); c != 0 {
		return c < 0
	}
	return a.Explanation < b.Explanation
}
