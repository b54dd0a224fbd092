//go:build linux || darwin || freebsd || netbsd || openbsd

package egraph

import "syscall"

// mapPages maps size bytes of zeroed, private memory, or returns nil.
func mapPages(size int) []byte {
	b, err := syscall.Mmap(-1, 0, size, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		return nil
	}
	return b
}

// unmapPages unmaps b, which mapPages returned.
func unmapPages(b []byte) {
	// An error here means b was not a mapping, which manualFree's
	// registry rules out; the memory is then left mapped.
	_ = syscall.Munmap(b)
}
