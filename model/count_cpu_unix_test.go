//go:build unix

package model

import (
	"syscall"
	"time"
)

// processCPU is the CPU time the process has used, all threads: the
// figure of a benchmark that the load of a shared machine distorts least.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
