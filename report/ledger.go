package report

import (
	"strconv"

	"github.com/netdoctor/netdoctor/internal/hostview"
	"github.com/netdoctor/netdoctor/internal/textfmt"
)

// The "Where packets died" part of the report: the host view's loss ledger
// (hostview.Ledger) in the report model, and its Markdown and HTML
// renderings. Rows with a zero value are folded away (Losses.Zero counts
// them); rows without a value over the interval are kept with the reason.

// Losses is the loss ledger of the report: every receive-path loss counter
// the inputs hold, by layer, over the window.
type Losses struct {
	// Window is "interval", "since-boot" or "none"; WindowLabel the
	// window as text.
	Window      string `json:"window"`
	WindowLabel string `json:"window_label"`
	// Layers are the layers with shown rows, in path order, with the sum
	// of their rows that are not part of another.
	Layers []LossLayer `json:"layers"`
	// Rows are the non-zero rows and the rows without a value, by layer.
	Rows []LossRow `json:"rows"`
	// Zero counts the rows read with a zero value (folded away).
	Zero int `json:"zero"`
}

// LossLayer is one layer's total.
type LossLayer struct {
	// Layer is "link", "nic", "cloud", "backlog", "netfilter",
	// "neighbour", "ip", "tcp" or "udp" (an open set); Title its name.
	Layer string `json:"layer"`
	Title string `json:"title"`
	// Value is the sum of the layer's rows that are not part of another;
	// RatePerS per second over the window (0 without a time base).
	Value    uint64  `json:"value"`
	RatePerS float64 `json:"rate_per_s"`
	// Gaps counts the layer's rows without a value over the interval.
	Gaps int `json:"gaps"`
}

// LossRow is one loss counter over the window.
type LossRow struct {
	Layer string `json:"layer"`
	// Counter is "Group Name" for netstat/snmp counters ("TcpExt
	// ListenOverflows"), else the counter's own name.
	Counter string `json:"counter"`
	Source  string `json:"source"`
	// Subject is the NIC, "netns NAME", "CPU N" or "host"; NIC,
	// Namespace and CPU (-1 for none) say the same as fields.
	Subject   string `json:"subject"`
	NIC       string `json:"nic,omitempty"`
	Namespace string `json:"namespace,omitempty"`
	CPU       int    `json:"cpu"`
	// Value is the count over the window, Known false (and Gap the reason)
	// when the series has no value; RatePerS per second; SinceBoot marks
	// a one-sample cumulative count.
	Value     uint64  `json:"value"`
	Known     bool    `json:"known"`
	Gap       string  `json:"gap,omitempty"`
	RatePerS  float64 `json:"rate_per_s"`
	SinceBoot bool    `json:"since_boot"`
	// PartOf names the row of the same layer that already counts these
	// packets, or why the row is not added; such rows are never summed.
	PartOf string `json:"part_of,omitempty"`
	// JudgedBy is the ID of the check that judges the row.
	JudgedBy string `json:"judged_by,omitempty"`
}

// buildLosses copies the view's ledger into the report model.
func buildLosses(v *hostview.View) Losses {
	out := Losses{Layers: []LossLayer{}, Rows: []LossRow{}}
	l := v.Ledger
	if l == nil {
		return out
	}
	out.Window, out.WindowLabel = string(l.Window), l.WindowLabel
	for _, t := range l.Layers {
		out.Layers = append(out.Layers, LossLayer{Layer: string(t.Layer), Title: t.Layer.Title(), Value: t.Value,
			RatePerS: finite(round(t.Rate, 1000)), Gaps: t.Gaps})
	}
	for i := range l.Rows {
		e := &l.Rows[i]
		if !e.Shown() {
			out.Zero++
			continue
		}
		out.Rows = append(out.Rows, LossRow{Layer: string(e.Layer), Counter: e.Name(), Source: e.Source, Subject: e.Subject(),
			NIC: e.NIC, Namespace: e.Namespace, CPU: e.CPU, Value: e.Value, Known: e.Known, Gap: e.Gap,
			RatePerS: finite(round(e.Rate, 1000)), SinceBoot: e.SinceBoot, PartOf: e.PartOf, JudgedBy: e.JudgedBy})
	}
	return out
}

// layerTitle is the title of a layer by its name.
func layerTitle(name string) string { return hostview.LossLayer(name).Title() }

