//go:build !unix

package storage

import "time"

// cpuTime is not measured here.
func cpuTime() time.Duration { return 0 }
