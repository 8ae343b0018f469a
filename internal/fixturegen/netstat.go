package fixturegen

import (
	"fmt"
	"strings"
)

// netField is one counter name of /proc/net/netstat or snmp with the
// kernel versions that print it ([since, until), zero = always).
type netField struct {
	name         string
	since, until [2]int
}

func nf(name string) netField { return netField{name: name} }
func nfSince(name string, major, minor int) netField {
	return netField{name: name, since: [2]int{major, minor}}
}
func nfUntil(name string, major, minor int) netField {
	return netField{name: name, until: [2]int{major, minor}}
}

func fields(names string) []netField {
	var out []netField
	for _, n := range strings.Fields(names) {
		out = append(out, nf(n))
	}
	return out
}

// tcpExtFields is TcpExt in the order of current kernels, tagged with the
// versions that added or removed each counter.
var tcpExtFields = func() []netField {
	f := fields("SyncookiesSent SyncookiesRecv SyncookiesFailed EmbryonicRsts PruneCalled RcvPruned OfoPruned OutOfWindowIcmps LockDroppedIcmps ArpFilter TW TWRecycled TWKilled")
	f = append(f, nfUntil("PAWSPassive", 4, 12), nf("PAWSActive"), nf("PAWSEstab"),
		nfSince("BeyondWindow", 6, 15), nfSince("TSEcrRejected", 6, 15), nfSince("PAWSOldAck", 6, 15), nfSince("PAWSTimewait", 6, 15))
	f = append(f, fields("DelayedACKs DelayedACKLocked DelayedACKLost ListenOverflows ListenDrops")...)
	f = append(f, nfUntil("TCPPrequeued", 4, 14), nfUntil("TCPDirectCopyFromBacklog", 4, 14), nfUntil("TCPDirectCopyFromPrequeue", 4, 14), nfUntil("TCPPrequeueDropped", 4, 14),
		nf("TCPHPHits"), nfUntil("TCPHPHitsToUser", 4, 14))
	f = append(f, fields("TCPPureAcks TCPHPAcks TCPRenoRecovery TCPSackRecovery TCPSACKReneging")...)
	f = append(f, nfUntil("TCPFACKReorder", 4, 15))
	f = append(f, fields("TCPSACKReorder TCPRenoReorder TCPTSReorder TCPFullUndo TCPPartialUndo TCPDSACKUndo TCPLossUndo TCPLostRetransmit TCPRenoFailures TCPSackFailures TCPLossFailures TCPFastRetrans")...)
	f = append(f, nfUntil("TCPForwardRetrans", 4, 15))
	f = append(f, fields("TCPSlowStartRetrans TCPTimeouts TCPLossProbes TCPLossProbeRecovery TCPRenoRecoveryFail TCPSackRecoveryFail")...)
	f = append(f, nfUntil("TCPSchedulerFailed", 4, 15), nf("TCPRcvCollapsed"), nfSince("TCPBacklogCoalesce", 5, 0))
	f = append(f, fields("TCPDSACKOldSent TCPDSACKOfoSent TCPDSACKRecv TCPDSACKOfoRecv TCPAbortOnData TCPAbortOnClose TCPAbortOnMemory TCPAbortOnTimeout TCPAbortOnLinger TCPAbortFailed TCPMemoryPressures")...)
	f = append(f, nfSince("TCPMemoryPressuresChrono", 4, 11))
	f = append(f, fields("TCPSACKDiscard TCPDSACKIgnoredOld TCPDSACKIgnoredNoUndo TCPSpuriousRTOs TCPMD5NotFound TCPMD5Unexpected")...)
	f = append(f, nfSince("TCPMD5Failure", 4, 17))
	f = append(f, fields("TCPSackShifted TCPSackMerged TCPSackShiftFallback TCPBacklogDrop PFMemallocDrop TCPMinTTLDrop TCPDeferAcceptDrop IPReversePathFilter TCPTimeWaitOverflow TCPReqQFullDoCookies TCPReqQFullDrop TCPRetransFail TCPRcvCoalesce TCPOFOQueue TCPOFODrop TCPOFOMerge TCPChallengeACK TCPSYNChallenge TCPFastOpenActive TCPFastOpenActiveFail TCPFastOpenPassive TCPFastOpenPassiveFail TCPFastOpenListenOverflow TCPFastOpenCookieReqd")...)
	f = append(f, nfSince("TCPFastOpenBlackhole", 4, 11))
	f = append(f, fields("TCPSpuriousRtxHostQueues BusyPollRxPackets TCPAutoCorking TCPFromZeroWindowAdv TCPToZeroWindowAdv TCPWantZeroWindowAdv TCPSynRetrans TCPOrigDataSent TCPHystartTrainDetect TCPHystartTrainCwnd TCPHystartDelayDetect TCPHystartDelayCwnd TCPACKSkippedSynRecv TCPACKSkippedPAWS TCPACKSkippedSeq TCPACKSkippedFinWait2 TCPACKSkippedTimeWait TCPACKSkippedChallenge TCPWinProbe TCPKeepAlive TCPMTUPFail TCPMTUPSuccess")...)
	f = append(f, nfSince("TCPDelivered", 4, 10), nfSince("TCPDeliveredCE", 4, 10), nfSince("TCPAckCompressed", 4, 18),
		nfSince("TCPZeroWindowDrop", 5, 1), nfSince("TCPRcvQDrop", 5, 1), nfSince("TCPWqueueTooBig", 5, 1), nfSince("TCPFastOpenPassiveAltKey", 5, 1),
		nfSince("TcpTimeoutRehash", 5, 9), nfSince("TcpDuplicateDataRehash", 5, 9), nfSince("TCPDSACKRecvSegs", 5, 10), nfSince("TCPDSACKIgnoredDubious", 5, 10),
		nfSince("TCPMigrateReqSuccess", 5, 14), nfSince("TCPMigrateReqFailure", 5, 14), nfSince("TCPPLBRehash", 6, 2),
		nfSince("TCPAORequired", 6, 7), nfSince("TCPAOBad", 6, 7), nfSince("TCPAOKeyNotFound", 6, 7), nfSince("TCPAOGood", 6, 7), nfSince("TCPAODroppedIcmps", 6, 7))
	return f
}()

