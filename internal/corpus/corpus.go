// Package corpus locates the corpus of real captured hosts that tests read
// in place (hotsos sosreports, netutils-linux captures). Nothing from it is
// copied into the repository.
//
// The corpus is the directory named by the environment variable
// NETDOCTOR_CORPUS, else ../shared/corpus beside the module root (the
// directory holding go.mod). A test that needs it skips when it is absent,
// except under CI=true, where it fails: a CI run must not pass by skipping.
package corpus

import (
	"os"
	"path/filepath"
	"testing"
)

// EnvVar names the environment variable that overrides the location.
const EnvVar = "NETDOCTOR_CORPUS"

// Root returns the corpus location, whether or not it exists.
func Root() (string, error) {
	if d := os.Getenv(EnvVar); d != "" {
		return filepath.Abs(d)
	}
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return filepath.Join(dir, "..", "shared", "corpus"), nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return filepath.Join("..", "shared", "corpus"), nil
		}
		dir = parent
	}
}

// Path returns the corpus path of rel (slash-separated), or ends the test:
// skipped when the corpus or rel is absent, failed under CI=true.
func Path(t testing.TB, rel string) string {
	t.Helper()
	root, err := Root()
	if err != nil {
		absent(t, "corpus location unknown: %v", err)
	}
	p := filepath.Join(root, filepath.FromSlash(rel))
	if _, err := os.Stat(p); err != nil {
		absent(t, "corpus not available (set %s): %v", EnvVar, err)
	}
	return p
}

func absent(t testing.TB, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format, args...)
}
