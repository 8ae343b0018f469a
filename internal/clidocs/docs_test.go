package clidocs

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// The committed man pages and Markdown reference are what `make man`
// writes from the commands today.
func TestDocsUpToDate(t *testing.T) {
	files, err := DocFiles()
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join("..", "..", "docs")
	for rel, want := range files {
		got, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("docs/%s is out of date: run make man", rel)
		}
	}
	for _, sub := range []string{"man", "cli"} {
		on, _ := filepath.Glob(filepath.Join(dir, sub, "netdoctor*"))
		for _, p := range on {
			rel, _ := filepath.Rel(dir, p)
			if _, ok := files[filepath.ToSlash(rel)]; !ok {
				t.Errorf("docs/%s is of no command: run make man", rel)
			}
		}
	}
	for _, want := range []string{"man/netdoctor-report.1", "man/netdoctor-completion-bash.1", "cli/netdoctor_report.md"} {
		if _, ok := files[want]; !ok {
			t.Errorf("no %s", want)
		}
	}
}
