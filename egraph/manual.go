package egraph

import (
	"runtime"
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
// only the pages it uses. Once a run has ended, the process is taken to
// run e-graphs repeatedly, and dead mappings are kept (up to 32 MB) for
// the next arrays of their sizes rather than unmapped: each run would
// otherwise fault in its tables afresh, where arrays on the heap are
// reused (repeated runs of 10,000-node e-graphs were 9-16 % slower).
//
// Every array manualMake hands out is registered by its address, and
// manualFree unmaps only registered arrays: an array from the collected
// heap passed to it is left alone, so a caller may release any array of
// its tables the same way. On platforms without mmap, or when mapping
// fails, the arrays come from the collected heap.

// manualMin is the smallest array, in bytes, mapped by hand: below it the
// system call and the page granularity cost more than the collector does.
const manualMin = 64 << 10

// cacheMax bounds the bytes of unmapped-later mappings kept for reuse.
const cacheMax = 32 << 20

var manual struct {
	mu sync.Mutex
	// live maps the address of each array handed out to its mapping.
	live  map[*byte][]byte
	bytes int64 // bytes in live
	// repeat is set when a run has ended: the process runs e-graphs
	// one after another, and from then on dead mappings wait in cache
	// (by size, cached bytes in all) for the next array of their size
	// instead of being unmapped, so that a run does not map and fault
	// in afresh what the previous run let go. A process's first run
	// keeps nothing: kept mappings would add to its peak. used records
	// whether the cache was taken from since the last collection: a
	// collection that finds it unused unmaps it all, as sync.Pool drops
	// what it held for two collections.
	repeat bool
	cache  map[int][][]byte
	cached int64
	used   bool
	armed  bool
}

// manualMake returns an empty array mapped by hand, with capacity n (or,
// if upTo is larger, up to upTo when a kept mapping of that size is
// free), true, and whether the mapping was used before (its contents are
// then arbitrary; a new mapping reads as zeros). It returns nil and false
// if n elements of T take less than manualMin bytes or mapping failed.
func manualMake[T any](n, upTo int) (s []T, ok, reused bool) {
	var zero T
	esz := int(unsafe.Sizeof(zero))
	size := n * esz
	if n <= 0 || size < manualMin || size/n != esz {
		return nil, false, false
	}
	b := takeCached(size, max(upTo, n)*esz)
	reused = b != nil
	if b == nil {
		if b = mapPages(size); b == nil {
			return nil, false, false
		}
	}
	p := unsafe.SliceData(b)
	manual.mu.Lock()
	if manual.live == nil {
		manual.live = map[*byte][]byte{}
	}
	manual.live[p] = b
	manual.bytes += int64(len(b))
	manual.mu.Unlock()
	return unsafe.Slice((*T)(unsafe.Pointer(p)), len(b)/esz)[:0], true, reused
}

// manualFree releases s's array and reports true if manualMake made it
// (the mapping is unmapped, or kept for reuse once runs repeat);
// otherwise it does nothing and reports false. s, and every slice of its
// array, must not be used after it returns true.
func manualFree[T any](s []T) bool {
	var zero T
	if cap(s)*int(unsafe.Sizeof(zero)) < manualMin {
		return false // too small to have been mapped: no lock taken
	}
	p := (*byte)(unsafe.Pointer(unsafe.SliceData(s[:cap(s)])))
	manual.mu.Lock()
	b, ok := manual.live[p]
	if ok {
		delete(manual.live, p)
		manual.bytes -= int64(len(b))
	}
	manual.mu.Unlock()
	if ok && !cacheMapping(b) {
		unmapPages(b)
	}
	return ok
}

// manualRunEnded records that a run has ended (see manual.repeat).
func manualRunEnded() {
	manual.mu.Lock()
	manual.repeat = true
	manual.mu.Unlock()
}

// takeCached returns a kept mapping of size to upTo bytes (size, or
// size times a power of two), or nil.
func takeCached(size, upTo int) []byte {
	manual.mu.Lock()
	defer manual.mu.Unlock()
	for sz := size; sz <= upTo && sz > 0; sz *= 2 {
		l := manual.cache[sz]
		if len(l) == 0 {
			continue
		}
		b := l[len(l)-1]
		manual.cache[sz] = l[:len(l)-1]
		manual.cached -= int64(len(b))
		manual.used = true
		return b
	}
	return nil
}

// cacheMapping keeps b, a mapping whose array is dead, for reuse, and
// reports whether it did.
func cacheMapping(b []byte) bool {
	manual.mu.Lock()
	defer manual.mu.Unlock()
	if !manual.repeat || manual.cached+int64(len(b)) > cacheMax {
		return false
	}
	if manual.cache == nil {
		manual.cache = map[int][][]byte{}
	}
	manual.cache[len(b)] = append(manual.cache[len(b)], b)
	manual.cached += int64(len(b))
	if !manual.armed {
		manual.armed = true
		armFlush()
	}
	return true
}

// flushTick is made only to be collected: its cleanup runs after the
// next garbage collection. (It holds a pointer so that it is not put in
// a tiny-allocation block with other objects.)
type flushTick struct{ _ *int }

// armFlush has flushCache run after the next collection.
func armFlush() {
	runtime.AddCleanup(&flushTick{}, func(struct{}) { flushCache() }, struct{}{})
}

// flushCache runs after a collection: kept mappings not taken from since
// the previous one are unmapped.
func flushCache() {
	manual.mu.Lock()
	var drop [][]byte
	if !manual.used {
		for _, l := range manual.cache {
			drop = append(drop, l...)
		}
		clear(manual.cache)
		manual.cached = 0
	}
	manual.used = false
	manual.armed = manual.cached > 0
	if manual.armed {
		armFlush()
	}
	manual.mu.Unlock()
	for _, b := range drop {
		unmapPages(b)
	}
}

// ManualBytes returns the bytes of the e-graphs' tables (of every e-graph
// and runner in the process) held outside the collected heap: memory
// that runtime.MemStats does not count. Mappings kept for reuse, at most
// 32 MB until a collection finds them unused, are not counted.
func ManualBytes() int64 {
	manual.mu.Lock()
	defer manual.mu.Unlock()
	return manual.bytes
}
