package cmdout

import (
	"testing"
	"time"
)

func TestDate(t *testing.T) {
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v.UTC()
	}
	tests := []struct {
		name string
		in   string
		want time.Time
		err  string
	}{
		{"date --utc, coreutils 8.22 (RHEL 7)", "Tue Mar  5 10:11:12 UTC 2024\n", at("2024-03-05T10:11:12Z"), ""},
		{"two-digit day", "Fri Mar 15 23:59:59 UTC 2024\n", at("2024-03-15T23:59:59Z"), ""},
		{"GMT", "Tue Mar  5 10:11:12 GMT 2024\n", at("2024-03-05T10:11:12Z"), ""},
		{"other abbreviation taken as UTC", "Tue Mar  5 10:11:12 CET 2024\n", at("2024-03-05T10:11:12Z"), ""},
		{"abbreviation Go does not know", "Tue Mar  5 10:11:12 WIB 2024\n", at("2024-03-05T10:11:12Z"), ""},
		{"numeric zone abbreviation", "Tue Mar  5 14:11:12 +04 2024\n", at("2024-03-05T10:11:12Z"), ""},
		{"en_US 12-hour (coreutils 9, RHEL 9)", "Tue Mar  5 10:11:12 PM UTC 2024\n", at("2024-03-05T22:11:12Z"), ""},
		{"en_US glibc 2.29+ day first", "Tue 05 Mar 2024 10:11:12 AM UTC\n", at("2024-03-05T10:11:12Z"), ""},
		{"en_GB", "Tue  5 Mar 10:11:12 UTC 2024\n", at("2024-03-05T10:11:12Z"), ""},
		{"date -R", "Tue, 05 Mar 2024 11:11:12 +0100\n", at("2024-03-05T10:11:12Z"), ""},
		{"date -Iseconds", "2024-03-05T10:11:12+00:00\n", at("2024-03-05T10:11:12Z"), ""},
		{"date --iso-8601=ns", "2024-03-05T10:11:12,123456789+00:00\n", at("2024-03-05T10:11:12.123456789Z"), ""},
		{"date --rfc-3339=seconds", "2024-03-05 12:11:12+02:00\n", at("2024-03-05T10:11:12Z"), ""},
		{"date -I", "2024-03-05\n", at("2024-03-05T00:00:00Z"), ""},
		{"leading blank line, CRLF", "\r\nTue Mar  5 10:11:12 UTC 2024\r\n", at("2024-03-05T10:11:12Z"), ""},
		{"garbage", "yesterday-ish\n", time.Time{}, `line 1: unknown date format "yesterday-ish"`},
		{"error", "date: invalid date 'x'\n", time.Time{}, "unavailable"},
		{"empty", "", time.Time{}, "unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Date([]byte(tt.in))
			wantErr(t, err, tt.err)
			if !got.Equal(tt.want) || got.Location() != time.UTC {
				t.Errorf("got %v (%v), want %v", got, got.Location(), tt.want)
			}
		})
	}
}

func TestFormatDate(t *testing.T) {
	tm := time.Date(2024, 3, 5, 10, 11, 12, 999, time.FixedZone("X", 3600))
	same(t, "format", string(FormatDate(tm)), "Tue Mar  5 09:11:12 UTC 2024\n")
	back, err := Date(FormatDate(tm))
	if err != nil {
		t.Fatal(err)
	}
	if !back.Equal(tm.Truncate(time.Second)) {
		t.Errorf("round trip %v, want %v", back, tm)
	}
}