// tcpExtRHEL7 is TcpExt of RHEL 7's 3.10 (with its backports).
var tcpExtRHEL7 = fields("SyncookiesSent SyncookiesRecv SyncookiesFailed EmbryonicRsts PruneCalled RcvPruned OfoPruned OutOfWindowIcmps LockDroppedIcmps ArpFilter TW TWRecycled TWKilled PAWSPassive PAWSActive PAWSEstab DelayedACKs DelayedACKLocked DelayedACKLost ListenOverflows ListenDrops TCPPrequeued TCPDirectCopyFromBacklog TCPDirectCopyFromPrequeue TCPPrequeueDropped TCPHPHits TCPHPHitsToUser TCPPureAcks TCPHPAcks TCPRenoRecovery TCPSackRecovery TCPSACKReneging TCPFACKReorder TCPSACKReorder TCPRenoReorder TCPTSReorder TCPFullUndo TCPPartialUndo TCPDSACKUndo TCPLossUndo TCPLostRetransmit TCPRenoFailures TCPSackFailures TCPLossFailures TCPFastRetrans TCPForwardRetrans TCPSlowStartRetrans TCPTimeouts TCPLossProbes TCPLossProbeRecovery TCPRenoRecoveryFail TCPSackRecoveryFail TCPSchedulerFailed TCPRcvCollapsed TCPDSACKOldSent TCPDSACKOfoSent TCPDSACKRecv TCPDSACKOfoRecv TCPAbortOnData TCPAbortOnClose TCPAbortOnMemory TCPAbortOnTimeout TCPAbortOnLinger TCPAbortFailed TCPMemoryPressures TCPSACKDiscard TCPDSACKIgnoredOld TCPDSACKIgnoredNoUndo TCPSpuriousRTOs TCPMD5NotFound TCPMD5Unexpected TCPSackShifted TCPSackMerged TCPSackShiftFallback TCPBacklogDrop TCPMinTTLDrop TCPDeferAcceptDrop IPReversePathFilter TCPTimeWaitOverflow TCPReqQFullDoCookies TCPReqQFullDrop TCPRetransFail TCPRcvCoalesce TCPOFOQueue TCPOFODrop TCPOFOMerge TCPChallengeACK TCPSYNChallenge TCPFastOpenActive TCPFastOpenActiveFail TCPFastOpenPassive TCPFastOpenPassiveFail TCPFastOpenListenOverflow TCPFastOpenCookieReqd TCPSpuriousRtxHostQueues BusyPollRxPackets TCPAutoCorking TCPFromZeroWindowAdv TCPToZeroWindowAdv TCPWantZeroWindowAdv TCPSynRetrans TCPOrigDataSent TCPHystartTrainDetect TCPHystartTrainCwnd TCPHystartDelayDetect TCPHystartDelayCwnd TCPACKSkippedSynRecv TCPACKSkippedPAWS TCPACKSkippedSeq TCPACKSkippedFinWait2 TCPACKSkippedTimeWait TCPACKSkippedChallenge TCPWinProbe TCPKeepAlive TCPMTUPFail TCPMTUPSuccess")

