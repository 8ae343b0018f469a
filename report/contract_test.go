package report

import (
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/netdoctor/netdoctor/internal/bundle"
	"github.com/netdoctor/netdoctor/internal/host"
	"github.com/netdoctor/netdoctor/internal/hostview"
)

// TestContractVocabulary: CONTRACT.md's vocabulary section names every
// constant the code defines for NIC kinds, cpus_from values, input names
// and the collect manifest.
func TestContractVocabulary(t *testing.T) {
	b, err := os.ReadFile("CONTRACT.md")
	if err != nil {
		t.Fatal(err)
	}
	doc := string(b)
	i := strings.Index(doc, "### Vocabulary")
	if i < 0 {
		t.Fatal("CONTRACT.md has no Vocabulary section")
	}
	section := doc[i:]
	if j := strings.Index(section[1:], "\n### "); j >= 0 {
		section = section[:j+1]
	}
	want := []string{
		host.KindPhysical, host.KindLoopback, host.KindBond, host.KindBridge, host.KindVLAN,
		host.KindVeth, host.KindTun, host.KindVirtual,
		string(hostview.FromEffective), string(hostview.FromAffinity), string(hostview.FromInterval),
		bundle.CollectFormat,
	}
	want = append(want, host.KnownInputs...)
	for _, w := range want {
		if !strings.Contains(section, strconv.Quote(w)) {
			t.Errorf("CONTRACT.md's vocabulary does not list %q", w)
		}
	}
	if !strings.Contains(section, "`"+bundle.CollectManifest+"`") {
		t.Errorf("CONTRACT.md's vocabulary does not name %s", bundle.CollectManifest)
	}
}
