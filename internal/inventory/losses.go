package inventory

import (
	"fmt"
	"text/tabwriter"

	"github.com/netdoctor/netdoctor/internal/hostview"
	"github.com/netdoctor/netdoctor/internal/textfmt"
)

// Losses is the host view's loss ledger as `show` prints it: the layers'
// totals and the rows that are non-zero or without a value over the window
// (the rows read as zero are only counted).
type Losses struct {
	Window      string                `json:"window"`
	WindowLabel string                `json:"window_label"`
	Layers      []hostview.LayerTotal `json:"layers"`
	Rows        []hostview.LossEntry  `json:"rows"`
	Zero        int                   `json:"zero"`
}

// buildLosses copies the shown part of the view's ledger.
func buildLosses(v *hostview.View) Losses {
	out := Losses{Layers: []hostview.LayerTotal{}, Rows: []hostview.LossEntry{}}
	l := v.Ledger
	if l == nil {
		return out
	}
	out.Window, out.WindowLabel = string(l.Window), l.WindowLabel
	out.Layers = append(out.Layers, l.Layers...)
	for _, e := range l.Rows {
		if e.Shown() {
			out.Rows = append(out.Rows, e)
		} else {
			out.Zero++
		}
	}
	return out
}

// lossesText writes the "Where packets died" block of `show`.
func lossesText(ew *errWriter, l Losses) {
	fmt.Fprintf(ew, "\nWhere packets died (%s): ", clean(l.WindowLabel))
	if len(l.Rows) == 0 {
		fmt.Fprintf(ew, "no loss counter grew (%d read)\n", l.Zero)
		return
	}
	fmt.Fprintf(ew, "%d counters, %d read as zero not shown\n", len(l.Rows), l.Zero)
	tw := tabwriter.NewWriter(ew, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "  layer\tsubject\tcounter\tsource\tvalue\trate\tjudged by\tnote\n")
	for _, e := range l.Rows {
		val, rate, note := "no value", "", ""
		if e.Known {
			val = textfmt.Thousands(e.Value)
			rate = textfmt.Rate(e.Rate)
		}
		switch {
		case e.Gap != "":
			note = e.Gap
		case e.PartOf != "":
			note = "not added: " + e.PartOf
		}
		judge := e.JudgedBy
		if judge == "" {
			judge = "-"
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Layer, clean(e.Subject()), clean(e.Name()), clean(e.Source), val, rate, clean(judge), clean(note))
	}
	tw.Flush()
}
