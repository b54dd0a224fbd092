package symbolic

import "unsafe"

// prefetch asks the processor to bring the cache line at p into its
// caches without waiting for it: a hint, with no effect on the program's
// meaning. It lets a table store or a later lookup that would miss the
// cache overlap with other work (a read from memory takes about 190 ns
// on the machine the package is measured on).
//
//go:noescape
func prefetch(p unsafe.Pointer)
