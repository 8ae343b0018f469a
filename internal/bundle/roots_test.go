package bundle

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// collectTree is a netdoctor collect bundle: NAME/netdoctor-collect.json and
// two samples in the sosreport layout.
func collectTree(top, manifest string) []member {
	ms := []member{{top + "/netdoctor-collect.json", 'f', manifest}}
	for _, s := range []string{"sample-1", "sample-2"} {
		ms = append(ms,
			member{top + "/" + s + "/sos_commands/date/date_--utc", 'f', "Tue Mar  5 10:11:12 UTC 2024\n"},
			member{top + "/" + s + "/sos_commands/host/hostname", 'f', "web1\n"},
			member{top + "/" + s + "/proc/1/net/dev", 'f', "x\n"},
			member{top + "/" + s + "/proc/self", 'l', "1"},
			member{top + "/" + s + "/proc/net", 'l', "self/net"},
		)
	}
	return ms
}

const goodManifest = `{"format":"netdoctor-collect","version":1,"hostname":"web1","samples":["sample-1","sample-2"],"interval_seconds":5}`

func TestRootsCollect(t *testing.T) {
	// In a top directory (the archive form) and at the top (the directory
	// form, when the user passes NAME/ itself).
	openForms(t, collectTree("netdoctor-web1-20240305", goodManifest), DefaultLimits(), func(t *testing.T, b *Bundle) {
		roots, err := Roots(b.FS)
		if err != nil {
			t.Fatal(err)
		}
		want := []Root{{"netdoctor-web1-20240305/sample-1", "collect"}, {"netdoctor-web1-20240305/sample-2", "collect"}}
		if !slices.Equal(roots, want) {
			t.Errorf("Roots = %v, want %v", roots, want)
		}
		r, err := Sub(b.FS, roots[1].Dir)
		if err != nil {
			t.Fatal(err)
		}
		if got, err := r.ReadFile("proc/net/dev"); err != nil || string(got) != "x\n" {
			t.Errorf("sample-2 proc/net/dev = %q, %v", got, err)
		}
	})
	d := t.TempDir()
	makeTree(t, d, collectTree(".", strings.Replace(goodManifest, `"sample-1","sample-2"`, `"sample-2","sample-1"`, 1)))
	b, err := Open(d, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	roots, err := Roots(b.FS)
	if want := []Root{{"sample-2", "collect"}, {"sample-1", "collect"}}; err != nil || !slices.Equal(roots, want) {
		t.Errorf("top-level manifest: Roots = %v, %v; want %v (manifest order)", roots, err, want)
	}
}

func TestRootsCollectInvalid(t *testing.T) {
	tests := []struct {
		name, manifest, want string
	}{
		{"not json", `{"format":`, "not valid JSON"},
		{"wrong format", `{"format":"other","version":1,"samples":["sample-1"]}`, `format is "other"`},
		{"version 2", `{"format":"netdoctor-collect","version":2,"samples":["sample-1"]}`, "unsupported version 2"},
		{"no samples", `{"format":"netdoctor-collect","version":1,"samples":[]}`, "lists no samples"},
		{"dotdot", `{"format":"netdoctor-collect","version":1,"samples":["../etc"]}`, "not a plain relative directory"},
		{"absolute", `{"format":"netdoctor-collect","version":1,"samples":["/etc"]}`, "not a plain relative directory"},
		{"dot", `{"format":"netdoctor-collect","version":1,"samples":["."]}`, "not a plain relative directory"},
		{"missing", `{"format":"netdoctor-collect","version":1,"samples":["sample-1","sample-3"]}`, `sample directory "sample-3" is missing`},
		{"file", `{"format":"netdoctor-collect","version":1,"samples":["sample-1/sos_commands/host/hostname"]}`, "is not a directory"},
		{"twice", `{"format":"netdoctor-collect","version":1,"samples":["sample-1","sample-1"]}`, "listed twice"},
		{"huge", `{"format":"netdoctor-collect","version":1,"samples":["sample-1"],"hostname":"` + strings.Repeat("x", 2<<20) + `"}`, "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, _ := openTar(t, tarBytes(t, collectTree("nd", tt.manifest)), Limits{})
			_, err := Roots(v)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "nd/netdoctor-collect.json") {
				t.Errorf("Roots = %v, want an error naming the manifest with %q", err, tt.want)
			}
		})
	}
}

