package inventory

import (
	"bytes"
	"encoding/json"
	"github.com/netdoctor/netdoctor/internal/hostview"
	"strings"
	"testing"
	"time"

	"github.com/netdoctor/netdoctor/internal/host"
)

// TestHostileNames: names from a bundle can carry terminal escape
// sequences and line breaks; the text inventory shows them inert.
func TestHostileNames(t *testing.T) {
	s := &host.Snapshot{
		Time: time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), Source: "sosreport",
		Hostname: "evil\x1b]0;pwned\x07host\nFAKE: line",
		Kernel:   "6.1\u202e\u200f\u061c\u200b",
		NICs: []host.NIC{{Name: "eth0\x1b[2J", Kind: "physical", Driver: "<b>drv</b>", NUMANode: -1,
			Queues: []host.Queue{{Index: 0, Dir: host.DirRX, IRQ: 40, Name: "eth0\r\nq"}}}},
		Inputs: []host.Input{{Name: host.InputInterrupts, Status: host.StatusInvalid, Reason: "bad\x1b[31mred"}},
	}
	inv := Build(hostview.New(host.Single(s)))
	var b bytes.Buffer
	if err := Text(&b, inv); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, bad := range []string{"\x1b", "\x07", "\r", "\u202e", "\u200f", "\u061c", "\u200b", "\nFAKE"} {
		if strings.Contains(out, bad) {
			t.Errorf("text output contains %q:\n%s", bad, out)
		}
	}
	if !strings.Contains(out, `evil\u001B]0;pwned\u0007host\u000AFAKE: line`) || !strings.Contains(out, `6.1\u202E\u200F\u061C\u200B`) {
		t.Errorf("hostname not shown escaped:\n%s", out)
	}
	b.Reset()
	if err := JSON(&b, inv); err != nil {
		t.Fatal(err)
	}
	var back Inventory
	if err := json.Unmarshal(b.Bytes(), &back); err != nil || back.Hostname != s.Hostname {
		t.Errorf("JSON round trip: %v, hostname %q", err, back.Hostname)
	}
}
