package source

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"math/bits"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/parse"
	"github.com/netdoctor/netdoctor/internal/parse/cmdout"
)

// procWorkers is how many processes are read at once, and dirWorkers how
// many /proc/irq/N or cpuN directories: reading is system-call bound, so a
// few more workers than CPUs help, and a bundle's small files read in
// parallel too.
const (
	procWorkers = 4
	dirWorkers  = 4
)

// Bounds on what a process contributes.
const (
	maxPID      = 1 << 23 // pid_max is at most 2^22
	maxComm     = 64
	maxCmdline  = 4096
	maxThreads  = 1 << 16 // per process
	maxPasswd   = 1 << 20
	maxPSThread = 1 << 20
)

// parallel runs fn(0..n-1) on up to workers goroutines.
func parallel(n, workers int, fn func(i int)) {
	if n <= 0 {
		return
	}
	if workers > n {
		workers = n
	}
	if workers <= 1 {
		for i := 0; i < n; i++ {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	wg.Add(workers)
	for w := 0; w < workers; w++ {
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				fn(i)
			}
		}()
	}
	wg.Wait()
}

// loadProcs reads the processes and threads: /proc/PID on the live host and
// in a collect bundle, ps/pidstat outputs in a sosreport.
func (l *loader) loadProcs() {
	if l.kind == KindSosreport {
		l.loadProcsSos()
		return
	}
	l.loadProcsProc()
}

// procCounts tallies what went wrong while reading /proc/PID.
type procCounts struct {
	vanished, unreadable, invalid atomic.Int64
	threadFail                    atomic.Int64
	threadsRead                   atomic.Int64
}

// loadProcsProc reads proc/PID/{stat,status,cmdline} and, for processes
// with more than one thread, proc/PID/task/TID/{stat,status}.
func (l *loader) loadProcsProc() {
	pids, err := l.pidDirs()
	if err != nil || len(pids) == 0 {
		if err == nil {
			err = fs.ErrNotExist
		}
		l.record(host.InputProcesses, "", "proc", err, "")
		l.record(host.InputThreads, "", "proc", err, "")
		return
	}
	users := l.loadUsers()
	procs := make([]host.Proc, len(pids))
	okv := make([]bool, len(pids))
	var c procCounts
	parallel(len(pids), procWorkers, func(i int) {
		procs[i], okv[i] = l.readProc(pids[i], users, &c)
	})
	out := procs[:0]
	for i := range procs {
		if okv[i] {
			out = append(out, procs[i])
		}
	}
	l.snap.Procs = out
	l.procsComplete = len(out) > 0
	var notes []string
	if v := c.vanished.Load(); v > 0 {
		notes = append(notes, fmt.Sprintf("%d processes exited while being read", v))
	}
	if v := c.unreadable.Load(); v > 0 {
		notes = append(notes, fmt.Sprintf("%d processes unreadable", v))
	}
	if v := c.invalid.Load(); v > 0 {
		notes = append(notes, fmt.Sprintf("%d processes with a malformed stat", v))
	}
	var perr error
	if len(out) == 0 {
		perr = errors.New("no process could be read")
	}
	l.record(host.InputProcesses, "", "proc", perr, strings.Join(notes, "; "))
	var terr error
	tnote := ""
	if v := c.threadFail.Load(); v > 0 {
		tnote = fmt.Sprintf("threads of %d processes unreadable; their main thread stands in", v)
	}
	if l.carry != nil && l.carrySample == 2 {
		if v := l.carry.carried.Load(); v > 0 {
			tnote = joinNote(tnote, fmt.Sprintf("threads of %d processes that did not run over the interval as the first sample read them", v))
		}
	}
	if len(out) == 0 {
		terr = perr
	} else {
		l.snap.ThreadsKnown = true
	}
	l.record(host.InputThreads, "", "proc/[0-9]*/task", terr, tnote)
}

// pidDirs lists the numeric entries of proc.
func (l *loader) pidDirs() ([]int, error) {
	ents, err := l.readDir("proc")
	if err != nil {
		return nil, err
	}
	pids := make([]int, 0, len(ents))
	for _, e := range ents {
		if n, ok := pidNumber(e.Name()); ok {
			pids = append(pids, n)
		}
	}
	sort.Ints(pids)
	return pids, nil
}

// pidNumber parses a decimal pid directory name.
func pidNumber(name string) (int, bool) {
	if name == "" || len(name) > 8 || name[0] == '0' {
		return 0, false
	}
	n := 0
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, n > 0 && n <= maxPID
}

