package cmdout

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
)

// SosVersion parses sos's version.txt: "sos report: 4.5.6" (sos 4.x) or
// "sosreport: 3.9.1" followed by "plugin: version" lines (sos 3.x), and
// returns the version ("4.5.6").
func SosVersion(b []byte) (string, error) {
	const cmd = "sos version.txt"
	text, err := input(cmd, b)
	if err != nil {
		return "", err
	}
	for i, l := range splitLines(text) {
		t := strings.TrimSpace(l)
		v, ok := strings.CutPrefix(t, "sos report:")
		if !ok {
			v, ok = strings.CutPrefix(t, "sosreport:")
		}
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		if v == "" || len(v) > 64 || v[0] < '0' || v[0] > '9' || strings.ContainsAny(v, " \t") {
			return "", fmt.Errorf("%s: line %d: bad version %s", cmd, i+1, quote(v))
		}
		return v, nil
	}
	return "", noData(cmd, text, `"sos report:" line`)
}

// Manifest is what netdoctor reads of sos_reports/manifest.json (sos 4.0+).
// (The brief's contract called this type SosManifest, the name of its parser.)
type Manifest struct {
	// Version is the sos version.
	Version string
	// StartTime and EndTime are when sos ran; zero when absent. sos writes
	// the host's local time without a zone, which is read as UTC: prefer
	// date --utc for the collection time.
	StartTime, EndTime time.Time
	// Commands are the commands sos ran, plugin by plugin in file order.
	Commands []SosCommand
}

// SosCommand is one command sos ran.
type SosCommand struct {
	// Exec is the command line as run ("ethtool -S eth0").
	Exec string
	// Filepath is the output file relative to the report root
	// ("sos_commands/networking/ethtool_-S_eth0"); "" when sos wrote none.
	Filepath string
	// ReturnCode is the exit status: 126/127 mean the command was missing,
	// 124 that it timed out; -1 when absent.
	ReturnCode int
	// Truncated is true when sos kept only the tail of the output.
	Truncated bool
}

// SosManifest parses sos_reports/manifest.json tolerantly: unknown fields are
// ignored, a field of the wrong type is named in the error and left zero, and
// commands are gathered from components.report.plugins.*.commands (and a
// components.report.commands list if present). Times may be Python's
// str(datetime) ("2024-03-05 10:11:12.123456"), "20240305101112", RFC 3339 or
// seconds since the epoch. Input over 64 MiB is refused.
func SosManifest(b []byte) (Manifest, error) {
	const cmd = "sos manifest.json"
	var m Manifest
	if _, err := input(cmd, b); err != nil {
		return m, err
	}
	p := problems{cmd: cmd}
	// One typed pass; fields whose type sos may vary stay raw.
	var top struct {
		Version    json.RawMessage `json:"version"`
		StartTime  json.RawMessage `json:"start_time"`
		EndTime    json.RawMessage `json:"end_time"`
		Components struct {
			Report struct {
				Commands json.RawMessage `json:"commands"`
				Plugins  json.RawMessage `json:"plugins"`
			} `json:"report"`
		} `json:"components"`
	}
	if err := json.Unmarshal(b, &top); err != nil {
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) {
			return Manifest{}, fmt.Errorf("%s: bad JSON: %v", cmd, err)
		}
		if te.Field == "" {
			return Manifest{}, fmt.Errorf("%s: not a JSON object", cmd)
		}
		p.addf(0, "%s is not a JSON object", te.Field) // the rest was still read
	}
	if top.Version != nil {
		v, ok := jsonScalarString(top.Version)
		if !ok {
			p.addf(0, "version is not a string")
		}
		m.Version = v
	}
	for _, f := range []struct {
		name string
		raw  json.RawMessage
		dst  *time.Time
	}{{"start_time", top.StartTime, &m.StartTime}, {"end_time", top.EndTime, &m.EndTime}} {
		if f.raw == nil {
			continue
		}
		t, err := sosTime(f.raw)
		if err != nil {
			p.addf(0, "%s: %v", f.name, err)
		}
		*f.dst = t
	}
	report := top.Components.Report
	if report.Commands != nil && !jsonNull(report.Commands) {
		m.Commands = append(m.Commands, sosCommands("components.report.commands", report.Commands, &p)...)
	}
	if report.Plugins != nil && !jsonNull(report.Plugins) {
		plugins, err := jsonObject(report.Plugins) // keeps the plugins' order
		if err != nil {
			p.addf(0, "components.report.plugins: %v", err)
		}
		for _, name := range plugins.keys {
			var plug struct {
				Commands json.RawMessage `json:"commands"`
			}
			if err := json.Unmarshal(plugins.vals[name], &plug); err != nil {
				p.addf(0, "plugin %s: not a JSON object with a commands list", quote(name))
				continue
			}
			if plug.Commands != nil && !jsonNull(plug.Commands) {
				m.Commands = append(m.Commands, sosCommands("plugin "+quote(name), plug.Commands, &p)...)
			}
		}
	}
	return m, p.err()
}

