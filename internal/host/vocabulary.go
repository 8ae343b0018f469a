package host

// The names of the host model that cross layers: every input a source may
// record (the Input* constants of model.go) and the kinds of interface.
// report/CONTRACT.md documents them; the report, show and the checks use
// these constants, never their own spellings.

// KnownInputs lists every Input* name, in the order of model.go. A check
// may Need only these; TestKnownInputsComplete fails when an Input*
// constant is missing here.
var KnownInputs = []string{
	InputUname, InputHostname, InputDate, InputStat, InputCmdline, InputCPUTopology,
	InputNUMANodes, InputInterrupts, InputIRQAffinity, InputSoftirqs, InputSoftnet,
	InputNetDev, InputNetstat, InputSNMP, InputSysctl, InputNICs, InputNICSysfs,
	InputEthtoolInfo, InputEthtoolStats, InputEthtoolRing, InputEthtoolChan,
	InputProcesses, InputThreads, InputIrqbalance,
	InputConntrackStat, InputArpCache, InputNdiscCache, InputSockstat, InputSockstat6,
	InputSNMP6, InputUDP, InputUDP6, InputSocketOwners, InputKernelLog, InputNICLink,
	InputEthtoolLink, InputEthtoolModule, InputNamespaces, InputProcessVisibility,
	InputEthtoolFeatures, InputBonding, InputRPFilter, InputEthtoolPause, InputPCIeLink, InputEthtoolCoalesce,
	InputTCP, InputTCP6, InputSSListen,
	InputCPUFreq, InputIntelPstate, InputCPUIdle,
	InputNICQueues, InputRSSTable, InputTuned,
}

// The kinds of interface (NIC.Kind): an open set, which may gain values.
const (
	// KindPhysical is a device link to a PCI function, directly or through
	// virtio.
	KindPhysical = "physical"
	// The kinds of software interfaces, which have no device link.
	KindLoopback = "loopback"
	KindBond     = "bond"
	KindBridge   = "bridge"
	KindVLAN     = "vlan"
	KindVeth     = "veth"
	KindTun      = "tun"
	// KindVirtual is any other interface without a device link.
	KindVirtual = "virtual"
)
