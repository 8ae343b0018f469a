package report

import (
	"math"

	"github.com/netdoctor/netdoctor/checks"
	"github.com/netdoctor/netdoctor/internal/hostview"
)

// This file holds the absolute colour scale of interrupt rates in the
// HTML pictures: a colour says how busy a CPU is by the checks' own
// thresholds, not how it compares with the busiest CPU of this host, so a
// healthy host looks calm and a hot one hot.
//
// Three bands, each shaded on a log scale within it:
//   - calm, blue: from hostview.ActiveIRQRate (an active queue) up to
//     checks.AppIRQHeavyRate;
//   - heavy, amber: from checks.AppIRQHeavyRate (an IRQ-heavy CPU for
//     app-on-irq-cpus, medium confidence for irq-concentration) up to
//     checks.ConcentrationCriticalRate;
//   - critical, red: from checks.ConcentrationCriticalRate (critical for
//     irq-concentration and app-on-irq-cpus) up, darkest at four times it.
//
// The step in hue at each threshold is the threshold marked in the
// picture; the legend names them.

// rateBand is one band of the scale: values from lo to hi go from the
// colour from to the colour to.
type rateBand struct {
	lo, hi   float64
	from, to [3]float64
	name     string
}

var rateBands = []rateBand{
	{hostview.ActiveIRQRate, checks.AppIRQHeavyRate, [3]float64{0xe0, 0xf2, 0xfe}, [3]float64{0x2e, 0x90, 0xfa}, "calm"},
	{checks.AppIRQHeavyRate, checks.ConcentrationCriticalRate, [3]float64{0xfe, 0xc8, 0x4b}, [3]float64{0xf7, 0x90, 0x09}, "heavy"},
	{checks.ConcentrationCriticalRate, 4 * checks.ConcentrationCriticalRate, [3]float64{0xf0, 0x44, 0x38}, [3]float64{0x7a, 0x10, 0x10}, "critical"},
}

// idleColour is the colour of a rate below hostview.ActiveIRQRate.
const idleColour = "#f2f8fd"

// rateColour is the fill of a cell of v interrupts per second and the
// class of its text (dark on light fills, light on dark ones).
func rateColour(v float64) (fill, text string) {
	if v < rateBands[0].lo {
		return idleColour, "cell lo"
	}
	for i, b := range rateBands {
		if v >= b.hi && i < len(rateBands)-1 {
			continue
		}
		t := math.Log(v/b.lo) / math.Log(b.hi/b.lo)
		t = math.Max(0, math.Min(1, t))
		var rgb [3]int
		lum := 0.0
		for k := range rgb {
			c := b.from[k] + (b.to[k]-b.from[k])*t
			rgb[k] = int(math.Round(c))
			lum += []float64{0.299, 0.587, 0.114}[k] * c
		}
		text = "cell lo"
		if lum < 150 {
			text = "cell hi"
		}
		return hexColour(rgb), text
	}
	return heatHot, "cell hi"
}
