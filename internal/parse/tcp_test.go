package parse

import (
	"testing"
	"unicode/utf8"
)

const (
	// 5.15 tcp: sshd on 0.0.0.0:22 (queue empty), nginx on 0.0.0.0:80
	// with 0x81 = 129 connections waiting, one established connection.
	tcp515 = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000:0016 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 23811 1 0000000000000000 100 0 0 10 0
   1: 00000000:0050 00000000:0000 0A 00000000:00000081 00:00000000 00000000    33        0 41822 1 0000000000000000 100 0 0 10 0
   2: 0F02000A:0016 0202000A:D1C4 01 00000000:00000000 02:0009D6E3 00000000     0        0 52110 4 0000000000000000 20 4 29 10 -1
`
	tcp6515 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000000000000:0016 00000000000000000000000000000000:0000 0A 00000000:00000002 00:00000000 00000000     0        0 23813 1 0000000000000000 100 0 0 10 0
`
)

func TestTCPListeners(t *testing.T) {
	got, err := TCPListeners([]byte(tcp515), 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("%d listeners, want 2 (the established row skipped): %+v", len(got), got)
	}
	if l := got[1]; l.Local != "0.0.0.0" || l.Port != 80 || l.Queue != 129 || l.UID != 33 || l.Inode != 41822 || l.Backlog != 0 || l.Source != "/proc/net/tcp" {
		t.Errorf("nginx row %+v", l)
	}
	got6, err := TCPListeners([]byte(tcp6515), 6)
	if err != nil || len(got6) != 1 || got6[0].Local != "::" || got6[0].Port != 22 || got6[0].Queue != 2 {
		t.Errorf("tcp6 %+v %v", got6, err)
	}
	bad := tcp515 + "   3: 00000000:0051 00000000:0000 0A 00000000:zz 00:00000000 00000000     0        0 1 1\n"
	got, err = TCPListeners([]byte(bad), 4)
	if err == nil || len(got) != 2 {
		t.Errorf("bad row: %d rows, err %v", len(got), err)
	}
	if _, err := TCPListeners([]byte("nonsense\n"), 4); err == nil {
		t.Error("no header: no error")
	}
}

func FuzzTCPListeners(f *testing.F) {
	f.Add([]byte(tcp515), 4)
	f.Add([]byte(tcp6515), 6)
	f.Add([]byte(""), 4)
	f.Fuzz(func(t *testing.T, b []byte, fam int) {
		family := 4
		if fam%2 == 0 {
			family = 6
		}
		rows, err := TCPListeners(b, family)
		checkFuzzErr(t, err, map[int]string{4: "tcp", 6: "tcp6"}[family])
		for _, r := range rows {
			if r.Family != family || r.Port < 0 || r.Port > 0xffff || !utf8.ValidString(r.Local) {
				t.Fatalf("bad row %+v", r)
			}
		}
	})
}
