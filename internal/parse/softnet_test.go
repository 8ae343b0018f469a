package parse

import (
	"reflect"
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/host"
)

func TestSoftnetStatSamples(t *testing.T) {
	tests := []struct {
		file    string
		online  []int
		rows    []host.SoftnetRow // the rows to compare, by position; all if len == number of rows
		nRows   int
		columns int
	}{
		{
			// This machine, kernel 6.18: 15 columns, index in column 13.
			file: "live-6.18-kvm", online: []int{0, 1}, nRows: 2, columns: 15,
			rows: []host.SoftnetRow{
				{CPU: 0, CPUFromIndex: true, Processed: 0x10, Columns: 15},
				{CPU: 1, CPUFromIndex: true, Processed: 0x494, Columns: 15},
			},
		},
		{
			// RHEL 5, 2.6.18: 9 columns; CPUs from online.
			file: "rhel5-2.6.18-9col", online: []int{0, 1}, nRows: 2, columns: 9,
			rows: []host.SoftnetRow{{CPU: 0, Processed: 0x1ba0fbc3, TimeSqueeze: 0x1b3, Columns: 9}},
		},
		{
			// RHEL 7, 3.10: 10 columns with received_rps; online has CPU1 offline.
			file: "rhel7-3.10-10col", online: []int{0, 2, 3, 5}, nRows: 4, columns: 10,
			rows: []host.SoftnetRow{
				{CPU: 0, Processed: 0xc31633d5, Dropped: 0x2f3d, TimeSqueeze: 0x1cb, ReceivedRPS: 0x12, Columns: 10},
				{CPU: 2, Processed: 0xa38e3d47, TimeSqueeze: 0xcf, Columns: 10},
				{CPU: 3, Processed: 0xcb74e599, TimeSqueeze: 0xf9, ReceivedRPS: 7, Columns: 10},
				{CPU: 5, Processed: 0xc6aa8ee7, TimeSqueeze: 0xd9, ReceivedRPS: 3, Columns: 10},
			},
		},
		{
			// RHEL 8.2, 4.18: 11 columns with flow_limit_count; online unknown.
			file: "rhel8.2-4.18-11col", online: nil, nRows: 2, columns: 11,
			rows: []host.SoftnetRow{{CPU: -1, Processed: 0x871dd262, Dropped: 0x10, TimeSqueeze: 0xb6, FlowLimit: 0x10, Columns: 11}},
		},
		{
			// RHEL 9, 5.14: 13 columns; CPU2 offline, the index column says 0, 1, 3
			// even though online is (wrongly) given as 0-2.
			file: "rhel9-5.14-13col-cpu2-offline", online: []int{0, 1, 2}, nRows: 3, columns: 13,
			rows: []host.SoftnetRow{
				{CPU: 0, CPUFromIndex: true, Processed: 0x2ad91f, TimeSqueeze: 3, Columns: 13},
				{CPU: 1, CPUFromIndex: true, Processed: 0x1b02c4, Dropped: 5, TimeSqueeze: 0x11, BacklogLen: 2, Columns: 13},
				{CPU: 3, CPUFromIndex: true, Processed: 0x19ee07, TimeSqueeze: 9, Columns: 13},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := SoftnetStat(readTestdata(t, "softnet_stat", tt.file), tt.online)
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tt.nRows {
				t.Fatalf("%d rows, want %d", len(got), tt.nRows)
			}
			for i, r := range got {
				if r.Columns != tt.columns {
					t.Errorf("row %d: %d columns, want %d", i, r.Columns, tt.columns)
				}
			}
			for i, w := range tt.rows {
				if !reflect.DeepEqual(got[i], w) {
					t.Errorf("row %d =\n %+v\nwant\n %+v", i, got[i], w)
				}
			}
		})
	}
}

