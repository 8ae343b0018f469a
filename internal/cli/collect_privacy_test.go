package cli

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// collectMembers collects this host and returns the archive's members
// under their path below the sample directory (the first sample's).
func collectMembers(t *testing.T, flags ...string) (map[string][]byte, map[string]any) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "c.tar.gz")
	args := append([]string{"collect", "--interval", "100ms", "-o", out}, flags...)
	if c := runClock(t, time.Now, args...); c.code != 0 {
		t.Fatalf("collect: exit %d: %s", c.code, c.stderr)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(zr)
	files := map[string][]byte{}
	var meta map[string]any
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		_, rest, _ := strings.Cut(h.Name, "/")
		if rest == "netdoctor-collect.json" {
			if err := json.Unmarshal(b, &meta); err != nil {
				t.Fatal(err)
			}
		}
		if s, ok := strings.CutPrefix(rest, "sample-1/"); ok && h.Typeflag == tar.TypeReg {
			files[s] = b
		}
	}
	return files, meta
}

// collect scrubs command lines to the program and stores no user names
// unless asked; the checks' data (comm, pid, uid) is there either way.
func TestCollectPrivacy(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: samples the live host")
	}
	files, meta := collectMembers(t)
	if _, ok := files["etc/passwd"]; ok {
		t.Errorf("etc/passwd archived by default")
	}
	if got, _ := json.Marshal(meta["scrubbed"]); string(got) != `["cmdline-args","user-names"]` {
		t.Errorf("scrubbed = %s", got)
	}
	self := "proc/" + itoaPID() + "/"
	cmd, ok := files[self+"cmdline"]
	if !ok {
		t.Fatalf("no %scmdline", self)
	}
	if bytes.Count(cmd, []byte{0}) > 1 {
		t.Errorf("the test's own command line kept its arguments: %q", cmd)
	}
	if st := files[self+"status"]; !bytes.Contains(st, []byte("Uid:")) {
		t.Errorf("status lost its uid: %q", st)
	}
	if m, ok := files["proc/mounts"]; ok {
		for _, line := range strings.Split(strings.TrimSpace(string(m)), "\n") {
			if f := strings.Fields(line); len(f) < 3 || f[2] != "proc" {
				t.Errorf("proc/mounts keeps %q", line)
			}
		}
	}

	files, meta = collectMembers(t, "--keep-cmdlines", "--keep-user-names")
	if pw, ok := files["etc/passwd"]; !ok || !bytes.HasPrefix(pw, []byte("root:x:0:0:::\n")) {
		t.Errorf("--keep-user-names: etc/passwd %q", pw)
	}
	if meta["scrubbed"] != nil {
		t.Errorf("scrubbed = %v with both --keep flags", meta["scrubbed"])
	}
	if cmd := files["proc/"+itoaPID()+"/cmdline"]; bytes.Count(cmd, []byte{0}) < 2 {
		t.Errorf("--keep-cmdlines: the test's command line lost its arguments: %q", cmd)
	}
}

func itoaPID() string { return strconv.Itoa(os.Getpid()) }
