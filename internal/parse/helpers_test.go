package parse

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readTestdata returns testdata/kind/name.
func readTestdata(t testing.TB, kind, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", kind, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// addSeeds adds every file of testdata/kind to the fuzz corpus.
func addSeeds(f *testing.F, kind string) {
	f.Helper()
	entries, err := os.ReadDir(filepath.Join("testdata", kind))
	if err != nil {
		f.Fatal(err)
	}
	for _, e := range entries {
		if e.Type().IsRegular() {
			f.Add(readTestdata(f, kind, e.Name()))
		}
	}
	f.Add([]byte{})
	f.Add([]byte("\n"))
}

// checkErr fails unless err contains every one of want; an empty want means
// no error is expected. Errors must be *Error with the problems listed.
func checkErr(t *testing.T, err error, want []string) {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Errorf("unexpected error: %v", err)
		}
		return
	}
	if err == nil {
		t.Errorf("no error, want one containing %q", want)
		return
	}
	var pe *Error
	if !errors.As(err, &pe) || len(pe.Problems) == 0 {
		t.Errorf("error %v is not a *parse.Error with problems", err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error %q does not contain %q", err, w)
		}
	}
}
