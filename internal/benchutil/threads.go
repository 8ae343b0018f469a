package benchutil

import (
	"bufio"
	"io"
	"os"
	"os/exec"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// SpawnThreads starts a second copy of the running test binary that holds
// n parked OS threads (goroutines locked to their thread), waits until they
// all exist, and returns the thread count it started and a function that
// ends it. n is capped at what the pids cgroup, the kernel's thread limit
// and RLIMIT_NPROC leave room for (a thread the Go runtime cannot create is
// fatal), halved to leave the host its headroom.
//
// The threads live in another process, as on a real host (a JVM, a Redis
// with io-threads): netdoctor reads them through /proc without its own
// scheduler and garbage collector carrying them. Any test binary importing
// benchutil can be the holder: this package's init turns the copy into one
// before the tests start.
func SpawnThreads(tb testing.TB, n int) (int, func()) {
	tb.Helper()
	n = min(n, ThreadRoom())
	if n <= 0 {
		return 0, func() {}
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$", "-test.bench=^$")
	cmd.Env = append(os.Environ(), threadHolderEnv+"="+strconv.Itoa(n))
	cmd.Stderr = os.Stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		tb.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		tb.Fatal(err)
	}
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "ready\n" {
		stdin.Close()
		cmd.Wait()
		tb.Fatalf("thread holder: %q %v", line, err)
	}
	return n, func() { stdin.Close(); cmd.Wait() }
}

// threadHolderEnv makes a test binary a thread holder (see SpawnThreads).
const threadHolderEnv = "NETDOCTOR_THREAD_HOLDER"

func init() {
	if v, ok := os.LookupEnv(threadHolderEnv); ok {
		n, _ := strconv.Atoi(v)
		holdThreads(n)
	}
}

// holdThreads is the thread holder's body: start n locked goroutines, say
// "ready", and exit when stdin closes.
func holdThreads(n int) {
	debug.SetMaxThreads(n + 10000)
	var ready sync.WaitGroup
	ready.Add(n)
	for i := 0; i < n; i++ {
		go func() {
			runtime.LockOSThread()
			ready.Done()
			select {}
		}()
	}
	ready.Wait()
	os.Stdout.WriteString("ready\n")
	io.Copy(io.Discard, os.Stdin)
	os.Exit(0)
}

// ThreadRoom is how many more threads this host lets a benchmark start:
// half the room the pids cgroup (v2 or v1), the kernel's threads-max and,
// for a user other than root, RLIMIT_NPROC leave.
func ThreadRoom() int {
	n := 1 << 30
	room := func(limitFile, usedFile string) int {
		lb, err := os.ReadFile(limitFile)
		if err != nil {
			return -1
		}
		limit, err := strconv.Atoi(strings.TrimSpace(string(lb)))
		if err != nil {
			return -1 // "max"
		}
		used := 0
		if ub, err := os.ReadFile(usedFile); err == nil {
			used, _ = strconv.Atoi(strings.TrimSpace(string(ub)))
		}
		return limit - used
	}
	for _, r := range []int{
		room("/sys/fs/cgroup/pids.max", "/sys/fs/cgroup/pids.current"),
		room("/sys/fs/cgroup/pids/pids.max", "/sys/fs/cgroup/pids/pids.current"),
		room("/proc/sys/kernel/threads-max", "/dev/null"),
	} {
		if r >= 0 {
			n = min(n, r/2)
		}
	}
	if os.Geteuid() != 0 {
		n = min(n, nprocRoom()/2)
	}
	return max(n, 0)
}