// gone reports errors that mean "the task exited meanwhile".
func gone(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ESRCH)
}

// readProc reads one process; ok is false when it vanished or was unreadable.
func (l *loader) readProc(pid int, users map[int]string, c *procCounts) (host.Proc, bool) {
	dir := "proc/" + strconv.Itoa(pid)
	sb, err := l.readFile(dir + "/stat")
	if err != nil {
		if gone(err) {
			c.vanished.Add(1)
		} else {
			c.unreadable.Add(1)
		}
		return host.Proc{}, false
	}
	ts, err := safe(func() (parse.TaskStatFields, error) { return parse.TaskStat(sb) })
	if err != nil {
		c.invalid.Add(1)
		return host.Proc{}, false
	}
	kernel := ts.Flags&parse.PFKthread != 0 || ts.PPID == 2 || pid == 2
	p := host.Proc{PID: pid, PPID: ts.PPID, Comm: cleanText([]byte(ts.Comm), maxComm), Kernel: kernel}
	main := threadFromStat(pid, ts)
	if kernel {
		p.User = userName(users, 0)
		p.Threads = []host.Thread{main}
		return p, true
	}
	// An idle process's status and command line are as the first sample
	// of a run read them (readStable): the same start time, CPU time and
	// thread count.
	nt := numThreads(sb)
	key := ""
	if l.carry != nil && ts.StartTime > 0 {
		key = strconv.FormatUint(ts.StartTime, 10) + " " + strconv.FormatUint(ts.UTime+ts.STime, 10) + " " + strconv.Itoa(nt)
	}
	uid := -1
	if b, err := l.readStable(dir+"/status", key); err == nil {
		if st, perr := l.taskStatus(b); perr == nil || st.Pid > 0 {
			uid = st.UID
			p.User = userName(users, st.UID)
			main.Allowed = st.CpusAllowed
			if st.Kthread {
				p.Kernel = true
			}
		}
	}
	if b, err := l.readStable(dir+"/cmdline", key); err == nil {
		if len(b) > maxCmdline {
			b = b[:maxCmdline]
		}
		p.Cmdline, _ = safe(func() (string, error) { return parse.Cmdline(b), nil })
	}
	if nt == 1 || p.Kernel {
		p.Threads = []host.Thread{main}
		return p, true
	}
	cpu := ts.UTime + ts.STime
	if l.carry != nil && l.carrySample == 2 {
		if cp := l.carry.reuse(pid, ts.StartTime, cpu, nt); cp != nil {
			p.Threads = slices.Clone(cp.threads)
			if l.putCarried != nil {
				for _, f := range cp.files {
					l.putCarried(f.name, f.data)
				}
			}
			c.threadsRead.Add(int64(len(p.Threads)))
			return p, true
		}
	}
	var files []carriedFile
	remember := l.carry != nil && l.carrySample == 1 && ts.StartTime > 0 && nt > 1
	if remember && l.carry.record {
		files = make([]carriedFile, 0, 2*nt)
	}
	threads, ok := l.readTasks(dir+"/task", &p, uid, &files)
	if !ok {
		c.threadFail.Add(1)
		threads = []host.Thread{main}
	} else if remember {
		l.carry.remember(pid, ts.StartTime, cpu, nt, threads, files)
	}
	c.threadsRead.Add(int64(len(threads)))
	p.Threads = threads
	return p, true
}

