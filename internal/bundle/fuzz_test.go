package bundle

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ulikunitz/xz"
)

// FuzzOpenArchive feeds arbitrary bytes to the archive reader (plain,
// gzip, xz and bzip2 detection, tar indexing) under small limits, then walks
// and reads everything through the view. It asserts no panic and that the
// view keeps its promises: reads within the size cap, listings sorted and
// made of plain names, every listed entry resolvable by Lstat.
func FuzzOpenArchive(f *testing.F) {
	raw := tarBytes(f, sosTree)
	f.Add(raw)
	f.Add(gzipBytes(f, raw))
	f.Add(xzBytes(f, raw, xz.WriterConfig{}))
	f.Add(tarBytes(f, hostileLinks))
	f.Add(tarBytes(f, collectTree("nd", goodManifest)))
	f.Add(tarBytes(f, []member{
		{"/abs", 'f', "x"}, {"../up", 'f', "x"}, {"a/dev/sda", 'b', ""}, {"a/c", 'c', ""},
		{"a/h", 'h', "a/missing"}, {"a/l", 'l', "../../x"}, {"a/l/x", 'f', "below a link"},
	}))
	for _, name := range []string{"tiny.tar.bz2", "tiny-blocks-sha256.tar.xz"} {
		if b, err := os.ReadFile(filepath.Join("testdata", name)); err == nil {
			f.Add(b)
		}
	}
	// The shapes of the bounded attacks (attacks_test.go), small.
	f.Add(sparseAttack(2, 1<<20))
	f.Add(oldSparseAttack(2, 1<<20))
	f.Add(metaChainAttack(3, 2000, 'L'))
	f.Add(metaChainAttack(3, 2000, 'x'))
	f.Add(globalFirst(metaChainAttack(3, 2000, 'L')))
	f.Add(longNameAttack(8000))
	f.Add(xzBlocks(f, namePlain(), 64<<10, 64<<20))
	chain := []member{{"top/d/", 'd', ""}, {"top/file", 'f', "end\n"}}
	for i := range 39 {
		chain = append(chain, member{fmt.Sprintf("top/l%02d", i), 'l', strings.Repeat("d/../", 800) + fmt.Sprintf("l%02d", i+1)})
	}
	chain = append(chain, member{"top/l39", 'l', "file"})
	f.Add(tarBytes(f, chain))
	cut := tarBytes(f, collectTree("nd", goodManifest)[1:])
	f.Add(cut[:len(cut)-1024])
	f.Add([]byte{})
	f.Add(make([]byte, 1024))
	f.Add([]byte("-----BEGIN PGP MESSAGE-----\n"))

	lim := Limits{MaxFileSize: 1 << 16, MaxTotalSize: 1 << 22, MaxMembers: 2000, MaxLinkHops: 8}
	f.Fuzz(func(t *testing.T, data []byte) {
		idx, err := indexArchive(bytes.NewReader(data), lim)
		if err != nil {
			return
		}
		be := &archiveBackend{}
		be.idx.Store(idx)
		v := newView(be, "", lim, "fuzz")
		Roots(v)
		visited := 0
		fs.WalkDir(v, ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			visited++
			if visited > lim.MaxMembers*2 {
				t.Fatalf("walk visited %d names, more than the members", visited)
			}
			if d.IsDir() {
				ents, err := v.ReadDir(p)
				if err != nil {
					t.Fatalf("ReadDir(%s) after WalkDir listed it: %v", p, err)
				}
				for i, e := range ents {
					n := e.Name()
					if n == "" || n == "." || n == ".." || strings.Contains(n, "/") {
						t.Fatalf("ReadDir(%s) has entry %q", p, n)
					}
					if i > 0 && ents[i-1].Name() >= n {
						t.Fatalf("ReadDir(%s) not sorted: %q then %q", p, ents[i-1].Name(), n)
					}
					if _, err := v.Lstat(join(strings.TrimPrefix(p, "."), n)); err != nil && p != "." {
						t.Fatalf("Lstat of listed %s/%s: %v", p, n, err)
					}
				}
				return nil
			}
			b, err := v.ReadFile(p)
			if err == nil && int64(len(b)) > lim.MaxFileSize {
				t.Fatalf("ReadFile(%s) returned %d bytes", p, len(b))
			}
			if err != nil && !errors.Is(err, ErrRefused) && !errors.Is(err, fs.ErrNotExist) && !strings.Contains(err.Error(), "not a directory") && !strings.Contains(err.Error(), "is a directory") {
				t.Fatalf("ReadFile(%s): unexpected error %v", p, err)
			}
			if d.Type()&fs.ModeSymlink != 0 {
				if _, err := v.ReadLink(p); err != nil {
					t.Fatalf("ReadLink(%s): %v", p, err)
				}
			}
			return nil
		})
	})
}

