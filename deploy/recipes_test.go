package deploy

import (
	"bytes"
	"encoding/json"
	"os"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/netdoctor/netdoctor/internal/cli"
)

// TestDaemonSetManifest decodes the DaemonSet strictly into the Kubernetes
// API types (an unknown or misspelt field fails) and checks what netdoctor
// needs of it: the host's network and PID namespaces, /proc and /sys
// read-only under the --root it is given, and the textfile volume it
// writes into.
func TestDaemonSetManifest(t *testing.T) {
	data, err := os.ReadFile("kubernetes/netdoctor-daemonset.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var ds appsv1.DaemonSet
	if err := yaml.UnmarshalStrict(data, &ds); err != nil {
		t.Fatalf("strict decode: %v", err)
	}
	if ds.APIVersion != "apps/v1" || ds.Kind != "DaemonSet" {
		t.Errorf("apiVersion/kind = %s/%s", ds.APIVersion, ds.Kind)
	}
	spec := ds.Spec.Template.Spec
	if !spec.HostNetwork || !spec.HostPID {
		t.Errorf("hostNetwork=%v hostPID=%v, want both", spec.HostNetwork, spec.HostPID)
	}
	if got := ds.Spec.Selector.MatchLabels; !mapsSubset(got, ds.Spec.Template.Labels) {
		t.Errorf("selector %v does not match the template labels %v", got, ds.Spec.Template.Labels)
	}
	hostPaths := map[string]string{}
	for _, v := range spec.Volumes {
		if v.HostPath != nil {
			hostPaths[v.Name] = v.HostPath.Path
		}
	}
	if len(spec.Containers) != 1 {
		t.Fatalf("%d containers, want 1", len(spec.Containers))
	}
	c := spec.Containers[0]
	mounts := map[string]corev1.VolumeMount{}
	for _, m := range c.VolumeMounts {
		mounts[m.MountPath] = m
	}
	for _, want := range []struct{ at, host string }{{"/host/proc", "/proc"}, {"/host/sys", "/sys"}} {
		m, ok := mounts[want.at]
		if !ok {
			t.Errorf("no mount at %s", want.at)
			continue
		}
		if !m.ReadOnly {
			t.Errorf("%s is not read-only", want.at)
		}
		if hostPaths[m.Name] != want.host {
			t.Errorf("%s mounts host path %q, want %q", want.at, hostPaths[m.Name], want.host)
		}
	}
	tf, ok := mounts["/textfile"]
	if !ok || tf.ReadOnly || !strings.Contains(hostPaths[tf.Name], "textfile") {
		t.Errorf("textfile mount %+v (host path %q): want a writable mount of the textfile directory", tf, hostPaths[tf.Name])
	}
	script := strings.Join(append(append([]string{}, c.Command...), c.Args...), " ")
	for _, want := range []string{"--root /host", "--format prometheus", "-o /textfile/netdoctor.prom"} {
		if !strings.Contains(script, want) {
			t.Errorf("the container's command does not hold %q:\n%s", want, script)
		}
	}
	checkCommandLine(t, netdoctorArgs(t, script))
	if sc := c.SecurityContext; sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
		sc.Privileged != nil && *sc.Privileged {
		t.Errorf("security context %+v: want a read-only root filesystem and no privileged mode", sc)
	}
}

func mapsSubset(a, b map[string]string) bool {
	if len(a) == 0 {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// netdoctorArgs finds the netdoctor command line in a shell script: the
// words after the binary's path, up to the end of its line.
func netdoctorArgs(t *testing.T, script string) []string {
	t.Helper()
	for _, line := range strings.Split(script, "\n") {
		f := strings.Fields(line)
		for i, w := range f {
			if strings.HasSuffix(w, "/netdoctor") {
				return f[i+1:]
			}
		}
	}
	t.Fatalf("no netdoctor command line in %q", script)
	return nil
}

// checkCommandLine parses args with netdoctor's own commands: the
// subcommand and every flag must exist and take the values given.
func checkCommandLine(t *testing.T, args []string) {
	t.Helper()
	root := cli.NewRoot(cli.IO{In: strings.NewReader(""), Out: &bytes.Buffer{}, Err: &bytes.Buffer{}})
	cmd, rest, err := root.Find(args)
	if err != nil || cmd == root {
		t.Fatalf("%q: no such netdoctor command (%v)", args, err)
	}
	if err := cmd.ParseFlags(rest); err != nil {
		t.Errorf("%q: %v", args, err)
	}
	if f := cmd.Flags().Lookup("format"); f != nil {
		if v := f.Value.String(); !slices.Contains(knownFormats, v) {
			t.Errorf("%q: --format %s is not a format netdoctor has", args, v)
		}
	}
}

// knownFormats are the formats the recipes use; an unknown one fails at
// run time, so checkCommandLine runs the real command for them below.
var knownFormats = []string{"markdown", "html", "json", "script", "prometheus", "line"}

// TestRecipeFormats runs each format the recipes name on a fixture, so a
// format that was renamed or removed fails here.
func TestRecipeFormats(t *testing.T) {
	for _, f := range []string{"prometheus", "line", "json"} {
		var out, errb bytes.Buffer
		code := cli.Main([]string{"report", "--format", f, "../fixtures/healthy-2socket-ht"}, cli.IO{In: strings.NewReader(""), Out: &out, Err: &errb})
		if code != 0 || out.Len() == 0 {
			t.Errorf("report --format %s: exit %d, %d bytes, %s", f, code, out.Len(), errb.String())
		}
	}
}

// TestNodeProblemDetectorPlugin decodes the custom-plugin config and
// checks that its rule runs a valid netdoctor command line that prints one
// line and gates on --fail-on (exit 1 is NonOK, 0 OK, 3 Unknown in
// node-problem-detector's terms).
func TestNodeProblemDetectorPlugin(t *testing.T) {
	data, err := os.ReadFile("node-problem-detector/netdoctor-plugin.json")
	if err != nil {
		t.Fatal(err)
	}
	var cfg struct {
		Plugin       string `json:"plugin"`
		PluginConfig struct {
			InvokeInterval  string `json:"invoke_interval"`
			Timeout         string `json:"timeout"`
			MaxOutputLength int    `json:"max_output_length"`
			Concurrency     int    `json:"concurrency"`
			MessageChange   bool   `json:"enable_message_change_based_condition_update"`
		} `json:"pluginConfig"`
		Source           string `json:"source"`
		MetricsReporting bool   `json:"metricsReporting"`
		Conditions       []struct {
			Type, Reason, Message string
		} `json:"conditions"`
		Rules []struct {
			Type      string   `json:"type"`
			Condition string   `json:"condition"`
			Reason    string   `json:"reason"`
			Path      string   `json:"path"`
			Args      []string `json:"args"`
			Timeout   string   `json:"timeout"`
		} `json:"rules"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cfg); err != nil {
		t.Fatal(err)
	}
	if cfg.Plugin != "custom" || len(cfg.Rules) == 0 || len(cfg.Conditions) == 0 {
		t.Fatalf("not a custom plugin with rules and conditions: %+v", cfg)
	}
	for _, r := range cfg.Rules {
		if r.Type == "permanent" && !slices.ContainsFunc(cfg.Conditions, func(c struct{ Type, Reason, Message string }) bool { return c.Type == r.Condition }) {
			t.Errorf("rule %s names condition %q, which is not declared", r.Reason, r.Condition)
		}
		if !strings.HasSuffix(r.Path, "/netdoctor") {
			t.Errorf("rule %s runs %s", r.Reason, r.Path)
		}
		for _, want := range []string{"--format line", "--fail-on warning", "--root /host"} {
			if !strings.Contains(strings.Join(r.Args, " "), want) {
				t.Errorf("rule %s: args %q lack %q", r.Reason, r.Args, want)
			}
		}
		checkCommandLine(t, r.Args)
	}
}

// TestSystemdUnits checks the units' sections and that the service runs a
// valid netdoctor command line writing the textfile the timer refreshes.
func TestSystemdUnits(t *testing.T) {
	svc := unitFile(t, "systemd/netdoctor-textfile.service")
	tmr := unitFile(t, "systemd/netdoctor-textfile.timer")
	if svc["Service"]["Type"] != "oneshot" {
		t.Errorf("Type=%q, want oneshot", svc["Service"]["Type"])
	}
	exec := strings.Fields(svc["Service"]["ExecStart"])
	if len(exec) < 2 || !strings.HasSuffix(exec[0], "/netdoctor") {
		t.Fatalf("ExecStart=%q", svc["Service"]["ExecStart"])
	}
	checkCommandLine(t, exec[1:])
	out := exec[slices.Index(exec, "-o")+1]
	if !strings.HasSuffix(out, ".prom") || !strings.Contains(svc["Service"]["ReadWritePaths"], out[:strings.LastIndex(out, "/")]) {
		t.Errorf("the service writes %s but may write only %s", out, svc["Service"]["ReadWritePaths"])
	}
	for _, code := range []string{"1", "3"} {
		if !slices.Contains(strings.Fields(svc["Service"]["SuccessExitStatus"]), code) {
			t.Errorf("SuccessExitStatus lacks %s: findings and nothing-evaluated are results, not failures", code)
		}
	}
	if tmr["Timer"]["OnCalendar"] == "" || tmr["Install"]["WantedBy"] != "timers.target" {
		t.Errorf("timer %v", tmr)
	}
}

// unitFile reads a systemd unit into section → key → value.
func unitFile(t *testing.T, path string) map[string]map[string]string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]string{}
	sec := ""
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		switch {
		case line == "" || line[0] == '#' || line[0] == ';':
		case line[0] == '[' && line[len(line)-1] == ']':
			sec = line[1 : len(line)-1]
			out[sec] = map[string]string{}
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || sec == "" {
				t.Fatalf("%s:%d: not a key=value line in a section: %q", path, i+1, line)
			}
			out[sec][k] = v
		}
	}
	return out
}
