//go:build !unix

package bundle

import "os"

// openFlags opens a file for reading; the mode of the opened file is checked
// afterwards.
const openFlags = os.O_RDONLY
