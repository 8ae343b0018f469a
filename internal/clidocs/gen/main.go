// Command gen writes netdoctor's man pages and Markdown command
// reference from its cobra commands (`make man`): docs/man/*.1 and
// docs/cli/*.md. A test fails when the committed files drift.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/netdoctor/netdoctor/internal/clidocs"
)

func main() {
	out := flag.String("out", "docs", "directory to write man/ and cli/ into")
	flag.Parse()
	if err := clidocs.WriteDocs(*out); err != nil {
		fmt.Fprintln(os.Stderr, "clidocs:", err)
		os.Exit(1)
	}
}
