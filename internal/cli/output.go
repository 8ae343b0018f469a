package cli

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/netdoctor/netdoctor/internal/escape"
	"github.com/netdoctor/netdoctor/internal/output"
)

// This file is the CLI's side of output: every command writes through
// internal/output (one set of rules for -o, "-" and standard output), and
// every byte of text bound for standard output or standard error passes
// internal/escape, so that no name from a host or a bundle reaches a
// terminal as a control, bidi or zero-width character.

// terminal wraps env's standard output and error in escaping writers,
// keeping the raw standard output for binary output (collect's archive).
// It is idempotent.
func (env IO) terminal() IO {
	if env.rawOut != nil {
		return env
	}
	env.rawOut = env.Out
	if env.Out != nil {
		env.Out = escape.NewWriter(env.Out)
	}
	if env.Err != nil {
		env.Err = escape.NewWriter(env.Err)
	}
	return env
}

// flush writes out what the escaping writers hold (a character cut short
// at the very end of the output).
func (env IO) flush() {
	for _, w := range []io.Writer{env.Out, env.Err} {
		if e, ok := w.(*escape.Writer); ok {
			e.Flush()
		}
	}
}

// openText opens -o for a text report or inventory: a new file is 0644.
func openText(env IO, path string) (*output.File, error) {
	return output.Open(path, output.Options{Stdout: env.Out, Stderr: env.Err, Perm: 0o644})
}

// writeText writes a rendered document through out, escaped, and commits it.
func writeText(out *output.File, doc []byte) error {
	if _, err := out.Write(escape.Bytes(doc)); err != nil {
		return err
	}
	return out.Close()
}

// writeStdout writes a rendered document to standard output.
func writeStdout(env IO, doc []byte) error {
	out, err := openText(env, "-")
	if err != nil {
		return err
	}
	return writeText(out, doc)
}

// openBinary opens -o for collect's archive: a new file is 0600 (it holds
// the host's process table), and a terminal is refused.
func openBinary(env IO, path string) (*output.File, error) {
	return output.Open(path, output.Options{
		Stdout: env.rawOut, Stderr: env.Err, Perm: fs.FileMode(0o600),
		Binary: true, IsTerminal: isTerminal,
	})
}

// isTerminal reports whether w is a terminal device.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}

// printError prints err on standard error, one "netdoctor: " line per
// error: the errors of errors.Join (two bundles that both failed) each get
// their line, and any other line break, which can only come from a name,
// is escaped with everything else (escape.Line), so that no name can start
// a line that looks like netdoctor's own.
func printError(w io.Writer, err error) {
	for _, msg := range messages(err) {
		fmt.Fprintf(w, "netdoctor: %s\n", escape.Line(msg))
	}
}

// messages splits err at the joins of errors.Join, looking through
// wrappers that add no text of their own.
func messages(err error) []string {
	switch u := err.(type) {
	case interface{ Unwrap() []error }:
		var parts []string
		var out []string
		for _, e := range u.Unwrap() {
			if e != nil {
				parts = append(parts, e.Error())
				out = append(out, messages(e)...)
			}
		}
		if strings.Join(parts, "\n") == err.Error() {
			return out
		}
	case interface{ Unwrap() error }:
		if inner := u.Unwrap(); inner != nil && inner.Error() == err.Error() {
			return messages(inner)
		}
	}
	return []string{err.Error()}
}
