package egraph

import (
	"sync"
	"unsafe"
)

// Manual arrays: the e-graph's largest pointer-free tables live outside
// the collected heap.
//
// The union-find, the pending list, the hashcons slots, the egg-order
// hash tables and the runner's match buffers are arrays of numbers whose
// lifetimes the package knows: each is replaced when its table outgrows
// it, and dies with its e-graph or when Run returns. Arrays of manualMin
// bytes and more among them are mapped from the operating system
// directly and unmapped at those points, where the other arrays are left
// to the collector.
//
// Why: in the collected heap, an outgrown array stays resident until a
// collection finds it dead, and the collection itself costs memory (its
// work buffers and mark bits; about 0.5 MB for the first one in a small
// process, measured on this machine). Node-limited runs of a few MB
// allocate most of their memory in these tables: poly8 with backoff to
// 10,000 nodes allocated 4.6 MB, passed the runtime's first 4 MB heap
// goal and peaked at 7.2-7.5 MB (a program running only that row); with
// its large tables mapped by hand it runs without a collection (see
// bench/egraph/README.md). An unmapped array's pages go back at once,
// and an array never written past its used part (a match buffer) costs
// only the pages it uses.
//
// Every array manualMake hands out is registered by its address, and
// manualFree unmaps only registered arrays: an array from the collected
// heap passed to it is left alone, so a caller may release any array of
// its tables the same way. On platforms without mmap, or when mapping
// fails, the arrays come from the collected heap.

// manualMin is the smallest array, in bytes, mapped by hand: below it the
// system call and the page granularity cost more than the collector does.
const manualMin = 64 << 10

var manual struct {
	mu sync.Mutex
	// live maps the address of each array handed out to its mapping.
	live  map[*byte][]byte
	bytes int64 // bytes in live
}

// manualMake returns an empty array of capacity n mapped by hand, and
// true; or nil and false if n elements of T take less than manualMin
// bytes or the mapping failed. A new mapping reads as zeros.
func manualMake[T any](n int) ([]T, bool) {
	var zero T
	size := n * int(unsafe.Sizeof(zero))
	if n <= 0 || size < manualMin || size/n != int(unsafe.Sizeof(zero)) {
		return nil, false
	}
	b := mapPages(size)
	if b == nil {
		return nil, false
	}
	p := unsafe.SliceData(b)
	manual.mu.Lock()
	if manual.live == nil {
		manual.live = map[*byte][]byte{}
	}
	manual.live[p] = b
	manual.bytes += int64(len(b))
	manual.mu.Unlock()
	return unsafe.Slice((*T)(unsafe.Pointer(p)), n)[:0], true
}

// manualFree unmaps s's array and reports true if manualMake made it;
// otherwise it does nothing and reports false. s, and every slice of its
// array, must not be used after it returns true.
func manualFree[T any](s []T) bool {
	if cap(s) == 0 {
		return false
	}
	p := (*byte)(unsafe.Pointer(unsafe.SliceData(s[:cap(s)])))
	manual.mu.Lock()
	b, ok := manual.live[p]
	if ok {
		delete(manual.live, p)
		manual.bytes -= int64(len(b))
	}
	manual.mu.Unlock()
	if ok {
		unmapPages(b)
	}
	return ok
}

// ManualBytes returns the bytes of the e-graphs' tables (of every e-graph
// and runner in the process) held outside the collected heap: memory
// that runtime.MemStats does not count.
func ManualBytes() int64 {
	manual.mu.Lock()
	defer manual.mu.Unlock()
	return manual.bytes
}
