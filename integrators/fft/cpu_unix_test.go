//go:build unix

package fft

import "syscall"

// cpuSeconds is the process CPU time (user + system), which benchmarks
// report beside wall time because the machine is shared.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return -1
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}
