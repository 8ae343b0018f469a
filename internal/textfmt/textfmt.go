// Package textfmt is the one way netdoctor writes numbers, durations and
// times as text: the findings, the report renderers and `show` use it, so
// one fact reads the same everywhere.
package textfmt

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// Rate writes a rate per second: "1,000/s" from 100 up, "4.0/s" from 1,
// "0.05/s" below; "" for 0 (or less, or NaN).
func Rate(r float64) string {
	switch {
	case r <= 0 || math.IsNaN(r):
		return ""
	case r >= 100:
		return Thousands(uint64(math.Round(r))) + "/s"
	case r >= 1:
		return strconv.FormatFloat(r, 'f', 1, 64) + "/s"
	}
	return strconv.FormatFloat(r, 'g', 2, 64) + "/s"
}

// Thousands writes n with thousands separators: 84210 → "84,210".
func Thousands(n uint64) string { return GroupDigits(strconv.FormatUint(n, 10)) }

// GroupDigits puts thousands separators into a string of decimal digits
// ("84210" → "84,210"); any other string is returned as it is.
func GroupDigits(s string) string {
	if len(s) <= 3 || strings.Trim(s, "0123456789") != "" {
		return s
	}
	var b strings.Builder
	lead := len(s) % 3
	if lead > 0 {
		b.WriteString(s[:lead])
	}
	for i := lead; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

// Uptime writes a long duration to two units: "3d 4h", "5h 12m" or "42m".
func Uptime(d time.Duration) string {
	days := int(d / (24 * time.Hour))
	hours := int(d % (24 * time.Hour) / time.Hour)
	mins := int(d % time.Hour / time.Minute)
	switch {
	case days > 0:
		return strconv.Itoa(days) + "d " + strconv.Itoa(hours) + "h"
	case hours > 0:
		return strconv.Itoa(hours) + "h " + strconv.Itoa(mins) + "m"
	default:
		return strconv.Itoa(mins) + "m"
	}
}

// TimeLayout is the layout of every time netdoctor writes as text, to the
// second, in UTC. JSON outputs write RFC 3339 in UTC.
const TimeLayout = "2006-01-02 15:04:05 UTC"

// Time writes t in UTC to the second; the zero time is "unknown".
func Time(t time.Time) string {
	if t.IsZero() {
		return "unknown"
	}
	return t.UTC().Format(TimeLayout)
}
