package source

import (
	"encoding/json"
	"github.com/netdoctor/netdoctor/internal/bundle"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeDir writes a tree into a new temporary directory and returns it.
func writeDir(t *testing.T, files tree) string {
	t.Helper()
	dir := t.TempDir()
	writeTree(t, dir, files)
	return dir
}

// at returns sosTree collected at another time.
func at(date string) tree {
	return sosTree().with(tree{"sos_commands/date/date_--utc": date + "\n"})
}

func TestLoad(t *testing.T) {
	early := writeDir(t, tree{"sosreport-web1-2024-03-05-abcdefg/": ""})
	writeTree(t, filepath.Join(early, "sosreport-web1-2024-03-05-abcdefg"), at("Tue Mar  5 10:11:12 UTC 2024"))
	late := writeDir(t, at("Tue Mar  5 10:16:12 UTC 2024"))
	other := writeDir(t, at("Tue Mar  5 10:16:12 UTC 2024").with(tree{"sos_commands/host/hostname": "db2\n"}))

	t.Run("one sosreport is a single sample", func(t *testing.T) {
		p, err := Load([]string{early}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if p.TwoSample() || p.After == nil || p.After.Hostname != "web1" || !strings.HasSuffix(p.After.Origin, "abcdefg") {
			t.Errorf("pair %+v", p)
		}
	})
	t.Run("two sosreports of one host", func(t *testing.T) {
		p, err := Load([]string{early, late}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !p.TwoSample() || p.Interval != 5*time.Minute {
			t.Errorf("interval %v", p.Interval)
		}
	})
	t.Run("given in reverse order", func(t *testing.T) {
		p, err := Load([]string{late, early}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if p.Interval != 5*time.Minute || !strings.HasPrefix(p.Before.Origin, early) {
			t.Errorf("interval %v, before %s", p.Interval, p.Before.Origin)
		}
	})
	t.Run("different hosts", func(t *testing.T) {
		_, err := Load([]string{early, other}, Options{})
		if err == nil || !strings.Contains(err.Error(), "are from different hosts (web1, db2)") ||
			!strings.Contains(err.Error(), early) || !strings.Contains(err.Error(), other) {
			t.Errorf("error %v", err)
		}
	})
	t.Run("same time twice", func(t *testing.T) {
		if _, err := Load([]string{late, late}, Options{}); err == nil {
			t.Error("a zero interval paired")
		}
	})
	t.Run("sos-collector folder", func(t *testing.T) {
		dir := t.TempDir()
		writeTree(t, filepath.Join(dir, "a"), sosTree())
		writeTree(t, filepath.Join(dir, "b"), sosTree())
		_, err := Load([]string{dir}, Options{})
		if err == nil || !strings.Contains(err.Error(), "holds 2 sosreports") {
			t.Errorf("error %v", err)
		}
	})
	t.Run("not a bundle", func(t *testing.T) {
		if _, err := Load([]string{writeDir(t, tree{"x": "y"})}, Options{}); err == nil {
			t.Error("loaded a folder without sos_commands")
		}
		if _, err := Load([]string{filepath.Join(t.TempDir(), "missing")}, Options{}); err == nil {
			t.Error("loaded a missing path")
		}
		if _, err := Load(nil, Options{}); err == nil {
			t.Error("loaded nothing")
		}
	})
	t.Run("collect bundle with precise times", func(t *testing.T) {
		dir := t.TempDir()
		top := filepath.Join(dir, "netdoctor-web1-20240305-101112")
		writeTree(t, filepath.Join(top, "sample-1"), at("Tue Mar  5 10:11:12 UTC 2024"))
		writeTree(t, filepath.Join(top, "sample-2"), at("Tue Mar  5 10:11:17 UTC 2024"))
		meta := bundle.CollectMeta{Format: bundle.CollectFormat, Version: 1, Hostname: "web1", Samples: []string{"sample-1", "sample-2"},
			IntervalSeconds: 5.25, SampleTimes: []string{"2024-03-05T10:11:12.5Z", "2024-03-05T10:11:17.75Z"}}
		b, _ := json.Marshal(meta)
		if err := os.WriteFile(filepath.Join(top, bundle.CollectManifest), b, 0o644); err != nil {
			t.Fatal(err)
		}
		p, err := Load([]string{dir}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if p.Interval != 5250*time.Millisecond || p.After.Source != KindCollect || !strings.HasSuffix(p.After.Origin, "sample-2") {
			t.Errorf("interval %v source %s origin %s", p.Interval, p.After.Source, p.After.Origin)
		}
		if _, err := Load([]string{dir, early}, Options{}); err == nil || !strings.Contains(err.Error(), "holds 2 samples") {
			t.Errorf("a collect bundle with another path: %v", err)
		}
	})
}
