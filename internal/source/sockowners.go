package source

import (
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
)

// maxFDLinks bounds the fd links read to find socket owners in one sample.
const maxFDLinks = 1 << 18

// loadSocketOwners finds the processes that hold the UDP sockets worth
// naming (those with drops or queued bytes) through their fd links,
// "socket:[INODE]", on the live host and in a collect bundle (which keeps
// the links it read). A sosreport has no fd links. The work is bounded:
// nothing is read when no socket needs an owner, kernel threads are
// skipped, and at most maxFDLinks links are read.
func (l *loader) loadSocketOwners() {
	s := l.snap
	if l.kind == KindSosreport || len(s.Procs) == 0 {
		return
	}
	want := map[uint64][]int{}
	for _, u := range s.UDPSockets {
		if (u.Drops > 0 || u.RxQueue > 0) && u.Inode != 0 {
			want[u.Inode] = nil
		}
	}
	if len(want) == 0 {
		return
	}
	read, denied := 0, 0
	complete := true
scan:
	for _, p := range s.Procs {
		if p.Kernel {
			continue
		}
		dir := "proc/" + strconv.Itoa(p.PID) + "/fd"
		ents, err := l.readDir(dir)
		if err != nil {
			if errors.Is(err, fs.ErrPermission) {
				denied++
			}
			continue
		}
		for _, e := range ents {
			if read >= maxFDLinks {
				complete = false
				break scan
			}
			read++
			t, err := l.fsys.ReadLink(dir + "/" + e.Name())
			if err != nil {
				continue
			}
			ino, ok := socketInode(t)
			if !ok {
				continue
			}
			if pids, ok := want[ino]; ok && (len(pids) == 0 || pids[len(pids)-1] != p.PID) {
				want[ino] = append(pids, p.PID)
			}
		}
	}
	found := 0
	for i := range s.UDPSockets {
		u := &s.UDPSockets[i]
		if pids := want[u.Inode]; len(pids) > 0 {
			u.PIDs = append([]int(nil), pids...)
			sort.Ints(u.PIDs)
			found++
		}
	}
	notes := []string{fmt.Sprintf("%d of %d sockets with drops or queued data have an owner", found, countWanted(s.UDPSockets)), fmt.Sprintf("%d fd links read", read)}
	if denied > 0 {
		notes = append(notes, fmt.Sprintf("fd of %d processes unreadable (not root?)", denied))
	}
	if !complete {
		notes = append(notes, fmt.Sprintf("stopped after %d links", maxFDLinks))
	}
	l.record(host.InputSocketOwners, "", "proc/[0-9]*/fd", nil, strings.Join(notes, "; "))
}

func countWanted(us []host.UDPSocket) int {
	n := 0
	for _, u := range us {
		if (u.Drops > 0 || u.RxQueue > 0) && u.Inode != 0 {
			n++
		}
	}
	return n
}

// keepLink says whether a collect bundle may keep a link the loader read:
// of a process's fd links only the sockets, never the paths of the files
// a process has open.
func keepLink(name, target string) bool {
	rest, ok := strings.CutPrefix(name, "proc/")
	if !ok {
		return true
	}
	pid, rest, _ := strings.Cut(rest, "/")
	if _, num := pidNumber(pid); !num || !strings.HasPrefix(rest, "fd/") {
		return true
	}
	return strings.HasPrefix(target, "socket:[")
}

// socketInode reads "socket:[12345]".
func socketInode(t string) (uint64, bool) {
	rest, ok := strings.CutPrefix(t, "socket:[")
	if !ok || !strings.HasSuffix(rest, "]") {
		return 0, false
	}
	v, err := strconv.ParseUint(rest[:len(rest)-1], 10, 64)
	return v, err == nil
}
