package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// A waiver file accepts known deviations for a gate: each waiver names a
// check, a subject (the finding's subject, "*" for every subject of the
// check), the reason, and the last day it holds. A waived finding stays in
// the report, marked with its waiver, and does not count for --fail-on.
// An expired waiver is an error, not a silent return of the finding: the
// person who accepted the deviation must look again.
//
// The file is JSON, the format netdoctor already reads and writes, so that
// a waiver file needs no other parser:
//
//	{"waivers": [
//	  {"check": "irq-concentration", "subject": "eth0",
//	   "reason": "OPS-123: vendor firmware pins queue 0", "expires": "2027-03-31"}
//	]}

// Waiver is one accepted deviation.
type Waiver struct {
	Check string `json:"check"`
	// Subject is the finding's subject, or "*" for every subject.
	Subject string `json:"subject"`
	Reason  string `json:"reason"`
	// Expires is the last day (UTC, YYYY-MM-DD) the waiver holds.
	Expires string `json:"expires"`
}

// WaiverFile is the file's document.
type WaiverFile struct {
	Waivers []Waiver `json:"waivers"`
}

// maxWaiverFile bounds the waiver file: thousands of waivers fit in it.
const maxWaiverFile = 1 << 20

// waiverDate is the layout of Waiver.Expires.
const waiverDate = "2006-01-02"

// ParseWaivers reads a waiver file. known reports whether a check ID
// exists; name is the file's name for messages. Every waiver must name a
// known check, a subject, a reason and a valid expiry date.
func ParseWaivers(r io.Reader, name string, known func(id string) bool) ([]Waiver, error) {
	b, err := io.ReadAll(io.LimitReader(r, maxWaiverFile+1))
	if err != nil {
		return nil, fmt.Errorf("waiver file %s: %w", name, err)
	}
	if len(b) > maxWaiverFile {
		return nil, fmt.Errorf("waiver file %s: larger than %d bytes", name, maxWaiverFile)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var f WaiverFile
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("waiver file %s: not a waiver file (%v); expected {\"waivers\": [{\"check\", \"subject\", \"reason\", \"expires\"}]}", name, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("waiver file %s: text after the JSON document", name)
	}
	var errs []error
	for i, w := range f.Waivers {
		at := fmt.Sprintf("waiver file %s: waiver %d", name, i+1)
		switch {
		case w.Check == "":
			errs = append(errs, fmt.Errorf("%s: no check", at))
		case !known(w.Check):
			errs = append(errs, fmt.Errorf("%s: no check %q; 'netdoctor checks' lists them", at, w.Check))
		}
		if w.Subject == "" {
			errs = append(errs, fmt.Errorf("%s (%s): no subject; use \"*\" for every subject", at, w.Check))
		}
		if strings.TrimSpace(w.Reason) == "" {
			errs = append(errs, fmt.Errorf("%s (%s %s): no reason", at, w.Check, w.Subject))
		}
		if _, err := time.Parse(waiverDate, w.Expires); err != nil {
			errs = append(errs, fmt.Errorf("%s (%s %s): expires %q is not a date YYYY-MM-DD", at, w.Check, w.Subject, w.Expires))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return f.Waivers, nil
}

// ExpiredWaivers returns an error naming every waiver whose last day is
// before now's day (UTC), or nil.
func ExpiredWaivers(ws []Waiver, name string, now time.Time) error {
	today := now.UTC().Format(waiverDate)
	var errs []error
	for i, w := range ws {
		if w.Expires < today { // the layout sorts as text
			errs = append(errs, fmt.Errorf("waiver file %s: waiver %d (%s %s) expired on %s: review it, then renew its date or remove it",
				name, i+1, w.Check, w.Subject, w.Expires))
		}
	}
	return errors.Join(errs...)
}

// FindingWaiver is the waiver a finding is waived by.
type FindingWaiver struct {
	Reason  string `json:"reason"`
	Expires string `json:"expires"`
}

// ApplyWaivers marks the findings that a waiver covers (the first waiver
// that matches wins), counts them in their check and in the summary, and
// returns the waivers that matched no finding (candidates for removal).
func ApplyWaivers(r *Report, ws []Waiver) (unused []Waiver) {
	used := make([]bool, len(ws))
	for i := range r.Findings {
		f := &r.Findings[i]
		for j, w := range ws {
			if w.Check == f.Check && (w.Subject == "*" || w.Subject == f.Subject) {
				f.Waived = &FindingWaiver{Reason: w.Reason, Expires: w.Expires}
				used[j] = true
				break
			}
		}
	}
	for i := range r.Checks {
		r.Checks[i].Waived = 0
	}
	r.Summary.Waived = 0
	for _, f := range r.Findings {
		if f.Waived == nil {
			continue
		}
		r.Summary.Waived++
		for i := range r.Checks {
			if r.Checks[i].ID == f.Check {
				r.Checks[i].Waived++
				break
			}
		}
	}
	for j, w := range ws {
		if !used[j] {
			unused = append(unused, w)
		}
	}
	return unused
}
