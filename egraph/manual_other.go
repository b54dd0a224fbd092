//go:build !(linux || darwin || freebsd || netbsd || openbsd)

package egraph

// mapPages reports that memory cannot be mapped by hand here: the
// e-graph's tables all come from the collected heap.
func mapPages(size int) []byte { return nil }

// unmapPages is never called: mapPages maps nothing.
func unmapPages(b []byte) {}
