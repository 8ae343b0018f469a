package templates

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

// TestFiles checks that the embedded files are there and that none of
// them can make the page fetch or run anything: no URL, no import, no
// script.
func TestFiles(t *testing.T) {
	want := []string{"diff.html.tmpl", "losses.html.tmpl", "pictures.svg.tmpl", "report.css", "report.html.tmpl", "summary.html.tmpl"}
	var got []string
	err := fs.WalkDir(FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			got = append(got, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("embedded files %q, want %q", got, want)
	}
	forbidden := regexp.MustCompile(`(?i)https?:|//[a-z0-9.-]+\.[a-z]{2,}|url\(|@import|<script|javascript:|\bon[a-z]+\s*=|<link|<img|<iframe|src=`)
	for _, name := range want {
		b, err := fs.ReadFile(FS, name)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) == 0 {
			t.Errorf("%s is empty", name)
		}
		if m := forbidden.Find(b); m != nil {
			t.Errorf("%s holds %q: the report must load and run nothing", name, m)
		}
	}
}
