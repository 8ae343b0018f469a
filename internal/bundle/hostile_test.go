package bundle

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Each attack on the readers is measured against a plain bundle of the same
// content, in the same run, by counting (bytes allocated, lookups), never
// by the clock. TestMeasureAttacks prints the full-size numbers.

// allocated returns the bytes f allocates.
func allocated(f func()) uint64 {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// indexCost indexes b and returns the bytes allocated and the error.
func indexCost(b []byte, lim Limits) (uint64, *archiveIndex, error) {
	var idx *archiveIndex
	var err error
	n := allocated(func() { idx, err = indexArchive(bytes.NewReader(b), lim) })
	return n, idx, err
}

// boundedBy fails unless got is at most ratio times plain.
func boundedBy(t *testing.T, what string, got, plain uint64, ratio float64) {
	t.Helper()
	t.Logf("%s: %d KiB allocated, plain bundle %d KiB", what, got>>10, plain>>10)
	if float64(got) > ratio*float64(plain) {
		t.Errorf("%s allocated %d KiB, more than %.1f times the plain bundle's %d KiB", what, got>>10, ratio, plain>>10)
	}
}

// TestSparseBounded: sparse holes count against the total budget and are
// never expanded into memory.
func TestSparseBounded(t *testing.T) {
	lim := DefaultLimits()
	plain, _, err := indexCost(gzipBytes(t, sparsePlain(8)), lim)
	if err != nil {
		t.Fatal(err)
	}
	// 8 members of 60 MiB each (480 MiB of holes) in a few KiB.
	got, idx, err := indexCost(gzipBytes(t, sparseAttack(8, 60<<20)), lim)
	if err != nil {
		t.Fatal(err)
	}
	boundedBy(t, "8 sparse members of 60 MiB", got, plain, 1.5)
	be := &archiveBackend{}
	be.idx.Store(idx)
	v := newView(be, "", lim, "sparse")
	name := sosTop + "/proc/sparse/f003"
	if fi, err := v.Lstat(name); err != nil || fi.Size() != 60<<20 || !fi.Mode().IsRegular() {
		t.Errorf("Lstat(%s) = %v, %v; want a regular file of 60 MiB", name, fi, err)
	}
	_, err = v.ReadFile(name)
	wantRefused(t, err, reasonSparse)

	// The old GNU sparse type alike.
	got, idx, err = indexCost(gzipBytes(t, oldSparseAttack(8, 60<<20)), lim)
	if err != nil {
		t.Fatal(err)
	}
	boundedBy(t, "8 old GNU sparse members of 60 MiB", got, plain, 1.5)
	be = &archiveBackend{}
	be.idx.Store(idx)
	v = newView(be, "", lim, "sparse")
	if fi, err := v.Lstat(name); err != nil || fi.Size() != 60<<20 || !fi.Mode().IsRegular() {
		t.Errorf("old GNU sparse: Lstat(%s) = %v, %v; want a regular file of 60 MiB", name, fi, err)
	}
	_, err = v.ReadFile(name)
	wantRefused(t, err, reasonSparse)
	_, _, err = indexCost(gzipBytes(t, oldSparseAttack(40, 63<<20)), lim)
	wantRefused(t, err, "more than 2 GiB uncompressed")

	// The holes count: 40 members of 63 MiB are over the 2 GiB budget,
	// and so are 8 of 1 MiB under a 4 MiB one (the payload is 1 MiB).
	_, _, err = indexCost(gzipBytes(t, sparseAttack(40, 63<<20)), lim)
	wantRefused(t, err, "more than 2 GiB uncompressed")
	small := lim
	small.MaxTotalSize = 4 << 20
	_, err = indexArchive(bytes.NewReader(sparseAttack(8, 1<<20)), small)
	wantRefused(t, err, "more than 4 MiB uncompressed")
}

// TestMetaHeadersBounded: chained GNU long names or PAX headers are
// bounded in number and in bytes before one member, and refused above.
func TestMetaHeadersBounded(t *testing.T) {
	lim := DefaultLimits()
	plain, _, err := indexCost(gzipBytes(t, namePlain()), lim)
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []byte{'L', 'x'} {
		t.Run(string(typ), func(t *testing.T) {
			got, _, err := indexCost(gzipBytes(t, metaChainAttack(4, 1<<20, typ)), lim)
			wantRefused(t, err, "extended headers of more than 1 MiB before one member")
			boundedBy(t, "4 chained 1 MiB headers", got, plain, 2)

			// The same once archive/tar reads the archive (a global
			// header first): bounded in bytes per member as well.
			plainAT, _, err := indexCost(gzipBytes(t, globalFirst(namePlain())), lim)
			if err != nil {
				t.Fatal(err)
			}
			got, _, err = indexCost(gzipBytes(t, globalFirst(metaChainAttack(4, 1<<20, typ))), lim)
			wantRefused(t, err, "extended headers of more than 1 MiB before one member")
			// archive/tar allocates a few times each header's size as
			// it reads it; the bound stops it after two.
			boundedBy(t, "4 chained 1 MiB headers read by archive/tar", got, plainAT, 5)
			if _, err := indexArchive(bytes.NewReader(globalFirst(metaChainAttack(2, 1000, typ))), lim); err != nil {
				t.Errorf("2 chained headers read by archive/tar: %v", err)
			}

			_, err = indexArchive(bytes.NewReader(metaChainAttack(tarMaxMetaHeaders+1, 100, typ)), lim)
			wantRefused(t, err, fmt.Sprintf("more than %d extended headers", tarMaxMetaHeaders))
			if _, err := indexArchive(bytes.NewReader(metaChainAttack(tarMaxMetaHeaders, 100, typ)), lim); err != nil {
				t.Errorf("%d chained headers: %v", tarMaxMetaHeaders, err)
			}
		})
	}
}

// TestNamesBounded: a name over 4096 bytes, or with a component over 255,
// is refused (listed among the bad members) and costs what a short one
// does.
func TestNamesBounded(t *testing.T) {
	lim := DefaultLimits()
	plain, _, err := indexCost(gzipBytes(t, namePlain()), lim)
	if err != nil {
		t.Fatal(err)
	}
	got, idx, err := indexCost(gzipBytes(t, longNameAttack(1_000_000)), lim)
	if err != nil {
		t.Fatal(err)
	}
	boundedBy(t, "a 1 MB member name", got, plain, 2)
	if len(idx.bad) != 1 || !strings.Contains(idx.bad[0].reason, "longer than 4096 bytes") || len(idx.bad[0].name) > 300 {
		t.Errorf("bad members = %d, first %.80q", len(idx.bad), idx.bad)
	}
	if idx.nodes[sosTop+"/short"] != nil {
		t.Error("the member with the long name was indexed under its short header name")
	}
	// Its time, against the plain bundle's in the same run (the best of
	// three each, a generous ratio): it took 10,000 times as long when
	// every prefix of the name was looked up.
	best := func(b []byte) time.Duration {
		d := time.Duration(1 << 62)
		for range 3 {
			start := time.Now()
			indexArchive(bytes.NewReader(b), lim)
			d = min(d, time.Since(start))
		}
		return d
	}
	hostile, base := best(gzipBytes(t, longNameAttack(1_000_000))), best(gzipBytes(t, namePlain()))
	t.Logf("a 1 MB member name: %v, plain bundle %v", hostile, base)
	if hostile > 20*base {
		t.Errorf("a 1 MB member name took %v, more than 20 times the plain bundle's %v", hostile, base)
	}

	long := func(n int) string { return sosTop + "/" + strings.Repeat("d/", (n-len(sosTop)-1)/2-1) + "ff" }
	for _, c := range []struct {
		name, reason string
	}{
		{long(4096), ""},
		{long(4098), "member name longer than 4096 bytes"},
		{sosTop + "/" + strings.Repeat("c", 255), ""},
		{sosTop + "/" + strings.Repeat("c", 256), "component longer than 255 bytes"},
	} {
		idx, err := indexArchive(bytes.NewReader(tarBytes(t, []member{{c.name, 'f', "x"}, {sosTop + "/l", 'l', strings.Repeat("t", 4097)}})), lim)
		if err != nil {
			t.Fatal(err)
		}
		indexed := idx.nodes[c.name] != nil
		if indexed != (c.reason == "") {
			t.Errorf("name of %d bytes: indexed %v, bad %v", len(c.name), indexed, idx.bad)
		}
		if c.reason != "" && (len(idx.bad) != 2 || idx.bad[0].reason != c.reason && !strings.Contains(idx.bad[0].reason, c.reason)) {
			t.Errorf("name of %d bytes: bad members %.200v, want %q", len(c.name), idx.bad, c.reason)
		}
		if idx.nodes[sosTop+"/l"] != nil {
			t.Error("a link with a 4097-byte target was indexed")
		}
	}
}

// TestImpliedDirsCounted: directories implied by deep names count as
// members, so that a few deep names cannot make millions of nodes.
func TestImpliedDirsCounted(t *testing.T) {
	lim := DefaultLimits()
	lim.MaxMembers = 1000
	var ms []member
	for i := range 3 {
		ms = append(ms, member{fmt.Sprintf("u%d/", i) + strings.Repeat("a/", 400) + "f", 'f', "x"})
	}
	_, err := indexArchive(bytes.NewReader(tarBytes(t, ms)), lim)
	wantRefused(t, err, "more than 1000 members")
	lim.MaxMembers = 2000
	if _, err := indexArchive(bytes.NewReader(tarBytes(t, ms)), lim); err != nil {
		t.Errorf("3 names 401 deep, 1206 entries, cap 2000: %v", err)
	}
}

// TestXZDictionaryTotal: dictionary allocations are bounded over all the
// blocks of a stream, not per block.
func TestXZDictionaryTotal(t *testing.T) {
	lim := DefaultLimits()
	raw := namePlain()
	blocks := func(n int, dict uint32) []byte { return xzBlocks(t, raw, len(raw)/n+1, dict) }
	plain, _, err := indexCost(blocks(120, 64<<10), lim)
	if err != nil {
		t.Fatal(err)
	}
	got120, _, err := indexCost(blocks(120, 64<<20), lim)
	wantRefused(t, err, "of dictionaries for")
	got240, _, err := indexCost(blocks(240, 64<<20), lim)
	wantRefused(t, err, "of dictionaries for")
	// Bounded in total: twice the blocks cost the same, about one
	// xz -9 dictionary more than the plain stream.
	boundedBy(t, "240 blocks of 64 MiB dictionaries", got240, got120, 1.2)
	boundedBy(t, "120 blocks of 64 MiB dictionaries", got120, plain+xzMaxDict, 1.2)
	// Blocks that declare their size (multi-threaded xz) get a
	// dictionary of that size: 120 of them declaring 64 MiB are fine.
	sized, _, err := indexCost(xzBlocksSized(t, raw, len(raw)/120+1, 64<<20, true), lim)
	if err != nil {
		t.Fatalf("120 sized blocks declaring 64 MiB dictionaries: %v", err)
	}
	boundedBy(t, "120 sized blocks declaring 64 MiB dictionaries", sized, plain, 1.2)
	// One block with the largest dictionary (xz -9) is fine.
	if _, err := indexArchive(bytes.NewReader(blocks(1, 64<<20)), lim); err != nil {
		t.Errorf("one block with a 64 MiB dictionary: %v", err)
	}
}

// TestLinkBytesBounded: link resolution is bounded in the bytes of targets
// followed for one name, as well as in hops.
func TestLinkBytesBounded(t *testing.T) {
	lim := DefaultLimits()
	lookups := func(hops, pad int) (int, error) {
		dir := linkChainDir(t, hops, pad)
		be, err := newDirBackend(dir, lim)
		if err != nil {
			t.Fatal(err)
		}
		defer be.close()
		cb := &countingBackend{backend: be}
		v := newView(cb, "", lim, dir)
		_, err = v.ReadFile(sosTop + "/l00")
		return cb.lstats, err
	}
	plain, err := lookups(39, 0)
	if err != nil {
		t.Fatal(err)
	}
	got, err := lookups(39, 4000)
	wantRefused(t, err, "links followed for one name add up to more than 4096 bytes")
	t.Logf("39 hops of 4 KB targets: %d lookups, of short targets: %d", got, plain)
	if got > plain {
		t.Errorf("39 hops of 4 KB targets took %d lookups, more than the %d of a plain chain", got, plain)
	}
	// Real chains (a few hundred bytes in all) resolve: 39 hops of 100
	// bytes, and one target of 4000 bytes that repeats a directory.
	if _, err := lookups(39, 100); err != nil {
		t.Errorf("39 hops of 100-byte targets: %v", err)
	}
	if n, err := lookups(1, 4000); err != nil || n > 10 {
		t.Errorf("one 4000-byte target: %d lookups, %v", n, err)
	}
}

// TestCutCollectArchive: a plain collect .tar cut at a member boundary
// (no end-of-archive blocks, no manifest: it is written last) is reported
// as truncated, naming what is missing, not read as a sosreport.
func TestCutCollectArchive(t *testing.T) {
	top := "netdoctor-web1-20240305-101112"
	ms := collectTree(top, goodManifest)
	ms = append(ms[1:], ms[0]) // the manifest last, as collect writes it
	for k := 1; k <= len(ms); k++ {
		full := tarBytes(t, ms[:k])
		cut := full[:len(full)-1024] // without the end-of-archive blocks
		for _, c := range []struct {
			what string
			b    []byte
		}{{"cut", cut}, {"whole", full}} {
			idx, err := indexArchive(bytes.NewReader(c.b), DefaultLimits())
			if err != nil {
				t.Fatalf("%d members %s: %v", k, c.what, err)
			}
			if idx.ended != (c.what == "whole") {
				t.Errorf("%d members %s: ended = %v", k, c.what, idx.ended)
			}
			be := &archiveBackend{}
			be.idx.Store(idx)
			roots, err := Roots(newView(be, "", DefaultLimits(), "x.tar"))
			switch {
			case k == len(ms):
				if err != nil || len(roots) != 2 || roots[0].Kind != "collect" {
					t.Errorf("%s with its manifest: Roots = %v, %v", c.what, roots, err)
				}
			case c.what == "cut":
				missing := top + "/netdoctor-collect.json"
				if k <= 5 {
					missing = top + "/sample-2/, " + missing
				}
				if err == nil || !strings.Contains(err.Error(), "truncated netdoctor collect archive") || !strings.Contains(err.Error(), "missing "+missing+" ") {
					t.Errorf("cut after %d members: Roots = %v, %v; want truncated, missing %s", k, roots, err, missing)
				}
			default:
				// Ended properly: read as before (a sosreport layout).
				if err != nil {
					t.Errorf("%d members with end blocks: %v", k, err)
				}
			}
		}
	}
}

// TestNamesInErrorsEscaped: names from a bundle reach error messages
// quoted when they hold control, bidi or zero-width characters.
func TestNamesInErrorsEscaped(t *testing.T) {
	evil := "nd\x1b]0;owned\a\u200f"
	raw := func(err error) bool { return err != nil && strings.ContainsAny(err.Error(), "\x1b\a\u200f") }
	// An invalid manifest in a top directory so named.
	b := tarBytes(t, []member{{evil + "/netdoctor-collect.json", 'f', "{}"}})
	idx, err := indexArchive(bytes.NewReader(b), DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	be := &archiveBackend{}
	be.idx.Store(idx)
	v := newView(be, "", DefaultLimits(), "x.tar")
	_, err = Roots(v)
	if err == nil || raw(err) || !strings.Contains(err.Error(), `\x1b`) {
		t.Errorf("manifest error: %v", err)
	}
	// No root in a directory so named, reached through Sub.
	b = tarBytes(t, []member{{evil + "/a/x", 'f', "x"}, {"other/y", 'f', "y"}})
	idx, _ = indexArchive(bytes.NewReader(b), DefaultLimits())
	be = &archiveBackend{}
	be.idx.Store(idx)
	sub, err := Sub(newView(be, "", DefaultLimits(), "x.tar"), evil)
	if err != nil {
		t.Fatal(err)
	}
	_, err = Roots(sub)
	if err == nil || raw(err) {
		t.Errorf("no roots: %v", err)
	}
	_, err = sub.ReadFile("a/missing\x07")
	if raw(err) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("read error: %v", err)
	}
	// Ordinary names are left alone.
	if got := quoteName("sosreport-web1/proc/net/dev"); got != "sosreport-web1/proc/net/dev" {
		t.Errorf("quoteName changed a plain name: %s", got)
	}
}
