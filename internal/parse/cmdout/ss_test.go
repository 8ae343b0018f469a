package cmdout

import (
	"errors"
	"slices"
	"testing"
	"unicode/utf8"
)

const (
	// sos's ss -peaonmi (iproute2 5.15): a netlink row, nginx's full
	// accept queue (129 of 128), sshd on [::], an established socket, a
	// UDP socket and a unix listener, with detail lines.
	ssPeaonmi = `Netid State  Recv-Q Send-Q                            Local Address:Port   Peer Address:Port Process
nl    UNCONN 0      0                                          rtnl:kernel                *
tcp   LISTEN 129    128                                     0.0.0.0:80             0.0.0.0:*     users:(("nginx",pid=812,fd=6),("nginx",pid=813,fd=6)) ino:41822 sk:3 cgroup:/system.slice/nginx.service <->
	 skmem:(r0,rb131072,t0,tb16384,f0,w0,o0,bl0,d0) cubic rto:1000 mss:536 cwnd:10 lastsnd:1 lastrcv:1 lastack:1
tcp   LISTEN 0      4096                                  127.0.0.53%lo:53             0.0.0.0:*     users:(("systemd-resolve",pid=612,fd=14)) uid:101 ino:21434 sk:1 <->
tcp   LISTEN 0      128                                            [::]:22                [::]:*     users:(("sshd",pid=1020,fd=4)) ino:23813 sk:5 v6only:1 <->
tcp   ESTAB  0      36                                      10.0.2.15:22           10.0.2.2:53700 users:(("sshd",pid=2201,fd=4)) timer:(on,200ms,0) ino:52110 sk:7 <->
udp   UNCONN 0      0                                       127.0.0.53%lo:53             0.0.0.0:*     users:(("systemd-resolve",pid=612,fd=13)) uid:101 ino:21433 sk:2 <->
u_str LISTEN 0      4096                        /run/systemd/private 13410                  * 0     users:(("systemd",pid=1,fd=15)) <->
`
	// ss -ltnp: no Netid column.
	ssLtnp = `State  Recv-Q Send-Q Local Address:Port  Peer Address:Port Process
LISTEN 0      511          0.0.0.0:443        0.0.0.0:*     users:(("haproxy",pid=900,fd=7))
LISTEN 12     511                *:8080             *:*
`
)

func TestSSListeners(t *testing.T) {
	got, err := SSListeners([]byte(ssPeaonmi))
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("%d listeners, want 3 (TCP LISTEN rows only): %+v", len(got), got)
	}
	if l := got[0]; l.Local != "0.0.0.0" || l.Port != 80 || l.Queue != 129 || l.Backlog != 128 || l.Process != "nginx" ||
		!slices.Equal(l.PIDs, []int{812, 813}) || l.Inode != 41822 || l.Family != 4 || l.Source != "ss" {
		t.Errorf("nginx %+v", l)
	}
	if l := got[1]; l.Local != "127.0.0.53" || l.Port != 53 || l.UID != 101 {
		t.Errorf("resolved %+v", l)
	}
	if l := got[2]; l.Local != "::" || l.Family != 6 || l.Port != 22 {
		t.Errorf("sshd %+v", l)
	}
	got, err = SSListeners([]byte(ssLtnp))
	if err != nil || len(got) != 2 || got[1].Local != "*" || got[1].Queue != 12 || got[1].Backlog != 511 || got[1].Process != "" {
		t.Errorf("ss -ltnp: %+v %v", got, err)
	}
	if _, err := SSListeners([]byte("bash: ss: command not found\n")); !errors.Is(err, ErrUnavailable) {
		t.Errorf("error text: %v, want ErrUnavailable", err)
	}
	if got, err := SSListeners([]byte(ssLtnp + "LISTEN x 1 0.0.0.0:1 0.0.0.0:*\n")); err == nil || len(got) != 2 {
		t.Errorf("bad row: %d rows, err %v", len(got), err)
	}
}

func FuzzSSListeners(f *testing.F) {
	addSeeds(f, ssPeaonmi, ssLtnp)
	f.Fuzz(func(t *testing.T, b []byte) {
		rows, err := SSListeners(b)
		checkErrText(t, err, "ss")
		for _, r := range rows {
			if r.Port < 0 || r.Port > 0xffff || (r.Family != 4 && r.Family != 6) || !utf8.ValidString(r.Local) || !utf8.ValidString(r.Process) || len(r.PIDs) > 16 {
				t.Fatalf("bad row %+v", r)
			}
		}
	})
}
