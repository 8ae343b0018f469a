package cmdout

import "testing"

// systemctl list-units --all, systemd 239 on RHEL 8.8, as sos captures it
// (no tty: plain "*" is not used, "●" is).
const unitsRHEL8 = `  UNIT                                   LOAD      ACTIVE   SUB       DESCRIPTION
  proc-sys-fs-binfmt_misc.automount      loaded    active   waiting   Arbitrary Executable File Formats File System Automount Point
  dev-ttyS0.device                       loaded    active   plugged   /dev/ttyS0
● irqbalance.service                     loaded    failed   failed    irqbalance daemon
● ntpd.service                           not-found inactive dead      ntpd.service
  tuned.service                          loaded    active   running   Dynamic System Tuning Daemon
  user@0.service                         masked    inactive dead      user@0.service

LOAD   = Reflects whether the unit definition was properly loaded.
ACTIVE = The high-level unit activation state, i.e. generalization of SUB.
SUB    = The low-level unit activation state, values depend on unit type.

6 loaded units listed.
To show all installed unit files use 'systemctl list-unit-files'.
`

func TestSystemctlUnits(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []Unit
		err  string
	}{
		{"RHEL 8 --all", unitsRHEL8, []Unit{
			{"proc-sys-fs-binfmt_misc.automount", "loaded", "active", "waiting", "Arbitrary Executable File Formats File System Automount Point"},
			{"dev-ttyS0.device", "loaded", "active", "plugged", "/dev/ttyS0"},
			{"irqbalance.service", "loaded", "failed", "failed", "irqbalance daemon"},
			{"ntpd.service", "not-found", "inactive", "dead", "ntpd.service"},
			{"tuned.service", "loaded", "active", "running", "Dynamic System Tuning Daemon"},
			{"user@0.service", "masked", "inactive", "dead", "user@0.service"},
		}, ""},
		{"systemd 219 (RHEL 7), header not indented, ASCII marker", "UNIT LOAD ACTIVE SUB DESCRIPTION\nirqbalance.service loaded active running irqbalance daemon\n* kdump.service loaded failed failed Crash recovery kernel arming\n",
			[]Unit{{"irqbalance.service", "loaded", "active", "running", "irqbalance daemon"}, {"kdump.service", "loaded", "failed", "failed", "Crash recovery kernel arming"}}, ""},
		{"--no-legend, empty description", "irqbalance.service loaded active running\n", []Unit{{"irqbalance.service", "loaded", "active", "running", ""}}, ""},
		{"bad row named", "UNIT LOAD ACTIVE SUB DESCRIPTION\nfoo.service weird active running x\nbar.service loaded active running y\n",
			[]Unit{{"bar.service", "loaded", "active", "running", "y"}}, `line 2: not a unit row: "foo.service weird active running x"`},
		{"no units", "UNIT LOAD ACTIVE SUB DESCRIPTION\n\n0 loaded units listed.\n", nil, ""},
		{"no systemd", "System has not been booted with systemd as init system (PID 1). Can't operate.\nFailed to connect to bus: Host is down\n", nil, "unavailable"},
		{"marker alone", "●\n", nil, "unavailable"},
		{"empty", "", nil, "unavailable"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SystemctlUnits([]byte(tt.in))
			wantErr(t, err, tt.err)
			same(t, "units", got, tt.want)
		})
	}
}