func TestSoftnetStatWide(t *testing.T) {
	// 6.4+: 15 columns, input_qlen and process_qlen after the index; extra
	// columns of a future kernel are accepted.
	in := "0000a000 00000001 00000002 00000000 00000000 00000000 00000000 00000000 00000000 00000003 00000004 00000009 00000007 00000005 00000004 0000abcd\n"
	got, err := SoftnetStat([]byte(in), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := host.SoftnetRow{CPU: 7, CPUFromIndex: true, Processed: 0xa000, Dropped: 1, TimeSqueeze: 2,
		ReceivedRPS: 3, FlowLimit: 4, BacklogLen: 9, InputQLen: 5, ProcessQLen: 4, Columns: 16}
	if len(got) != 1 || !reflect.DeepEqual(got[0], want) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
}

func TestSoftnetStatBadRows(t *testing.T) {
	const row = "00000010 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000\n"
	online := []int{0, 1, 2}
	tests := []struct {
		name   string
		in     string
		online []int
		cpus   []int // CPUs of the kept rows
		errs   []string
	}{
		{"bad hex keeps other rows", row + "0000zz10 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000\n" + row,
			online, []int{0, 2}, []string{`line 2: column 1: "0000zz10" is not a 32-bit hex number`}},
		{"too few columns", row + "00000001 00000002 00000003\n" + row,
			online, []int{0, 2}, []string{"line 2: 3 columns, want at least 9"}},
		{"over 32 bits", "100000000 0 0 0 0 0 0 0 0\n" + row,
			online, []int{1}, []string{"line 1: column 1"}},
		{"index above the cap", "1 0 0 0 0 0 0 0 0 0 0 0 00010000\n",
			online, []int{}, []string{"line 1: CPU index 65536 above 65535"}},
		{"repeated index", "1 0 0 0 0 0 0 0 0 0 0 0 00000004\n1 0 0 0 0 0 0 0 0 0 0 0 00000004\n",
			online, []int{4}, []string{"line 2: CPU 4 repeated"}},
		{"more rows than online CPUs", row + row + row,
			[]int{0, 1}, []int{0, 1, -1}, nil},
		{"blank lines do not shift CPUs", row + "\n" + row,
			[]int{3, 7}, []int{3, 7}, nil},
		{"truncated last row", row + "00000010 00000000 0000",
			online, []int{0}, []string{"line 2: 3 columns"}},
		{"empty", "", online, []int{}, []string{"softnet_stat: empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SoftnetStat([]byte(tt.in), tt.online)
			cpus := []int{}
			for _, r := range got {
				cpus = append(cpus, r.CPU)
			}
			if !reflect.DeepEqual(cpus, tt.cpus) {
				t.Errorf("row CPUs = %v, want %v", cpus, tt.cpus)
			}
			checkErr(t, err, tt.errs)
		})
	}
}

func BenchmarkSoftnetStat(b *testing.B) {
	// A 512-CPU host on 6.x: 15 columns per row.
	var sb strings.Builder
	for c := 0; c < 512; c++ {
		for col := 0; col < 15; col++ {
			if col > 0 {
				sb.WriteByte(' ')
			}
			v := uint32(c * 2654435761 >> col)
			if col == 12 {
				v = uint32(c)
			}
			sb.WriteString(hex8(v))
		}
		sb.WriteByte('\n')
	}
	data := []byte(sb.String())
	online := seq(0, 511)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := SoftnetStat(data, online); err != nil {
			b.Fatal(err)
		}
	}
}

func hex8(v uint32) string {
	const digits = "0123456789abcdef"
	var b [8]byte
	for i := 7; i >= 0; i-- {
		b[i] = digits[v&15]
		v >>= 4
	}
	return string(b[:])
}

func FuzzSoftnetStat(f *testing.F) {
	addSeeds(f, "softnet_stat")
	f.Fuzz(func(t *testing.T, b []byte) {
		online := []int{0, 2, 3}
		got, err := SoftnetStat(b, online)
		seen := map[int]bool{}
		for _, r := range got {
			if r.Columns < 9 {
				t.Fatalf("row with %d columns kept", r.Columns)
			}
			if r.CPUFromIndex != (r.Columns >= 13) {
				t.Fatalf("CPUFromIndex %v with %d columns", r.CPUFromIndex, r.Columns)
			}
			if r.CPU < -1 || r.CPU > maxCPU {
				t.Fatalf("CPU %d", r.CPU)
			}
			if r.CPU >= 0 && seen[r.CPU] {
				t.Fatalf("CPU %d twice", r.CPU)
			}
			seen[r.CPU] = true
		}
		if err == nil && len(got) == 0 {
			t.Fatal("no rows and no error")
		}
	})
}
