package fixturegen

import (
	"encoding/json"
	"fmt"
	"github.com/netdoctor/netdoctor/internal/bundle"
	"hash/fnv"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// CollectManifest is the name of a collect bundle's top file.
const CollectManifest = bundle.CollectManifest

// WriteCollect writes sc as a netdoctor collect bundle into dir (created
// if needed): netdoctor-collect.json and one sample-N directory per sample
// time, in the collect layout (raw /proc and /sys files, msi_irqs, queues,
// per-thread task files).
func WriteCollect(dir string, sc Scenario) error {
	m, err := newModel(sc)
	if err != nil {
		return err
	}
	t := newTree()
	if err := m.addCollect(t, ""); err != nil {
		return err
	}
	return flushInto(dir, t)
}

// addCollect adds the collect bundle under prefix.
func (m *model) addCollect(t *tree, prefix string) error {
	if m.samples() < 2 {
		return fmt.Errorf("fixturegen: %s: a collect bundle needs two samples", m.sc.Hostname)
	}
	meta := bundle.CollectMeta{Format: bundle.CollectFormat, Version: bundle.CollectVersion, Hostname: m.sc.Hostname,
		IntervalSeconds: m.dt[1]}
	for i := range m.times {
		meta.Samples = append(meta.Samples, fmt.Sprintf("sample-%d", i+1))
		meta.SampleTimes = append(meta.SampleTimes, m.times[i].Format(time.RFC3339Nano))
	}
	b, err := json.MarshalIndent(meta, "", "  ")
	if err != nil {
		return err
	}
	t.file(prefix+CollectManifest, append(b, '\n'))
	for i := range m.times {
		st := newTree()
		m.writeSample(st, i, true)
		mergeTree(t, st, prefix+meta.Samples[i]+"/")
	}
	return nil
}

// WriteSosreport writes sample (0-based) of sc as one plain sosreport
// directory inside dir and returns its name
// (sosreport-HOST-YYYY-MM-DD-xxxxxxx).
func WriteSosreport(dir string, sc Scenario, sample int) (string, error) {
	m, err := newModel(sc)
	if err != nil {
		return "", err
	}
	if sample < 0 || sample >= m.samples() {
		return "", fmt.Errorf("fixturegen: %s: no sample %d", sc.Hostname, sample)
	}
	t := newTree()
	name := m.addSosreport(t, "", sample)
	return name, flushInto(dir, t)
}

// sosName is the sosreport's directory name in the "friendly" policy form,
// with the random suffix derived from the host and time.
func (m *model) sosName(s int) string {
	h := fnv.New32a()
	fmt.Fprintf(h, "%s %d", m.sc.Hostname, m.times[s].Unix())
	v := h.Sum32()
	suffix := make([]byte, 7)
	for i := range suffix {
		suffix[i] = byte('a' + v%26)
		v /= 26
		if v == 0 {
			v = uint32(i*7919 + 17)
		}
	}
	short, _, _ := strings.Cut(m.sc.Hostname, ".")
	return fmt.Sprintf("sosreport-%s-%s-%s", short, m.times[s].Format("2006-01-02"), suffix)
}

// addSosreport adds sample s as a sosreport under prefix and returns its name.
func (m *model) addSosreport(t *tree, prefix string, s int) string {
	name := m.sosName(s)
	st := newTree()
	m.writeSample(st, s, false)
	mergeTree(t, st, prefix+name+"/")
	return name
}

// mergeTree copies src into dst below prefix.
func mergeTree(dst, src *tree, prefix string) {
	for p, b := range src.files {
		dst.files[prefix+p] = b
	}
	for p, l := range src.links {
		dst.links[prefix+p] = l
	}
	for p := range src.dirs {
		dst.dirs[prefix+p] = true
	}
}

// flushInto creates dir and writes t into it.
func flushInto(dir string, t *tree) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	return t.flush(dir)
}

// ExpectFile is the name of a fixture's expectations.
const ExpectFile = "expect.json"

