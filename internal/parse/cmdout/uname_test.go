package cmdout

import "testing"

func TestUname(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want UnameInfo
		err  string
	}{
		{"RHEL 7.9", "Linux db01 3.10.0-1160.el7.x86_64 #1 SMP Mon Oct 19 16:18:59 UTC 2020 x86_64 x86_64 x86_64 GNU/Linux\n",
			UnameInfo{"Linux", "db01", "3.10.0-1160.el7.x86_64", "#1 SMP Mon Oct 19 16:18:59 UTC 2020", "x86_64"}, ""},
		{"Ubuntu 22.04", "Linux web01 5.15.0-91-generic #101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023 x86_64 x86_64 x86_64 GNU/Linux\n",
			UnameInfo{"Linux", "web01", "5.15.0-91-generic", "#101-Ubuntu SMP Tue Nov 14 13:30:08 UTC 2023", "x86_64"}, ""},
		{"Debian 12, processor and platform omitted", "Linux deb 6.1.0-13-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.55-1 (2023-09-29) x86_64 GNU/Linux\n",
			UnameInfo{"Linux", "deb", "6.1.0-13-amd64", "#1 SMP PREEMPT_DYNAMIC Debian 6.1.55-1 (2023-09-29)", "x86_64"}, ""},
		{"double space in build date kept", "Linux h 4.18.0-80.el8.x86_64 #1 SMP Wed Mar  3 12:00:00 UTC 2019 x86_64 x86_64 x86_64 GNU/Linux\n",
			UnameInfo{"Linux", "h", "4.18.0-80.el8.x86_64", "#1 SMP Wed Mar  3 12:00:00 UTC 2019", "x86_64"}, ""},
		{"RHEL 8 aarch64", "Linux arm1 4.18.0-513.el8.aarch64 #1 SMP Thu Sep 7 16:23:09 EDT 2023 aarch64 aarch64 aarch64 GNU/Linux\n",
			UnameInfo{"Linux", "arm1", "4.18.0-513.el8.aarch64", "#1 SMP Thu Sep 7 16:23:09 EDT 2023", "aarch64"}, ""},
		{"unknown processor (RHEL 5)", "Linux old 2.6.18-398.el5 #1 SMP Tue Sep 16 20:50:52 EDT 2014 i686 i686 i386 GNU/Linux\n",
			UnameInfo{"Linux", "old", "2.6.18-398.el5", "#1 SMP Tue Sep 16 20:50:52 EDT 2014", "i686"}, ""},
		{"ppc64le unknown unknown", "Linux p9 4.18.0 #1 SMP Mon Jan 1 00:00:00 UTC 2024 ppc64le unknown unknown GNU/Linux\n",
			UnameInfo{"Linux", "p9", "4.18.0", "#1 SMP Mon Jan 1 00:00:00 UTC 2024", "ppc64le"}, ""},
		{"busybox without OS", "Linux box 5.10.0 #1 SMP Tue 2021 x86_64\n", UnameInfo{"Linux", "box", "5.10.0", "#1 SMP Tue 2021", "x86_64"}, ""},
		{"unknown machine name", "Linux h 6.6.0 #1 SMP Fri Jan 5 2024 newarch GNU/Linux\n", UnameInfo{"Linux", "h", "6.6.0", "#1 SMP Fri Jan 5 2024", "newarch"}, ""},
		{"too short", "Linux h\n", UnameInfo{}, "unavailable"},
		{"error", "uname: extra operand 'x'\nTry 'uname --help' for more information.\n", UnameInfo{}, "unavailable"},
		{"empty", "", UnameInfo{}, "unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Uname([]byte(tt.in))
			wantErr(t, err, tt.err)
			same(t, "uname", got, tt.want)
		})
	}
}

func TestFormatUname(t *testing.T) {
	u := UnameInfo{"Linux", "db01", "3.10.0-1160.el7.x86_64", "#1 SMP Mon Oct 19 16:18:59 UTC 2020", "x86_64"}
	same(t, "format", string(FormatUname(u)), "Linux db01 3.10.0-1160.el7.x86_64 #1 SMP Mon Oct 19 16:18:59 UTC 2020 x86_64 GNU/Linux\n")
	back, err := Uname(FormatUname(u))
	if err != nil {
		t.Fatal(err)
	}
	same(t, "round trip", back, u)
	same(t, "empty", string(FormatUname(UnameInfo{})), "Linux unknown unknown unknown GNU/Linux\n")
}

func TestUnameHostnameWithErrorWords(t *testing.T) {
	u, err := Uname([]byte("Linux build-failed-01 5.14.0-362.el9.x86_64 #1 SMP PREEMPT_DYNAMIC Tue Oct 3 11:12:36 EDT 2023 x86_64 x86_64 x86_64 GNU/Linux\n"))
	if err != nil || u.Hostname != "build-failed-01" {
		t.Errorf("got %+v, %v", u, err)
	}
}