var ipExtFields = append(fields("InNoRoutes InTruncatedPkts InMcastPkts OutMcastPkts InBcastPkts OutBcastPkts InOctets OutOctets InMcastOctets OutMcastOctets InBcastOctets OutBcastOctets InCsumErrors InNoECTPkts InECT1Pkts InECT0Pkts InCEPkts"), nfSince("ReasmOverlaps", 5, 0))

var mptcpFields = fields("MPCapableSYNRX MPCapableSYNTX MPCapableSYNACKRX MPCapableACKRX MPCapableFallbackACK MPCapableFallbackSYNACK MPFallbackTokenInit MPTCPRetrans MPJoinNoTokenFound MPJoinSynRx MPJoinSynAckRx MPJoinSynAckHMacFailure MPJoinAckRx MPJoinAckHMacFailure DSSNotMatching InfiniteMapRx DSSNoMatchTCP DataCsumErr OFOQueueTail OFOQueue OFOMerge NoDSSInWindow DuplicateData AddAddr EchoAdd PortAdd AddAddrDrop MPJoinPortSynRx MPJoinPortSynAckRx MPJoinPortAckRx MismatchPortSynRx MismatchPortAckRx RmAddr RmAddrDrop RmSubflow MPPrioTx MPPrioRx MPFailTx MPFailRx MPFastcloseTx MPFastcloseRx MPRstTx MPRstRx RcvPruned SubflowStale SubflowRecover")

var snmpGroups = []struct {
	group  string
	fields []netField
}{
	{"Ip", append(fields("Forwarding DefaultTTL InReceives InHdrErrors InAddrErrors ForwDatagrams InUnknownProtos InDiscards InDelivers OutRequests OutDiscards OutNoRoutes ReasmTimeout ReasmReqds ReasmOKs ReasmFails FragOKs FragFails FragCreates"), nfSince("OutTransmits", 6, 3))},
	{"Icmp", append(append(fields("InMsgs InErrors InCsumErrors InDestUnreachs InTimeExcds InParmProbs InSrcQuenchs InRedirects InEchos InEchoReps InTimestamps InTimestampReps InAddrMasks InAddrMaskReps OutMsgs OutErrors"),
		nfSince("OutRateLimitGlobal", 6, 0), nfSince("OutRateLimitHost", 6, 0)),
		fields("OutDestUnreachs OutTimeExcds OutParmProbs OutSrcQuenchs OutRedirects OutEchos OutEchoReps OutTimestamps OutTimestampReps OutAddrMasks OutAddrMaskReps")...)},
	{"IcmpMsg", fields("InType3 OutType3")},
	{"Tcp", fields("RtoAlgorithm RtoMin RtoMax MaxConn ActiveOpens PassiveOpens AttemptFails EstabResets CurrEstab InSegs OutSegs RetransSegs InErrs OutRsts InCsumErrors")},
	{"Udp", append(fields("InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors"), nfSince("IgnoredMulti", 3, 19), nfSince("MemErrors", 5, 8))},
	{"UdpLite", append(fields("InDatagrams NoPorts InErrors OutDatagrams RcvbufErrors SndbufErrors InCsumErrors"), nfSince("IgnoredMulti", 3, 19), nfSince("MemErrors", 5, 8))},
}

// present reports whether the kernel prints the field.
func (m *model) present(f netField) bool {
	if f.since != [2]int{} && !m.k.ge(f.since[0], f.since[1]) {
		return false
	}
	if f.until != [2]int{} && m.k.ge(f.until[0], f.until[1]) {
		return false
	}
	return true
}

// rxPPS is the host's received packets per second over its physical NICs.
func (m *model) rxPPS() float64 {
	var t float64
	for _, n := range m.nics {
		for _, q := range n.Queues {
			t += q.PPS
		}
	}
	if t < 50 {
		t = 50
	}
	return t
}

