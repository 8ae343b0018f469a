// Package cmdout parses the text outputs of the commands sosreport captures
// (ethtool -i/-S/-g/-l/-m and plain ethtool, nstat -zas, sysctl -a, lscpu,
// numactl --hardware, ps, pidstat, systemctl, uname, date) and sos's own version.txt and manifest.json, and writes the
// ethtool, sysctl, uname and date layouts back for `netdoctor collect`.
//
// Every parser takes bytes and returns typed values; it never panics. Input
// comes from bundles and may be hostile, truncated or not what its file name
// says. A parser returns what it could parse plus an error naming the command
// and the line numbers of the problems, so a caller can mark the input invalid
// and still use the good rows.
//
// sos stores stderr in the same file as stdout, so a file may hold only an
// error message ("no stats available", "Cannot get device ring settings:
// Operation not supported") or nothing at all. Such files give ErrUnavailable,
// wrapped with the text: the command ran but had no data for this device.
//
// The Format* writers produce the command's own text layout (ethtool's tabs and
// capitalisation, sysctl's "key = value", uname -a, date --utc) so that a person
// reading a collect bundle sees familiar output, and each round-trips with its
// parser.
package cmdout
