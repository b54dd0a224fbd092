package egraph

import (
	"math/bits"
	"sync"
)

// Arrays that die at a known point (a runner's match buffers when Run
// returns, the hashcons's slots and growing id tables when they are
// replaced, a small e-graph's pointer-free tables when the e-graph is
// collected, through runtime.AddCleanup) are handed to package-level
// pools by power-of-two capacity, so the next run, or the next e-graph
// in the same process, takes them instead of allocating.
//
// Why: in Go the cost of a short run is dominated by what it allocates,
// not by what it computes. A node-limited math-suite run (integ_sin,
// sum20 with a 10,000 node limit) allocates 2.5-7 MB, nearly all of it
// dead when the run ends; the collector runs about twice per run, and
// between runs the runtime's scavenger hands the freed pages back to the
// OS, which the next run faults back in (madvise was 7 % of integ_sin's
// profile). Memory reused from a pool stays in use, so it is neither
// collected nor scavenged. sync.Pool drops what is not reused within two
// collection cycles, so an idle process does not keep it.
//
// Only arrays nothing else refers to are put back. The id -> slot table
// is aliased by the egg-order mirror between rebuilds, so it is recycled
// only with its e-graph; node and parent lists and class records are
// never recycled, because a caller may hold an EClass or its Nodes.

// poolMaxLog bounds the capacity of pooled arrays (1<<15 elements, 128 KB
// of ids), and recycleTables and recycleOrder skip e-graphs with more
// entries than that. The collector's cost per run matters for small
// e-graphs (a run of milliseconds); a large e-graph's arrays, held in a
// pool, are live memory that raises the collector's heap goal with them,
// so pooling them added to peak memory (sum20 with backoff for 30
// iterations peaked at 31 MB instead of 25 with every size pooled).
const poolMaxLog = 15

// poolMinLog is the smallest pooled capacity (256 elements): smaller
// arrays cost less to allocate than a pool's Get and Put (which box the
// slice), and a tiny run allocates dozens of them (one per operator).
const poolMinLog = 8

// chunkMaxLog bounds the match buffers' pool (1<<17 ids, 512 KB): a
// runner's matches are dead when Run returns, and a few rules with many
// matches (math_associate_adds peaks at 128K ids an iteration) would
// otherwise allocate them afresh every run.
const chunkMaxLog = 17

// top returns the largest pooled log-capacity.
func (p *arrayPool[T]) top() int {
	if p.maxLog > 0 {
		return p.maxLog
	}
	return poolMaxLog
}

// smallGraph reports whether an e-graph with n hashcons entries is small
// enough for its tables to be recycled.
func smallGraph(n int) bool { return n <= 1<<poolMaxLog }

// arrayPool recycles []T arrays whose capacity is a power of two.
type arrayPool[T any] struct {
	byLog [chunkMaxLog + 1]sync.Pool // *[]T, capacity exactly 1<<k
	// maxLog, if set, raises the largest pooled capacity above
	// poolMaxLog (up to chunkMaxLog).
	maxLog int
}

var (
	idArrays    arrayPool[Id]
	matchChunks = arrayPool[Id]{maxLog: chunkMaxLog}
	slotArrays  arrayPool[uint64]
	uint32Pages arrayPool[uint32]
	entryPages  arrayPool[memoEntry]
	byteArrays  arrayPool[byte]
)

// recycleTables is the cleanup of a collected e-graph: its pointer-free
// tables go to the pools. It runs after the e-graph is unreachable, so
// nothing can read them any more.
func recycleTables(t *tables) {
	if !smallGraph(t.memo.count) {
		// A large e-graph's arrays are not pooled; those mapped by hand
		// are released (manualFree).
		manualFree(t.uf)
		manualFree(t.pending)
		manualFree(t.memo.slots)
		*t = tables{}
		return
	}
	idArrays.put(t.uf)
	idArrays.put(t.pending)
	uint32Pages.put(t.slot) // eggOrder.slot aliases it: kept when it grows, recycled only here
	slotArrays.put(t.memo.slots)
	t.memo.entries.release()
	t.ent.release()
	for _, l := range t.byOp {
		idArrays.put(l)
	}
	*t = tables{}
}

// recycleOrder is the cleanup of a collected e-graph's mirror of egg's
// hash tables.
func recycleOrder(o *eggOrder) {
	if !smallGraph(len(o.allIds)) {
		o.classes.free()
		for _, t := range o.byOp {
			t.free()
		}
		for _, l := range o.byOpIds {
			manualFree(l)
		}
		manualFree(o.allIds)
		manualFree(o.mask)
		*o = eggOrder{}
		return
	}
	o.classes.release()
	for _, t := range o.byOp {
		t.release()
	}
	for _, l := range o.byOpIds {
		idArrays.put(l)
	}
	idArrays.put(o.all)
	idArrays.put(o.allIds)
	idArrays.put(o.scratch)
	slotArrays.put(o.mask)
	*o = eggOrder{}
}