// netCounter gives Group.Name's value at sample s: the scenario's
// override, a constant, or a rate scaled by the host's traffic.
func (m *model) netCounter(group, name string, s int) string {
	if c, ok := m.sc.NetStat[group+"."+name]; ok {
		return utoa(u64(c.Start + c.Rate*m.dt[s]))
	}
	t := m.rxPPS()
	constant := map[string]string{
		"Ip.Forwarding": "2", "Ip.DefaultTTL": "64", "Tcp.RtoAlgorithm": "1", "Tcp.RtoMin": "200",
		"Tcp.RtoMax": "120000", "Tcp.MaxConn": "-1", "Tcp.CurrEstab": "37",
	}
	if m.sc.Sysctl["net.ipv4.ip_forward"] == "1" {
		constant["Ip.Forwarding"] = "1"
	}
	if v, ok := constant[group+"."+name]; ok {
		return v
	}
	rates := map[string]float64{
		"TcpExt.TW": 1.8, "TcpExt.DelayedACKs": t * 0.04, "TcpExt.DelayedACKLost": 0.01, "TcpExt.TCPHPHits": t * 0.3,
		"TcpExt.TCPPureAcks": t * 0.1, "TcpExt.TCPHPAcks": t * 0.2, "TcpExt.TCPLossProbes": 0.05, "TcpExt.TCPRcvCoalesce": t * 0.02,
		"TcpExt.TCPOFOQueue": 0.1, "TcpExt.TCPOrigDataSent": t * 0.6, "TcpExt.TCPDelivered": t * 0.6, "TcpExt.TCPKeepAlive": 0.4,
		"TcpExt.TCPSynRetrans": 0.01, "TcpExt.TCPTimeouts": 0.01, "TcpExt.TCPAutoCorking": 0.5, "TcpExt.TCPAbortOnClose": 0.01,
		"TcpExt.TCPAbortOnData": 0.05, "TcpExt.TCPDSACKOldSent": 0.01, "TcpExt.TCPDSACKRecv": 0.01, "TcpExt.PAWSEstab": 0.003,
		"TcpExt.TCPACKSkippedPAWS": 0.001, "TcpExt.TCPFastRetrans": 0.02, "TcpExt.TCPBacklogCoalesce": t * 0.01,
		"TcpExt.TCPSpuriousRtxHostQueues": 0.001, "TcpExt.TCPLossProbeRecovery": 0.01,
		"IpExt.InOctets": t * 700, "IpExt.OutOctets": t * 720, "IpExt.InNoECTPkts": t, "IpExt.InBcastPkts": 0.1,
		"IpExt.InMcastPkts": 0.05, "IpExt.OutMcastPkts": 0.01, "IpExt.InBcastOctets": 9, "IpExt.InMcastOctets": 4,
		"Ip.InReceives": t, "Ip.InDelivers": t * 0.995, "Ip.OutRequests": t * 0.8, "Ip.OutTransmits": t * 0.8,
		"Icmp.InMsgs": 0.01, "Icmp.InDestUnreachs": 0.01, "Icmp.OutMsgs": 0.01, "Icmp.OutDestUnreachs": 0.01,
		"IcmpMsg.InType3": 0.01, "IcmpMsg.OutType3": 0.01,
		"Tcp.ActiveOpens": 1.1, "Tcp.PassiveOpens": 3.2, "Tcp.AttemptFails": 0.01, "Tcp.EstabResets": 0.05,
		"Tcp.InSegs": t * 0.98, "Tcp.OutSegs": t * 0.8, "Tcp.RetransSegs": t * 0.0004, "Tcp.OutRsts": 0.1,
		"Udp.InDatagrams": 2, "Udp.NoPorts": 0.01, "Udp.OutDatagrams": 2,
	}
	r, ok := rates[group+"."+name]
	if !ok {
		return "0"
	}
	return utoa(u64(r*m.up[0]*m.jit(group+name, 0.1) + r*m.dt[s]))
}

// netTable renders groups as name-line / value-line pairs.
func (m *model) netTable(s int, groups []string, fieldsOf func(string) []netField) string {
	var b strings.Builder
	for _, g := range groups {
		var names, vals []string
		for _, f := range fieldsOf(g) {
			if !m.present(f) {
				continue
			}
			names = append(names, f.name)
			vals = append(vals, m.netCounter(g, f.name, s))
		}
		fmt.Fprintf(&b, "%s: %s\n%s: %s\n", g, strings.Join(names, " "), g, strings.Join(vals, " "))
	}
	return b.String()
}

// netstat renders /proc/net/netstat.
func (m *model) netstat(s int) string {
	groups := []string{"TcpExt", "IpExt"}
	if m.k.ge(5, 10) {
		groups = append(groups, "MPTcpExt")
	}
	return m.netTable(s, groups, func(g string) []netField {
		switch g {
		case "TcpExt":
			if m.k.el == 7 {
				return tcpExtRHEL7
			}
			return tcpExtFields
		case "IpExt":
			return ipExtFields
		}
		return mptcpFields
	})
}

// snmp renders /proc/net/snmp.
func (m *model) snmp(s int) string {
	var groups []string
	for _, g := range snmpGroups {
		groups = append(groups, g.group)
	}
	return m.netTable(s, groups, func(g string) []netField {
		for _, sg := range snmpGroups {
			if sg.group == g {
				return sg.fields
			}
		}
		return nil
	})
}
