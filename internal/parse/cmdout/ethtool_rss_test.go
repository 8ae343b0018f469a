package cmdout

import (
	"errors"
	"slices"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

const rssIxgbe = `RX flow hash indirection table for eth0 with 4 RX ring(s):
    0:      0     1     2     3     0     1     2     3
    8:      0     1     2     3     0     1     2     3
RSS hash key:
6d:5a:56:da:25:5b:0e:c2:41:67:25:3d:43:a3:8f:b0:d0:ca:2b:cb:ae:7b:30:b4:77:cb:2d:a3:80:30:f2:0c:6a:42:b7:3b:be:ac:01:fa
RSS hash function:
    toeplitz: on
    xor: off
    crc32: off
`

func TestEthtoolRSS(t *testing.T) {
	got, err := EthtoolRSS([]byte(rssIxgbe))
	if err != nil {
		t.Fatal(err)
	}
	want := []int{0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3}
	if got.Rings != 4 || !slices.Equal(got.Entries, want) {
		t.Fatalf("got %+v", got)
	}
	if w := got.Weights(); !slices.Equal(w, []int{4, 4, 4, 4}) {
		t.Errorf("weights %v", w)
	}
	for _, bad := range []string{
		"Cannot get RX ring count: Operation not supported\n",
		"RX flow hash indirection table for lo with 1 RX ring(s):\nOperation not supported\n",
	} {
		if _, err := EthtoolRSS([]byte(bad)); !errors.Is(err, ErrUnavailable) {
			t.Errorf("%q: %v, want ErrUnavailable", bad, err)
		}
	}
	if _, err := EthtoolRSS([]byte("RX flow hash indirection table for eth0 with 4 RX ring(s):\n    0: 0 1\n    8: 0 1\n")); err == nil {
		t.Error("a gap in the rows is accepted")
	}
	back, err := EthtoolRSS(FormatEthtoolRSS("eth0", host.RSSTable{Rings: 2, Entries: []int{0, 1, 1, 1, 1, 1, 1, 1, 1, 0}}))
	if err != nil || back.Rings != 2 || len(back.Entries) != 10 {
		t.Errorf("round trip %+v %v", back, err)
	}
}

func FuzzEthtoolRSS(f *testing.F) {
	addSeeds(f, rssIxgbe, "RX flow hash indirection table for eth0 with 2 RX ring(s):\n    0: 0 1 0 1\n    4: 1 1 1 1\n")
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := EthtoolRSS(b)
		checkErrText(t, err, "ethtool -x")
		if err != nil {
			return
		}
		if len(r.Entries) == 0 || len(r.Entries) > MaxRSSEntries || r.Rings < 0 {
			t.Fatalf("out of range %+v", r)
		}
		back, err := EthtoolRSS(FormatEthtoolRSS("x", r))
		if err != nil || back.Rings != r.Rings || !slices.Equal(back.Entries, r.Entries) {
			t.Fatalf("round trip %+v -> %+v, %v", r, back, err)
		}
		_ = r.Weights()
	})
}
