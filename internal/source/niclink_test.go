package source

import "testing"

func TestEthtoolModeNames(t *testing.T) {
	// Legacy mask bits 3 (100baseT/Full), 5 (1000baseT/Full), 12 (10000baseT/Full).
	got := ethtoolModeNames(1<<3 | 1<<5 | 1<<12)
	want := []string{"100baseT/Full", "1000baseT/Full", "10000baseT/Full"}
	if len(got) != len(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("got %v, want %v", got, want)
		}
	}
	if ethtoolPort(0x04) != "FIBRE" || ethtoolPort(0xff) != "Other" || ethtoolPort(0x42) != "Unknown! (66)" {
		t.Error("port names")
	}
	for in, want := range map[string]string{"full\n": "full", "Full": "full", "half": "half", "Unknown! (255)": "unknown", "": ""} {
		if got := normDuplex(in); got != want {
			t.Errorf("normDuplex(%q) = %q, want %q", in, got, want)
		}
	}
}
