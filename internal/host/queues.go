package host

import (
	"cmp"
	"slices"
	"strings"
)

// Queue-map methods recorded in NIC.QueueMap.
const (
	QueueMapMSI   = "msi_irqs"
	QueueMapChip  = "chip"
	QueueMapNames = "names"
)

// MapQueues fills every NIC's Queues, MiscIRQs and QueueMap from the
// snapshot's interrupts (docs/receive-path.md §4). It
// replaces what those fields held, so it may be called again after a change.
//
// Then the chip column: an IRQ whose controller is the per-device MSI domain
// of a NIC's PCI function ("PCI-MSIX-0000:00:05.0", kernels that print it)
// belongs to that NIC, read like an msi_irqs vector; QueueMap is "chip".
//
// Primary source: NIC.MSIIRQs (device/msi_irqs, live only). Every listed IRQ
// that /proc/interrupts shows belongs to the NIC; it is a queue when one of
// its action names has a queue pattern (for this NIC's name, device or PCI
// address, else for any name: an interface renamed after its vectors were
// requested keeps the old names) and misc otherwise. QueueMap is "msi_irqs".
//
// Fallback: action names. Each action name is matched against exact NIC
// names, never substrings ("eth1" does not match "eth10-TxRx-0"):
//
//	DEV-TxRx-N, DEV-txrx-N, DEV-rxtx-N, DEV-Tx-Rx-N,    combined N (ixgbe, igb, bnxt, tg3, vmxnet3, ena,
//	DEV-fp-N, DEV-qN, DEV-N                             qede/bnx2x, be2net, bnx2/mlx4_en/sfc)
//	DEV-rx-N / DEV-tx-N                                 rx N / tx N (split vectors: igb, ixgbe, e1000e, tg3)
//	DEV-tx-K-rx-N                                       rx N (qlcnic: one vector for TX ring K and RX ring N;
//	                                                    netdoctor is about the receive path, so it is RX queue N)
//	i40e-DEV-TxRx-N, ice-…, iavf-…, i40evf-…, DRIVER-…  the same patterns behind a driver prefix (the known
//	                                                    Intel ones, or the NIC's own Driver)
//	DEV-event-N                                         misc (vmxnet3's event vector)
//	DEV                                                 misc, unless it is the NIC's only vector and no queue
//	                                                    vector was found: then it is combined queue 0
//	                                                    (single-vector MSI or legacy INTx NICs)
//	virtioN-input.M / virtioN-output.M                  rx M / tx M, virtioN = NIC.Device
//	virtioN-virtqueues                                  combined 0 (all queues share one vector)
//	virtioN-config                                      misc; virtioN alone: as DEV alone
//	mlx5_compN@pci:ADDR, mlx4-comp-N@pci:ADDR,          combined N, ADDR = NIC.PCI (or NIC.Device), unless
//	gve-ntfy-blkN@pci:ADDR (Google gVNIC)
//	                                                    the NIC has queue vectors named after it: then misc
//	                                                    (mlx4_en's per-port DEV-N vectors beside the core's
//	                                                    shared mlx4-comp EQs; both ports share one ADDR)
//	anything else @pci:ADDR (mlx5_async_eq, mlx4-async) misc; DRIVER@pci:ADDR with the NIC's own driver
//	                                                    (skge) is treated as DEV alone
//	DRIVER-ADDR:anything (i40e-ADDR:misc, :fdir-TxRx-0) misc
//
// When several readings fit, the longest exact NIC name wins ("eth0-1" is
// the NIC eth0-1 when it exists, else queue 1 of eth0). Names with a queue
// number of more than 9 digits are not queue names. Kinds whose drivers
// request no interrupts (loopback, bond, bridge, vlan, veth, tun) get no
// vectors: inside a container "eth0" is a veth and the host's eth0-TxRx-N
// vectors are not its own. Other non-physical kinds ("virtual") match by name
// only, never by device or PCI address; an unknown Kind ("") is treated as
// physical. An IRQ taken through msi_irqs is not
// also given to another NIC by name; a shared legacy IRQ naming two NICs
// goes to both. QueueMap is "names" when anything was found, else "".
//
// Queues are sorted by Index, then Dir, then IRQ; MiscIRQs ascending. The
// work is linear in the total length of the action names.
func MapQueues(s *Snapshot) {
	m := newQueueMapper(s)
	for i := range s.NICs {
		s.NICs[i].Queues = []Queue{} // JSON: [] rather than null
		s.NICs[i].MiscIRQs = nil
		s.NICs[i].QueueMap = ""
	}
	claimed := make(map[int]bool)
	// Pass 1: msi_irqs.
	for i := range s.NICs {
		n := &s.NICs[i]
		if len(n.MSIIRQs) == 0 || noIRQKinds[n.Kind] {
			continue
		}
		var found []nicVector
		for _, num := range SortedCPUs(n.MSIIRQs) { // sorted unique non-negative ints
			irq := m.irqs[num]
			if irq == nil {
				continue
			}
			found = append(found, nicVector{irq: irq.Num, v: m.classifyOwned(irq, i)})
		}
		if len(found) == 0 {
			continue // no listed IRQ is in /proc/interrupts: try names
		}
		m.msi[i] = true
		for _, f := range found {
			claimed[f.irq] = true
		}
		finishNIC(n, found, QueueMapMSI)
	}
	// Pass 1b: the PCI address in the chip column (PCI-MSIX-0000:00:05.0,
	// per-device MSI domains of newer kernels), for NICs msi_irqs did not map.
	chipFound := make(map[int][]nicVector)
	for qi := range s.Interrupts.IRQs {
		irq := &s.Interrupts.IRQs[qi]
		if claimed[irq.Num] {
			continue
		}
		addr := chipPCI(irq.Chip)
		if addr == "" {
			continue
		}
		for _, ni := range m.pci[addr] {
			if m.msi[ni] {
				continue
			}
			chipFound[ni] = append(chipFound[ni], nicVector{irq: irq.Num, v: m.classifyOwned(irq, ni)})
			claimed[irq.Num] = true
		}
	}
	for ni, found := range chipFound {
		m.msi[ni] = true
		finishNIC(&s.NICs[ni], found, QueueMapChip)
	}
	// Pass 2: names.
	perNIC := make(map[int][]nicVector)
	for qi := range s.Interrupts.IRQs {
		irq := &s.Interrupts.IRQs[qi]
		if claimed[irq.Num] {
			continue
		}
		best := map[int]vector{} // NIC index → best reading of this IRQ
		for _, a := range irq.Actions {
			nics, v := m.resolve(a)
			for _, ni := range nics {
				if m.msi[ni] {
					continue
				}
				if old, ok := best[ni]; !ok || v.class > old.class {
					best[ni] = v
				}
			}
		}
		for ni, v := range best {
			perNIC[ni] = append(perNIC[ni], nicVector{irq: irq.Num, v: v})
		}
	}
	for ni, found := range perNIC {
		slices.SortFunc(found, func(a, b nicVector) int { return cmp.Compare(a.irq, b.irq) })
		found = slices.CompactFunc(found, func(a, b nicVector) bool { return a.irq == b.irq })
		finishNIC(&s.NICs[ni], found, QueueMapNames)
	}
}

