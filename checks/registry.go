package checks

// Registry returns the checks netdoctor runs, in report order: the one
// explicit list. The slice is new on every call; the checks are shared.
func Registry() []*Check {
	return []*Check{
		IRQConcentration,
		NICNUMARemote,
		SoftnetBacklogDrops,
		NICRxFIFOMissed,
		CloudNICLimits,
		NICLinkErrors,
		IRQHTSiblings,
		TCPTwRecycleNAT,
		AppOnIRQCPUs,
		FewQueueSaturation,
		QueueCountVsCores,
		NICUtilization,
		RSSQueueImbalance,
		IRQsOnIsolatedCPUs,
		IrqbalanceConflict,
		AppNUMARemote,
		ConntrackTableFull,
		TCPListenOverflow,
		UDPRcvbufErrors,
		SoftirqBudgetSqueeze,
		MTUMismatch,
		TCPMemoryPressure,
		NeighbourTableOverflow,
		StackDrops,
		LROForwarding,
		BondDegraded,
		RPFilterDrops,
		PCIeLinkDowngrade,
		PauseFrames,
		MSIXDisabled,
		CPUPowerIRQCPUs,
		RFSHalfConfigured,
		NtupleOffRFS,
		XPSUnset,
		BusyPollGlobal,
		TunedProfileDrift,
	}
}

// Lookup returns the registered check with this ID, or nil.
func Lookup(id string) *Check {
	for _, c := range Registry() {
		if c.ID == id {
			return c
		}
	}
	return nil
}
