package fixturegen

// Fixtures of the configuration checks that read data netdoctor already
// loads: queue counts, RPS, queue balance, link utilization, isolated
// CPUs, irqbalance and application NUMA placement. Each fires in one
// scenario and stays silent (or a notice) in its near miss.

// Check IDs of the configuration checks.
const (
	chkFewQueues  = "few-queue-saturation"
	chkQueueCount = "queue-count-vs-cores"
	chkAppNUMA    = "app-numa-remote"
	chkNICUtil    = "nic-utilization"
	chkRSSImbal   = "rss-queue-imbalance"
	chkIsolated   = "irqs-on-isolated-cpus"
	chkIrqbalance = "irqbalance-conflict"
)

// configBFindings are the findings of the configuration checks in the
// fixtures of other files, by fixture name: each is a true statement
// about that host's configuration, a notice without a loss.
var configBFindings = map[string][]ExpectFinding{
	// Each igb port runs one of eight channels on a four-core host.
	"irq-cpu0-singlequeue": {
		{Check: chkFewQueues, Subject: "eth0", Severity: sevNotice},
		{Check: chkFewQueues, Subject: "eth1", Severity: sevNotice},
	},
	// Eight queues on four cores with softnet drops on CPU 0, which serves them all.
	// The java cache server runs on CPUs 5 and 6 of node 1, eth0 is on node 0.
	"irq-cpu0": {
		{Check: chkQueueCount, Subject: "eth0", Severity: sevWarning},
		{Check: chkAppNUMA, Subject: "java", PIDs: []int{2841}, Severity: sevNotice},
	},
	// Eight queues on four cores (E3-1271 with hyperthreads).
	"irq-spread-lowprio":     {{Check: chkQueueCount, Subject: "eth0", Severity: sevNotice}},
	"ht-queues-exceed-cores": {{Check: chkQueueCount, Subject: "eth0", Severity: sevNotice}},
	// Fifteen active queues per port for eight cores per node.
	"two-nic-bans": {
		{Check: chkQueueCount, Subject: "eth0", Severity: sevNotice},
		{Check: chkQueueCount, Subject: "eth1", Severity: sevNotice},
	},
}

// withConfigB adds the configuration checks' expected findings (and a
// fail verdict where they fire) to the fixtures of other files.
func withConfigB(scs []Scenario) []Scenario {
	for i := range scs {
		fs := configBFindings[scs[i].Name]
		scs[i].Expect.Findings = append(scs[i].Expect.Findings, fs...)
		if len(fs) > 0 && scs[i].Expect.Verdicts == nil {
			scs[i].Expect.Verdicts = Verdicts{}
		}
		for _, f := range fs {
			scs[i].Expect.Verdicts[f.Check] = vFail
		}
	}
	return scs
}

// configBChecks are the check IDs this file's fixtures declare.
var configBChecks = []string{chkFewQueues, chkQueueCount, chkNICUtil, chkRSSImbal, chkIsolated, chkIrqbalance, chkAppNUMA}
