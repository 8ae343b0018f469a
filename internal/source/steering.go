package source

import (
	"errors"
	"io/fs"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/parse"
	"github.com/netdoctor/netdoctor/internal/parse/cmdout"
)

// The steering inputs of a NIC: the per-queue RPS flow counts and XPS
// masks of sysfs queues/ (nic_queues) and the RSS indirection table
// (rss_table). A sosreport holds neither: sos copies no file of
// sys/class/net/*/queues/, and its networking plugin runs ethtool with the
// short options acdgiklmPST only, never -x.

// Why the steering inputs are missing from a sosreport.
const (
	noteSosQueues = "sosreport does not collect sys/class/net/*/queues/"
	noteSosRSS    = "sosreport does not collect ethtool -x (sos runs ethtool -a -c -d -g -i -k -l -m -P -S -T only)"
)

// readQueueSteering reads, for queue directory q ("rx-3", "tx-3") of a
// device-backed NIC, rps_flow_cnt or xps_cpus and xps_rxqs. Files a
// kernel lacks (xps_rxqs before 4.18, XPS on a single-queue device) are
// skipped.
func (l *loader) readQueueSteering(n *host.NIC, dir string, rx bool, idx int) {
	if rx {
		b, err := l.readFile(dir + "/rps_flow_cnt")
		if err != nil {
			return
		}
		v, perr := safe(func() (int64, error) { return parse.Int(b) })
		if perr != nil || v < 0 || v > 1<<31 {
			return
		}
		if n.RPSFlowCnt == nil {
			n.RPSFlowCnt = map[int]int{}
		}
		n.RPSFlowCnt[idx] = int(v)
		return
	}
	if b, err := l.readFile(dir + "/xps_cpus"); err == nil {
		if v, perr := l.cpus.maskTrimmed(b); perr == nil {
			if n.XPS == nil {
				n.XPS = map[int][]int{}
			}
			n.XPS[idx] = v
		}
	}
	if b, err := l.readFile(dir + "/xps_rxqs"); err == nil {
		if v, perr := l.cpus.maskTrimmed(b); perr == nil {
			if n.XPSRxqs == nil {
				n.XPSRxqs = map[int][]int{}
			}
			n.XPSRxqs[idx] = v
		}
	}
}

// recordQueues records nic_queues for a device-backed NIC: ok when its
// queues/ directory was read (even if the kernel has no XPS files),
// missing otherwise, with the reason when it is a sosreport's.
func (l *loader) recordQueues(n *host.NIC, dir string, read bool) {
	if !n.DeviceBacked() {
		return
	}
	switch {
	case read:
		l.record(host.InputNICQueues, n.Name, dir, nil, "")
	case l.kind == KindSosreport:
		l.record(host.InputNICQueues, n.Name, dir, missingErr(noteSosQueues), "")
	default:
		l.record(host.InputNICQueues, n.Name, dir, missingErr("no queues/ directory"), "")
	}
}

// ioctlRSS names the live source of ethtool -x.
const ioctlRSS = "ioctl ETHTOOL_GRXRINGS + ETHTOOL_GRXFHINDIR"

// rssProber answers ethtool -x live.
type rssProber interface {
	rss(dev string) (host.RSSTable, error)
}

func (p *ethtoolProber) rss(dev string) (host.RSSTable, error) { return readRSSTable(dev) }

// loadRSS reads a device-backed NIC's RSS indirection table: live through
// the ioctls (written into a collect bundle as ethtool -x prints it),
// offline from ethtool_-x_DEV (collect bundles; a sosreport has none).
func (l *loader) loadRSS(n *host.NIC) {
	if !l.live {
		b, at, err := l.read(ethtoolCands("-x", n.Name))
		if err != nil {
			if l.kind == KindSosreport && errors.Is(err, fs.ErrNotExist) {
				err = missingErr(noteSosRSS)
			}
			l.record(host.InputRSSTable, n.Name, at, err, "")
			return
		}
		t, perr := safe(func() (host.RSSTable, error) { return cmdout.EthtoolRSS(b) })
		l.record(host.InputRSSTable, n.Name, at, perr, "")
		if perr == nil {
			n.RSSTable = &t
		}
		return
	}
	rp, ok := l.prober.(rssProber)
	if !ok {
		return
	}
	t, err := rp.rss(n.Name)
	l.record(host.InputRSSTable, n.Name, ioctlRSS, err, "")
	switch {
	case err == nil:
		n.RSSTable = &t
		if l.put != nil {
			l.put(ethtoolPath("-x", n.Name), cmdout.FormatEthtoolRSS(n.Name, t))
		}
	case l.put != nil && errors.Is(err, errNotSupported):
		l.put(ethtoolPath("-x", n.Name), []byte("Cannot get RX ring count: Operation not supported\n"))
	}
}