// noIRQKinds are interface kinds whose drivers request no interrupts.
var noIRQKinds = map[string]bool{
	KindLoopback: true, KindBond: true, KindBridge: true, KindVLAN: true, KindVeth: true, KindTun: true,
}

// knownDriverPrefixes are the drivers that put their name before the
// interface name in vector names (i40e-eth0-TxRx-0).
var knownDriverPrefixes = map[string]bool{"i40e": true, "i40evf": true, "iavf": true, "ice": true}

// maxQueueDigits bounds a queue number: longer numbers are not queue names.
const maxQueueDigits = 9

// vecClass is what a vector is to a NIC, in increasing order of preference.
type vecClass int

const (
	vecNone  vecClass = iota
	vecMisc           // a vector of the NIC that serves no queue
	vecAlone          // the bare device name: misc unless it is the only vector
	vecQueue          // a queue vector
)

type vector struct {
	class  vecClass
	index  int
	dir    string
	name   string // the action name
	byName bool   // read from the interface name, not a device or PCI address
}

type nicVector struct {
	irq int
	v   vector
}

// keyKind says which NIC field a candidate reading names.
type keyKind int

const (
	byName   keyKind = iota // NIC.Name
	byDevice                // NIC.Device (virtioN)
	byPCI                   // NIC.PCI or NIC.Device, lower case
)

