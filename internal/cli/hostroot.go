package cli

import (
	"os"
	"path/filepath"

	"github.com/spf13/cobra"
)

// addRootFlag registers --root: where the live host's "/" is mounted, for
// netdoctor in a container reading its node's /proc and /sys mounted
// read-only elsewhere (the Kubernetes DaemonSet in deploy/kubernetes).
func addRootFlag(cmd *cobra.Command, f *sampleFlags) {
	cmd.Flags().StringVar(&f.root, "root", "", "read the live host's /proc and /sys under `DIR` (the node's / mounted read-only in a container, with the host's PID and network namespaces); bundles ignore it")
}

// validateRoot checks --root: an absolute directory holding proc/ and sys/.
// It is refused with bundles, which are read where they are.
func (f *sampleFlags) validateRoot(bundles int) error {
	if f.root == "" {
		return nil
	}
	if bundles > 0 {
		return usageErr("--root applies to the live host, not to bundles")
	}
	if !filepath.IsAbs(f.root) {
		return usageErr("--root must be an absolute path, got %q", f.root)
	}
	for _, sub := range []string{"proc", "sys"} {
		fi, err := os.Stat(filepath.Join(f.root, sub))
		if err != nil || !fi.IsDir() {
			return usageErr("--root %s: no %s/ directory in it (mount the host's /%s there)", f.root, sub, sub)
		}
	}
	return nil
}