// expectDoc is expect.json.
type expectDoc struct {
	Description string            `json:"description"`
	Bundles     []string          `json:"bundles"`
	Model       expectModel       `json:"model"`
	Findings    []ExpectFinding   `json:"findings"`
	Verdicts    map[string]string `json:"verdicts"`
}

// expectModel is what the loaded model must show (facts of the scenario).
type expectModel struct {
	Hostname    string            `json:"hostname"`
	Kernel      string            `json:"kernel"`
	Samples     int               `json:"samples"`
	OnlineCPUs  string            `json:"online_cpus"`
	Nodes       map[string]string `json:"nodes"`
	SMT         bool              `json:"smt"`
	NICs        []expectNIC       `json:"nics"`
	InputsNotOK []ExpectInput     `json:"inputs_not_ok"`
}

// expectNIC is one physical NIC of the model. Queues counts its queue
// vectors (misc vectors excluded; virtio input.M and output.M are two).
type expectNIC struct {
	Name      string `json:"name"`
	Driver    string `json:"driver"`
	PCI       string `json:"pci"`
	NUMANode  int    `json:"numa_node"`
	Queues    int    `json:"queues"`
	QueueMap  string `json:"queue_map"`
	RingRX    int    `json:"ring_rx"`
	RingRXMax int    `json:"ring_rx_max"`
}

// WriteFixture writes a whole fixture directory: the bundle(s) of
// sc.Bundle and expect.json. dir must not hold anything else.
func WriteFixture(dir string, sc Scenario) error {
	t, err := buildFixture(sc)
	if err != nil {
		return err
	}
	return flushInto(dir, t)
}

// buildFixture builds a fixture directory in memory.
func buildFixture(sc Scenario) (*tree, error) {
	m, err := newModel(sc)
	if err != nil {
		return nil, err
	}
	t := newTree()
	var bundles []string
	samples := m.samples()
	switch m.sc.Bundle {
	case BundleCollect:
		if err := m.addCollect(t, ""); err != nil {
			return nil, err
		}
		bundles = []string{"."}
	case BundleSosreport:
		bundles = []string{m.addSosreport(t, "", 0)}
		samples = 1
	case BundleSosreports:
		for s := range m.times {
			bundles = append(bundles, m.addSosreport(t, "", s))
		}
	default:
		return nil, fmt.Errorf("fixturegen: %s: unknown bundle kind %q", sc.Name, m.sc.Bundle)
	}
	doc, err := m.expect(bundles, samples)
	if err != nil {
		return nil, err
	}
	t.file(ExpectFile, doc)
	return t, nil
}

