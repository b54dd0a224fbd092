//go:build linux

package codegenbench

import "golang.org/x/sys/unix"

// threadCPU returns this OS thread's CPU time in ns: unlike the wall
// clock it does not count time the thread waited for a CPU on a busy host.
func threadCPU() int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		return 0
	}
	return ts.Nano()
}
