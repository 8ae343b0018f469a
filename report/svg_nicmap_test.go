package report

import (
	"fmt"
	"testing"
)

// Eight NICs with long names on one node, and their queues serviced on
// both nodes: every chip and line fits its box, and the row fits the page.
func TestNICMapFitsEightNICs(t *testing.T) {
	r := &Report{Host: Host{Nodes: []Node{{ID: 0, CPUs: "0-31"}, {ID: 1, CPUs: "32-63"}}}}
	for i := 0; i < 8; i++ {
		n := NIC{Name: fmt.Sprintf("enp%ds0f%dnp%d", 175+i, i%2, i%2), Kind: "physical", Driver: "mlx5_core", NUMANode: 0, Speed: 100000}
		for q := 0; q < 64; q++ {
			n.Queues = append(n.Queues, Queue{Index: q, IRQ: 100 + 64*i + q, PerCPU: []CPURate{{CPU: q, RatePerS: 1000}}})
		}
		r.NICs = append(r.NICs, n)
	}
	for c := 0; c < 64; c++ {
		node := 0
		if c >= 32 {
			node = 1
		}
		r.CPULoad = append(r.CPULoad, CPULoad{CPU: c, Node: node})
	}
	cols := layoutColumns(r)
	mp := layoutNICMap(r, cols)
	if mp == nil || len(mp.Boxes) != 2 {
		t.Fatalf("map: %+v", mp)
	}
	boxW := mp.Boxes[0].W
	if mp.Width > nicMapPageW+8 {
		t.Errorf("map is %d wide, over the page's %d", mp.Width, nicMapPageW)
	}
	for _, tx := range mp.Texts {
		if tx.Class != "chip" && tx.Class != "map local" && tx.Class != "map remote" {
			continue
		}
		var box *svgRect
		for i := range mp.Boxes {
			if b := &mp.Boxes[i]; tx.X >= b.X && tx.X < b.X+b.W && tx.Y >= b.Y && tx.Y <= b.Y+b.H {
				box = b
			}
		}
		if box == nil {
			t.Errorf("%q at (%d,%d) is in no box", tx.Text, tx.X, tx.Y)
			continue
		}
		if end := tx.X + int(float64(len([]rune(tx.Text)))*nicMapCharW); end > box.X+box.W {
			t.Errorf("%q ends at %d, past its box (%d to %d, width %d)", tx.Text, end, box.X, box.X+box.W, boxW)
		}
	}
}
