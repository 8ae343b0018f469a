package cmdout

import (
	"fmt"
	"strings"
	"time"
)

// dateLayouts are the forms `date` prints, after runs of blanks are
// collapsed to one space: the C locale (with a zone abbreviation or a numeric
// zone such as "+04"), 12-hour en_US forms, day-first en_GB forms, and the
// ISO 8601 / RFC 3339 / RFC 5322 forms of -I, --rfc-3339 and -R.
//
// Numeric zones come before abbreviations: Go's parser would take "+04" as an
// abbreviation of unknown, hence zero, offset.
var dateLayouts = []string{
	"Mon Jan 2 15:04:05 -0700 2006",
	"Mon Jan 2 15:04:05 -07 2006",
	"Mon Jan 2 15:04:05 MST 2006",
	"Mon Jan 2 15:04:05 2006",
	"Mon Jan 2 03:04:05 PM MST 2006",
	"Mon 02 Jan 2006 03:04:05 PM MST",
	"Mon 2 Jan 15:04:05 MST 2006",
	"Mon 2 Jan 2006 15:04:05 MST",
	"Mon, 02 Jan 2006 15:04:05 -0700",
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999-0700",
	"2006-01-02 15:04:05.999999999Z07:00",
	"2006-01-02 15:04:05.999999999 -0700",
	"2006-01-02 15:04:05.999999999 MST",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02",
}

// Date parses the output of `date` or `date --utc` ("Tue Mar  5 10:11:12 UTC
// 2024") and returns the instant in UTC. A numeric zone is applied. A zone
// abbreviation other than UTC/GMT cannot be resolved without the host's time
// zone database, so the wall clock is taken as UTC: sos's date_--utc is
// always UTC, and netdoctor prefers it. Only the first non-blank line is read.
func Date(b []byte) (time.Time, error) {
	const cmd = "date"
	text, err := input(cmd, b)
	if err != nil {
		return time.Time{}, err
	}
	var line string
	for _, l := range splitLines(text) {
		if strings.TrimSpace(l) != "" {
			line = l
			break
		}
	}
	s := strings.Join(strings.Fields(line), " ")
	if t, ok := parseDate(s); ok {
		return t, nil
	}
	// An abbreviation Go's parser does not take ("WIB", "+0530" style
	// abbreviations in odd places): retry with UTC in its place.
	if f := strings.Fields(s); len(f) == 6 && isLetters(f[4]) {
		f[4] = "UTC"
		if t, ok := parseDate(strings.Join(f, " ")); ok {
			return t, nil
		}
	}
	if isErrorLine(s) || len(s) == 0 {
		return time.Time{}, noData(cmd, text, "date")
	}
	return time.Time{}, fmt.Errorf("%s: line 1: unknown date format %s", cmd, quote(s))
}

// parseDate tries every layout; a decimal comma (date --iso-8601=ns) is
// read as a point.
func parseDate(s string) (time.Time, bool) {
	if len(s) > 64 {
		return time.Time{}, false
	}
	if len(s) > 19 && s[4] == '-' && s[19] == ',' {
		s = s[:19] + "." + s[20:]
	}
	for _, layout := range dateLayouts {
		// ParseInLocation in UTC makes an unknown abbreviation a zero
		// offset, whatever the local zone of the machine running netdoctor.
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

func isLetters(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if (c < 'A' || c > 'Z') && (c < 'a' || c > 'z') {
			return false
		}
	}
	return true
}

// FormatDate writes t as `date --utc` prints it in the C locale:
// "Tue Mar  5 10:11:12 UTC 2024\n". Sub-second precision is dropped.
func FormatDate(t time.Time) []byte {
	return []byte(t.UTC().Format("Mon Jan _2 15:04:05 UTC 2006") + "\n")
}
