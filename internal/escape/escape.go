// Package escape makes text safe for a terminal. Every string netdoctor
// writes to standard output or standard error, and every report it writes,
// passes through it: names from a host or a bundle may hold escape
// sequences, bells, carriage returns, bidi overrides or zero-width
// characters that would rewrite, reorder or hide what a person reads.
//
// An unsafe character becomes the visible text \uXXXX (a character beyond
// U+FFFF as its UTF-16 surrogate pair, \uXXXX\uXXXX). That is also how JSON
// escapes a character, so escaping a JSON document changes no value in it;
// invalid UTF-8 becomes U+FFFD.
package escape

import (
	"io"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// Unsafe reports whether r must not reach a terminal as it is: a C0 or C1
// control character or DEL (ESC, BEL, CR, backspace, CSI), a format
// character (bidi marks, embeddings, overrides and isolates, zero-width
// space and joiners, soft hyphen, the byte-order mark, tag characters), or
// the Unicode line and paragraph separators.
func Unsafe(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029'
}

// appendRune appends r, or its escape when unsafe; keep lists the unsafe
// characters written as they are (newline and tab in Text).
func appendRune(b []byte, r rune, keep string) []byte {
	if !Unsafe(r) || (r < utf8.RuneSelf && strings.IndexByte(keep, byte(r)) >= 0) {
		return utf8.AppendRune(b, r)
	}
	if r > 0xFFFF {
		hi, lo := utf16.EncodeRune(r)
		return appendU(appendU(b, hi), lo)
	}
	return appendU(b, r)
}

func appendU(b []byte, r rune) []byte {
	const hex = "0123456789ABCDEF"
	return append(b, '\\', 'u', hex[r>>12&0xF], hex[r>>8&0xF], hex[r>>4&0xF], hex[r&0xF])
}

// Line escapes s for one line of a terminal: every unsafe character,
// newline and tab included, is made visible. Error messages use it, so a
// name cannot start a line that looks like netdoctor's own.
func Line(s string) string {
	return string(appendEscaped(nil, []byte(s), ""))
}

// Text escapes s for text of several lines: as Line, but newlines and tabs
// are kept.
func Text(s string) string {
	return string(appendEscaped(nil, []byte(s), "\n\t"))
}

// Bytes is Text for a whole document held in memory.
func Bytes(b []byte) []byte {
	if safe(b) {
		return b
	}
	return appendEscaped(make([]byte, 0, len(b)+len(b)/8), b, "\n\t")
}

// safe reports whether b is valid UTF-8 without unsafe characters other
// than newline and tab, so that escaping would not change it.
func safe(b []byte) bool {
	for i := 0; i < len(b); {
		c := b[i]
		if c < utf8.RuneSelf {
			if (c < 0x20 && c != '\n' && c != '\t') || c == 0x7F {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 || Unsafe(r) {
			return false
		}
		i += n
	}
	return true
}

func appendEscaped(dst, src []byte, keep string) []byte {
	for i := 0; i < len(src); {
		r, n := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && n == 1 {
			dst = utf8.AppendRune(dst, utf8.RuneError)
		} else {
			dst = appendRune(dst, r, keep)
		}
		i += n
	}
	return dst
}

// Writer escapes what is written through it as Text does. A character
// split across two writes is held until its last byte arrives; Flush
// writes what is held (as U+FFFD, as Bytes would: the stream ended inside
// a character).
type Writer struct {
	w       io.Writer
	pending []byte
	buf     []byte
}

// NewWriter returns a Writer escaping into w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write escapes p into the underlying writer. It reports len(p) written
// when the escaped text was written whole.
func (e *Writer) Write(p []byte) (int, error) {
	src := p
	if len(e.pending) > 0 {
		src = append(e.pending, p...)
		e.pending = nil
	}
	// Hold back an incomplete character at the end.
	cut := len(src)
	for k := 1; k < utf8.UTFMax && k <= len(src); k++ {
		c := src[len(src)-k]
		if c < utf8.RuneSelf {
			break
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRune(src[len(src)-k:]) {
				cut = len(src) - k
			}
			break
		}
	}
	if cut < len(src) {
		e.pending = append([]byte(nil), src[cut:]...)
		src = src[:cut]
	}
	out := src
	if !safe(src) {
		e.buf = appendEscaped(e.buf[:0], src, "\n\t")
		out = e.buf
	}
	if len(out) > 0 {
		if _, err := e.w.Write(out); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// Flush writes a character left incomplete at the end of the stream as
// U+FFFD.
func (e *Writer) Flush() error {
	if len(e.pending) == 0 {
		return nil
	}
	out := appendEscaped(nil, e.pending, "\n\t")
	e.pending = nil
	_, err := e.w.Write(out)
	return err
}
