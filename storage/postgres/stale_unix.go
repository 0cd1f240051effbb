//go:build unix

package postgres

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// removeStaleSchemas removes the scratch folders of processes that are
// gone (a node killed with SIGKILL cannot remove its own).
func removeStaleSchemas() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), schemaDirPrefix+"*"))
	for _, d := range dirs {
		pid, _, ok := strings.Cut(strings.TrimPrefix(filepath.Base(d), schemaDirPrefix), "-")
		n, err := strconv.Atoi(pid)
		if !ok || err != nil || n <= 0 || n == os.Getpid() {
			continue
		}
		if syscall.Kill(n, 0) == syscall.ESRCH {
			os.RemoveAll(d)
		}
	}
}
