package fleet

import (
	"encoding/json"
	"io"
)

// JSON writes the summary as indented JSON (the contract in
// report/CONTRACT.md, "The fleet summary"), with a trailing newline; <, >
// and & in strings are written as \u003c, \u003e and \u0026.
func JSON(w io.Writer, s *Summary) error {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}
