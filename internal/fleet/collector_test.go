package fleet

import (
	"archive/tar"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/netdoctor/netdoctor/internal/benchutil"
	"github.com/netdoctor/netdoctor/internal/fixturegen"
)

// collectorTop is the top directory of the test sos-collector archives:
// sos-collector-LABEL-DATE-RANDOM, as sos names it.
const collectorTop = "sos-collector-prod-2024-06-03-qwert"

// writeCollector writes an uncompressed sos-collector archive as sos
// collect (4.10 and later) does: the manifest and the logs first, then one
// sosreport tarball per node at the top, in the order given. extra are
// members written as they are (name to content).
func writeCollector(t testing.TB, out string, sosreports []string, extra map[string]string) {
	t.Helper()
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	mtime := time.Unix(1717400000, 0)
	dir := func(name string) {
		if err := tw.WriteHeader(&tar.Header{Name: name + "/", Typeflag: tar.TypeDir, Mode: 0o755, ModTime: mtime}); err != nil {
			t.Fatal(err)
		}
	}
	file := func(name string, size int64, r io.Reader) {
		if err := tw.WriteHeader(&tar.Header{Name: name, Typeflag: tar.TypeReg, Mode: 0o600, Size: size, ModTime: mtime, Format: tar.FormatPAX}); err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(tw, r); err != nil {
			t.Fatal(err)
		}
	}
	dir(collectorTop + "/sos_reports")
	manifest := `{"version": "4.10.0", "cmdline": "sos collect", "components": {"collect": {"nodes": {}}}}`
	file(collectorTop+"/sos_reports/manifest.json", int64(len(manifest)), strings.NewReader(manifest))
	dir(collectorTop + "/sos_logs")
	file(collectorTop+"/sos_logs/sos.log", 4, strings.NewReader("log\n"))
	file(collectorTop+"/sos_logs/ui.log", 3, strings.NewReader("ui\n"))
	dir(collectorTop)
	for _, p := range sosreports {
		in, err := os.Open(p)
		if err != nil {
			t.Fatal(err)
		}
		fi, _ := in.Stat()
		file(collectorTop+"/"+filepath.Base(p), fi.Size(), in)
		in.Close()
	}
	for name, body := range extra {
		file(collectorTop+"/"+name, int64(len(body)), strings.NewReader(body))
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
}

// sosArchive writes the sosreport directory dir as NAME.tar.xz in out.
func sosArchive(t testing.TB, dir, out string) string {
	t.Helper()
	p := filepath.Join(out, filepath.Base(dir)+".tar.xz")
	if err := fixturegen.WriteArchive(dir, p, filepath.Base(dir)); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestSosCollectorLayout: an uncompressed sos-collector archive as sos
// collect writes it, renamed (it is recognised by its content): each
// sosreport is a host named ARCHIVE:MEMBER, in archive order; the manifest
// and logs are not inputs; an encrypted sosreport is unread, with why,
// and never written out; no temporary file is left.
func TestSosCollectorLayout(t *testing.T) {
	tmp := t.TempDir()
	work := t.TempDir()
	a := sosArchive(t, filepath.Join(fixtures, "single-sosreport", "sosreport-erp-db-1-2024-02-14-vvyvdbh"), tmp)
	b := sosArchive(t, filepath.Join(fixtures, "sos-pair-app-on-irq-cpu", firstDir(t, filepath.Join(fixtures, "sos-pair-app-on-irq-cpu"))), tmp)
	archive := filepath.Join(tmp, "cluster.tar")
	writeCollector(t, archive, []string{a, b}, map[string]string{
		"secured-sosreport-node9-2024-06-03-zzzzz.tar.xz.gpg": "\x85\x01\x0cencrypted",
		"sosreport-node9-2024-06-03-zzzzz.tar.xz.sha256":      "abc\n",
	})
	hosts, unread, err := Read(context.Background(), []string{archive}, ReadOptions{Workers: 1, Meta: testMeta, TempDir: work})
	if err != nil {
		t.Fatal(err)
	}
	var inputs []string
	for _, h := range hosts {
		inputs = append(inputs, h.Input)
	}
	want := []string{archive + ":" + collectorTop + "/" + filepath.Base(a), archive + ":" + collectorTop + "/" + filepath.Base(b)}
	if strings.Join(inputs, "\n") != strings.Join(want, "\n") {
		t.Errorf("hosts:\n%s\nwant:\n%s", strings.Join(inputs, "\n"), strings.Join(want, "\n"))
	}
	if len(unread) != 1 || !strings.HasSuffix(unread[0].Input, ".gpg") || !strings.Contains(unread[0].Reason, "encrypted") {
		t.Errorf("unread %+v: want the encrypted sosreport, with why", unread)
	}
	if left, _ := os.ReadDir(work); len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

func firstDir(t testing.TB, dir string) string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			return e.Name()
		}
	}
	t.Fatalf("no directory in %s", dir)
	return ""
}