// candidate is one reading of an action name: "the NIC whose field kind is
// key has this vector".
type candidate struct {
	kind keyKind
	key  string
	v    vector
}

type queueMapper struct {
	s      *Snapshot
	irqs   map[int]*IRQ
	name   map[string][]int
	device map[string][]int
	pci    map[string][]int
	msi    map[int]bool // NICs mapped through msi_irqs
}

func newQueueMapper(s *Snapshot) *queueMapper {
	m := &queueMapper{
		s:      s,
		irqs:   make(map[int]*IRQ, len(s.Interrupts.IRQs)),
		name:   make(map[string][]int),
		device: make(map[string][]int),
		pci:    make(map[string][]int),
		msi:    make(map[int]bool),
	}
	for i := range s.Interrupts.IRQs {
		q := &s.Interrupts.IRQs[i]
		if _, dup := m.irqs[q.Num]; !dup {
			m.irqs[q.Num] = q
		}
	}
	for i := range s.NICs {
		n := &s.NICs[i]
		if noIRQKinds[n.Kind] {
			continue
		}
		if n.Name != "" {
			m.name[n.Name] = append(m.name[n.Name], i)
		}
		if n.Kind != KindPhysical && n.Kind != "" {
			continue // no device link: names only
		}
		if n.Device != "" {
			m.device[n.Device] = append(m.device[n.Device], i)
		}
		for _, a := range []string{n.PCI, n.Device} {
			if a == "" {
				continue
			}
			a = strings.ToLower(a)
			if !slices.Contains(m.pci[a], i) {
				m.pci[a] = append(m.pci[a], i)
			}
		}
	}
	return m
}

// resolve finds the NICs an action name belongs to and what it is to them.
// Name readings are tried longest key first, each directly and then without a
// driver prefix; then device readings; then PCI readings.
func (m *queueMapper) resolve(action string) ([]int, vector) {
	cands := candidates(action, nil)
	for _, c := range cands {
		if c.kind != byName {
			continue
		}
		if nics := m.name[c.key]; len(nics) > 0 {
			return nics, c.v
		}
		if pfx, dev, ok := strings.Cut(c.key, "-"); ok && pfx != "" {
			var out []int
			for _, ni := range m.name[dev] {
				if knownDriverPrefixes[pfx] || (m.s.NICs[ni].Driver != "" && m.s.NICs[ni].Driver == pfx) {
					out = append(out, ni)
				}
			}
			if len(out) > 0 {
				return out, c.v
			}
		}
	}
	for _, kind := range []keyKind{byDevice, byPCI} {
		for _, c := range cands {
			if c.kind != kind {
				continue
			}
			tab := m.device
			if kind == byPCI {
				tab = m.pci
			}
			if nics := tab[c.key]; len(nics) > 0 {
				v := c.v
				// "skge@pci:ADDR": the driver's one vector, named after the driver.
				if d := m.s.NICs[nics[0]].Driver; kind == byPCI && v.class == vecMisc && d != "" && strings.HasPrefix(action, d+"@pci:") {
					v.class = vecAlone
				}
				return nics, v
			}
		}
	}
	return nil, vector{}
}

// classifyOwned reads an IRQ known to belong to NIC ni (msi_irqs): the best
// reading of its actions that names this NIC (queue, or the bare name), else
// any queue pattern, else misc.
func (m *queueMapper) classifyOwned(irq *IRQ, ni int) vector {
	best := vector{class: vecMisc}
	if len(irq.Actions) > 0 {
		best.name = irq.Actions[0]
	}
	for _, a := range irq.Actions {
		nics, v := m.resolve(a)
		if slices.Contains(nics, ni) && v.class > best.class {
			best = v
		}
	}
	if best.class != vecMisc {
		return best // a queue, or the NIC's own bare name
	}
	for _, a := range irq.Actions {
		if v, ok := anyQueuePattern(a); ok {
			return v
		}
	}
	return best
}

