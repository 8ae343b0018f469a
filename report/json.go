package report

import (
	"encoding/json"
	"io"
)

// JSON writes the report as indented JSON: the public contract described in
// CONTRACT.md. Field order is the struct order, lists are [] rather than
// null, and <, > and & in strings are written as \u003c, \u003e and \u0026
// so that the document can be embedded in HTML safely.
func JSON(w io.Writer, r *Report) error {
	if r == nil {
		return errNilReport
	}
	b, err := json.MarshalIndent(normalized(r), "", "  ")
	if err != nil {
		return err
	}
	b = append(b, '\n')
	_, err = w.Write(b)
	return err
}
