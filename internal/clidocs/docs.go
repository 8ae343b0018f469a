// Package clidocs renders netdoctor's man pages and Markdown command
// reference from its cobra commands with cobra/doc (make man). It is a
// package of its own so that the netdoctor binary does not link the
// documentation generators.
package clidocs

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/netdoctor/netdoctor/internal/cli"
)

// manDate is the date in the man pages' footer. It is fixed so that the
// generated pages change only when the commands do (TestDocsUpToDate);
// move it forward with a release.
var manDate = time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)

// DocFiles renders the man pages (section 1, under "man/") and the
// Markdown reference (under "cli/") of every command from the cobra
// tree, as cobra/doc writes them, keyed by their path relative to the
// docs directory. Nothing depends on the clock or the build.
func DocFiles() (map[string][]byte, error) {
	root := cli.NewRoot(cli.IO{Out: &bytes.Buffer{}, Err: &bytes.Buffer{}})
	// The version line depends on the build: leave it out of the docs.
	root.Version = ""
	root.InitDefaultCompletionCmd()
	var all func(c *cobra.Command)
	all = func(c *cobra.Command) {
		c.DisableAutoGenTag = true
		for _, s := range c.Commands() {
			all(s)
		}
	}
	all(root)
	tmp, err := os.MkdirTemp("", "netdoctor-docs-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	man := filepath.Join(tmp, "man")
	md := filepath.Join(tmp, "cli")
	for _, d := range []string{man, md} {
		if err := os.Mkdir(d, 0o755); err != nil {
			return nil, err
		}
	}
	header := &doc.GenManHeader{Title: "NETDOCTOR", Section: "1", Date: &manDate, Source: "netdoctor", Manual: "netdoctor manual"}
	if err := doc.GenManTree(root, header, man); err != nil {
		return nil, fmt.Errorf("man pages: %w", err)
	}
	if err := doc.GenMarkdownTree(root, md); err != nil {
		return nil, fmt.Errorf("markdown docs: %w", err)
	}
	out := map[string][]byte{}
	err = filepath.WalkDir(tmp, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(tmp, p)
		out[filepath.ToSlash(rel)] = b
		return nil
	})
	return out, err
}

// WriteDocs writes DocFiles under dir, removing generated files of
// commands that no longer exist.
func WriteDocs(dir string) error {
	files, err := DocFiles()
	if err != nil {
		return err
	}
	for _, sub := range []string{"man", "cli"} {
		old, _ := filepath.Glob(filepath.Join(dir, sub, "netdoctor*"))
		for _, p := range old {
			rel, _ := filepath.Rel(dir, p)
			if _, ok := files[filepath.ToSlash(rel)]; !ok && (strings.HasSuffix(p, ".1") || strings.HasSuffix(p, ".md")) {
				if err := os.Remove(p); err != nil {
					return err
				}
			}
		}
		if err := os.MkdirAll(filepath.Join(dir, sub), 0o755); err != nil {
			return err
		}
	}
	for rel, b := range files {
		if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(rel)), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
