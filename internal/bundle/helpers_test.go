package bundle

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ulikunitz/xz"
)

// member describes one entry of a test bundle.
type member struct {
	name string
	kind byte // 'f' file, 'l' symlink, 'd' directory, 'h' hard link, 'c' char device, 'b' block device, 'p' FIFO
	body string
}

var testTime = time.Date(2024, 3, 5, 10, 11, 12, 0, time.UTC)

// sosTree is a small sosreport-like tree (sos 3.6 layout, RHEL 8.5 kernel
// 4.18.0-348) with the internal links sos really produces.
var sosTree = []member{
	{"sosreport-web1-2024-03-05-abcdefg/version.txt", 'f', "sos report: 4.5.6\n"},
	{"sosreport-web1-2024-03-05-abcdefg/sos_commands/kernel/uname_-a", 'f', "Linux web1 4.18.0-348.el8.x86_64 #1 SMP Mon Oct 4 12:17:22 EDT 2021 x86_64 x86_64 x86_64 GNU/Linux\n"},
	{"sosreport-web1-2024-03-05-abcdefg/uname", 'l', "sos_commands/kernel/uname_-a"},
	{"sosreport-web1-2024-03-05-abcdefg/sos_commands/networking/ethtool_-S_eth0", 'f', "NIC statistics:\n     rx_queue_0_packets: 1234\n     rx_missed: 0\n"},
	{"sosreport-web1-2024-03-05-abcdefg/sos_strings/networking/netstat_-s.tailed", 'f', "Ip:\n    12345 total packets received\n"},
	{"sosreport-web1-2024-03-05-abcdefg/sos_commands/networking/netstat_-s", 'l', "../../sos_strings/networking/netstat_-s.tailed"},
	{"sosreport-web1-2024-03-05-abcdefg/proc/interrupts", 'f', "           CPU0       CPU1       \n  24:    1234567          0   PCI-MSI 49152-edge      eth0-rx-0\n"},
	{"sosreport-web1-2024-03-05-abcdefg/proc/3255/net/softnet_stat", 'f', "0000a1b2 00000000 00000003 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000\n"},
	{"sosreport-web1-2024-03-05-abcdefg/proc/3255/net/dev", 'f', "Inter-|   Receive\n face |bytes\n  eth0: 1000 10 0 0 0 0 0 0 2000 20 0 0 0 0 0 0\n"},
	{"sosreport-web1-2024-03-05-abcdefg/proc/self", 'l', "3255"},
	{"sosreport-web1-2024-03-05-abcdefg/proc/net", 'l', "self/net"},
	{"sosreport-web1-2024-03-05-abcdefg/sys/devices/pci0000:00/0000:00:03.0/net/eth0/statistics/rx_missed_errors", 'f', "0\n"},
	{"sosreport-web1-2024-03-05-abcdefg/sys/devices/pci0000:00/0000:00:03.0/numa_node", 'f', "-1\n"},
	{"sosreport-web1-2024-03-05-abcdefg/sys/devices/pci0000:00/0000:00:03.0/net/eth0/device", 'l', "../../../0000:00:03.0"},
	{"sosreport-web1-2024-03-05-abcdefg/sys/class/net/eth0", 'l', "../../devices/pci0000:00/0000:00:03.0/net/eth0"},
	{"sosreport-web1-2024-03-05-abcdefg/sys/devices/system/node/node0/cpulist", 'f', "0-1\n"},
	{"sosreport-web1-2024-03-05-abcdefg/sys/devices/system/cpu/cpu0/node0", 'l', "../../node/node0"},
}

const sosTop = "sosreport-web1-2024-03-05-abcdefg"

// body returns the content of the file member name in ms.
func body(t testing.TB, ms []member, name string) string {
	t.Helper()
	for _, m := range ms {
		if m.name == name && m.kind == 'f' {
			return m.body
		}
	}
	t.Fatalf("no file %s in the test tree", name)
	return ""
}

// tarBytes builds a tar of ms, in order, with no directory entries unless
// listed.
func tarBytes(t testing.TB, ms []member) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, m := range ms {
		h := &tar.Header{Name: m.name, Mode: 0o644, ModTime: testTime, Format: tar.FormatPAX}
		switch m.kind {
		case 'f':
			h.Typeflag, h.Size = tar.TypeReg, int64(len(m.body))
		case 'l':
			h.Typeflag, h.Linkname, h.Mode = tar.TypeSymlink, m.body, 0o777
		case 'h':
			h.Typeflag, h.Linkname = tar.TypeLink, m.body
		case 'd':
			h.Typeflag, h.Mode = tar.TypeDir, 0o755
		case 'c':
			h.Typeflag, h.Devmajor, h.Devminor = tar.TypeChar, 1, 3
		case 'b':
			h.Typeflag, h.Devmajor, h.Devminor = tar.TypeBlock, 8, 0
		case 'p':
			h.Typeflag = tar.TypeFifo
		default:
			t.Fatalf("bad kind %q", m.kind)
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if m.kind == 'f' {
			if _, err := tw.Write([]byte(m.body)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gzipBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func xzBytes(t testing.TB, b []byte, cfg xz.WriterConfig) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, err := cfg.NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// writeFile writes b to a new file in a temporary directory.
func writeFile(t testing.TB, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// makeTree creates ms under dir (which must exist).
func makeTree(t testing.TB, dir string, ms []member) {
	t.Helper()
	for _, m := range ms {
		p := filepath.Join(dir, filepath.FromSlash(m.name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		var err error
		switch m.kind {
		case 'f':
			err = os.WriteFile(p, []byte(m.body), 0o644)
		case 'l':
			err = os.Symlink(m.body, p)
		case 'd':
			err = os.MkdirAll(p, 0o755)
		case 'h':
			err = os.Link(filepath.Join(dir, filepath.FromSlash(m.body)), p)
		default:
			t.Fatalf("makeTree: kind %q not supported", m.kind)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
}

// openForms opens ms as a directory, a .tar, a .tar.gz and a .tar.xz
// bundle, calling f for each.
func openForms(t *testing.T, ms []member, lim Limits, f func(t *testing.T, b *Bundle)) {
	t.Helper()
	tb := tarBytes(t, ms)
	forms := []struct {
		name string
		path func(t *testing.T) string
	}{
		{"dir", func(t *testing.T) string {
			d := filepath.Join(t.TempDir(), "bundle")
			if err := os.Mkdir(d, 0o755); err != nil {
				t.Fatal(err)
			}
			makeTree(t, d, ms)
			return d
		}},
		{"tar", func(t *testing.T) string { return writeFile(t, "b.tar", tb) }},
		{"tgz", func(t *testing.T) string { return writeFile(t, "b.tgz", gzipBytes(t, tb)) }},
		{"txz", func(t *testing.T) string { return writeFile(t, "b.tar.xz", xzBytes(t, tb, xz.WriterConfig{})) }},
	}
	for _, form := range forms {
		t.Run(form.name, func(t *testing.T) {
			b, err := Open(form.path(t), lim)
			if err != nil {
				t.Fatal(err)
			}
			defer b.Close()
			f(t, b)
		})
	}
}

// wantRefused fails unless err wraps ErrRefused and mentions reason.
func wantRefused(t *testing.T, err error, reason string) {
	t.Helper()
	if !errors.Is(err, ErrRefused) {
		t.Fatalf("err = %v, want ErrRefused (%s)", err, reason)
	}
	if !strings.Contains(err.Error(), reason) {
		t.Fatalf("err = %q, want the reason %q", err, reason)
	}
}

// zeroReader reads zeros forever.
type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

var _ io.Reader = zeroReader{}
