package deploy

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/fleet"
)

// TestAnsiblePlaybook runs the playbook for real with Debian's ansible
// against localhost (-c local): it copies a freshly built static binary,
// runs `netdoctor report --format json` on this machine, fetches the report
// and runs `netdoctor summary` on it. It skips only where ansible-playbook
// is missing (scripts/install-test-deps.sh installs it) and never under
// CI=true.
func TestAnsiblePlaybook(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: the playbook takes some seconds")
	}
	ap, err := exec.LookPath("ansible-playbook")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("ansible-playbook is missing under CI=true: run scripts/install-test-deps.sh")
		}
		t.Skip("ansible-playbook is missing (scripts/install-test-deps.sh installs Debian's ansible)")
	}
	tmp := t.TempDir()
	bin := filepath.Join(tmp, "netdoctor")
	gobin := filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	if _, err := os.Stat(gobin); err != nil {
		gobin = "go"
	}
	build := exec.Command(gobin, "build", "-trimpath", "-o", bin, "../cmd/netdoctor")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building netdoctor: %v\n%s", err, out)
	}
	results := filepath.Join(tmp, "results")
	cmd := exec.Command(ap, "-i", "localhost,", "-c", "local", "ansible/netdoctor.yml",
		"-e", "netdoctor_become=false",
		"-e", "netdoctor_binary="+bin,
		"-e", "netdoctor_results="+results,
		"-e", "netdoctor_remote_dir="+filepath.Join(tmp, "remote"),
		"-e", "netdoctor_interval=300ms",
		"-e", "ansible_python_interpreter=/usr/bin/python3",
	)
	cmd.Env = append(os.Environ(),
		"ANSIBLE_LOCAL_TEMP="+filepath.Join(tmp, "ansible-local"),
		"ANSIBLE_REMOTE_TEMP="+filepath.Join(tmp, "ansible-remote"),
		"ANSIBLE_NOCOLOR=1", "ANSIBLE_RETRY_FILES_ENABLED=0", "ANSIBLE_HOST_KEY_CHECKING=0",
		"ANSIBLE_CONFIG="+filepath.Join(tmp, "none.cfg"),
	)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ansible-playbook: %v\n%s", err, out)
	}
	if _, err := fleet.ReadReport(filepath.Join(results, "reports", "localhost.json")); err != nil {
		t.Fatalf("the fetched report: %v\n%s", err, out)
	}
	data, err := os.ReadFile(filepath.Join(results, "summary.json"))
	if err != nil {
		t.Fatal(err)
	}
	var s fleet.Summary
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	if s.SchemaVersion != fleet.SchemaVersion || s.Totals.Hosts != 1 || len(s.Unread) != 0 {
		t.Errorf("summary: schema %d, %d hosts, unread %+v; want 1 host read", s.SchemaVersion, s.Totals.Hosts, s.Unread)
	}
	md, err := os.ReadFile(filepath.Join(results, "summary.md"))
	if err != nil || !strings.Contains(string(md), "# netdoctor fleet summary") {
		t.Errorf("summary.md: %v\n%s", err, md)
	}
	if _, err := os.Stat(filepath.Join(tmp, "remote", "localhost")); !os.IsNotExist(err) {
		t.Errorf("the playbook left its remote directory behind: %v", err)
	}
}
