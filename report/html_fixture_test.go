package report_test

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/netdoctor/netdoctor/internal/cli"
	"github.com/netdoctor/netdoctor/report"
)

// These tests render the fixture irq-cpu0 the way `netdoctor report` does
// (source, evidence, checks, loadsOf, Build, the renderer), through the
// CLI itself; they live in package report_test because cli imports report.

const irqCPU0 = "../fixtures/irq-cpu0"

// runReport runs `netdoctor report --format FORMAT DIR` with a fixed clock.
func runReport(t *testing.T, format, dir string) []byte {
	t.Helper()
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("fixture: %v", err)
	}
	var out, errb bytes.Buffer
	env := cli.IO{
		In: strings.NewReader(""), Out: &out, Err: &errb,
		Now: func() time.Time { return time.Date(2024, 3, 12, 14, 10, 0, 0, time.UTC) },
	}
	saved := cli.Version
	cli.Version = "test"
	defer func() { cli.Version = saved }()
	if code := cli.Main([]string{"report", "--format", format, dir}, env); code != report.ExitClean && code != report.ExitFindings {
		t.Fatalf("netdoctor report exited %d: %s", code, errb.String())
	}
	return out.Bytes()
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// TestHTMLFixtureIRQCPU0 compares the HTML report of the irq-cpu0 fixture
// with testdata/irq-cpu0.html.golden and checks what the pictures must
// show: every queue's interrupts on CPU0, in the hottest colour.
func TestHTMLFixtureIRQCPU0(t *testing.T) {
	got := runReport(t, "html", irqCPU0)
	path := filepath.Join("testdata", "irq-cpu0.html.golden")
	if updating() {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	} else {
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./report -update)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from the golden file (run go test ./report -update after an intended change)", path)
		}
	}
	h := string(got)
	for _, want := range []string{
		`<h1>db-cache-07</h1>`,
		`<header class="band sev-critical">`,
		`<b>2</b> critical`,
		// Eight queue cells on CPU 0, the hottest colour; none elsewhere.
		`<title>eth0 q0 · IRQ 48 (eth0-TxRx-0) on CPU 0 (node 0): 11,114 interrupts/s (100 % of its interrupts)</title>`,
		`<title>eth0 q7 · IRQ 55 (eth0-TxRx-7) on CPU 0 (node 0): 11,425 interrupts/s (100 % of its interrupts)</title>`,
		`eth0: 8 of 8 queues (local)`,
		`max 90.2k on CPU 0`,
	} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML does not hold %q", want)
		}
	}
	if n := strings.Count(h, " (100 % of its interrupts)</title>"); n != 8 {
		t.Errorf("%d heatmap cells, want 8 (one per queue, all on CPU 0)", n)
	}
}

// TestJSONFixturePerCPU checks that loadsOf hands the per-CPU split of
// every queue IRQ to the report: rates over the interval and counts.
func TestJSONFixturePerCPU(t *testing.T) {
	var r struct {
		LoadWindow string `json:"load_window"`
		NICs       []struct {
			Name   string `json:"name"`
			Queues []struct {
				IRQ    int     `json:"irq"`
				Rate   float64 `json:"rate_per_s"`
				PerCPU []struct {
					CPU   int     `json:"cpu"`
					Rate  float64 `json:"rate_per_s"`
					Count uint64  `json:"count"`
				} `json:"per_cpu"`
			} `json:"queues"`
		} `json:"nics"`
	}
	if err := json.Unmarshal(runReport(t, "json", irqCPU0), &r); err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, n := range r.NICs {
		if n.Name != "eth0" {
			continue
		}
		for _, q := range n.Queues {
			if len(q.PerCPU) != 1 || q.PerCPU[0].CPU != 0 {
				t.Errorf("IRQ %d per_cpu %+v, want CPU 0 only", q.IRQ, q.PerCPU)
				continue
			}
			pc := q.PerCPU[0]
			if pc.Rate != q.Rate || pc.Rate < 10000 || float64(pc.Count) < 4.9*pc.Rate || float64(pc.Count) > 5.1*pc.Rate {
				t.Errorf("IRQ %d: rate %v, per-CPU rate %v count %d over %s", q.IRQ, q.Rate, pc.Rate, pc.Count, r.LoadWindow)
			}
			checked++
		}
	}
	if checked != 8 {
		t.Errorf("%d eth0 queues checked, want 8", checked)
	}
}