// get returns an empty slice with capacity the power of two at or above n
// (exactly n above the pooled range), and whether it came from the pool
// (a reused array is not zeroed). Arrays of manualMin bytes and more are
// mapped by hand (manual.go): whoever takes one must hand it back with
// put, or free it with manualFree, when it is dead.
func (p *arrayPool[T]) get(n int) ([]T, bool) { return p.getFrom(n, 0, true) }

// getFrom is get; with mapped false the array always comes from the
// collected heap (for arrays that may be dropped rather than put back).
// A mapping kept for reuse of up to upTo elements may be taken.
func (p *arrayPool[T]) getFrom(n, upTo int, mapped bool) ([]T, bool) {
	k := bits.Len(uint(max(n, 1) - 1))
	if k > p.top() {
		// Not poolable: exactly n, as rounding up a match buffer of
		// millions of ids would waste up to half of it.
		if mapped {
			if s, ok, reused := manualMake[T](n, upTo); ok {
				return s, reused
			}
		}
		return make([]T, 0, n), false
	}
	if k >= poolMinLog {
		if x, ok := p.byLog[k].Get().(*[]T); ok {
			return (*x)[:0], true
		}
	}
	if mapped {
		if s, ok, reused := manualMake[T](1<<k, upTo); ok {
			return s, reused
		}
	}
	return make([]T, 0, 1<<k), false
}

// getAtLeast is get, but takes a larger pooled array (up to 4 times the
// size) when there is none of the size itself. Growing tables and match
// buffers use it: the previous run of the same workload left its largest
// arrays, and taking one early means no further growth, where leaving it
// in the pool while allocating small ones would hold both. (Arrays mapped
// by hand are released by manualFree when put back, not pooled.)
func (p *arrayPool[T]) getAtLeast(n int) ([]T, bool) { return p.getAtLeastFrom(n, true) }

// getAtLeastFrom is getAtLeast; mapped is as for getFrom.
func (p *arrayPool[T]) getAtLeastFrom(n int, mapped bool) ([]T, bool) {
	k := max(bits.Len(uint(max(n, 1)-1)), poolMinLog)
	for j := k; j <= min(k+2, p.top()); j++ {
		if x, ok := p.byLog[j].Get().(*[]T); ok {
			return (*x)[:0], true
		}
	}
	return p.getFrom(n, 4<<k, mapped)
}

// put hands s's array to the pool; s must not be used afterwards. An
// array mapped by hand is released by manualFree instead; arrays whose
// capacity is not a power of two, or is too large, are left to the
// collector.
func (p *arrayPool[T]) put(s []T) {
	if manualFree(s) {
		return
	}
	c := cap(s)
	if c == 0 || c&(c-1) != 0 {
		return
	}
	k := bits.Len(uint(c)) - 1
	if k < poolMinLog || k > p.top() {
		return
	}
	// A new box, not &s: taking s's address would move the parameter to
	// the heap on every call, pooled or not.
	b := new([]T)
	*b = s[:0]
	p.byLog[k].Put(b)
}

// grow returns s with room for n more elements: s itself if it has it,
// else a pooled array of twice the needed capacity with s copied in. With
// keep false, s's old array goes to the pool (only for arrays nothing
// else refers to). With keep true the old array is left to the
// collector, so the new one comes from the collected heap too (it will
// be left the same way).
func (p *arrayPool[T]) grow(s []T, n int, keep bool) []T {
	if len(s)+n <= cap(s) {
		return s
	}
	ns, _ := p.getAtLeastFrom(max(2*cap(s), len(s)+n, 16), !keep)
	ns = appendChunked(ns, s)
	if !keep {
		p.put(s)
	}
	return ns
}

// copyChunk is how many elements appendChunked and copyChunked move at a
// time.
const copyChunk = 1 << 14

// appendChunked is append(s, xs...) done in pieces of copyChunk elements.
// One memmove cannot be preempted, and one of hundreds of megabytes (a
// large run's match buffer or parent list, growing into memory the kernel
// has to map first) takes long enough that the garbage collector spins
// on the other core trying to stop this goroutine: on sum20 with the
// simple scheduler and a million nodes that spinning was 6.4 s of the
// process's 73 s of CPU.
func appendChunked[T any](s, xs []T) []T {
	for len(xs) > copyChunk {
		s = append(s, xs[:copyChunk]...)
		xs = xs[copyChunk:]
	}
	return append(s, xs...)
}

// copyChunked is copy(dst, src) done in pieces, for the reason
// appendChunked gives.
func copyChunked[T any](dst, src []T) int {
	n := min(len(dst), len(src))
	for i := 0; i < n; i += copyChunk {
		copy(dst[i:min(i+copyChunk, n)], src[i:min(i+copyChunk, n)])
	}
	return n
}
