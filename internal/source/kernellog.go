package source

import (
	"fmt"

	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/parse"
)

// kmsgPath names the live kernel log in the inputs.
const kmsgPath = "/dev/kmsg"

// dmesgPath is where a collect bundle stores the live kernel log, as sos
// stores dmesg, so that a collect bundle reads like a sosreport.
const dmesgPath = "sos_commands/kernel/dmesg"

// loadKernelLog reads the kernel log and keeps its receive-path events.
//
// Live, netdoctor runs no dmesg: it reads /dev/kmsg itself (opened
// read-only and non-blocking, every record until EAGAIN, bounded by
// maxKmsgBytes and maxKmsgRecords; a reader has its own position, so
// nothing is consumed for other readers). With kernel.dmesg_restrict=1 a
// non-root user gets EPERM, and the input is unreadable; a container
// without /dev/kmsg has it missing. Offline it is sos's dmesg output, else
// the newest part of var/log/kern.log, messages or syslog.
func (l *loader) loadKernelLog() {
	if l.live {
		if l.kmsg == nil {
			l.record(host.InputKernelLog, "", kmsgPath, missingErr("no kernel log reader on this platform"), "")
			return
		}
		b, err := l.kmsg()
		if err != nil {
			l.record(host.InputKernelLog, "", kmsgPath, err, "")
			return
		}
		if l.put != nil {
			l.put(dmesgPath, b)
		}
		l.applyKernelLog(kmsgPath, b)
		return
	}
	b, at, err := l.read(candKernelLog)
	if err != nil {
		l.record(host.InputKernelLog, "", at, err, "")
		return
	}
	l.applyKernelLog(at, b)
}

// applyKernelLog parses a kernel log read from at and records the input.
func (l *loader) applyKernelLog(at string, b []byte) {
	kl, err := safe(func() (host.KernelLog, error) { return parse.KernelLog(b) })
	note := ""
	if err == nil {
		l.snap.KernelLog = &kl
		note = fmt.Sprintf("%d lines, %d receive-path events", kl.Lines, len(kl.Events))
		if kl.Truncated {
			note += fmt.Sprintf("; only the newest %d MiB read", parse.MaxKernelLogBytes>>20)
		}
	}
	l.record(host.InputKernelLog, "", at, err, note)
}
