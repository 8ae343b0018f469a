// Package deploy holds netdoctor's recipes for running at fleet scale on
// engines people already run, and the tests that keep them working: a
// systemd service and timer writing node_exporter textfile metrics
// (systemd/), an Ansible playbook that reports on an inventory and ranks
// it with `netdoctor summary` (ansible/, run for real against localhost),
// a Kubernetes DaemonSet reading each node's /proc and /sys with --root
// (kubernetes/, decoded strictly into the Kubernetes API types) and a
// node-problem-detector custom plugin (node-problem-detector/). The package
// has no code of its own.
package deploy
