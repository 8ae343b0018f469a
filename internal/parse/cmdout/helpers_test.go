package cmdout

import (
	"errors"
	"github.com/netdoctor/netdoctor/internal/corpus"
	"os"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// corpusDir returns the netutils-linux server-info-show test folder of the
// corpus.
func corpusDir(t *testing.T) string {
	t.Helper()
	return corpus.Path(t, "netutils-linux/tests/server-info-show.tests")
}

// readCorpus reads one corpus file in place.
func readCorpus(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return b
}

// wantErr checks an error against the expectation of a table row: "" means
// no error, "unavailable" means ErrUnavailable, anything else a substring.
func wantErr(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Errorf("unexpected error: %v", err)
	case want == "unavailable" && !errors.Is(err, ErrUnavailable):
		t.Errorf("error = %v, want ErrUnavailable", err)
	case want != "" && want != "unavailable" && (err == nil || !strings.Contains(err.Error(), want)):
		t.Errorf("error = %v, want one containing %q", err, want)
	}
}

// same fails the test when got and want differ.
func same(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s:\n got %#v\nwant %#v", what, got, want)
	}
}

// checkErrText is the invariant every fuzz target asserts on an error: it
// is bounded and names the command.
func checkErrText(t *testing.T, err error, cmd string) {
	t.Helper()
	if err == nil {
		return
	}
	s := err.Error()
	if !strings.HasPrefix(s, cmd) {
		t.Fatalf("error %q does not start with %q", s, cmd)
	}
	if len(s) > 4096 {
		t.Fatalf("error of %d bytes", len(s))
	}
}

// clean says whether s is a value a text line can carry unchanged: valid
// UTF-8, no line breaks or other control characters, no surrounding blanks.
func clean(s string) bool {
	if !utf8.ValidString(s) || strings.TrimSpace(s) != s {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == 0x85 || r == 0x2028 || r == 0x2029 {
			return false
		}
	}
	return true
}
