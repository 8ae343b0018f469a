// Package fixturegen writes realistic sosreport-layout bundles from compact
// scenario descriptions: netdoctor's test fixtures and benchmark hosts.
//
// A Scenario describes one host over one or more samples: its kernel and
// sos version, CPU and NUMA topology, NICs with their queue vectors and
// per-CPU interrupt rates, softnet and NIC counters, sysctls, TCP counters,
// processes and threads, and irqbalance. Every counter is a start value
// plus a rate, so sample N shows start + rate × (time since sample 1), and
// the files of every sample agree with each other (softnet processed with
// the queue rates, /proc/stat softirq time with the interrupt load, thread
// CPU time with the CPU's user time).
//
// The writers put each file exactly where sos puts it (docs/sosreport.md),
// in the text layout of the scenario's kernel and sos version:
//
//   - WriteCollect writes a netdoctor collect bundle: netdoctor-collect.json
//     and sample-1/, sample-2/ with raw /proc and /sys files, msi_irqs,
//     queues/ and per-thread task files.
//   - WriteSosreport writes one plain sosreport directory of one sample.
//   - WriteFixture writes a whole fixture directory with its expect.json.
//
// Fixtures lists the committed fixtures (go run ./internal/fixturegen/gen
// -out fixtures regenerates them), and Large builds a big healthy host for
// benchmarks. The package never reads the files it writes and judges
// nothing: expectations are declared by the scenario's author from the
// checks' documented rules.
package fixturegen