// readTasks reads task/TID/{stat,status} of one process. On the live host
// a thread's allowed CPUs come from sched_getaffinity(2), which costs one
// system call where the status file costs a path walk and the kernel's
// longest /proc text (on a 10,000-thread host it halves the reading time);
// while collecting, the status file netdoctor would have read is written
// with the lines it uses.
//
// files, when it points to a non-nil slice, receives the files made or
// read for each thread (sampleCarry).
func (l *loader) readTasks(dir string, p *host.Proc, uid int, files *[]carriedFile) ([]host.Thread, bool) {
	ents, err := l.readDir(dir)
	if err != nil {
		return nil, false
	}
	tids := make([]int, 0, len(ents))
	for _, e := range ents {
		if tid, ok := pidNumber(e.Name()); ok && len(tids) < maxThreads {
			tids = append(tids, tid)
		}
	}
	threads := make([]host.Thread, len(tids))
	okv := make([]bool, len(tids))
	var kept [][2]carriedFile
	if files != nil && *files != nil {
		kept = make([][2]carriedFile, len(tids))
	}
	// A process with thousands of threads is read by several workers.
	workers := 1
	if len(tids) >= bigProcThreads {
		workers = procWorkers
	}
	parallel(len(tids), workers, func(i int) {
		var keep *[2]carriedFile
		if kept != nil {
			keep = &kept[i]
		}
		threads[i], okv[i] = l.readTask(dir, tids[i], p, uid, keep)
	})
	out := threads[:0]
	for i := range threads {
		if okv[i] {
			out = append(out, threads[i])
			if kept != nil {
				for _, f := range kept[i] {
					if f.name != "" {
						*files = append(*files, f)
					}
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].TID < out[j].TID })
	return out, len(out) > 0
}

// threadStatNames are the thread files loadProcsProc read for s, which it
// reads again for a later sample of the same host: task/TID/stat of each
// user process with more than one thread, but those of the processes
// skip (may be nil) leaves out.
func threadStatNames(s *host.Snapshot, skip func(pid int) bool) []string {
	var names []string
	for _, p := range s.Procs {
		if p.Kernel || len(p.Threads) < 2 || skip != nil && skip(p.PID) {
			continue
		}
		dir := "proc/" + strconv.Itoa(p.PID) + "/task/"
		for _, t := range p.Threads {
			names = append(names, dir+strconv.Itoa(t.TID)+"/stat")
		}
	}
	return names
}

// bigProcThreads is the thread count from which one process's threads are
// read in parallel.
const bigProcThreads = 256

// readTask reads one task/TID; ok is false when it exited meanwhile. keep,
// when set, receives copies of its stat and status files as recorded.
func (l *loader) readTask(dir string, tid int, p *host.Proc, uid int, keep *[2]carriedFile) (host.Thread, bool) {
	tdir := dir + "/" + strconv.Itoa(tid)
	sb, err := l.readFile(tdir + "/stat")
	if err != nil {
		return host.Thread{}, false
	}
	ts, err := safe(func() (parse.TaskStatFields, error) { return parse.TaskStat(sb) })
	if err != nil {
		return host.Thread{}, false
	}
	if keep != nil {
		keep[0] = carriedFile{tdir + "/stat", bytes.Clone(sb)}
	}
	t := threadFromStat(tid, ts)
	if cpus, ok := l.liveAffinity(tid); ok {
		t.Allowed = cpus
		if l.put != nil {
			st := taskStatus(ts.Comm, p.PID, tid, p.PPID, uid, cpus)
			l.put(tdir+"/status", st)
			if keep != nil {
				keep[1] = carriedFile{tdir + "/status", st}
			}
		}
	} else if b, err := l.readFile(tdir + "/status"); err == nil {
		if st, perr := l.taskStatus(b); perr == nil || st.Pid > 0 {
			t.Allowed = st.CpusAllowed
		}
		if keep != nil {
			keep[1] = carriedFile{tdir + "/status", bytes.Clone(b)}
		}
	}
	return t, true
}

// liveAffinity asks the kernel for a live thread's allowed CPUs. It fails
// offline, for a thread that exited, and on hosts with more CPUs than
// unix.CPUSet holds; the caller then reads the status file.
func (l *loader) liveAffinity(tid int) ([]int, bool) {
	if !l.live {
		return nil, false
	}
	var set unix.CPUSet
	if err := unix.SchedGetaffinity(tid, &set); err != nil {
		return nil, false
	}
	var cpus []int
	for i, w := range set {
		for w != 0 {
			b := bits.TrailingZeros64(uint64(w))
			cpus = append(cpus, i*64+b)
			w &^= 1 << b
		}
	}
	return cpus, len(cpus) > 0
}

// commEscaper escapes a command name as the kernel's status file does.
var commEscaper = strings.NewReplacer("\\", "\\\\", "\n", "\\n")

// taskStatus writes the lines of /proc/PID/task/TID/status netdoctor reads,
// for a collect bundle whose threads' affinity came from sched_getaffinity.
func taskStatus(comm string, pid, tid, ppid, uid int, cpus []int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "Name:\t%s\nTgid:\t%d\nPid:\t%d\nPPid:\t%d\n",
		commEscaper.Replace(comm), pid, tid, ppid)
	if uid >= 0 {
		fmt.Fprintf(&b, "Uid:\t%d\t%d\t%d\t%d\n", uid, uid, uid, uid)
	}
	fmt.Fprintf(&b, "Cpus_allowed_list:\t%s\n", host.FormatCPUList(cpus))
	return []byte(b.String())
}