// chromium returns the browser to take screenshots with. Without one the
// test is skipped only when one cannot be installed either (not root, or
// no apt-get); otherwise it fails: scripts/install-test-deps.sh installs
// it.
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	_, aptErr := exec.LookPath("apt-get")
	if os.Geteuid() != 0 || aptErr != nil {
		t.Skip("chromium is not installed and cannot be installed here (needs root and apt-get)")
	}
	t.Fatal("chromium is not installed: run scripts/install-test-deps.sh (apt-get install -y chromium)")
	return ""
}

// TestHTMLBrowser renders the irq-cpu0 report in headless chromium and
// checks the screenshot: it decodes, has the window's size, is not blank,
// and shows CPU0 concentration as one tall column of queue cells (calm blue:
// each queue alone is below the thresholds) over a critical red CPU total.
// NETDOCTOR_SCREENSHOT=path keeps a copy of the PNG.
func TestHTMLBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: no browser")
	}
	bin := chromium(t)
	dir := t.TempDir()
	page := filepath.Join(dir, "report.html")
	if err := os.WriteFile(page, runReport(t, "html", irqCPU0), 0o644); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(dir, "out.png")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+filepath.Join(dir, "profile"), "--screenshot="+shot, "--window-size=1400,2400",
		"file://"+page)
	cmd.WaitDelay = 10 * time.Second
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, lastLines(out, 20))
	}
	f, err := os.Open(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if keep := os.Getenv("NETDOCTOR_SCREENSHOT"); keep != "" {
		if err := copyFile(shot, keep); err != nil {
			t.Errorf("keeping the screenshot: %v", err)
		}
	}
	b := img.Bounds()
	if b.Dx() != 1400 || b.Dy() != 2400 {
		t.Fatalf("screenshot is %dx%d, want 1400x2400", b.Dx(), b.Dy())
	}
	colours := map[[3]uint32]bool{}
	red := 0 // pixels of the critical band's red (CPU 0: 90,156 NIC interrupts/s)
	hotPerX := make([]int, b.Dx())
	hotMinY, hotMaxY := b.Max.Y, -1
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			c := [3]uint32{r >> 8, g >> 8, bl >> 8}
			if len(colours) < 5000 {
				colours[c] = true
			}
			if c[2] > 200 && c[2] > c[0]+120 { // a calm-band cell (rateColour)
				hotPerX[x-b.Min.X]++
				hotMinY, hotMaxY = min(hotMinY, y), max(hotMaxY, y)
			}
			if c[0] > 200 && c[1] < 100 && c[2] < 100 {
				red++
			}
		}
	}
	if len(colours) < 100 {
		t.Errorf("screenshot has %d distinct colours: blank or unstyled", len(colours))
	}
	// The CPU0 column: eight stacked cells of the hottest colour, so some
	// x has well over 120 hot pixels, over a run of columns no wider than
	// one heatmap cell.
	tall, first, last := 0, -1, -1
	for x, n := range hotPerX {
		tall = max(tall, n)
		if n >= 120 {
			if first < 0 {
				first = x
			}
			last = x
		}
	}
	if red < 200 {
		t.Errorf("%d pixels of the critical red: CPU 0's total is not shown as critical", red)
	}
	if tall < 120 {
		t.Errorf("no tall column of queue cells (max %d pixels in one x): CPU0 concentration not visible", tall)
	} else if last-first > 60 {
		t.Errorf("hot pixels span x %d-%d: more than one CPU column", first, last)
	}
	if hotMaxY >= 0 && hotMinY > 1200 {
		t.Errorf("the heatmap starts at y %d: not in the first screen", hotMinY)
	}
	t.Logf("screenshot: %d+ colours, hot column x %d-%d (max %d px), y %d-%d", len(colours), first, last, tall, hotMinY, hotMaxY)
}

func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