// anyQueuePattern reads a queue pattern whatever device it names: the most
// specific reading (shortest device part) wins; a device or PCI reading
// (virtio, @pci "comp") wins over any name reading.
func anyQueuePattern(action string) (vector, bool) {
	cands := candidates(action, nil)
	var best *candidate
	for i := range cands {
		c := &cands[i]
		if c.v.class != vecQueue {
			continue
		}
		if c.kind == byPCI || c.kind == byDevice {
			return c.v, true
		}
		if best == nil || len(c.key) < len(best.key) {
			best = c
		}
	}
	if best == nil || best.key == "" {
		return vector{}, false
	}
	return best.v, true
}

// finishNIC turns the vectors found for n into its Queues and MiscIRQs.
func finishNIC(n *NIC, found []nicVector, method string) {
	named := false
	for _, f := range found {
		named = named || (f.v.class == vecQueue && f.v.byName)
	}
	queues, alone := 0, 0
	for i := range found {
		f := &found[i]
		if named && f.v.class == vecQueue && !f.v.byName {
			f.v.class = vecMisc // mlx4 with per-port vectors: the comp EQs are the core's
		}
		switch f.v.class {
		case vecQueue:
			queues++
		case vecAlone:
			alone++
		}
	}
	for _, f := range found {
		switch {
		case f.v.class == vecQueue:
			n.Queues = append(n.Queues, Queue{Index: f.v.index, Dir: f.v.dir, IRQ: f.irq, Name: f.v.name})
		case f.v.class == vecAlone && queues == 0 && alone == 1:
			n.Queues = append(n.Queues, Queue{Index: 0, Dir: DirCombined, IRQ: f.irq, Name: f.v.name})
		default:
			n.MiscIRQs = append(n.MiscIRQs, f.irq)
		}
	}
	slices.SortFunc(n.Queues, func(a, b Queue) int {
		return cmp.Or(cmp.Compare(a.Index, b.Index), cmp.Compare(a.Dir, b.Dir), cmp.Compare(a.IRQ, b.IRQ))
	})
	slices.Sort(n.MiscIRQs)
	n.MiscIRQs = slices.Compact(n.MiscIRQs)
	if len(n.Queues) > 0 || len(n.MiscIRQs) > 0 {
		n.QueueMap = method
	}
}