func threadFromStat(tid int, ts parse.TaskStatFields) host.Thread {
	return host.Thread{
		TID: tid, Comm: cleanText([]byte(ts.Comm), maxComm), State: ts.State, CPU: ts.Processor,
		UTime: ts.UTime, STime: ts.STime, CPUKnown: true,
	}
}

// numThreads returns field 20 (num_threads) of a stat line, or -1.
func numThreads(stat []byte) int {
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return -1
	}
	// Fields after the comm: state is field 3, num_threads field 20.
	b := stat[i+1:]
	for _, c := range b {
		if c >= 0x80 { // bytes.Fields's Unicode white space
			f := bytes.Fields(b)
			if len(f) < 18 {
				return -1
			}
			n, err := strconv.Atoi(string(f[17]))
			if err != nil || n < 0 {
				return -1
			}
			return n
		}
	}
	field := 2
	for j := 0; j < len(b); {
		for j < len(b) && isStatSpace(b[j]) {
			j++
		}
		if j == len(b) {
			break
		}
		k := j
		for k < len(b) && !isStatSpace(b[k]) {
			k++
		}
		field++
		if field == 20 {
			n, ok := atoiBytes(b[j:k])
			if !ok {
				return -1
			}
			return n
		}
		j = k
	}
	return -1
}