// expect renders expect.json: the scenario's facts and the author's
// declared findings and verdicts.
func (m *model) expect(bundles []string, samples int) ([]byte, error) {
	last := samples - 1
	em := expectModel{
		Hostname: m.sc.Hostname, Kernel: m.sc.Kernel, Samples: samples,
		OnlineCPUs: cpuList(m.online(last)), Nodes: map[string]string{}, SMT: m.smt(),
		NICs: []expectNIC{}, InputsNotOK: m.inputsNotOK(),
	}
	for i := range m.nodes {
		em.Nodes[fmt.Sprint(i)] = cpuList(m.nodeOnline(i, last))
	}
	qm := "names"
	if m.sc.Bundle == BundleCollect {
		qm = "msi_irqs"
	}
	for _, n := range m.nics {
		if !n.hasDevice() || n.Hidden || m.noNetworking() {
			continue
		}
		numa := n.NUMANode
		if m.sc.Bundle != BundleCollect && !m.sos.ge(3, 7, 0) {
			numa = -1 // sos < 3.7 did not copy device/numa_node
		}
		en := expectNIC{Name: n.Name, Driver: n.Driver, PCI: n.PCI, NUMANode: numa, Queues: len(n.queues), QueueMap: qm}
		if r := n.Ring; r.RXMax != 0 {
			en.RingRX, en.RingRXMax = r.RX, r.RXMax
		} else if n.Kind == KindVirtio {
			en.RingRX, en.RingRXMax = 256, 256
		} else {
			en.RingRX, en.RingRXMax = 512, 4096
		}
		em.NICs = append(em.NICs, en)
	}
	findings := m.sc.Expect.Findings
	if findings == nil {
		findings = []ExpectFinding{}
	}
	sort.SliceStable(findings, func(i, j int) bool {
		if findings[i].Check != findings[j].Check {
			return findings[i].Check < findings[j].Check
		}
		return findings[i].Subject < findings[j].Subject
	})
	verdicts := m.sc.Expect.Verdicts
	if verdicts == nil {
		verdicts = map[string]string{}
	}
	doc := expectDoc{Description: m.sc.Description, Bundles: bundles, Model: em, Findings: findings, Verdicts: verdicts}
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// inputsNotOK lists the inputs the fixture cannot provide: the author's
// (Expect.InputsNotOK) and every ethtool output that holds only ethtool's
// error text (lo, bridges, veths), which loads as "missing".
func (m *model) inputsNotOK() []ExpectInput {
	out := append([]ExpectInput{}, m.sc.Expect.InputsNotOK...)
	names := map[string]string{"-S": "ethtool_stats", "-i": "ethtool_info", "-g": "ethtool_ring", "-l": "ethtool_channels"}
	for _, n := range m.nics {
		if n.Hidden || m.noNetworking() {
			continue
		}
		for opt, b := range m.ethtoolFiles(n, 0) {
			if name, ok := names[opt]; ok && ethtoolError(b) {
				out = append(out, ExpectInput{Name: name, Subject: n.Name, Status: "missing"})
			}
		}
	}
	out = append(out, m.netInputsNotOK()...)
	out = append(out, m.configInputsNotOK()...)
	out = append(out, m.powerInputsNotOK()...)
	out = append(out, m.steeringInputsNotOK()...)
	sort.Slice(out, func(i, j int) bool {
		if out[i].Name != out[j].Name {
			return out[i].Name < out[j].Name
		}
		return out[i].Subject < out[j].Subject
	})
	return out
}

// ethtoolError reports whether an ethtool output is one of the error texts.
func ethtoolError(b []byte) bool {
	switch string(b) {
	case ethtoolNoStats, ethtoolNoDrvinfo, ethtoolNoRing, ethtoolNoChan, ethtoolNoModule:
		return true
	}
	return false
}

// FixtureDirs lists the directories WriteFixtures creates, sorted.
func FixtureDirs() []string {
	var out []string
	for _, f := range Fixtures() {
		out = append(out, f.Name)
	}
	sort.Strings(out)
	return out
}

// FixturesGoMod is fixtures/go.mod. It makes the fixtures directory a
// module of its own, so that the main module's zip (go install ...@version)
// leaves it out: sysfs paths such as sys/devices/pci0000:00/ hold a ':',
// which module zips refuse ("malformed file path"), and the zip would drop
// the symbolic links anyway. The directory holds no Go code.
const FixturesGoMod = `// The fixtures are test data with sysfs paths (pci0000:00) that Go module
// zips refuse; this go.mod keeps them out of the netdoctor module's zip.
module github.com/netdoctor/netdoctor/fixtures

go 1.26
`

// WriteFixtures writes every fixture of Fixtures into root/NAME, the
// README and go.mod; root/NAME must not exist yet.
func WriteFixtures(root string) error {
	for _, sc := range Fixtures() {
		if err := WriteFixture(filepath.Join(root, sc.Name), sc); err != nil {
			return fmt.Errorf("%s: %w", sc.Name, err)
		}
	}
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte(FixturesGoMod), 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(root, "README.md"), []byte(FixturesReadme()), 0o644)
}

// noNetworking reports whether the bundle lacks the networking plugin's
// files (a sosreport taken with -n networking).
func (m *model) noNetworking() bool { return m.sc.NoNetworking && m.sc.Bundle != BundleCollect }
