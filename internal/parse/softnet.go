package parse

import "github.com/netdoctor/netdoctor/internal/host"

// softnetMinColumns is the narrowest softnet_stat row (RHEL 5 kernels).
const softnetMinColumns = 9

// SoftnetStat parses /proc/net/softnet_stat: one row of 32-bit hex columns
// per online CPU. Widths seen are 9, 10, 11, 13 and 15 columns; each row
// keeps its width in Columns and extra columns are accepted. The owning CPU is
// column 13 when the kernel prints it (5.10 and later; CPUFromIndex is then
// true), else the i-th entry of online (the sample's
// /sys/devices/system/cpu/online: offline CPUs have no row), else -1.
//
// A bad row (a non-hex value, fewer than 9 columns, an index above 65535 or
// repeated) is dropped and named with its line in the error; the other rows
// are kept. procfs instead fails the whole file and, without column 13, takes
// the line number for the CPU, which is wrong once a CPU is offline.
func SoftnetStat(b []byte, online []int) ([]host.SoftnetRow, error) {
	errs := rowErrors{file: "softnet_stat"}
	out := []host.SoftnetRow{}
	ls := lineScanner{b: b}
	var cols [16]uint32
	seen := make(map[int]struct{})
	row := -1
	for {
		line, num, ok := ls.next()
		if !ok {
			break
		}
		if len(trimSpace(line)) == 0 {
			continue
		}
		row++
		width, bad := 0, false
		for i := 0; ; {
			s, e := field(line, i)
			if s == e {
				break
			}
			i = e
			v, ok := parseHex32(line[s:e])
			if !ok {
				errs.addf(num, "column %d: %s is not a 32-bit hex number", width+1, quote(line[s:e]))
				bad = true
				break
			}
			if width < len(cols) {
				cols[width] = v
			}
			width++
		}
		if bad {
			continue
		}
		if width < softnetMinColumns {
			errs.addf(num, "%d columns, want at least %d", width, softnetMinColumns)
			continue
		}
		get := func(col int) uint32 { // 1-based, as in the kernel's documentation
			if col <= width && col <= len(cols) {
				return cols[col-1]
			}
			return 0
		}
		r := host.SoftnetRow{
			CPU:          -1,
			Processed:    get(1),
			Dropped:      get(2),
			TimeSqueeze:  get(3),
			CPUCollision: get(9),
			ReceivedRPS:  get(10),
			FlowLimit:    get(11),
			BacklogLen:   get(12),
			InputQLen:    get(14),
			ProcessQLen:  get(15),
			Columns:      width,
		}
		switch {
		case width >= 13:
			idx := get(13)
			if idx > maxCPU {
				errs.addf(num, "CPU index %d above %d", idx, maxCPU)
				continue
			}
			r.CPU, r.CPUFromIndex = int(idx), true
		case row < len(online):
			r.CPU = online[row]
		}
		if r.CPU >= 0 {
			if _, dup := seen[r.CPU]; dup {
				errs.addf(num, "CPU %d repeated", r.CPU)
				continue
			}
			seen[r.CPU] = struct{}{}
		}
		out = append(out, r)
	}
	if row < 0 {
		errs.addf(0, "empty")
	}
	return out, errs.err()
}
