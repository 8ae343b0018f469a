// Command gen regenerates netdoctor's committed fixtures:
//
//	go run ./internal/fixturegen/gen -out fixtures
//
// It removes the fixture directories it owns (and README.md, go.mod) below -out,
// then writes every scenario of fixturegen.Fixtures deterministically.
// Other files below -out are left alone.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/netdoctor/netdoctor/internal/fixturegen"
)

func main() {
	out := flag.String("out", "fixtures", "directory to write the fixtures into")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for _, name := range fixturegen.FixtureDirs() {
		if err := os.RemoveAll(filepath.Join(out, name)); err != nil {
			return err
		}
	}
	for _, f := range []string{"README.md", "go.mod"} {
		if err := os.Remove(filepath.Join(out, f)); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return fixturegen.WriteFixtures(out)
}
