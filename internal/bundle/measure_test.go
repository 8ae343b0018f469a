package bundle

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestMeasureAttacks prints what each attack of the hostile-archive list
// costs at full size, next to a plain bundle of the same content: bytes
// allocated, time and outcome. It asserts nothing (hostile_test.go does,
// on counts, at a smaller size) and runs only when asked:
//
//	NETDOCTOR_MEASURE_ATTACKS=1 go test -run TestMeasureAttacks -v ./internal/bundle
func TestMeasureAttacks(t *testing.T) {
	if os.Getenv("NETDOCTOR_MEASURE_ATTACKS") == "" {
		t.Skip("set NETDOCTOR_MEASURE_ATTACKS=1 to measure")
	}
	// With NETDOCTOR_ATTACK_DIR set, each file is written there too, for
	// running the command line on it.
	out := os.Getenv("NETDOCTOR_ATTACK_DIR")
	n := 0
	measure := func(what string, file []byte) {
		if out != "" {
			n++
			slug := strings.Map(func(r rune) rune {
				if 'a' <= r && r <= 'z' || '0' <= r && r <= '9' {
					return r
				}
				return '-'
			}, strings.ToLower(what))
			name := fmt.Sprintf("%02d-%s", n, strings.Trim(slug, "-"))
			if err := os.WriteFile(filepath.Join(out, name), file, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		idx, err := indexArchive(bytes.NewReader(file), DefaultLimits())
		el := time.Since(start)
		runtime.ReadMemStats(&after)
		members := 0
		if idx != nil {
			members = idx.members
		}
		t.Logf("%-34s file %9d B  alloc %8.1f MiB  %8.3f s  members %d  err %v",
			what, len(file), float64(after.TotalAlloc-before.TotalAlloc)/(1<<20), el.Seconds(), members, err)
	}
	measure("sparse 40x63MiB .tar.gz", gzipBytes(t, sparseAttack(40, 63<<20)))
	measure("sparse 30x63MiB .tar.gz", gzipBytes(t, sparseAttack(30, 63<<20)))
	measure("  plain: same members, 1 byte", gzipBytes(t, sparsePlain(40)))
	measure("GNU 'L' chain 150x1MiB .tar.gz", gzipBytes(t, metaChainAttack(150, 1<<20, 'L')))
	measure("PAX chain 150x1MiB .tar.gz", gzipBytes(t, metaChainAttack(150, 1<<20, 'x')))
	measure("  plain: same payload", gzipBytes(t, namePlain()))
	measure("1 MB long name .tar.gz", gzipBytes(t, longNameAttack(1_000_000)))
	raw := namePlain()
	measure("xz 120 blocks x 64 MiB dict", xzBlocks(t, raw, len(raw)/120+1, 64<<20))
	measure("  plain: 120 blocks x 64 KiB dict", xzBlocks(t, raw, len(raw)/120+1, 64<<10))

	for _, c := range []struct {
		what      string
		hops, pad int
	}{{"links 39 hops x 4 KB targets", 39, 4000}, {"  plain: 39 hops x short targets", 39, 0}} {
		dir := linkChainDir(t, c.hops, c.pad)
		be, err := newDirBackend(dir, DefaultLimits())
		if err != nil {
			t.Fatal(err)
		}
		cb := &countingBackend{backend: be}
		v := newView(cb, "", DefaultLimits(), dir)
		start := time.Now()
		const reads = 50
		var rerr error
		for range reads {
			v.mu.Lock()
			clear(v.dirs)
			v.mu.Unlock()
			_, rerr = v.ReadFile(filepath.Join(sosTop, "l00"))
		}
		t.Logf("%-34s %d reads: lookups %d  %8.3f s  err %v", c.what, reads, cb.lstats, time.Since(start).Seconds(), rerr)
		be.close()
	}
}
