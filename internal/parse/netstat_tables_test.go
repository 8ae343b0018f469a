package parse

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/netdoctor/netdoctor/internal/host"
)

// Real-looking /proc/net/stat files. Column sets differ by kernel.
const (
	// 3.10 (RHEL 7): searched, delete_list, icmp_error; 2 CPUs.
	conntrackStat310 = `entries  searched found new invalid ignore delete delete_list insert insert_failed drop early_drop icmp_error  expect_new expect_create expect_delete search_restart
000000b4  00000000 00000000 00000000 00000002 0000031e 00000000 00000000 00000000 00000000 00000000 00000000 00000000  00000000 00000000 00000000 00000000
000000b4  00000000 00000000 00000000 00000001 00000210 00000000 00000000 00000000 00000003 00000005 00000001 00000000  00000000 00000000 00000000 00000004
`
	// 6.8 (Ubuntu 24.04): clashres, chainlength, error; 2 CPUs.
	conntrackStat68 = `entries  clashres found new invalid ignore delete chainlength insert insert_failed drop early_drop error  expect_new expect_create expect_delete search_restart
0000004a  00000000 00000000 00000000 00000003 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000  00000000 00000000 00000000 00000000
0000004a  00000002 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000001 00000000 00000000 00000000  00000000 00000000 00000000 0000000a
`
	// 5.15 arp_cache, 64-bit unsigned longs; 2 CPUs.
	arpCache515 = `entries  allocs destroys hash_grows  lookups hits  res_failed  rcv_probes_mcast rcv_probes_ucast  periodic_gc_runs forced_gc_runs unresolved_discards table_fulls
00000005  00000003 00000001 00000000  0000002a 00000020  00000000  00000000 00000000  0000007b 00000000 00000000 00000000
00000005  00000002 00000000 00000000  00000011 0000000c  00000001  00000000 00000000  00000000 00000000 00000002 00000000
`
	// An overflowing ndisc_cache (6.1): table_fulls and forced GC.
	ndiscCacheFull61 = `entries  allocs destroys hash_grows  lookups hits  res_failed  rcv_probes_mcast rcv_probes_ucast  periodic_gc_runs forced_gc_runs unresolved_discards table_fulls
00000400  0001a000 00019c00 00000003  00100000 000f0000  00000010  00000000 00000000  00000100 00000080 00000010 00000021
`
)

func TestProcNetStat(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		file    string
		rows    int
		entries uint64
		totals  map[string]uint64 // absent column: math.MaxUint64
		wantErr []string
	}{
		{"conntrack 3.10", conntrackStat310, "nf_conntrack", 2, 0xb4,
			map[string]uint64{"invalid": 3, "ignore": 0x31e + 0x210, "insert_failed": 3, "drop": 5, "early_drop": 1, "search_restart": 4, "clashres": math.MaxUint64}, nil},
		{"conntrack 6.8", conntrackStat68, "nf_conntrack", 2, 0x4a,
			map[string]uint64{"clashres": 2, "insert_failed": 1, "drop": 0, "search_restart": 10, "searched": math.MaxUint64}, nil},
		{"arp_cache 5.15", arpCache515, "arp_cache", 2, 5,
			map[string]uint64{"table_fulls": 0, "unresolved_discards": 2, "periodic_gc_runs": 0x7b, "res_failed": 1}, nil},
		{"ndisc_cache full 6.1", ndiscCacheFull61, "ndisc_cache", 1, 0x400,
			map[string]uint64{"table_fulls": 0x21, "forced_gc_runs": 0x80}, nil},
		{"bad row kept out", "entries drop\n00000001 00000002\n0000000z 00000001\n00000001\n00000001 00000003\n", "nf_conntrack", 2, 1,
			map[string]uint64{"drop": 5}, []string{"line 3: entries: bad value", "line 4: 1 values for 2 columns"}},
		{"bad header", "Entries Drop\n1 2\n", "nf_conntrack", 0, 0, nil, []string{"header: bad column name"}},
		{"empty", "", "nf_conntrack", 0, 0, nil, []string{"empty"}},
		{"header only", "entries drop\n", "nf_conntrack", 0, 0, nil, []string{"no rows"}},
		{"64-bit overflow", "entries\n1ffffffffffffffff\n", "arp_cache", 0, 0, nil, []string{"bad value"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ProcNetStat([]byte(tt.in), tt.file)
			checkErr(t, err, tt.wantErr)
			if len(got.Rows) != tt.rows {
				t.Fatalf("rows = %d, want %d", len(got.Rows), tt.rows)
			}
			if tt.rows == 0 {
				return
			}
			if e, ok := got.Entries(); !ok || e != tt.entries {
				t.Errorf("entries = %d %v, want %d", e, ok, tt.entries)
			}
			for col, want := range tt.totals {
				v, ok := got.Total(col)
				if want == math.MaxUint64 {
					if ok {
						t.Errorf("%s present, want absent on this kernel", col)
					}
					continue
				}
				if !ok || v != want {
					t.Errorf("%s = %d %v, want %d", col, v, ok, want)
				}
			}
		})
	}
}

