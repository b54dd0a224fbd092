//go:build !amd64

package symbolic

import "unsafe"

// prefetch is a hint (see prefetch_amd64.go); here it does nothing.
func prefetch(p unsafe.Pointer) {}
