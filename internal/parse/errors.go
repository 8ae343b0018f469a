package parse

import (
	"fmt"
	"strings"
)

// maxRowErrors is how many row problems an error spells out; the rest are
// only counted, so a garbage file of a million lines gives a short message.
const maxRowErrors = 8

// rowErrors collects the problems of one file, each with its line number.
type rowErrors struct {
	file     string
	problems []string
	more     int
}

// addf records a problem of line (1-based; 0 means the whole file).
func (e *rowErrors) addf(line int, format string, args ...any) {
	if len(e.problems) >= maxRowErrors {
		e.more++
		return
	}
	msg := fmt.Sprintf(format, args...)
	if line > 0 {
		msg = fmt.Sprintf("line %d: %s", line, msg)
	}
	e.problems = append(e.problems, msg)
}

// err returns nil when nothing was recorded, else one error listing the problems.
func (e *rowErrors) err() error {
	if len(e.problems) == 0 {
		return nil
	}
	return &Error{File: e.file, Problems: e.problems, More: e.more}
}

// Error is the error every parser of this package returns: the kind of
// file, and its problems (each prefixed with its line number when it has one).
type Error struct {
	// File names the kind of input ("interrupts", "softnet_stat", ...).
	File string
	// Problems are the first problems found, in file order.
	Problems []string
	// More counts the problems not listed in Problems.
	More int
}

// Error implements error: "interrupts: line 5: short row ...; line 9: ...".
func (e *Error) Error() string {
	var sb strings.Builder
	sb.WriteString(e.File)
	sb.WriteString(": ")
	sb.WriteString(strings.Join(e.Problems, "; "))
	if e.More > 0 {
		fmt.Fprintf(&sb, "; and %d more", e.More)
	}
	return sb.String()
}

// errorf returns a Error with a single problem.
func errorf(file string, line int, format string, args ...any) error {
	e := rowErrors{file: file}
	e.addf(line, format, args...)
	return e.err()
}

// quote shortens and quotes a piece of untrusted input for an error message.
func quote(b []byte) string {
	const max = 40
	if len(b) > max {
		return fmt.Sprintf("%q...", b[:max])
	}
	return fmt.Sprintf("%q", b)
}