// isStatSpace is what bytes.Fields splits at in an ASCII stat line.
func isStatSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// atoiBytes parses a non-negative decimal as strconv.Atoi accepts it; the
// common case (up to 9 plain digits) without allocating.
func atoiBytes(b []byte) (int, bool) {
	if len(b) == 0 || len(b) > 9 || b[0] == '+' || b[0] == '-' {
		n, err := strconv.Atoi(string(b))
		return n, err == nil && n >= 0
	}
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// userName names a uid from etc/passwd, else gives the number.
func userName(users map[int]string, uid int) string {
	if uid < 0 {
		return ""
	}
	if n, ok := users[uid]; ok {
		return n
	}
	return strconv.Itoa(uid)
}

// loadUsers reads etc/passwd into uid → name; nil when absent.
func (l *loader) loadUsers() map[int]string {
	b, _, err := l.read(candPasswd)
	if err != nil {
		return nil
	}
	return parsePasswd(b)
}

// parsePasswd reads name:x:uid:... lines; malformed lines are skipped.
func parsePasswd(b []byte) map[int]string {
	if len(b) > maxPasswd {
		b = b[:maxPasswd]
	}
	users := map[int]string{}
	for _, line := range bytes.Split(b, []byte("\n")) {
		f := bytes.SplitN(line, []byte(":"), 4)
		if len(f) < 3 || len(f[0]) == 0 || bytes.HasPrefix(f[0], []byte("#")) {
			continue
		}
		uid, err := strconv.Atoi(string(f[2]))
		if err != nil || uid < 0 {
			continue
		}
		if _, dup := users[uid]; !dup {
			users[uid] = cleanText(f[0], 64)
		}
	}
	return users
}

// loadProcsSos builds the process list of a sosreport: ps (with PSR since
// sos 4.7.1) for processes, pidstat -tl for threads, proc/PID/status
// (the first 2048 PIDs) for allowed CPUs.
func (l *loader) loadProcsSos() {
	s := l.snap
	var rows []cmdout.PSRow
	at := ""
	var perr error
	if b, p, err := l.read(candPSWithPSR); err == nil {
		v, e := safe(func() ([]cmdout.PSRow, error) { return cmdout.PS(b) })
		if len(v) > 0 {
			rows, at, perr = v, p, e
		}
	}
	var plainAt string
	var plainErr error
	if b, p, err := l.read(candPS); err == nil {
		v, e := safe(func() ([]cmdout.PSRow, error) { return cmdout.PS(b) })
		if rows == nil {
			rows, at, perr = v, p, e
		} else {
			mergePSRows(rows, v)
		}
		plainAt = p
	} else {
		plainAt, plainErr = p, err
	}
	procs := map[int]*host.Proc{}
	for _, r := range rows {
		if r.PID <= 0 || r.PID > maxPID || procs[r.PID] != nil {
			continue
		}
		procs[r.PID] = procFromPS(r)
	}

	// Threads from pidstat -tl.
	threadsAt, threadsNote, threadsErr := l.applyPidstat(procs)

	// proc/PID/status: allowed CPUs, and processes when ps was missing.
	statusNote := l.applyProcStatus(procs, rows == nil)

	s.Procs = make([]host.Proc, 0, len(procs))
	for _, p := range procs {
		sort.Slice(p.Threads, func(i, j int) bool { return p.Threads[i].TID < p.Threads[j].TID })
		s.Procs = append(s.Procs, *p)
	}
	sort.Slice(s.Procs, func(i, j int) bool { return s.Procs[i].PID < s.Procs[j].PID })

	l.procsComplete = rows != nil
	switch {
	case rows != nil:
		note := ""
		if !strings.Contains(at, "psr") {
			note = "ps has no PSR column (sos < 4.7.1): no CPU per process"
		}
		l.record(host.InputProcesses, "", at, perr, joinNote(note, statusNote))
	case len(s.Procs) > 0:
		l.record(host.InputProcesses, "", "proc/[0-9]*/status", nil, "no ps output; processes from proc/PID/status")
	default:
		if plainErr == nil {
			plainErr = fs.ErrNotExist
		}
		l.record(host.InputProcesses, "", plainAt, plainErr, "")
	}
	l.record(host.InputThreads, "", threadsAt, threadsErr, threadsNote)
}

// mergePSRows fills user and command of the PSR rows from a plain ps.
func mergePSRows(rows, plain []cmdout.PSRow) {
	by := make(map[int]*cmdout.PSRow, len(plain))
	for i := range plain {
		by[plain[i].PID] = &plain[i]
	}
	for i := range rows {
		p := by[rows[i].PID]
		if p == nil {
			continue
		}
		if p.User != "" && !isNumeric(p.User) {
			rows[i].User = p.User
		}
		if rows[i].Cmd == "" {
			rows[i].Cmd = p.Cmd
		}
		if rows[i].Comm == "" {
			rows[i].Comm = p.Comm
		}
	}
}

func isNumeric(s string) bool {
	_, err := strconv.Atoi(s)
	return err == nil
}

// procFromPS makes a process with one (main) thread from a ps row.
func procFromPS(r cmdout.PSRow) *host.Proc {
	cmd := cleanText([]byte(r.Cmd), maxCmdline)
	comm := cleanText([]byte(r.Comm), maxComm)
	bracketed := strings.HasPrefix(cmd, "[") && strings.HasSuffix(cmd, "]")
	if comm == "" {
		comm = commFromCmd(cmd)
	}
	kernel := r.PID == 2 || r.PPID == 2 || (r.PPID < 0 && bracketed)
	p := &host.Proc{PID: r.PID, PPID: r.PPID, Comm: comm, User: cleanText([]byte(r.User), 64), Kernel: kernel}
	if !bracketed {
		p.Cmdline = cmd
	}
	cpu := r.PSR
	if cpu < 0 || cpu > maxCPUID {
		cpu = -1
	}
	p.Threads = []host.Thread{{TID: r.PID, Comm: comm, State: cleanText([]byte(r.State), 8), CPU: cpu}}
	if r.TimeSec >= 0 && r.TimeSec < maxPSTime {
		// ps TIME is the process's cumulative CPU time (all threads, user
		// and system) in whole seconds: two sosreports of one host give
		// its CPU use over the window, coarsely, on the main thread.
		t := &p.Threads[0]
		t.UTime, t.CPUKnown, t.CPUTimeCoarse = uint64(r.TimeSec)*host.ClockTicks, true, true
	}
	return p
}

// maxPSTime bounds a ps TIME value (100 years of CPU time) so that the
// tick conversion cannot overflow.
const maxPSTime = 100 * 365 * 24 * 3600

// commFromCmd derives a command name from a ps or pidstat command line:
// a bracketed kernel thread name without its brackets, else the first word,
// reduced to its base name when it is a path ("ksoftirqd/2" is not).
func commFromCmd(cmd string) string {
	cmd = strings.TrimSpace(cmd)
	if strings.HasPrefix(cmd, "[") && strings.HasSuffix(cmd, "]") && len(cmd) > 2 {
		c := cmd[1 : len(cmd)-1]
		if len(c) > maxComm {
			c = c[:maxComm]
		}
		return c
	}
	f := strings.Fields(cmd)
	if len(f) == 0 {
		return ""
	}
	c := f[0]
	if strings.HasPrefix(c, "/") || strings.HasPrefix(c, "./") {
		c = path.Base(c)
	}
	if len(c) > maxComm {
		c = c[:maxComm]
	}
	return c
}

// applyPidstat replaces the ps-derived threads by pidstat -tl's per-thread
// rows (last CPU of each thread).
func (l *loader) applyPidstat(procs map[int]*host.Proc) (at, note string, err error) {
	b, at, err := l.read(candPidstat)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return at, "a sosreport has no per-thread data without pidstat -tl (install sysstat)", err
		}
		return at, "", err
	}
	rows, perr := safe(func() ([]cmdout.PidstatRow, error) { return cmdout.Pidstat(b) })
	threads := map[int][]host.Thread{}
	names := map[int]cmdout.PidstatRow{}
	cur := -1
	n := 0
	for _, r := range rows {
		if n >= maxPSThread {
			break
		}
		if r.TGID > 0 && r.TID <= 0 {
			cur = r.TGID
			names[cur] = r
			continue
		}
		if r.TID <= 0 || r.TID > maxPID {
			continue
		}
		tgid := r.TGID
		if tgid <= 0 {
			tgid = cur
		}
		if tgid <= 0 || tgid > maxPID {
			continue
		}
		cpu := r.CPU
		if cpu < 0 || cpu > maxCPUID {
			cpu = -1
		}
		comm := commFromCmd(strings.TrimPrefix(strings.TrimSpace(r.Command), "|__"))
		threads[tgid] = append(threads[tgid], host.Thread{TID: r.TID, Comm: cleanText([]byte(comm), maxComm), CPU: cpu})
		n++
	}
	for tgid, ts := range threads {
		p := procs[tgid]
		if p == nil {
			r := names[tgid]
			comm := cleanText([]byte(commFromCmd(strings.TrimPrefix(r.Command, "|__"))), maxComm)
			if comm == "" && len(ts) > 0 {
				comm = ts[0].Comm
			}
			p = &host.Proc{PID: tgid, PPID: -1, Comm: comm, User: cleanText([]byte(r.User), 64)}
			procs[tgid] = p
		}
		// Keep the allowed CPUs and state ps or status gave the main thread.
		for i := range ts {
			for _, old := range p.Threads {
				if old.TID == ts[i].TID {
					ts[i].State = old.State
					ts[i].Allowed = old.Allowed
					ts[i].UTime, ts[i].STime, ts[i].CPUKnown, ts[i].CPUTimeCoarse = old.UTime, old.STime, old.CPUKnown, old.CPUTimeCoarse
					if ts[i].CPU < 0 {
						ts[i].CPU = old.CPU
					}
				}
			}
		}
		p.Threads = ts
	}
	if len(threads) > 0 {
		l.snap.ThreadsKnown = true
	} else if perr == nil {
		perr = errors.New("no thread rows")
	}
	return at, "per-thread last CPU from pidstat -tl (no CPU times)", perr
}

