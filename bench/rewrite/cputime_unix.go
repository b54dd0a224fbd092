//go:build unix

package rewritebench

import "syscall"

// processCPU returns the CPU time (user + system) the process has used, in
// nanoseconds. Benchmarks report it per operation beside wall time: on a
// shared, loaded machine wall time includes waiting for a core.
func processCPU() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
