package cmdout

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestSosVersion(t *testing.T) {
	tests := []struct {
		name, in, want, err string
	}{
		{"sos 4.5.6 (RHEL 9.2)", "sos report: 4.5.6\n", "4.5.6", ""},
		{"sos 3.9.1 (RHEL 7.9) with plugins", "sosreport: 3.9.1\nabrt: 3.9.1\nnetworking: 3.9.1\nprocessor: 3.9.1\n", "3.9.1", ""},
		{"no newline", "sos report: 4.7.1", "4.7.1", ""},
		{"bad version", "sos report: latest and greatest\n", "", `line 1: bad version "latest and greatest"`},
		{"not version.txt", "hello\nworld\n", "", `not sos version.txt output`},
		{"empty", "", "", "unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SosVersion([]byte(tt.in))
			wantErr(t, err, tt.err)
			same(t, "version", got, tt.want)
		})
	}
}

// manifest.json excerpt of sos 4.5.6 on RHEL 9.2 (get_json(indent=4)).
const manifest456 = `{
    "version": "4.5.6",
    "cmdline": "sos report --batch -e numa",
    "start_time": "2024-03-05 10:11:12.123456",
    "end_time": "2024-03-05 10:14:02.654321",
    "run_time": "0:02:50.530865",
    "compression": "xz",
    "policy": "Red Hat Enterprise Linux",
    "components": {
        "report": {
            "preset": "none",
            "devices": {"ethernet": ["eth0", "eth1"]},
            "plugins": {
                "networking": {
                    "start_time": "2024-03-05 10:11:20.000001",
                    "timeout": 300,
                    "timeout_hit": false,
                    "commands": [
                        {
                            "command": "ethtool",
                            "parameters": ["-S", "eth0"],
                            "exec": "ethtool -S eth0",
                            "filepath": "sos_commands/networking/ethtool_-S_eth0",
                            "truncated": false,
                            "return_code": 0,
                            "priority": 10,
                            "start_time": 1709633480.1,
                            "end_time": 1709633480.2,
                            "run_time": 0.1,
                            "tags": ["ethool_S"]
                        },
                        {
                            "exec": "nstat -zas",
                            "filepath": null,
                            "truncated": false,
                            "return_code": 127
                        }
                    ],
                    "files": []
                },
                "date": {
                    "commands": [
                        {"exec": "date --utc", "filepath": "sos_commands/date/date_--utc", "truncated": false, "return_code": 0}
                    ]
                },
                "process": {
                    "commands": [
                        {"exec": "ps auxwwwm", "filepath": "sos_commands/process/ps_auxwwwm", "truncated": true, "return_code": 0}
                    ]
                }
            }
        }
    }
}
`

func TestSosManifest(t *testing.T) {
	got, err := SosManifest([]byte(manifest456))
	if err != nil {
		t.Fatal(err)
	}
	want := Manifest{
		Version:   "4.5.6",
		StartTime: time.Date(2024, 3, 5, 10, 11, 12, 123456000, time.UTC),
		EndTime:   time.Date(2024, 3, 5, 10, 14, 2, 654321000, time.UTC),
		Commands: []SosCommand{ // plugins in file order
			{"ethtool -S eth0", "sos_commands/networking/ethtool_-S_eth0", 0, false},
			{"nstat -zas", "", 127, false},
			{"date --utc", "sos_commands/date/date_--utc", 0, false},
			{"ps auxwwwm", "sos_commands/process/ps_auxwwwm", 0, true},
		},
	}
	same(t, "manifest", got, want)

	tests := []struct {
		name string
		in   string
		want Manifest
		err  string
	}{
		{"sos 4.0: no plugins yet, compact stamp, RFC 3339 end", `{"version": "4.0", "start_time": "20240305101112", "end_time": "2024-03-05T10:12:00+01:00", "components": {"report": {}}}`,
			Manifest{Version: "4.0", StartTime: time.Date(2024, 3, 5, 10, 11, 12, 0, time.UTC), EndTime: time.Date(2024, 3, 5, 9, 12, 0, 0, time.UTC)}, ""},
		{"unfinished, epoch start, numeric version, direct commands", `{"version": 4.1, "start_time": 1709633472, "end_time": "", "components": {"report": {"commands": [{"exec": "uname -a"}]}}}`,
			Manifest{Version: "4.1", StartTime: time.Unix(1709633472, 0).UTC(), Commands: []SosCommand{{"uname -a", "", -1, false}}}, ""},
		{"wrong types named, rest kept", `{"version": ["x"], "start_time": "soon", "components": {"report": {"plugins": {"a": {"commands": [{"exec": 1, "filepath": "f", "return_code": "0", "truncated": "no"}, 5]}, "b": 7}}}}`,
			Manifest{StartTime: time.Time{}, Commands: []SosCommand{{"", "f", -1, false}}},
			`version is not a string; start_time: unknown time format "soon"; plugin "a": command 0: bad exec; plugin "a": command 0: bad return_code; plugin "a": command 0: bad truncated; plugin "a": command 1: not a JSON object; plugin "b": not a JSON object`},
		{"not an object", `[1, 2]`, Manifest{}, "not a JSON object"},
		{"truncated JSON", manifest456[:200], Manifest{}, "bad JSON"},
		{"trailing garbage", `{} {}`, Manifest{}, "bad JSON: invalid character"},
		{"components of the wrong type", `{"version": "4.2", "components": "x"}`, Manifest{Version: "4.2"}, "components is not a JSON object"},
		{"empty", "", Manifest{}, "unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SosManifest([]byte(tt.in))
			wantErr(t, err, tt.err)
			same(t, "manifest", got, tt.want)
		})
	}
}

func TestSosManifestTooLarge(t *testing.T) {
	big := append([]byte(`{"version": "4.5", "x": "`), bytes.Repeat([]byte("a"), maxInput)...)
	big = append(big, `"}`...)
	_, err := SosManifest(big)
	if err == nil || !strings.Contains(err.Error(), "larger than the 64 MiB limit") {
		t.Errorf("error = %v", err)
	}
}