func TestSockstat(t *testing.T) {
	// 5.15 sockstat and sockstat6.
	in := "sockets: used 290\nTCP: inuse 9 orphan 0 tw 3 alloc 11 mem 2\nUDP: inuse 4 mem 3\nUDPLITE: inuse 0\nRAW: inuse 0\nFRAG: inuse 0 memory 0\n"
	got, err := Sockstat([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]map[string]int64{
		"sockets": {"used": 290},
		"TCP":     {"inuse": 9, "orphan": 0, "tw": 3, "alloc": 11, "mem": 2},
		"UDP":     {"inuse": 4, "mem": 3},
		"UDPLITE": {"inuse": 0},
		"RAW":     {"inuse": 0},
		"FRAG":    {"inuse": 0, "memory": 0},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	got6, err := Sockstat([]byte("TCP6: inuse 3\nUDP6: inuse 2\nUDPLITE6: inuse 0\nRAW6: inuse 1\nFRAG6: inuse 0 memory 0\n"))
	if err != nil || got6["TCP6"]["inuse"] != 3 || got6["FRAG6"]["memory"] != 0 {
		t.Errorf("sockstat6 = %v, %v", got6, err)
	}
	bad, err := Sockstat([]byte("TCP: inuse 9 orphan\nUDP: inuse x mem 3\nnonsense\n"))
	checkErr(t, err, []string{"line 1: \"TCP\": fields are not name value pairs", "line 2: \"UDP\" \"inuse\": bad value", "line 3: no \"Proto:\" prefix"})
	if bad["UDP"]["mem"] != 3 {
		t.Errorf("good pairs of a bad line lost: %v", bad)
	}
	_, err = Sockstat(nil)
	checkErr(t, err, []string{"empty"})
}

func TestSNMP6(t *testing.T) {
	// 6.8 snmp6 excerpt.
	in := "Ip6InReceives                   \t1234\nIp6InDiscards                   \t2\nUdp6InDatagrams                 \t77\nUdp6RcvbufErrors                \t5\nUdp6InCsumErrors                \t0\nIcmp6OutType135                 \t4\n"
	got, err := SNMP6([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if got["Udp6RcvbufErrors"] != 5 || got["Ip6InReceives"] != 1234 || len(got) != 6 {
		t.Errorf("got %v", got)
	}
	_, err = SNMP6([]byte("Ip6InReceives 1 2\nUdp6InDatagrams x\nIp6InReceives 3\n"))
	checkErr(t, err, []string{"line 1: want", "line 2: \"Udp6InDatagrams\": bad value"})
	_, err = SNMP6(nil)
	checkErr(t, err, []string{"empty"})
}

const (
	// 5.15: systemd-resolved on 127.0.0.53:53, dhclient on :68, a syslog
	// receiver on :514 that dropped 1234 datagrams with 212992 bytes queued.
	udp515 = `   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  133: 3500007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 23455 2 0000000000000000 0
  204: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 19876 2 0000000000000000 0
  650: 00000000:0202 00000000:0000 07 00000000:00034000 00:00000000 00000000     0        0 45120 2 0000000000000000 1234
`
	// 5.15 udp6: chronyd on [::1]:323.
	udp6515 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
  451: 00000000000000000000000001000000:0143 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000   998        0 20111 2 0000000000000000 3
`
)

func TestUDPSockets(t *testing.T) {
	got, err := UDPSockets([]byte(udp515), 4)
	if err != nil {
		t.Fatal(err)
	}
	want := []host.UDPSocket{
		{Family: 4, Local: "127.0.0.53", Port: 53, State: 7, UID: 101, Inode: 23455},
		{Family: 4, Local: "0.0.0.0", Port: 68, State: 7, Inode: 19876},
		{Family: 4, Local: "0.0.0.0", Port: 514, State: 7, RxQueue: 0x34000, Inode: 45120, Drops: 1234},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	got6, err := UDPSockets([]byte(udp6515), 6)
	if err != nil || len(got6) != 1 || got6[0].Local != "::1" || got6[0].Port != 323 || got6[0].Drops != 3 || got6[0].UID != 998 {
		t.Errorf("udp6 = %+v, %v", got6, err)
	}
	bad := "  sl local\n  1: 0100007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000 0 0 1 2 0 x\n  2: 0100007F 00000000:0000 07 00000000:00000000 00:00000000 00000000 0 0 1 2 0 0\n  3: short\n"
	rows, err := UDPSockets([]byte(bad), 4)
	checkErr(t, err, []string{"line 2: bad drops", "line 3: bad local address", "line 4: short row"})
	if len(rows) != 0 {
		t.Errorf("bad rows kept: %+v", rows)
	}
	_, err = UDPSockets([]byte("garbage\n"), 4)
	checkErr(t, err, []string{"header"})
}

func TestUDPSocketsBound(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n")
	n := host.MaxUDPSockets + 10
	for i := range n {
		drops := 0
		if i == n-1 {
			drops = 9
		}
		sb.WriteString("  1: 00000000:0044 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 1 2 0000000000000000 ")
		sb.WriteString(uitoa(uint64(drops)))
		sb.WriteByte('\n')
	}
	got, err := UDPSockets([]byte(sb.String()), 4)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != host.MaxUDPSockets+1 || got[len(got)-1].Drops != 9 {
		t.Errorf("kept %d rows (last drops %d), want %d with the dropping one last", len(got), got[len(got)-1].Drops, host.MaxUDPSockets+1)
	}
}

func TestKernelLog(t *testing.T) {
	in := strings.Join([]string{
		// dmesg, 5.14 (RHEL 9)
		"[    0.000000] Linux version 5.14.0-362.el9.x86_64",
		"[ 8123.456789] nf_conntrack: nf_conntrack: table full, dropping packet",
		"[ 8200.000001] ixgbe 0000:3b:00.0 eth2: NIC Link is Down",
		"[ 8201.5] ixgbe 0000:3b:00.0 eth2: NIC Link is Up 10 Gbps, Flow Control: RX/TX",
		"[ 9000.100000] NETDEV WATCHDOG: eth0 (virtio_net): transmit queue 0 timed out",
		// dmesg -T
		"[Fri Dec  4 17:00:00 2026] TCP: out of memory -- consider tuning tcp_mem",
		// kern.log (Ubuntu, BSD stamps with an uptime)
		"Dec  4 17:01:02 web1 kernel: [ 9100.250000] neighbour: arp_cache: neighbor table overflow!",
		"Dec  4 17:01:03 web1 NetworkManager[812]: <info> device (eth0): link is down",
		// messages (RHEL, ISO stamps)
		"2026-12-04T17:02:00.123456+00:00 web1 kernel: TCP: request_sock_TCP: Possible SYN flooding on port 443. Sending cookies.",
		"2026-12-04T17:02:01+00:00 web1 kernel: swapper/3: page allocation failure: order:2, mode:0x104020",
		"2026-12-04T17:02:02+00:00 web1 kernel: e1000e 0000:00:19.0 eno1: Detected Hardware Unit Hang:",
		"bare message without stamp: ens3: Link is Down",
		"",
	}, "\n")
	got, err := KernelLog([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	if got.Lines != 12 || got.Truncated {
		t.Errorf("lines = %d truncated %v", got.Lines, got.Truncated)
	}
	type ev struct {
		kind   string
		uptime float64
		stamp  string
	}
	var kinds []ev
	for _, e := range got.Events {
		kinds = append(kinds, ev{e.Kind, e.Uptime, e.Stamp})
	}
	want := []ev{
		{host.LogConntrackFull, 8123.456789, ""},
		{host.LogLinkDown, 8200.000001, ""},
		{host.LogLinkUp, 8201.5, ""},
		{host.LogNetdevWatchdog, 9000.1, ""},
		{host.LogTCPOutOfMemory, -1, "Fri Dec  4 17:00:00 2026"},
		{host.LogNeighOverflow, 9100.25, "Dec  4 17:01:02"},
		{host.LogSYNFlood, -1, "2026-12-04T17:02:00.123456+00:00"},
		{host.LogPageAllocFail, -1, "2026-12-04T17:02:01+00:00"},
		{host.LogTxTimeout, -1, "2026-12-04T17:02:02+00:00"},
		{host.LogLinkDown, -1, ""},
	}
	if !reflect.DeepEqual(kinds, want) {
		t.Errorf("events\n got %v\nwant %v", kinds, want)
	}
	if got.Events[6].Time.IsZero() || got.Events[6].Time.Year() != 2026 {
		t.Errorf("ISO time not parsed: %v", got.Events[6].Time)
	}
	if got.Events[0].Text != "nf_conntrack: nf_conntrack: table full, dropping packet" {
		t.Errorf("text = %q", got.Events[0].Text)
	}
}

func TestKernelLogBounded(t *testing.T) {
	line := "[    1.000000] eth0: Link is Up\n"
	b := []byte(strings.Repeat(line, MaxKernelLogBytes/len(line)+100))
	got, _ := KernelLog(b)
	if !got.Truncated || got.Lines > MaxKernelLogBytes/len(line) {
		t.Errorf("truncated %v lines %d", got.Truncated, got.Lines)
	}
	if len(got.Events) != host.MaxLogEvents {
		t.Errorf("events = %d, want the newest %d", len(got.Events), host.MaxLogEvents)
	}
	// The newest are kept: number the lines and look at the last event.
	var sb strings.Builder
	for i := range 3 * host.MaxLogEvents {
		sb.WriteString("[    1.000000] eth0: Link is Up " + uitoa(uint64(i)) + "\n")
	}
	got, _ = KernelLog([]byte(sb.String()))
	if n := len(got.Events); n != host.MaxLogEvents || got.Events[n-1].Text != "eth0: Link is Up "+uitoa(uint64(3*host.MaxLogEvents-1)) ||
		got.Events[0].Text != "eth0: Link is Up "+uitoa(uint64(2*host.MaxLogEvents)) {
		t.Errorf("kept %d events from %q to %q", n, got.Events[0].Text, got.Events[n-1].Text)
	}
}

func TestFormatKmsg(t *testing.T) {
	recs := [][]byte{
		[]byte("6,1,0,-;Linux version 6.8.0\n"),
		[]byte("4,812,8123456789,-;nf_conntrack: table full, dropping packet\n SUBSYSTEM=net\n"),
		[]byte("garbage without a prefix"),
	}
	got := string(FormatKmsg(recs))
	want := "[    0.000000] Linux version 6.8.0\n[ 8123.456789] nf_conntrack: table full, dropping packet\ngarbage without a prefix\n"
	if got != want {
		t.Errorf("got %q\nwant %q", got, want)
	}
	log, _ := KernelLog([]byte(got))
	if len(log.Events) != 1 || log.Events[0].Uptime != 8123.456789 {
		t.Errorf("round trip: %+v", log.Events)
	}
}

func FuzzProcNetStat(f *testing.F) {
	for _, s := range []string{conntrackStat310, conntrackStat68, arpCache515, ndiscCacheFull61, "entries\n", ""} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		tab, err := ProcNetStat(b, "nf_conntrack")
		checkFuzzErr(t, err, "nf_conntrack")
		for _, r := range tab.Rows {
			if len(r) != len(tab.Columns) {
				t.Fatalf("row of %d values for %d columns", len(r), len(tab.Columns))
			}
		}
		for _, c := range tab.Columns {
			if _, ok := tab.Total(c); !ok {
				t.Fatalf("column %q not found", c)
			}
		}
	})
}

func FuzzSockstat(f *testing.F) {
	f.Add([]byte("sockets: used 290\nTCP: inuse 9 orphan 0 tw 3 alloc 11 mem 2\nUDP: inuse 4 mem 3\nFRAG: inuse 0 memory 0\n"))
	f.Add([]byte("TCP6: inuse 3\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := Sockstat(b)
		checkFuzzErr(t, err, "sockstat")
	})
}

func FuzzSNMP6(f *testing.F) {
	f.Add([]byte("Ip6InReceives 1234\nUdp6RcvbufErrors 5\n"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, b []byte) {
		_, err := SNMP6(b)
		checkFuzzErr(t, err, "snmp6")
	})
}

func FuzzUDPSockets(f *testing.F) {
	f.Add([]byte(udp515), 4)
	f.Add([]byte(udp6515), 6)
	f.Add([]byte(""), 4)
	f.Fuzz(func(t *testing.T, b []byte, fam int) {
		family := 4
		if fam%2 == 0 {
			family = 6
		}
		rows, err := UDPSockets(b, family)
		checkFuzzErr(t, err, "udp")
		for _, r := range rows {
			if r.Family != family || r.Port < 0 || r.Port > 0xffff || !utf8.ValidString(r.Local) {
				t.Fatalf("bad row %+v", r)
			}
		}
	})
}

func FuzzKernelLog(f *testing.F) {
	f.Add([]byte("[ 8123.456789] nf_conntrack: table full, dropping packet\n"))
	f.Add([]byte("Dec  4 17:01:02 web1 kernel: [ 9100.250000] neighbour: arp_cache: neighbor table overflow!\n"))
	f.Add([]byte("2026-12-04T17:02:00.123456+00:00 web1 kernel: TCP: out of memory -- consider tuning tcp_mem\n"))
	f.Add([]byte("4,812,8123456789,-;NETDEV WATCHDOG: eth0\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		log, err := KernelLog(b)
		if err != nil {
			t.Fatal(err)
		}
		if len(log.Events) > host.MaxLogEvents || len(log.Events) > log.Lines {
			t.Fatalf("%d events of %d lines", len(log.Events), log.Lines)
		}
		for _, e := range log.Events {
			if e.Kind == "" || len(e.Text) > maxLogText || !utf8.ValidString(e.Text) || !utf8.ValidString(e.Stamp) {
				t.Fatalf("bad event %+v", e)
			}
		}
		_ = FormatKmsg([][]byte{b})
	})
}

// checkFuzzErr fails unless err is nil or a *Error naming file.
func checkFuzzErr(t *testing.T, err error, file string) {
	t.Helper()
	if err == nil {
		return
	}
	pe, ok := err.(*Error)
	if !ok || !strings.HasPrefix(pe.File, file) || len(pe.Problems) == 0 {
		t.Fatalf("error %v (%T) does not name %s", err, err, file)
	}
}