// TestSosCollectorNotCollector: an uncompressed sosreport tar and an
// uncompressed tar of something else are not taken for sos-collector
// archives; a sos-collector archive cut short names the archive, and
// keeps the hosts read before the cut.
func TestSosCollectorNotCollector(t *testing.T) {
	tmp := t.TempDir()
	sos := filepath.Join(tmp, "sosreport-erp-db-1.tar")
	writePlainTar(t, sos, filepath.Join(fixtures, "single-sosreport", "sosreport-erp-db-1-2024-02-14-vvyvdbh"))
	if isCollector(sos) {
		t.Error("an uncompressed sosreport taken for a sos-collector archive")
	}
	hosts, unread, err := Read(context.Background(), []string{sos}, ReadOptions{Meta: testMeta, TempDir: tmp})
	if err != nil || len(hosts) != 1 || len(unread) != 0 {
		t.Errorf("uncompressed sosreport: %d hosts, unread %+v, %v", len(hosts), unread, err)
	}

	a := sosArchive(t, filepath.Join(fixtures, "single-sosreport", "sosreport-erp-db-1-2024-02-14-vvyvdbh"), tmp)
	b := sosArchive(t, filepath.Join(fixtures, "sos-pair-app-on-irq-cpu", firstDir(t, filepath.Join(fixtures, "sos-pair-app-on-irq-cpu"))), tmp)
	whole := filepath.Join(tmp, "whole.tar")
	writeCollector(t, whole, []string{a, b}, nil)
	data, err := os.ReadFile(whole)
	if err != nil {
		t.Fatal(err)
	}
	fb, _ := os.Stat(b)
	cut := filepath.Join(tmp, "sos-collector-cut.tar")
	// Cut inside the second sosreport (the last member).
	if err := os.WriteFile(cut, data[:len(data)-1024-int(fb.Size())/2], 0o644); err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	hosts, unread, err = Read(context.Background(), []string{cut}, ReadOptions{Meta: testMeta, TempDir: work})
	if err != nil {
		t.Fatal(err)
	}
	if len(hosts) != 1 || len(unread) != 1 || unread[0].Input != cut || !strings.Contains(unread[0].Reason, "2nd sosreport") {
		t.Errorf("cut archive: %d hosts, unread %+v", len(hosts), unread)
	}
	if left, _ := os.ReadDir(work); len(left) != 0 {
		t.Errorf("temporary files left behind: %v", left)
	}
}

// writePlainTar writes the directory dir as an uncompressed tar under its
// own name.
func writePlainTar(t testing.TB, out, dir string) {
	t.Helper()
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	if err := tw.AddFS(os.DirFS(filepath.Dir(dir))); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestSosCollectorBounded: reading a sos-collector archive of 10
// sosreports takes no more memory at its peak than one of 3 (one host in
// memory per worker), and never more temporary sosreports on disk at once
// than the workers and the one being written.
func TestSosCollectorBounded(t *testing.T) {
	if testing.Short() {
		t.Skip("writes 10 sosreports")
	}
	tmp := t.TempDir()
	var archives []string
	for i := range 10 {
		sc := fixturegen.Large(32, 2, 8, 200)
		sc.Hostname = fmt.Sprintf("node-%02d", i)
		dir := t.TempDir()
		name, err := fixturegen.WriteSosreport(dir, sc, 1)
		if err != nil {
			t.Fatal(err)
		}
		archives = append(archives, sosArchive(t, filepath.Join(dir, name), tmp))
	}
	const workers = 2
	measure := func(n int) (float64, int64) {
		archive := filepath.Join(tmp, fmt.Sprintf("sos-collector-%d.tar", n))
		writeCollector(t, archive, archives[:n], nil)
		work := t.TempDir()
		var most atomic.Int64
		stop := make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			for {
				select {
				case <-stop:
					return
				case <-time.After(time.Millisecond):
					if e, err := os.ReadDir(work); err == nil && int64(len(e)) > most.Load() {
						most.Store(int64(len(e)))
					}
				}
			}
		}()
		peak := benchutil.WatchHeap()
		hosts, unread, err := Read(context.Background(), []string{archive}, ReadOptions{Workers: workers, Meta: testMeta, TempDir: work})
		mb := peak()
		close(stop)
		<-done
		if err != nil || len(hosts) != n || len(unread) != 0 {
			t.Fatalf("%d sosreports: %d hosts, unread %+v, %v", n, len(hosts), unread, err)
		}
		return mb, most.Load()
	}
	p3, f3 := measure(3)
	p10, f10 := measure(10)
	t.Logf("peak heap: 3 sosreports %.1f MiB, 10 sosreports %.1f MiB; temporary files at once: %d, %d", p3, p10, f3, f10)
	if p10 > 1.5*p3+8 {
		t.Errorf("peak heap grows with the count: %.1f MiB for 10 sosreports, %.1f MiB for 3", p10, p3)
	}
	if f10 > workers+1 {
		t.Errorf("%d temporary sosreports at once, more than the %d workers and the one being written", f10, workers)
	}
}
