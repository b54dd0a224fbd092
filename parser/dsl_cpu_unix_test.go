//go:build unix

package parser

import (
	"syscall"
	"time"
)

// processCPU returns the CPU time (user + system) the process has used,
// all threads included. On a shared machine CPU time per operation is a
// steadier figure than wall time, which grows with the other load.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
