package textfmt

import (
	"testing"
	"time"
)

func TestThousands(t *testing.T) {
	for _, c := range []struct {
		n    uint64
		want string
	}{{0, "0"}, {999, "999"}, {1000, "1,000"}, {84210, "84,210"}, {1234567, "1,234,567"}, {18446744073709551615, "18,446,744,073,709,551,615"}} {
		if got := Thousands(c.n); got != c.want {
			t.Errorf("Thousands(%d) = %q, want %q", c.n, got, c.want)
		}
	}
	for _, s := range []string{"+Inf", "-1234", "1e+21", "12.5"} {
		if got := GroupDigits(s); got != s {
			t.Errorf("GroupDigits(%q) = %q", s, got)
		}
	}
}

func TestUptimeAndTime(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want string
	}{{42 * time.Second, "0m"}, {42 * time.Minute, "42m"}, {5*time.Hour + 12*time.Minute, "5h 12m"}, {76*time.Hour + 30*time.Minute, "3d 4h"}} {
		if got := Uptime(c.d); got != c.want {
			t.Errorf("Uptime(%v) = %q, want %q", c.d, got, c.want)
		}
	}
	at := time.Date(2024, 3, 5, 10, 11, 12, 999, time.FixedZone("x", 3600))
	if got := Time(at); got != "2024-03-05 09:11:12 UTC" {
		t.Errorf("Time = %q", got)
	}
	if Time(time.Time{}) != "unknown" {
		t.Error("zero time")
	}
}

func TestRate(t *testing.T) {
	for r, want := range map[float64]string{0: "", -1: "", 0.05: "0.05/s", 4: "4.0/s", 99.94: "99.9/s", 1234.5: "1,235/s"} {
		if got := Rate(r); got != want {
			t.Errorf("Rate(%v) = %q, want %q", r, got, want)
		}
	}
}
