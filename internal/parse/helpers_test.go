package parse

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
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

// sameStreamed checks a streamed parse (with the default read buffer and
// with bufio's smallest, which assembles every longer line) gives what
// the parse of the whole file gave.
func sameStreamed(t *testing.T, want any, wantErr error, parse func(buf int) (any, error)) {
	t.Helper()
	for _, buf := range []int{64 << 10, 16} {
		got, err := parse(buf)
		if !reflect.DeepEqual(got, want) || fmt.Sprint(err) != fmt.Sprint(wantErr) {
			t.Fatalf("streamed with a %d-byte buffer:\n%#v, %v\nwhole file:\n%#v, %v", buf, got, err, want, wantErr)
		}
	}
}
