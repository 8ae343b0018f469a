package source

import (
	"errors"
	"os"
	"testing"
)

// TestReadRSSTableLive asks the kernel for the RSS tables of this
// machine's interfaces: lo has none (not supported); any answer must be a
// table the parser's bounds accept, and a bad name is refused before the
// ioctl.
func TestReadRSSTableLive(t *testing.T) {
	if _, err := os.Stat("/sys/class/net/lo"); err != nil {
		t.Skip("no /sys/class/net/lo")
	}
	if _, err := readRSSTable("lo"); err == nil || !errors.Is(err, errNotSupported) && !errors.Is(err, os.ErrPermission) {
		t.Errorf("lo: %v, want not supported", err)
	}
	if _, err := readRSSTable("a-name-far-too-long-for-ifreq"); err == nil {
		t.Error("an over-long name was asked")
	}
	ents, _ := os.ReadDir("/sys/class/net")
	for _, e := range ents {
		tab, err := readRSSTable(e.Name())
		if err != nil {
			continue
		}
		for i, q := range tab.Entries {
			if q < 0 || tab.Rings > 0 && q >= tab.Rings {
				t.Errorf("%s: entry %d names queue %d of %d rings", e.Name(), i, q, tab.Rings)
			}
		}
		t.Logf("%s: %d rings, %d entries", e.Name(), tab.Rings, len(tab.Entries))
	}
}