// FuzzResolve looks arbitrary names up in a sample root full of hostile
// links (archive form). Whatever the name, nothing outside the root is ever
// read, and lookups end (hop limit) without panicking.
func FuzzResolve(f *testing.F) {
	for _, s := range []string{"sos_commands/ok", "inside", "sibling", "up", "chain1", "loop1", "dirloop/dirloop/inside", "updir/other/secret", "../other/secret", ".", "abs", "sub/chain3"} {
		f.Add(s)
	}
	lim := Limits{MaxLinkHops: 8}.withDefaults()
	idx, err := indexArchive(bytes.NewReader(tarBytes(f, hostileLinks)), lim)
	if err != nil {
		f.Fatal(err)
	}
	be := &archiveBackend{}
	be.idx.Store(idx)
	top := newView(be, "", lim, "fuzz")
	root, err := top.sub("root")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if b, err := root.ReadFile(name); err == nil && string(b) != "fine\n" {
			t.Fatalf("ReadFile(%q) = %q: read outside the root", name, b)
		}
		root.Lstat(name)
		root.ReadLink(name)
		if ents, err := root.ReadDir(name); err == nil {
			for _, e := range ents {
				if e.Name() == "secret" {
					t.Fatalf("ReadDir(%q) listed the sibling sample", name)
				}
			}
		}
		if s, err := Sub(root, name); err == nil {
			if b, err := s.ReadFile("secret"); err == nil {
				t.Fatalf("Sub(%q) reached %q", name, b)
			}
		}
	})
}

// FuzzEachMember feeds arbitrary bytes to the member stream under small
// limits and reads every member handed over. It asserts no panic and that
// EachMember keeps its promises: clean names, no content for a refused
// member, never more bytes than a member's size or the total budget.
func FuzzEachMember(f *testing.F) {
	raw := tarBytes(f, sosTree)
	f.Add(raw)
	f.Add(gzipBytes(f, raw))
	f.Add(xzBytes(f, raw, xz.WriterConfig{}))
	f.Add(tarBytes(f, []member{
		{"top/sos_reports/manifest.json", 'f', "{}"}, {"top/sosreport-a.tar.xz", 'f', string(gzipBytes(f, raw))},
		{"/abs", 'f', "x"}, {"../up", 'f', "x"}, {"a/h", 'h', "a/missing"}, {"a/l", 'l', "../../x"},
	}))
	f.Add(sparseAttack(2, 1<<20))
	f.Add(oldSparseAttack(2, 1<<20))
	f.Add(metaChainAttack(3, 2000, 'x'))
	f.Add(longNameAttack(8000))
	f.Add(raw[:len(raw)/2])
	f.Add([]byte{})
	lim := Limits{MaxFileSize: 1 << 16, MaxTotalSize: 1 << 22, MaxMembers: 2000, MaxLinkHops: 8}
	f.Fuzz(func(t *testing.T, data []byte) {
		var total int64
		_ = EachMemberReader(bytes.NewReader(data), lim, func(m Member, r io.Reader) error {
			n, err := io.Copy(io.Discard, r)
			total += n
			switch {
			case m.Refused != "" && n != 0:
				t.Fatalf("refused member %q gave %d bytes", m.Name, n)
			case m.Refused == "" && (!fs.ValidPath(m.Name) || m.Name == "."):
				t.Fatalf("member name %q handed over", m.Name)
			case n > m.Size || n > lim.MaxFileSize:
				t.Fatalf("member %q: %d bytes of %d", m.Name, n, m.Size)
			case total > lim.MaxTotalSize:
				t.Fatalf("%d bytes streamed", total)
			}
			return err
		})
	})
}
