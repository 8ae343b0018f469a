package bundle

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/netdoctor/netdoctor/internal/benchutil"
	"github.com/ulikunitz/xz"
)

// bigTree is a sample as a 64-CPU host with 120 processes of 55 threads
// each gives it: about 15,000 small files, with sos's links (proc/self,
// proc/net, sys/class/net/*). names are the paths a loader reads, some of
// them through links.
func bigTree() (ms []member, names []string) {
	const top = "sosreport-big-2024-03-05-abcdefg"
	add := func(name, body string) {
		ms = append(ms, member{top + "/" + name, 'f', body})
		names = append(names, name)
	}
	link := func(name, target string) { ms = append(ms, member{top + "/" + name, 'l', target}) }
	add("version.txt", "sos report: 4.5.6\n")
	for pid := 1; pid <= 120; pid++ {
		p := fmt.Sprintf("proc/%d", 1000+pid)
		add(p+"/stat", fmt.Sprintf("%d (worker) S 1 %d %d 0 -1 4194560 2000 0 0 0 120 30 0 0 20 0 55 0 300 1000000 200 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 3 0 0 0 0 0\n", 1000+pid, pid, pid))
		add(p+"/status", fmt.Sprintf("Name:\tworker\nTgid:\t%d\nPid:\t%d\nPPid:\t1\nUid:\t0\t0\t0\t0\nCpus_allowed_list:\t0-63\n", 1000+pid, 1000+pid))
		add(p+"/cmdline", "/usr/bin/worker\x00--threads\x0055\x00")
		for tid := 0; tid < 55; tid++ {
			tp := fmt.Sprintf("%s/task/%d", p, 1000+pid*100+tid)
			add(tp+"/stat", fmt.Sprintf("%d (worker) S 1 1 1 0 -1 4194560 20 0 0 0 12 3 0 0 20 0 55 0 300 1000000 200 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 %d 0 0 0 0 0\n", pid*100+tid, tid%64))
			add(tp+"/status", fmt.Sprintf("Name:\tworker\nTgid:\t%d\nPid:\t%d\nCpus_allowed_list:\t0-63\n", 1000+pid, pid*100+tid))
		}
	}
	for irq := 24; irq < 324; irq++ {
		p := fmt.Sprintf("proc/irq/%d", irq)
		add(p+"/smp_affinity", "ffffffff,ffffffff\n")
		add(p+"/smp_affinity_list", "0-63\n")
		add(p+"/effective_affinity_list", fmt.Sprintf("%d\n", irq%64))
		add(p+"/node", "0\n")
	}
	for cpu := 0; cpu < 64; cpu++ {
		p := fmt.Sprintf("sys/devices/system/cpu/cpu%d", cpu)
		add(p+"/topology/core_id", fmt.Sprintf("%d\n", cpu%32))
		add(p+"/topology/physical_package_id", fmt.Sprintf("%d\n", cpu/32))
		add(p+"/topology/thread_siblings_list", fmt.Sprintf("%d,%d\n", cpu%32, cpu%32+32))
		add(p+"/online", "1\n")
		link(p+fmt.Sprintf("/node%d", cpu/32), fmt.Sprintf("../../node/node%d", cpu/32))
	}
	for nic := 0; nic < 8; nic++ {
		dev := fmt.Sprintf("sys/devices/pci0000:00/0000:00:%02x.0/net/eth%d", 3+nic, nic)
		link(fmt.Sprintf("sys/class/net/eth%d", nic), "../../"+dev[len("sys/"):])
		for _, c := range []string{"rx_bytes", "rx_packets", "rx_errors", "rx_dropped", "rx_fifo_errors", "rx_missed_errors", "rx_over_errors", "rx_crc_errors", "rx_frame_errors", "rx_length_errors", "rx_compressed", "multicast", "collisions", "tx_bytes", "tx_packets", "tx_errors", "tx_dropped", "tx_fifo_errors", "tx_aborted_errors", "tx_carrier_errors", "tx_heartbeat_errors", "tx_window_errors", "tx_compressed", "rx_nohandler", "tx_timeout"} {
			ms = append(ms, member{top + "/" + dev + "/statistics/" + c, 'f', "123456789\n"})
			names = append(names, fmt.Sprintf("sys/class/net/eth%d/statistics/%s", nic, c))
		}
		for _, o := range []string{"-S", "-i", "-g", "-l", ""} {
			add(fmt.Sprintf("sos_commands/networking/ethtool_%s_eth%d", o, nic), "NIC statistics:\n     rx_packets: 1\n")
		}
	}
	add("proc/1001/net/dev", "Inter-|   Receive\n")
	add("proc/1001/net/softnet_stat", "0000a1b2 00000000 00000003\n")
	link("proc/self", "1001")
	link("proc/net", "self/net")
	names = append(names, "proc/net/dev", "proc/net/softnet_stat")
	return ms, names
}

const bigTop = "sosreport-big-2024-03-05-abcdefg"

func bigDir(b *testing.B) (string, []string) {
	b.Helper()
	ms, names := bigTree()
	d := b.TempDir()
	makeTree(b, d, ms)
	return d, names
}