// candidates appends to out every reading of action, name readings sorted
// by decreasing key length. It does a bounded number of suffix checks and
// allocates only the result.
func candidates(action string, out []candidate) []candidate {
	add := func(kind keyKind, key string, class vecClass, index int, dir string) {
		out = append(out, candidate{kind: kind, key: key, v: vector{class: class, index: index, dir: dir, name: action, byName: kind == byName}})
	}
	if action == "" {
		return out
	}
	// PCI forms: "mlx5_comp3@pci:0000:01:00.0", "mlx4-async@pci:…".
	if i := strings.LastIndex(action, "@pci:"); i >= 0 {
		pre, addr := action[:i], strings.ToLower(action[i+len("@pci:"):])
		if addr != "" {
			if rest, n, ok := cutDigits(pre); ok && (strings.HasSuffix(strings.TrimSuffix(rest, "-"), "comp") || strings.HasSuffix(rest, "-ntfy-blk")) {
				add(byPCI, addr, vecQueue, n, DirCombined)
			} else {
				add(byPCI, addr, vecMisc, 0, "")
			}
		}
		return out
	}
	// "DRIVER-ADDR:what" (i40e-0000:01:00.0:misc, …:fdir-TxRx-0): misc.
	// Interface names cannot hold ':', so this is never a name reading.
	if j := strings.LastIndexByte(action, ':'); j >= 0 {
		if i := strings.IndexByte(action, '-'); i > 0 && i+1 < j {
			add(byPCI, strings.ToLower(action[i+1:j]), vecMisc, 0, "")
		}
		return out
	}
	// virtio: "virtio2-input.0", "virtio2-output.0", "virtio2-config",
	// "virtio2-virtqueues", legacy "virtio2".
	if strings.HasPrefix(action, "virtio") {
		if rest, n, ok := cutSepDigits(action, '.'); ok {
			if dev, ok := strings.CutSuffix(rest, "-input"); ok {
				add(byDevice, dev, vecQueue, n, DirRX)
			} else if dev, ok := strings.CutSuffix(rest, "-output"); ok {
				add(byDevice, dev, vecQueue, n, DirTX)
			}
		} else if dev, ok := strings.CutSuffix(action, "-virtqueues"); ok {
			add(byDevice, dev, vecQueue, 0, DirCombined)
		} else if dev, ok := strings.CutSuffix(action, "-config"); ok {
			add(byDevice, dev, vecMisc, 0, "")
		} else {
			add(byDevice, action, vecAlone, 0, "")
		}
	}
	// Name forms. The whole name is the longest key.
	add(byName, action, vecAlone, 0, "")
	if rest, n, ok := cutSepDigits(action, '-'); ok {
		add(byName, rest, vecQueue, n, DirCombined) // DEV-N
		for _, tok := range []string{"-txrx", "-rxtx", "-tx-rx", "-fp"} {
			if dev, ok := cutSuffixFold(rest, tok); ok {
				add(byName, dev, vecQueue, n, DirCombined)
			}
		}
		if dev, ok := cutSuffixFold(rest, "-rx"); ok {
			add(byName, dev, vecQueue, n, DirRX)
			if r2, _, ok := cutSepDigits(dev, '-'); ok { // qlcnic DEV-tx-K-rx-N
				if dev2, ok := cutSuffixFold(r2, "-tx"); ok {
					add(byName, dev2, vecQueue, n, DirRX)
				}
			}
		}
		if dev, ok := cutSuffixFold(rest, "-tx"); ok {
			add(byName, dev, vecQueue, n, DirTX)
		}
		if dev, ok := cutSuffixFold(rest, "-event"); ok { // vmxnet3 DEV-event-N
			add(byName, dev, vecMisc, 0, "")
		}
	}
	if rest, n, ok := cutDigits(action); ok { // be2net DEV-qN
		if dev, ok := cutSuffixFold(rest, "-q"); ok {
			add(byName, dev, vecQueue, n, DirCombined)
		}
	}
	slices.SortStableFunc(out, func(a, b candidate) int {
		if a.kind != b.kind {
			return cmp.Compare(a.kind, b.kind)
		}
		return cmp.Compare(len(b.key), len(a.key))
	})
	return out
}

// cutDigits splits s into a prefix and a trailing run of 1..maxQueueDigits
// ASCII digits.
func cutDigits(s string) (rest string, n int, ok bool) {
	i := len(s)
	for i > 0 && s[i-1] >= '0' && s[i-1] <= '9' {
		i--
		if len(s)-i > maxQueueDigits {
			return "", 0, false
		}
	}
	if i == len(s) {
		return "", 0, false
	}
	for _, c := range s[i:] {
		n = n*10 + int(c-'0')
	}
	return s[:i], n, true
}

// cutSepDigits splits "PREFIX<sep>DIGITS" with a non-empty prefix.
func cutSepDigits(s string, sep byte) (rest string, n int, ok bool) {
	rest, n, ok = cutDigits(s)
	if !ok || len(rest) < 2 || rest[len(rest)-1] != sep {
		return "", 0, false
	}
	return rest[:len(rest)-1], n, true
}

// cutSuffixFold is strings.CutSuffix with ASCII case folding, requiring a
// non-empty prefix.
func cutSuffixFold(s, suffix string) (string, bool) {
	if len(s) <= len(suffix) || !strings.EqualFold(s[len(s)-len(suffix):], suffix) {
		return "", false
	}
	return s[:len(s)-len(suffix)], true
}

// chipPCI returns the PCI address at the end of a chip column
// ("PCI-MSIX-0000:00:05.0", "PCI-MSI-0000:3b:00.0"), lower case, or "".
func chipPCI(chip string) string {
	i := strings.LastIndexByte(chip, '-')
	if i < 0 || !strings.Contains(chip[:i], "MSI") {
		return ""
	}
	a := strings.ToLower(chip[i+1:])
	// domain:bus:dev.fn, e.g. 0000:00:05.0
	c := strings.IndexByte(a, ':')
	if c < 4 || len(a) != c+8 || a[c+3] != ':' || a[c+6] != '.' {
		return ""
	}
	return a
}
