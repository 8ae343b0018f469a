package cmdout

import "testing"

// ps auxwww, sos 4.0 on RHEL 8.3 (procps-ng 3.3.15).
const psAux = `USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND
root           1  0.0  0.1 244908 13908 ?        Ss   Mar04   0:12 /usr/lib/systemd/systemd --switched-root --system --deserialize 18
root           2  0.0  0.0      0     0 ?        S    Mar04   0:00 [kthreadd]
root          10  0.3  0.0      0     0 ?        S    Mar04  61:07 [ksoftirqd/0]
root         912  0.0  0.0  48512  4096 ?        Ss   10:11   0:00 /usr/sbin/irqbalance --foreground
nginx       1301 12.5  1.2 123456 99999 ?        S    2023   1234:56 nginx: worker process
root        5000  0.0  0.0      0     0 ?        Z    10:12   0:00 [defunct-thing] <defunct>
`

// ps auxwwwm, sos 4.5 on RHEL 9.2: a process row, then its threads with PID "-".
const psAuxm = `USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND
root           1  0.0  0.1 171400 13128 ?        -    Mar04   0:12 /usr/lib/systemd/systemd rhgb --switched-root --system --deserialize 31
root           -  0.0    -      -     - -        Ss   Mar04   0:12 -
mysql       2201  3.0  9.0 2000000 700000 ?      -    Mar04  90:00 /usr/libexec/mysqld --basedir=/usr
mysql          -  1.0    -      -     - -        Ssl  Mar04  30:00 -
mysql          -  2.0    -      -     - -        Ssl  Mar04  60:00 -
`

// sos 4.7.1+ ps axo flags,state,uid,pid,ppid,pgid,sid,cls,pri,psr,addr,sz,wchan:20,lstart,tty,time,cmd (RHEL 9.4).
const psAxoPSR = `F S   UID     PID    PPID    PGID     SID CLS PRI PSR ADDR    SZ WCHAN                             STARTED TT           TIME CMD
4 S     0       1       0       1       1  TS  19   3 -     42850 ep_poll              Tue Mar  5 09:00:01 2024 ?        00:00:12 /usr/lib/systemd/systemd --switched-root --system --deserialize 31
1 S     0       2       0       0       0  TS  19   5 -         0 kthreadd             Tue Mar  5 09:00:01 2024 ?        00:00:00 [kthreadd]
1 S     0      24       2       0       0  TS  19   2 -         0 smpboot_thread_fn    Tue Mar  5 09:00:01 2024 ?        00:01:40 [ksoftirqd/2]
1 S     0     901       2       0       0  FF  90  14 -         0 irq_thread           Tue Mar  5 09:00:03 2024 ?        00:00:07 [irq/141-eth0-TxRx-0]
0 R  1000   30211   30100   30211   30100  TS  19   0 -      5000 -                    Tue Mar 12 10:11:12 2024 pts/0    1-02:03:04 /opt/app/bin/app --threads 8
`

// sos 3.9 ps axo flags,state,uid,pid,ppid,pgid,sid,cls,pri,addr,sz,wchan:20,lstart,tty,time,cmd (RHEL 7.9): no PSR.
const psAxo39 = `F S   UID   PID  PPID  PGID   SID CLS PRI ADDR SZ WCHAN                             STARTED TT           TIME CMD
4 S     0     1     0     1     1  TS  19 - 48497 ep_poll              Mon Mar  4 08:00:00 2024 ?        00:00:05 /usr/lib/systemd/systemd --system
`

// ps -elfL, sos 4.x on RHEL 8: one row per thread, user names, STIME.
const psElfL = `F S UID          PID    PPID     LWP  C NLWP PRI  NI ADDR SZ WCHAN  STIME TTY          TIME CMD
4 S root           1       0       1  0    1  80   0 - 61182 do_epo Mar04 ?        00:00:12 /usr/lib/systemd/systemd --switched-root
0 S mysql       2201       1    2201  0    3  80   0 - 500000 -     10:11 ?        00:30:00 /usr/libexec/mysqld --basedir=/usr
1 S mysql       2201       1    2210  1    3  80   0 - 500000 -     10:11 ?        01:00:00 /usr/libexec/mysqld --basedir=/usr
`

