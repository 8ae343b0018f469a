package cmdout

import "testing"

// pidstat -tl, sysstat 10.1.5 on RHEL 7.9: no %wait, 12-hour time.
const pidstatRHEL7 = `Linux 3.10.0-1160.el7.x86_64 (db01.example.com) 	03/05/2024 	_x86_64_	(8 CPU)

10:11:12 AM   UID      TGID       TID    %usr %system  %guest    %CPU   CPU  Command
10:11:12 AM     0         1         -    0.00    0.01    0.00    0.01     3  /usr/lib/systemd/systemd --switched-root --system --deserialize 22
10:11:12 AM     0         -         1    0.00    0.01    0.00    0.01     3  |__/usr/lib/systemd/systemd --switched-root --system --deserialize 22
10:11:12 AM     0        24         -    0.00    0.05    0.00    0.05     2  ksoftirqd/2
10:11:12 AM     0         -        24    0.00    0.05    0.00    0.05     2  |__ksoftirqd/2
10:11:12 AM    27      2201         -   12.50    3.25    0.00   15.75     5  /usr/libexec/mysqld --basedir=/usr
10:11:12 AM    27         -      2201    0.10    0.05    0.00    0.15     5  |__/usr/libexec/mysqld --basedir=/usr
10:11:12 AM    27         -      2210   12.40    3.20    0.00   15.60     2  |__/usr/libexec/mysqld --basedir=/usr
`

// pidstat -tl -h, sysstat 12.5.4 on RHEL 9.2: "# Time" header, %wait, 24-hour time.
const pidstatRHEL9 = `Linux 5.14.0-284.11.1.el9_2.x86_64 (web01) 	03/05/2024 	_x86_64_	(16 CPU)

# Time        UID      TGID       TID    %usr %system  %guest   %wait    %CPU   CPU  Command
10:11:12        0         1         -    0.00    0.02    0.00    0.00    0.02     7  /usr/lib/systemd/systemd rhgb --switched-root --system --deserialize 31
10:11:12        0         -         1    0.00    0.02    0.00    0.00    0.02     7  |__/usr/lib/systemd/systemd rhgb --switched-root --system --deserialize 31
10:11:12      992         -       905    1,50    0,25    0,00    0,00    1,75    11  |__/usr/sbin/irqbalance --foreground
`

// pidstat -t -U, sysstat 11.7.3 (RHEL 8): USER instead of UID, an Average block.
const pidstatUser = `Linux 4.18.0-477.10.1.el8_8.x86_64 (app01) 	03/05/2024 	_x86_64_	(4 CPU)

10:11:12 PM     USER      TGID       TID    %usr %system  %guest   %wait    %CPU   CPU  Command
10:11:13 PM     root       900         -    1.00    0.00    0.00    0.00    1.00     1  irqbalance
10:11:13 PM     root         -       900    1.00    0.00    0.00    0.00    1.00     1  |__irqbalance

Average:        USER      TGID       TID    %usr %system  %guest   %wait    %CPU   CPU  Command
Average:        root       900         -    1.00    0.00    0.00    0.00    1.00     -  irqbalance
`

func TestPidstat(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []PidstatRow
		err  string
	}{
		{"RHEL 7 AM/PM, no %wait", pidstatRHEL7, []PidstatRow{
			{0, "", 1, -1, 3, 0, 0.01, 0.01, "/usr/lib/systemd/systemd --switched-root --system --deserialize 22"},
			{0, "", 1, 1, 3, 0, 0.01, 0.01, "/usr/lib/systemd/systemd --switched-root --system --deserialize 22"},
			{0, "", 24, -1, 2, 0, 0.05, 0.05, "ksoftirqd/2"},
			{0, "", 24, 24, 2, 0, 0.05, 0.05, "ksoftirqd/2"},
			{27, "", 2201, -1, 5, 12.5, 3.25, 15.75, "/usr/libexec/mysqld --basedir=/usr"},
			{27, "", 2201, 2201, 5, 0.1, 0.05, 0.15, "/usr/libexec/mysqld --basedir=/usr"},
			{27, "", 2201, 2210, 2, 12.4, 3.2, 15.6, "/usr/libexec/mysqld --basedir=/usr"},
		}, ""},
		{"RHEL 9 # Time, decimal comma, orphan thread", pidstatRHEL9, []PidstatRow{
			{0, "", 1, -1, 7, 0, 0.02, 0.02, "/usr/lib/systemd/systemd rhgb --switched-root --system --deserialize 31"},
			{0, "", 1, 1, 7, 0, 0.02, 0.02, "/usr/lib/systemd/systemd rhgb --switched-root --system --deserialize 31"},
			{992, "", 1, 905, 11, 1.5, 0.25, 1.75, "/usr/sbin/irqbalance --foreground"},
		}, ""},
		{"USER column and Average", pidstatUser, []PidstatRow{
			{-1, "root", 900, -1, 1, 1, 0, 1, "irqbalance"},
			{-1, "root", 900, 900, 1, 1, 0, 1, "irqbalance"},
		}, ""},
		{"thread before any process", "# Time UID TGID TID %usr %system %CPU CPU Command\n10:00:00 0 - 5 0.00 0.00 0.00 1 |__x\n",
			[]PidstatRow{{0, "", -1, 5, 1, 0, 0, 0, "x"}}, ""},
		{"bad rows named", "# Time UID TGID TID %usr %system %CPU CPU Command\n10:00:00 0 x - 0 0 0 1 a\n10:00:00 0 1 - 0 0 nan 1 b\n10:00:00 0 1\n10:00:00 0 - - 0 0 0 1 c\n",
			nil, `line 2: TGID: bad value "x"; line 3: %CPU: bad value "nan"; line 4: short row "10:00:00 0 1"; line 5: neither TGID nor TID`},
		{"banner only", "Linux 3.10.0-1160.el7.x86_64 (h) \t03/05/2024 \t_x86_64_\t(8 CPU)\n", nil, "unavailable"},
		{"not found", "sh: pidstat: command not found\n", nil, "unavailable"},
		{"empty", "", nil, "unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Pidstat([]byte(tt.in))
			wantErr(t, err, tt.err)
			same(t, "rows", got, tt.want)
		})
	}
}
