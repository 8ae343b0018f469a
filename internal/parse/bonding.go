package parse

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/netdoctor/netdoctor/internal/host"
)

// maxBondSlaves bounds the slaves kept from one bonding file.
const maxBondSlaves = 256

// Bonding parses /proc/net/bonding/NAME:
//
//	Bonding Mode: IEEE 802.3ad Dynamic link aggregation
//	MII Status: up
//	Active Aggregator Info:
//		Aggregator ID: 1
//	Slave Interface: eno1
//	MII Status: up
//	Speed: 10000 Mbps
//	Link Failure Count: 0
//	Aggregator ID: 1
//
// Lines before the first "Slave Interface" describe the master (its
// "Aggregator ID" is the active aggregator's); each "Slave Interface"
// opens a slave. Unknown lines are skipped. A file with no "Bonding Mode"
// is an error.
func Bonding(b []byte) (host.Bond, error) {
	const file = "bonding"
	var bond host.Bond
	errs := rowErrors{file: file}
	var cur *host.BondSlave
	sc := lineScanner{b: b}
	found := false
	for {
		line, num, ok := sc.next()
		if !ok {
			break
		}
		k, v, ok := bytes.Cut(trimSpace(line), []byte(":"))
		if !ok {
			continue
		}
		key := string(trimSpace(k))
		val := strings.ToValidUTF8(string(trimSpace(v)), "\uFFFD")
		switch key {
		case "Bonding Mode":
			bond.Mode = val
			found = true
		case "Currently Active Slave":
			if cur == nil {
				bond.ActiveSlave = val
			}
		case "Slave Interface":
			if len(bond.Slaves) >= maxBondSlaves {
				errs.addf(num, "more than %d slaves", maxBondSlaves)
				cur = nil
				sc.pos = len(sc.b)
				continue
			}
			bond.Slaves = append(bond.Slaves, host.BondSlave{Name: val, Speed: -1})
			cur = &bond.Slaves[len(bond.Slaves)-1]
		case "MII Status":
			if cur != nil {
				cur.MIIStatus = val
			} else {
				bond.MIIStatus = val
			}
		case "Speed":
			if cur != nil {
				if n, ok := parseSmallInt([]byte(strings.TrimSuffix(val, " Mbps")), 1<<30); ok {
					cur.Speed = n
				}
			}
		case "Link Failure Count":
			if cur != nil {
				n, err := strconv.ParseUint(val, 10, 64)
				if err != nil {
					errs.addf(num, "bad link failure count %s", quote([]byte(val)))
					continue
				}
				cur.LinkFailures = n
			}
		case "Aggregator ID":
			n, ok := parseSmallInt([]byte(val), 1<<20)
			if !ok {
				errs.addf(num, "bad aggregator ID %s", quote([]byte(val)))
				continue
			}
			if cur != nil {
				cur.AggregatorID = n
			} else if bond.AggregatorID == 0 {
				bond.AggregatorID = n
			}
		}
	}
	if !found {
		errs.addf(0, "no Bonding Mode line")
	}
	return bond, errs.err()
}