// sosCommands reads a commands list.
func sosCommands(where string, raw json.RawMessage, p *problems) []SosCommand {
	var list []json.RawMessage
	if err := json.Unmarshal(raw, &list); err != nil {
		p.addf(0, "%s: commands is not a list", where)
		return nil
	}
	out := make([]SosCommand, 0, len(list))
	for i, item := range list {
		var fields struct {
			Exec       json.RawMessage `json:"exec"`
			Filepath   json.RawMessage `json:"filepath"`
			ReturnCode json.RawMessage `json:"return_code"`
			Truncated  json.RawMessage `json:"truncated"`
		}
		if err := json.Unmarshal(item, &fields); err != nil {
			p.addf(0, "%s: command %d: not a JSON object", where, i)
			continue
		}
		c := SosCommand{ReturnCode: -1}
		bad := func(field string) { p.addf(0, "%s: command %d: bad %s", where, i, field) }
		var ok bool
		if fields.Exec != nil {
			if c.Exec, ok = jsonString(fields.Exec); !ok {
				bad("exec")
			}
		}
		if fields.Filepath != nil {
			if c.Filepath, ok = jsonString(fields.Filepath); !ok {
				bad("filepath")
			}
		}
		if fields.ReturnCode != nil && !jsonNull(fields.ReturnCode) {
			var f float64
			if err := json.Unmarshal(fields.ReturnCode, &f); err != nil || f != math.Trunc(f) || f < -1<<31 || f > 1<<31-1 {
				bad("return_code")
			} else {
				c.ReturnCode = int(f)
			}
		}
		if fields.Truncated != nil && !jsonNull(fields.Truncated) {
			if err := json.Unmarshal(fields.Truncated, &c.Truncated); err != nil {
				bad("truncated")
			}
		}
		out = append(out, c)
	}
	return out
}

// sosTimeLayouts are the forms of manifest times: Python's str(datetime),
// sos's archive-name stamp, RFC 3339.
var sosTimeLayouts = []string{
	"2006-01-02 15:04:05.999999",
	"20060102150405",
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999",
	"2006-01-02 15:04:05.999999Z07:00",
}

// sosTime reads a manifest time: a string in one of sosTimeLayouts ("" is the
// zero time: sos had not finished), or seconds since the epoch.
func sosTime(raw json.RawMessage) (time.Time, error) {
	if jsonNull(raw) {
		return time.Time{}, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		var f float64
		if err := json.Unmarshal(raw, &f); err != nil {
			return time.Time{}, fmt.Errorf("neither a string nor a number")
		}
		if f < 0 || f > 1<<40 {
			return time.Time{}, fmt.Errorf("epoch seconds %v out of range", f)
		}
		sec, frac := math.Modf(f)
		return time.Unix(int64(sec), int64(frac*1e9)).UTC(), nil
	}
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	for _, layout := range sosTimeLayouts {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t.UTC(), nil
		}
	}
	return time.Time{}, fmt.Errorf("unknown time format %s", quote(s))
}

// ordered is a JSON object with its keys in file order. A repeated key keeps
// its first value.
type ordered struct {
	keys []string
	vals map[string]json.RawMessage
}

// jsonObject decodes one JSON object, keeping its key order.
func jsonObject(raw []byte) (ordered, error) {
	o := ordered{vals: map[string]json.RawMessage{}}
	dec := json.NewDecoder(bytes.NewReader(raw))
	tok, err := dec.Token()
	if err != nil {
		return o, fmt.Errorf("bad JSON: %v", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return o, fmt.Errorf("not a JSON object")
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return o, fmt.Errorf("bad JSON: %v", err)
		}
		key, ok := tok.(string)
		if !ok {
			return o, fmt.Errorf("bad JSON: object key is not a string")
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return o, fmt.Errorf("bad JSON: %v", err)
		}
		if _, dup := o.vals[key]; !dup {
			o.keys = append(o.keys, key)
			o.vals[key] = v
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return o, fmt.Errorf("bad JSON: %v", err)
	}
	if _, err := dec.Token(); err == nil {
		return o, fmt.Errorf("bad JSON: data after the object")
	}
	return o, nil
}

func jsonNull(raw json.RawMessage) bool { return string(bytes.TrimSpace(raw)) == "null" }

// jsonString reads a string; null is "".
func jsonString(raw json.RawMessage) (string, bool) {
	if jsonNull(raw) {
		return "", true
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

// jsonScalarString reads a string, or a number as its text.
func jsonScalarString(raw json.RawMessage) (string, bool) {
	if s, ok := jsonString(raw); ok {
		return s, true
	}
	var n json.Number
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&n); err == nil {
		return n.String(), true
	}
	return "", false
}
