// Package parse turns the text of kernel files under /proc and /sys into the
// typed values of package host. Every parser takes bytes (read by the caller
// from the live host or from a bundle) and returns what it could parse plus an
// error naming each problem with its line number; a malformed, truncated,
// empty or huge input never panics.
//
// The parsers are written by hand rather than taken from
// github.com/prometheus/procfs because netdoctor reads bundles that may be
// truncated, hand-edited or hostile, and procfs is built for a healthy live
// /proc:
//
//   - Interrupts: procfs panics on a row with fewer counts than CPUs and on a
//     numeric row without a chip column, cuts files over 1 MiB (hosts with
//     hundreds of CPUs), and drops the header's CPU numbers, so a column index
//     is taken for a CPU id even when CPUs are offline.
//   - SoftnetStat: procfs takes the line number for the CPU when the kernel
//     prints no index column, which is wrong with offline CPUs, and one bad
//     hex digit fails the whole file.
//   - NetStat: procfs keeps a fixed list of counter names and silently drops
//     the others, and stores values as float64.
//   - NetDev, TaskStat: procfs panics on short lines.
//   - TaskStatus: procfs turns a garbage Cpus_allowed_list into [0] and does
//     not expose the hex Cpus_allowed.
//   - ProcNetStat (/proc/net/stat/nf_conntrack, arp_cache, ndisc_cache):
//     procfs knows a fixed column list per kernel; the header decides here.
//   - Sockstat, SNMP6, UDPSockets: kept by name or row, bounded, with bad
//     lines named rather than failing the file.
//
// KernelLog is not a /proc file: it reads dmesg's text (and netdoctor's
// rendering of /dev/kmsg records, FormatKmsg) or syslog files, bounded to
// their newest part, and keeps the lines that speak of the receive path.
//
// Errors say which file kind they come from and which lines were bad; when
// a parser returns an error its value may still hold the good rows, which
// callers may use while marking the input invalid.
package parse