// applyProcStatus reads proc/PID/status (sos copies the first 2048) for
// allowed CPUs; with create set it also makes processes from them.
func (l *loader) applyProcStatus(procs map[int]*host.Proc, create bool) string {
	pids, err := l.pidDirs()
	if err != nil || len(pids) == 0 {
		return ""
	}
	type res struct {
		st parse.TaskStatusFields
		ok bool
	}
	out := make([]res, len(pids))
	parallel(len(pids), procWorkers, func(i int) {
		if !create && procs[pids[i]] == nil {
			return
		}
		b, err := l.readFile("proc/" + strconv.Itoa(pids[i]) + "/status")
		if err != nil {
			return
		}
		st, perr := l.taskStatus(b)
		out[i] = res{st, perr == nil || st.Pid > 0}
	})
	n := 0
	for i, r := range out {
		if !r.ok {
			continue
		}
		n++
		p := procs[pids[i]]
		if p == nil {
			if !create {
				continue
			}
			name := cleanText([]byte(r.st.Name), maxComm)
			p = &host.Proc{PID: pids[i], PPID: r.st.PPid, Comm: name, User: strconv.Itoa(r.st.UID),
				Kernel:  r.st.Kthread || r.st.PPid == 2 || pids[i] == 2,
				Threads: []host.Thread{{TID: pids[i], Comm: name, CPU: -1}}}
			procs[pids[i]] = p
		}
		for k := range p.Threads {
			if p.Threads[k].TID == pids[i] || len(p.Threads) == 1 {
				p.Threads[k].Allowed = r.st.CpusAllowed
			}
		}
	}
	if n == 0 {
		return ""
	}
	return fmt.Sprintf("allowed CPUs of %d processes from proc/PID/status", n)
}
