package bundle

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"testing"

	"github.com/ulikunitz/xz"
)

// got is what eachAll saw of one member.
type got struct {
	name, body, refused string
	size                int64
}

// eachAll streams b and reads every member whole.
func eachAll(t *testing.T, b []byte, lim Limits) ([]got, error) {
	t.Helper()
	var out []got
	err := EachMemberReader(bytes.NewReader(b), lim, func(m Member, r io.Reader) error {
		data, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		out = append(out, got{m.Name, string(data), m.Refused, m.Size})
		return nil
	})
	return out, err
}

// TestEachMemberForms: the regular members of a plain, gzip and xz tar
// come out in archive order with their content; links, directories and
// devices do not; a leading "./" is dropped.
func TestEachMemberForms(t *testing.T) {
	ms := []member{
		{"./top/", 'd', ""},
		{"./top/a.tar.xz", 'f', "first archive"},
		{"top/link", 'l', "a.tar.xz"},
		{"top/hard", 'h', "top/a.tar.xz"},
		{"top/dev/null", 'c', ""},
		{"top/sos_reports/manifest.json", 'f', "{}"},
		{"top/empty", 'f', ""},
	}
	raw := tarBytes(t, ms)
	want := []got{{"top/a.tar.xz", "first archive", "", 13}, {"top/sos_reports/manifest.json", "{}", "", 2}, {"top/empty", "", "", 0}}
	for form, b := range map[string][]byte{"tar": raw, "gzip": gzipBytes(t, raw), "xz": xzBytes(t, raw, xz.WriterConfig{})} {
		out, err := eachAll(t, b, DefaultLimits())
		if err != nil {
			t.Fatalf("%s: %v", form, err)
		}
		if fmt.Sprint(out) != fmt.Sprint(want) {
			t.Errorf("%s: got %v\nwant %v", form, out, want)
		}
	}
}

// TestEachMemberPartialRead: what the callback leaves unread is skipped,
// and the next member is read from its start.
func TestEachMemberPartialRead(t *testing.T) {
	raw := tarBytes(t, []member{{"a", 'f', strings.Repeat("x", 5000)}, {"b", 'f', "second"}})
	var names, firsts []string
	err := EachMemberReader(bytes.NewReader(gzipBytes(t, raw)), Limits{}, func(m Member, r io.Reader) error {
		p := make([]byte, 3)
		n, _ := io.ReadFull(r, p)
		names, firsts = append(names, m.Name), append(firsts, string(p[:n]))
		return nil
	})
	if err != nil || strings.Join(names, ",") != "a,b" || strings.Join(firsts, ",") != "xxx,sec" {
		t.Errorf("names %v, first bytes %v, err %v", names, firsts, err)
	}
}

// TestEachMemberRefused: hostile names, members over MaxFileSize and
// sparse members are handed over with Refused set and no content; the walk
// goes on past them.
func TestEachMemberRefused(t *testing.T) {
	raw := tarBytes(t, []member{
		{"/abs", 'f', "x"}, {"../up", 'f', "x"}, {"big", 'f', strings.Repeat("b", 100)}, {"ok", 'f', "fine"},
	})
	out, err := eachAll(t, raw, Limits{MaxFileSize: 64})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 4 || out[3] != (got{"ok", "fine", "", 4}) {
		t.Fatalf("got %v", out)
	}
	for _, g := range out[:3] {
		if g.refused == "" || g.body != "" {
			t.Errorf("%q: refused %q, content %q: want refused without content", g.name, g.refused, g.body)
		}
	}
	if !strings.Contains(out[2].refused, reasonTooLarge) {
		t.Errorf("big: %q", out[2].refused)
	}
	for _, b := range [][]byte{sparseAttack(2, 1<<30), oldSparseAttack(2, 1<<30)} {
		out, err := eachAll(t, b, DefaultLimits())
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, g := range out {
			if strings.Contains(g.name, "sparse") {
				n++
				if g.refused != reasonSparse || g.body != "" {
					t.Errorf("%s: refused %q, %d bytes", g.name, g.refused, len(g.body))
				}
			}
		}
		if n != 2 {
			t.Errorf("%d sparse members handed over, want 2: %v", n, out)
		}
	}
}