func TestPS(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []PSRow
		err  string
	}{
		{"ps auxwww", psAux, []PSRow{
			{"root", 1, -1, -1, "Ss", "systemd", "/usr/lib/systemd/systemd --switched-root --system --deserialize 18", 12},
			{"root", 2, -1, -1, "S", "kthreadd", "[kthreadd]", 0},
			{"root", 10, -1, -1, "S", "ksoftirqd/0", "[ksoftirqd/0]", 61*60 + 7},
			{"root", 912, -1, -1, "Ss", "irqbalance", "/usr/sbin/irqbalance --foreground", 0},
			{"nginx", 1301, -1, -1, "S", "nginx", "nginx: worker process", 1234*60 + 56},
			{"root", 5000, -1, -1, "Z", "defunct-thing", "[defunct-thing] <defunct>", 0},
		}, ""},
		{"ps auxwwwm thread rows skipped", psAuxm, []PSRow{
			{"root", 1, -1, -1, "-", "systemd", "/usr/lib/systemd/systemd rhgb --switched-root --system --deserialize 31", 12},
			{"mysql", 2201, -1, -1, "-", "mysqld", "/usr/libexec/mysqld --basedir=/usr", 90 * 60},
		}, ""},
		{"ps axo with lstart and psr", psAxoPSR, []PSRow{
			{"0", 1, 0, 3, "S", "systemd", "/usr/lib/systemd/systemd --switched-root --system --deserialize 31", 12},
			{"0", 2, 0, 5, "S", "kthreadd", "[kthreadd]", 0},
			{"0", 24, 2, 2, "S", "ksoftirqd/2", "[ksoftirqd/2]", 100},
			{"0", 901, 2, 14, "S", "irq/141-eth0-TxRx-0", "[irq/141-eth0-TxRx-0]", 7},
			{"1000", 30211, 30100, 0, "R", "app", "/opt/app/bin/app --threads 8", 86400 + 2*3600 + 3*60 + 4},
		}, ""},
		{"sos 3.9 ps axo", psAxo39, []PSRow{{"0", 1, 0, -1, "S", "systemd", "/usr/lib/systemd/systemd --system", 5}}, ""},
		{"ps -elfL", psElfL, []PSRow{
			{"root", 1, 0, -1, "S", "systemd", "/usr/lib/systemd/systemd --switched-root", 12},
			{"mysql", 2201, 1, -1, "S", "mysqld", "/usr/libexec/mysqld --basedir=/usr", 1800},
			{"mysql", 2201, 1, -1, "S", "mysqld", "/usr/libexec/mysqld --basedir=/usr", 3600},
		}, ""},
		{"ps -o start with two-token dates and comm", "  PID STARTED PSR COMMAND\n    1  Mar 05   3 systemd\n  900 10:11:12  1 irqbalance\n",
			[]PSRow{{"", 1, -1, 3, "", "systemd", "systemd", -1}, {"", 900, -1, 1, "", "irqbalance", "irqbalance", -1}}, ""},
		{"procps 3.2 warning before the header", "Warning: bad syntax, perhaps a bogus '-'? See /usr/share/doc/procps-3.2.8/FAQ\nUSER PID %CPU COMMAND\nroot 1 0.0 /sbin/init\n",
			[]PSRow{{"root", 1, -1, -1, "", "init", "/sbin/init", -1}}, ""},
		{"comm column", "  PID PSR COMM\n    7   1 rcu_sched\n", []PSRow{{"", 7, -1, 1, "", "rcu_sched", "", -1}}, ""},
		{"bad rows named", "USER PID PSR TIME COMMAND\nroot x 1 0:00 a\nroot 1 y 0:00 b\nroot 2 1 0:99 c\nroot 3\nroot 4 1 0:01 d\n",
			[]PSRow{{"root", 4, -1, 1, "", "d", "d", 1}},
			`line 2: bad PID "x"; line 3: bad PSR "y"; line 4: bad TIME "0:99"; line 5: short row`},
		{"no header", "root 1 0.0 0.1\n", nil, "unavailable"},
		{"PID only as the last column", "PID\n0\n1\n", nil, "not ps output"},
		{"not ps", "total 0\ndrwxr-xr-x 2 root root 6 Mar  5 10:11 x\n", nil, "not ps output"},
		{"empty", "", nil, "unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := PS([]byte(tt.in))
			wantErr(t, err, tt.err)
			same(t, "rows", got, tt.want)
		})
	}
}

func TestPSTime(t *testing.T) {
	for in, want := range map[string]int64{
		"0:00": 0, "1:05": 65, "1234:56": 74096, "00:00:12": 12, "01:02:03": 3723, "2-03:04:05": 2*86400 + 3*3600 + 4*60 + 5,
		"": -1, "12": -1, "1:2:3:4": -1, "a:00": -1, "0:60": -1, "2-03:04": -1, "-1:00": -1, "1-": -1,
	} {
		got, ok := psTime(in)
		if got != want || ok != (want >= 0) {
			t.Errorf("psTime(%q) = %d, %v; want %d", in, got, ok, want)
		}
	}
}
