package parse

import (
	"strconv"
	"strings"
	"testing"
)

const bondLACP = `Ethernet Channel Bonding Driver: v5.15.0-91-generic

Bonding Mode: IEEE 802.3ad Dynamic link aggregation
Transmit Hash Policy: layer3+4 (1)
MII Status: up
MII Polling Interval (ms): 100
Up Delay (ms): 0
Down Delay (ms): 0
Peer Notification Delay (ms): 0

802.3ad info
LACP active: on
LACP rate: fast
Min links: 0
Aggregator selection policy (ad_select): stable
System priority: 65535
System MAC address: 3c:fd:fe:00:00:01
Active Aggregator Info:
	Aggregator ID: 1
	Number of ports: 1
	Actor Key: 15
	Partner Key: 32785
	Partner Mac Address: 00:23:04:ee:be:01

Slave Interface: eno1
MII Status: up
Speed: 10000 Mbps
Duplex: full
Link Failure Count: 0
Permanent HW addr: 3c:fd:fe:00:00:01
Slave queue ID: 0
Aggregator ID: 1
Actor Churn State: none

Slave Interface: eno2
MII Status: up
Speed: 10000 Mbps
Duplex: full
Link Failure Count: 3
Permanent HW addr: 3c:fd:fe:00:00:02
Slave queue ID: 0
Aggregator ID: 2
Actor Churn State: churned
`

const bondActiveBackup = `Ethernet Channel Bonding Driver: v3.7.1 (April 27, 2011)

Bonding Mode: fault-tolerance (active-backup)
Primary Slave: None
Currently Active Slave: eth0
MII Status: up
MII Polling Interval (ms): 100

Slave Interface: eth0
MII Status: up
Speed: 1000 Mbps
Link Failure Count: 0

Slave Interface: eth1
MII Status: down
Speed: Unknown
Link Failure Count: 1
`

func TestBonding(t *testing.T) {
	tests := []struct {
		name, in string
		want     string
		err      string
	}{
		{name: "802.3ad with a slave in another aggregator", in: bondLACP,
			want: "IEEE 802.3ad Dynamic link aggregation up agg=1 [eno1 up 10000 0 1] [eno2 up 10000 3 2]"},
		{name: "active-backup with a slave down", in: bondActiveBackup,
			want: "fault-tolerance (active-backup) up active=eth0 [eth0 up 1000 0 0] [eth1 down -1 1 0]"},
		{name: "not a bonding file", in: "hello\nworld\n", err: "no Bonding Mode"},
		{name: "empty", in: "", err: "no Bonding Mode"},
		{name: "bad counts keep the rest", in: "Bonding Mode: balance-rr\nSlave Interface: a\nLink Failure Count: x\nAggregator ID: -1\n",
			want: "balance-rr  [a  -1 0 0]", err: "bad link failure count"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Bonding([]byte(tc.in))
			if tc.err == "" && err != nil || tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)) {
				t.Fatalf("err = %v, want %q", err, tc.err)
			}
			if tc.want == "" {
				return
			}
			got := b.Mode + " " + b.MIIStatus
			if b.ActiveSlave != "" {
				got += " active=" + b.ActiveSlave
			}
			if b.AggregatorID != 0 {
				got += " agg=" + itoa(b.AggregatorID)
			}
			for _, s := range b.Slaves {
				got += " [" + s.Name + " " + s.MIIStatus + " " + itoa(s.Speed) + " " + itoa(int(s.LinkFailures)) + " " + itoa(s.AggregatorID) + "]"
			}
			if got != tc.want {
				t.Errorf("got  %q\nwant %q", got, tc.want)
			}
		})
	}
}

func FuzzBonding(f *testing.F) {
	f.Add([]byte(bondLACP))
	f.Add([]byte(bondActiveBackup))
	f.Add([]byte("Bonding Mode:\nSlave Interface:\nAggregator ID: 99999999999\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		bond, err := Bonding(b)
		if err != nil && !strings.HasPrefix(err.Error(), "bonding: ") {
			t.Fatalf("error does not name the file: %v", err)
		}
		if len(bond.Slaves) > maxBondSlaves {
			t.Fatalf("%d slaves kept", len(bond.Slaves))
		}
		for _, s := range bond.Slaves {
			if s.Speed < -1 || s.AggregatorID < 0 {
				t.Fatalf("bad slave %+v", s)
			}
		}
	})
}

func itoa(n int) string { return strconv.Itoa(n) }
