// Command netdoctor diagnoses Linux network receive-path problems on this
// host or from sosreport bundles. See the README.
package main

import (
	"os"

	"github.com/netdoctor/netdoctor/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.StdIO()))
}