// TestRootsSosCollector checks a sos-collector archive (several sosreports
// in one top directory) gives every report, sorted.
func TestRootsSosCollector(t *testing.T) {
	ms := []member{
		{"sos-collector-case1-2024-03-05-xyzab/sos_logs/sos.log", 'f', "log\n"},
		{"sos-collector-case1-2024-03-05-xyzab/sosreport-web2-2024-03-05-bbbbbbb/sos_commands/host/hostname", 'f', "web2\n"},
		{"sos-collector-case1-2024-03-05-xyzab/sosreport-web1-2024-03-05-aaaaaaa/sos_commands/host/hostname", 'f', "web1\n"},
		{"sos-collector-case1-2024-03-05-xyzab/sosreport-web1-2024-03-05-aaaaaaa/sos_commands/a/deeper/sos_commands/x", 'f', "nested, not a root\n"},
	}
	openForms(t, ms, DefaultLimits(), func(t *testing.T, b *Bundle) {
		roots, err := Roots(b.FS)
		if err != nil {
			t.Fatal(err)
		}
		want := []Root{
			{"sos-collector-case1-2024-03-05-xyzab/sosreport-web1-2024-03-05-aaaaaaa", "sosreport"},
			{"sos-collector-case1-2024-03-05-xyzab/sosreport-web2-2024-03-05-bbbbbbb", "sosreport"},
		}
		if !slices.Equal(roots, want) {
			t.Errorf("Roots = %v, want %v", roots, want)
		}
	})
}

// TestRootsClosest checks the shallowest roots win and the top itself can
// be a root (an extracted sosreport passed directly).
func TestRootsClosest(t *testing.T) {
	ms := []member{
		{"sos_commands/host/hostname", 'f', "web1\n"},
		{"sub/sos_commands/host/hostname", 'f', "other\n"},
	}
	v, _ := openTar(t, tarBytes(t, ms), Limits{})
	roots, err := Roots(v)
	if want := []Root{{".", "sosreport"}}; err != nil || !slices.Equal(roots, want) {
		t.Errorf("Roots = %v, %v; want %v", roots, err, want)
	}
	// sos_commands must be a directory.
	v, _ = openTar(t, tarBytes(t, []member{{"x/sos_commands", 'f', "a file\n"}}), Limits{})
	if _, err := Roots(v); err == nil {
		t.Error("a file named sos_commands made a root")
	}
	// Too deep: not searched.
	v, _ = openTar(t, tarBytes(t, []member{{"a/b/c/d/e/sos_commands/x", 'f', "deep\n"}}), Limits{})
	if _, err := Roots(v); err == nil {
		t.Error("a root five levels down was found")
	}
}

func TestRootsNone(t *testing.T) {
	d := t.TempDir()
	makeTree(t, d, []member{{"photos/cat.jpg", 'f', "meow"}})
	b, err := Open(d, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	_, err = Roots(b.FS)
	want := "no sosreport or netdoctor collect bundle found in " + d + " (looked for sos_commands/ and netdoctor-collect.json)"
	if err == nil || err.Error() != want {
		t.Errorf("Roots = %v, want %q", err, want)
	}
}

// TestWriterRoundTrip writes a collect bundle with Writer and reads it back
// through Open and Roots.
func TestWriterRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for _, m := range collectTree("netdoctor-web1", goodManifest) {
		var err error
		switch m.kind {
		case 'f':
			err = w.File(m.name, []byte(m.body), testTime)
		case 'l':
			err = w.Symlink(m.name, m.body, testTime)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "nd.tar.gz")
	os.WriteFile(p, buf.Bytes(), 0o644)
	b, err := Open(p, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	roots, err := Roots(b.FS)
	if err != nil || len(roots) != 2 || roots[0].Dir != "netdoctor-web1/sample-1" {
		t.Fatalf("Roots = %v, %v", roots, err)
	}
	for _, m := range collectTree("netdoctor-web1", goodManifest) {
		switch m.kind {
		case 'f':
			got, err := b.FS.ReadFile(m.name)
			if err != nil || string(got) != m.body {
				t.Errorf("ReadFile(%s) = %q, %v", m.name, got, err)
			}
			fi, _ := b.FS.Lstat(m.name)
			if fi.Mode() != 0o644 || !fi.ModTime().Equal(testTime) {
				t.Errorf("%s: mode %v mtime %v", m.name, fi.Mode(), fi.ModTime())
			}
		case 'l':
			got, err := b.FS.ReadLink(m.name)
			if err != nil || got != m.body {
				t.Errorf("ReadLink(%s) = %q, %v", m.name, got, err)
			}
		}
	}
	fi, err := b.FS.Lstat("netdoctor-web1/sample-1/proc")
	if err != nil || fi.Mode() != 0o755|os.ModeDir {
		t.Errorf("directory entry: %v, %v", fi, err)
	}
}
