package fixturegen

// Fixtures of the configuration checks that read data netdoctor already
// loads: queue counts, RPS, queue balance, link utilization, isolated
// CPUs, irqbalance and application NUMA placement. Each fires in one
// scenario and stays silent (or a notice) in its near miss.

// Check IDs of the configuration checks.
const (
	chkFewQueues = "few-queue-saturation"
)

// singleQueueConfigFindings are the configuration notices of
// irq-cpu0-singlequeue: each igb port runs one of eight channels on a
// four-core host, with no loss, so a notice each.
var singleQueueConfigFindings = []ExpectFinding{
	{Check: chkFewQueues, Subject: "eth0", Severity: sevNotice},
	{Check: chkFewQueues, Subject: "eth1", Severity: sevNotice},
}

// configBChecks are the check IDs this file's fixtures declare.
var configBChecks = []string{chkFewQueues}