// TestEachMemberBounds: more members than MaxMembers, or more
// uncompressed bytes than MaxTotalSize, are refused.
func TestEachMemberBounds(t *testing.T) {
	var ms []member
	for i := range 20 {
		ms = append(ms, member{fmt.Sprintf("f%02d", i), 'f', strings.Repeat("z", 1000)})
	}
	raw := tarBytes(t, ms)
	if _, err := eachAll(t, raw, Limits{MaxMembers: 10}); !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "more than 10 members") {
		t.Errorf("members: %v", err)
	}
	if _, err := eachAll(t, gzipBytes(t, raw), Limits{MaxTotalSize: 8000}); !errors.Is(err, ErrRefused) || !strings.Contains(err.Error(), "uncompressed") {
		t.Errorf("total size: %v", err)
	}
	// A member the callback does not read counts too.
	err := EachMemberReader(bytes.NewReader(raw), Limits{MaxTotalSize: 8000}, func(Member, io.Reader) error { return nil })
	if !errors.Is(err, ErrRefused) {
		t.Errorf("unread members: %v", err)
	}
}

// TestEachMemberStopAndErrors: ErrStop ends the walk without error; the
// callback's own error is returned; a cut archive fails after the members
// before the cut; what is not an archive says so.
func TestEachMemberStopAndErrors(t *testing.T) {
	raw := tarBytes(t, []member{{"a", 'f', "1"}, {"b", 'f', strings.Repeat("2", 2000)}, {"c", 'f', "3"}})
	n := 0
	err := EachMemberReader(bytes.NewReader(raw), Limits{}, func(Member, io.Reader) error { n++; return ErrStop })
	if err != nil || n != 1 {
		t.Errorf("ErrStop: %d calls, %v", n, err)
	}
	mine := errors.New("mine")
	if err := EachMemberReader(bytes.NewReader(raw), Limits{}, func(Member, io.Reader) error { return mine }); err != mine {
		t.Errorf("callback error: %v", err)
	}
	out, err := eachAll(t, raw[:512*3+100], Limits{})
	if !errors.Is(err, io.ErrUnexpectedEOF) || len(out) != 1 {
		t.Errorf("cut: %v after %v", err, out)
	}
	if _, err := eachAll(t, []byte("-----BEGIN PGP MESSAGE-----\n"), Limits{}); err == nil || !strings.Contains(err.Error(), "OpenPGP") {
		t.Errorf("PGP: %v", err)
	}
	if err := EachMember(t.TempDir(), Limits{}, func(Member, io.Reader) error { return nil }); !errors.Is(err, ErrRefused) {
		t.Errorf("directory: %v", err)
	}
	if err := EachMember("/nonexistent/x.tar", Limits{}, func(Member, io.Reader) error { return nil }); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
}

// TestEachMemberStreams: a member far larger than what EachMember
// allocates streams through: memory does not grow with the member's size.
func TestEachMemberStreams(t *testing.T) {
	cost := func(size int) uint64 {
		raw := gzipBytes(t, tarBytes(t, []member{{"big", 'f', strings.Repeat("\x00", size)}}))
		return allocated(func() {
			err := EachMemberReader(bytes.NewReader(raw), Limits{MaxFileSize: 1 << 30}, func(m Member, r io.Reader) error {
				_, err := io.Copy(io.Discard, r)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
		})
	}
	small, big := cost(1<<20), cost(32<<20)
	t.Logf("1 MiB member: %d KiB allocated; 32 MiB member: %d KiB", small>>10, big>>10)
	if big > 2*small+(1<<20) {
		t.Errorf("a 32 MiB member allocated %d KiB, a 1 MiB one %d KiB: not streamed", big>>10, small>>10)
	}
}