// lossValue is a row's value as text: the count, or "no value" with a gap.
func lossValue(e LossRow) string {
	if !e.Known {
		return "no value"
	}
	return textfmt.Thousands(e.Value)
}

// lossNote is what a reader must know about a row: not added, since boot,
// or its gap.
func lossNote(e LossRow) string {
	switch {
	case e.Gap != "":
		return e.Gap
	case e.PartOf != "" && e.PartOf[0] == '(':
		return "not added " + e.PartOf
	case e.PartOf != "":
		return "not added (counted in " + e.PartOf + ")"
	}
	return ""
}

// lossHeadline is the one sentence above the table.
func lossHeadline(l Losses) string {
	if len(l.Rows) == 0 {
		s := "No loss counter grew"
		switch l.Window {
		case string(hostview.WindowInterval):
			s += " in the " + l.WindowLabel
		case "":
			return "No loss counter was read."
		default:
			s = "No loss counter is non-zero " + l.WindowLabel
		}
		return s + " (" + textfmt.Thousands(uint64(l.Zero)) + " counters read)."
	}
	s := "Loss counters over the " + l.WindowLabel
	if l.Window != string(hostview.WindowInterval) {
		s = "Loss counters " + l.WindowLabel + ", cumulative: old losses count too"
	}
	return s + "; rows marked \"not added\" are already counted in another row of their layer. " +
		textfmt.Thousands(uint64(l.Zero)) + " counters read as zero are not shown."
}

// losses writes the "Where packets died" section.
func (m *mdWriter) losses(r *Report) {
	l := r.Losses
	m.line("## Where packets died")
	m.line("")
	m.para(mdText(lossHeadline(l)))
	if len(l.Layers) > 0 {
		var rows [][]string
		for _, t := range l.Layers {
			gaps := ""
			if t.Gaps > 0 {
				gaps = strconv.Itoa(t.Gaps) + " without a value"
			}
			rows = append(rows, []string{mdText(t.Title), textfmt.Thousands(t.Value), textfmt.Rate(t.RatePerS), gaps})
		}
		m.table([]string{"layer", "lost", "rate", "gaps"}, rows)
	}
	if len(l.Rows) == 0 {
		return
	}
	var rows [][]string
	for _, e := range l.Rows {
		rows = append(rows, []string{mdText(layerTitle(e.Layer)), mdText(e.Subject), mdText(e.Counter), mdText(e.Source),
			lossValue(e), textfmt.Rate(e.RatePerS), mdText(e.JudgedBy), mdText(lossNote(e))})
	}
	m.table([]string{"layer", "subject", "counter", "source", "value", "rate", "judged by", "note"}, rows)
}

// lossesView is the HTML section's data: display text only.
type lossesView struct {
	Headline string
	Layers   []lossLayerView
	Rows     []lossRowView
}

type lossLayerView struct{ Title, Value, Rate, Gaps string }

type lossRowView struct {
	Layer, Subject, Counter, Source, Value, Rate, Note string
	// JudgedBy is the judging check's ID, JudgeAnchor its entry in the
	// checks section ("" when the report does not list it).
	JudgedBy, JudgeAnchor string
	Added                 bool
}

// newLossesView prepares the HTML section.
func newLossesView(r *Report) *lossesView {
	l := r.Losses
	v := &lossesView{Headline: oneLine(lossHeadline(l))}
	for _, t := range l.Layers {
		g := ""
		if t.Gaps > 0 {
			g = strconv.Itoa(t.Gaps) + " without a value"
		}
		v.Layers = append(v.Layers, lossLayerView{Title: oneLine(t.Title), Value: textfmt.Thousands(t.Value), Rate: textfmt.Rate(t.RatePerS), Gaps: g})
	}
	// The checks section's anchors, as newHTMLView numbers them.
	anchors := make(map[string]string, len(r.Checks))
	for i, c := range r.Checks {
		anchors[c.ID] = "check-" + strconv.Itoa(i+1)
	}
	for _, e := range l.Rows {
		v.Rows = append(v.Rows, lossRowView{Layer: oneLine(layerTitle(e.Layer)), Subject: oneLine(e.Subject), Counter: oneLine(e.Counter),
			Source: oneLine(e.Source), Value: lossValue(e), Rate: textfmt.Rate(e.RatePerS), Note: oneLine(lossNote(e)),
			JudgedBy: oneLine(e.JudgedBy), JudgeAnchor: anchors[e.JudgedBy], Added: e.Known && e.PartOf == ""})
	}
	return v
}
