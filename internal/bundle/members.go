package bundle

import (
	"archive/tar"
	"errors"
	"fmt"
	"io"
	"os"
)

// Streaming an archive's members one at a time, for archives of archives
// (a sos-collector archive holds one sosreport tarball per node, each tens
// of megabytes): Open would index every member's content in memory, and
// extracting them all would need the disk room of all of them at once.
// EachMember reads the stream once and hands each regular member over as
// a reader of its content, bounded by the same Limits as Open (members,
// uncompressed bytes, one member's size) and refusing the same names (an
// absolute name, a ".." component, names over PATH_MAX): only the buffers
// of the decompressor and of archive/tar are in memory.

// Member is one regular member of an archive, as EachMember hands it over.
type Member struct {
	// Name is the member's clean, slash-separated name (a leading "./"
	// dropped); for a refused name, the raw name shortened for a message.
	Name string
	// Size is the member's size in bytes, as its header says.
	Size int64
	// Refused is why the content is not handed over ("" when it is): a
	// name that is absolute, climbs out or is too long, a member over
	// Limits.MaxFileSize, a sparse member. Its reader is then empty.
	Refused string
}

// ErrStop, returned by an EachMember callback, ends the walk early; it is
// not an error of EachMember.
var ErrStop = errors.New("bundle: stop the walk")

// EachMember streams the archive at path (a tar, plain or compressed with
// gzip, xz or bzip2) once and calls fn for each regular member in archive
// order with a reader of its content. The reader is valid only during the
// call; what fn leaves unread is skipped. Directories, links and special
// files are not handed over. At most lim.MaxMembers members (of any type)
// and lim.MaxTotalSize uncompressed bytes are streamed: more is refused
// (ErrRefused). EachMember returns fn's first error (nil for ErrStop), or
// the error of the stream (a member cut short is io.ErrUnexpectedEOF).
func EachMember(path string, lim Limits, fn func(m Member, r io.Reader) error) error {
	f, err := os.OpenFile(path, openFlags, 0)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return refusal("open", path, reasonNotReg)
	}
	return EachMemberReader(f, lim, fn)
}

// EachMemberReader is EachMember on an archive read from r.
func EachMemberReader(r io.Reader, lim Limits, fn func(m Member, r io.Reader) error) error {
	lim = lim.withDefaults()
	dr, done, err := tarReader(r)
	if err != nil {
		return err
	}
	defer done()
	budget := &budgetReader{r: dr, max: lim.MaxTotalSize}
	tr := tar.NewReader(budget)
	tooBig := func() error {
		return refused("archive holds more than " + sizeString(lim.MaxTotalSize) + " uncompressed")
	}
	members := 0
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			if errors.Is(err, errBudget) {
				return tooBig()
			}
			return fmt.Errorf("reading tar after %d members: %w", members, err)
		}
		members++
		if members > lim.MaxMembers {
			return refused(fmt.Sprintf("archive has more than %d members", lim.MaxMembers))
		}
		sparse := hdr.Typeflag == tar.TypeGNUSparse || isPAXSparse(hdr.PAXRecords)
		if !sparse && hdr.Typeflag != tar.TypeReg && hdr.Typeflag != typeRegA {
			continue
		}
		name, reason := cleanMember(hdr.Name)
		if reason == "" {
			reason = nameTooLong(hdr.Name, name)
		}
		if reason != "" {
			name = shortName(hdr.Name)
		}
		m := Member{Name: name, Size: hdr.Size}
		switch {
		case reason != "":
			m.Refused = reason
		case name == "":
			m.Name, m.Refused = shortName(hdr.Name), reasonBadName
		case sparse:
			m.Refused = reasonSparse
		case hdr.Size > lim.MaxFileSize:
			m.Refused = fmt.Sprintf("%s (%s, more than %s)", reasonTooLarge, sizeString(hdr.Size), sizeString(lim.MaxFileSize))
		}
		var content io.Reader = tr
		if m.Refused != "" {
			content = eofReader{}
		}
		if err := fn(m, content); err != nil {
			if errors.Is(err, ErrStop) {
				return nil
			}
			if errors.Is(err, errBudget) {
				return tooBig()
			}
			return err
		}
		if budget.n > budget.max {
			return tooBig()
		}
	}
}

// eofReader is an empty reader.
type eofReader struct{}

func (eofReader) Read([]byte) (int, error) { return 0, io.EOF }