// BenchmarkDirBundle opens a ~15,000-file directory bundle and reads every
// file: the hot path of loading a big host.
func BenchmarkDirBundle(b *testing.B) {
	d, names := bigDir(b)
	b.Run("read-by-name", func(b *testing.B) {
		b.ReportAllocs()
		cpu0 := benchutil.CPUTime()
		for b.Loop() {
			bd, err := Open(d, Limits{})
			if err != nil {
				b.Fatal(err)
			}
			r, err := Sub(bd.FS, bigTop)
			if err != nil {
				b.Fatal(err)
			}
			for _, n := range names {
				if _, err := r.ReadFile(n); err != nil {
					b.Fatal(err)
				}
			}
			bd.Close()
		}
		perFile(b, cpu0, len(names))
	})
	b.Run("walk-and-read", func(b *testing.B) {
		b.ReportAllocs()
		cpu0 := benchutil.CPUTime()
		for b.Loop() {
			bd, err := Open(d, Limits{})
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			err = fs.WalkDir(bd.FS, ".", func(p string, e fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if e.Type().IsRegular() {
					n++
					_, err = bd.FS.ReadFile(p)
				}
				return err
			})
			if err != nil || n < 15000 {
				b.Fatal(n, err)
			}
			bd.Close()
		}
		perFile(b, cpu0, len(names))
	})
}

// BenchmarkDirBaseline reads the same files with plain os.ReadFile (no
// protection at all) and with os.Root.ReadFile on the full name (os.Root
// walks every component with openat/close), for comparison.
func BenchmarkDirBaseline(b *testing.B) {
	d, names := bigDir(b)
	b.Run("os.ReadFile", func(b *testing.B) {
		b.ReportAllocs()
		cpu0 := benchutil.CPUTime()
		for b.Loop() {
			for _, n := range names {
				if _, err := os.ReadFile(filepath.Join(d, bigTop, n)); err != nil {
					b.Fatal(err)
				}
			}
		}
		perFile(b, cpu0, len(names))
	})
	b.Run("os.Root.ReadFile", func(b *testing.B) {
		b.ReportAllocs()
		cpu0 := benchutil.CPUTime()
		for b.Loop() {
			r, err := os.OpenRoot(filepath.Join(d, bigTop))
			if err != nil {
				b.Fatal(err)
			}
			for _, n := range names {
				if _, err := r.ReadFile(n); err != nil {
					b.Fatal(err)
				}
			}
			r.Close()
		}
		perFile(b, cpu0, len(names))
	})
}

// BenchmarkArchiveBundle opens the same tree as .tar.gz and .tar.xz (the
// whole archive is decompressed and indexed) and reads every file.
func BenchmarkArchiveBundle(b *testing.B) {
	ms, names := bigTree()
	raw := tarBytes(b, ms)
	for _, form := range []struct {
		name string
		data []byte
	}{
		{"tgz", gzipBytes(b, raw)},
		{"txz", xzBytes(b, raw, xz.WriterConfig{})},
	} {
		p := writeFile(b, "big."+form.name, form.data)
		b.Run(form.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := benchutil.CPUTime()
			for b.Loop() {
				bd, err := Open(p, Limits{})
				if err != nil {
					b.Fatal(err)
				}
				r, _ := Sub(bd.FS, bigTop)
				for _, n := range names {
					if _, err := r.ReadFile(n); err != nil {
						b.Fatal(err)
					}
				}
				bd.Close()
			}
			perFile(b, cpu0, len(names))
			b.ReportMetric(float64(len(raw))/1e6, "MB-uncompressed")
		})
	}
}

// perFile reports wall and CPU (user+system) nanoseconds per file read.
func perFile(b *testing.B, cpu0 time.Duration, files int) {
	n := float64(b.N * files)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/file")
	b.ReportMetric(float64((benchutil.CPUTime()-cpu0).Nanoseconds())/n, "cpu-ns/file")
}

// BenchmarkWriterThreads writes what one collect sample of a host with
// 10,000 threads puts in its archive: a stat and a status file for each
// thread, in sorted order as the recorder writes them.
func BenchmarkWriterThreads(b *testing.B) {
	type file struct {
		name string
		body []byte
	}
	var files []file
	for pid := 1000; pid < 1100; pid++ {
		for tid := pid; tid < pid+100; tid++ {
			dir := fmt.Sprintf("netdoctor-host-20261122-101112/sample-2/proc/%d/task/%d", pid, tid)
			files = append(files,
				file{dir + "/stat", []byte(fmt.Sprintf("%d (worker) S 1 %d %d 0 -1 4194560 2000 0 0 0 120 30 0 0 20 0 100 0 300 1000000 200 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 3 0 0 0 0 0\n", tid, pid, pid))},
				file{dir + "/status", []byte(fmt.Sprintf("Name:\tworker\nTgid:\t%d\nPid:\t%d\nPPid:\t1\nUid:\t0\t0\t0\t0\nCpus_allowed_list:\t0-63\n", pid, tid))})
		}
	}
	mtime := time.Unix(1700000000, 0)
	size := 0
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		var out benchutil.CountingWriter
		w := NewWriter(&out)
		for _, f := range files {
			if err := w.File(f.name, f.body, mtime); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
		size = int(out)
	}
	b.ReportMetric(float64(size)/1e6, "archive-MB")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(len(files)), "ns/file")
}
