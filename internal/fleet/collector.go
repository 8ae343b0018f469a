package fleet

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"strings"

	"github.com/netdoctor/netdoctor/internal/bundle"
)

// A sos-collector archive (`sos collect`) is one tar holding each node's
// sosreport tarball, with the run's logs and manifest beside them (the
// layout is in docs/sosreport.md). Its sosreports are hosts: they are
// streamed out of the archive one at a time (bundle.EachMember), each into
// a temporary file that a worker reads as a bundle and then removes. The
// producer hands each file over on the unbuffered work channel, so it
// writes the next one only once a worker has taken the last: the temporary
// files at any time are the ones the workers are reading plus the one
// being written, and memory holds one host per worker, whatever the number
// of sosreports. The summary names each as ARCHIVE:MEMBER.

// maxCollectorMember bounds one sosreport tarball inside a sos-collector
// archive.
const maxCollectorMember = 4 << 30

// maxCollectorTotal bounds the bytes streamed out of one sos-collector
// archive (uncompressed, when the archive itself is compressed, as sos
// before 4.10 wrote it).
const maxCollectorTotal = 1 << 40

// collectorLimits are the limits of streaming a sos-collector archive: its
// members are whole sosreports, far larger than one file of a bundle; the
// number of members keeps the bundle's bound.
func collectorLimits(l bundle.Limits) bundle.Limits {
	l.MaxFileSize, l.MaxTotalSize = maxCollectorMember, maxCollectorTotal
	return l
}

// memberRef names a sosreport inside a sos-collector archive.
type memberRef struct {
	archive, member string
}

func (m memberRef) String() string { return m.archive + ":" + m.member }

// sosMemberKind says what a member of a sos-collector archive is to the
// summary: a sosreport tarball (sos report names its archives
// sosreport-HOST[-LABEL]-DATE-RANDOM.tar.xz, or .tar.gz), an encrypted one
// (secured-sosreport-….tar.xz.gpg, written with --encrypt-key or
// --encrypt-pass), or anything else (the manifest, the logs, checksums),
// which is not read.
func sosMemberKind(name string) (sosreport, encrypted bool) {
	base := path.Base(name)
	if !strings.Contains(base, "sosreport") {
		return false, false
	}
	if strings.HasSuffix(base, ".gpg") {
		return false, isArchiveName(strings.TrimSuffix(base, ".gpg"))
	}
	return isArchiveName(base), false
}

// isCollector reports whether the archive at p is a sos-collector archive,
// from its first regular member: a sosreport tarball, or a file under
// sos_reports/ or sos_logs/ (sos writes the manifest and the logs first),
// at most two directories deep. A sosreport starts with its version.txt or
// sos_commands/, a collect bundle with netdoctor-collect.json. Only an
// uncompressed tar (as sos collect writes it since 4.10), or an archive
// whose name says sos-collector (compressed, as older sos wrote it), is
// looked into: the sosreports of a fleet are compressed, and reading the
// start of each would cost a decompressor's set-up for nothing.
func isCollector(p string) bool {
	if !strings.Contains(path.Base(p), "sos-collector") && !plainTar(p) {
		return false
	}
	found := false
	_ = bundle.EachMember(p, collectorLimits(bundle.Limits{}), func(m bundle.Member, _ io.Reader) error {
		dir, base := path.Split(m.Name)
		parts := strings.Split(strings.TrimSuffix(dir, "/"), "/")
		if dir == "" {
			parts = nil
		}
		if len(parts) <= 2 {
			sos, enc := sosMemberKind(m.Name)
			found = sos || enc || (len(parts) >= 1 && base != "" && (parts[len(parts)-1] == "sos_reports" || parts[len(parts)-1] == "sos_logs"))
		}
		return bundle.ErrStop
	})
	return found
}

// plainTar reports whether the file at p starts with a tar header block.
func plainTar(p string) bool {
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	b := make([]byte, 512)
	if _, err := io.ReadFull(f, b); err != nil {
		return false
	}
	// The magic of ustar, GNU and PAX headers; v7 archives are not
	// looked into.
	return bytes.HasPrefix(b[257:], []byte("ustar"))
}

// streamCollector streams the sosreports of the sos-collector archive of
// t, each to a temporary file handed to send as a job of its own; the
// members it cannot hand over (encrypted, refused, failed to copy) and the
// archive's own failure go to emit. send returns false when the run is
// over (cancelled). Sub-jobs are numbered after t's order.
func streamCollector(ctx context.Context, t task, o ReadOptions, send func(task) bool, emit func(result)) {
	archive := t.paths[0]
	n := 0
	next := func() order { n++; return order{t.key.input, n} }
	unread := func(input string, err error) { emit(result{key: next(), input: input, err: err}) }
	sosreports := 0
	err := bundle.EachMember(archive, collectorLimits(o.Limits), func(m bundle.Member, r io.Reader) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		sos, enc := sosMemberKind(m.Name)
		if !sos && !enc || strings.Count(m.Name, "/") > 2 {
			return nil
		}
		sosreports++
		ref := memberRef{archive, m.Name}
		switch {
		case enc:
			unread(ref.String(), errors.New("an encrypted sosreport (OpenPGP): not read; decrypt it with gpg and pass the sosreport"))
			return nil
		case m.Refused != "":
			unread(ref.String(), errors.New(m.Refused))
			return nil
		}
		f, err := os.CreateTemp(o.TempDir, "netdoctor-collector-*.tar")
		if err != nil {
			return err
		}
		_, err = io.Copy(f, r)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(f.Name())
			return fmt.Errorf("%s: %w", m.Name, err)
		}
		sub := task{key: next(), job: job{input: ref.String(), paths: []string{f.Name()}, temp: true, member: &ref}}
		if !send(sub) {
			os.Remove(f.Name())
			return ctx.Err()
		}
		return nil
	})
	switch {
	case err != nil && ctx.Err() == nil:
		unread(t.input, fmt.Errorf("sos-collector archive read up to its %s sosreport: %s", ordinal(sosreports), bareErr(err)))
	case err == nil && sosreports == 0:
		unread(t.input, errors.New("a sos-collector archive holding no sosreport"))
	}
}

// ordinal writes n as "1st", "2nd", "3rd", "4th"….
func ordinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	return fmt.Sprintf("%d%s", n, suffix)
}

// extractMember writes one sosreport of a sos-collector archive to a
// temporary file again, for reading it again (as one of a pair); the
// caller removes it.
func extractMember(ref memberRef, o ReadOptions) (string, error) {
	out := ""
	err := bundle.EachMember(ref.archive, collectorLimits(o.Limits), func(m bundle.Member, r io.Reader) error {
		if m.Name != ref.member || m.Refused != "" {
			return nil
		}
		f, err := os.CreateTemp(o.TempDir, "netdoctor-collector-*.tar")
		if err != nil {
			return err
		}
		out = f.Name()
		_, err = io.Copy(f, r)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
		return bundle.ErrStop
	})
	if err == nil && out == "" {
		err = errors.New("not found again in the archive")
	}
	if err != nil {
		if out != "" {
			os.Remove(out)
		}
		return "", fmt.Errorf("%s: %w", ref, err)
	}
	return out, nil
}
