package egraph

import "math/bits"

// pageBits sets the size of the pages of pagedVec: 1,024 elements.
const pageBits = 10

// pagedVec is an append-only vector stored in fixed-size pages, so growing
// it never copies and never leaves the old backing array behind as
// garbage. A run that adds ten thousand e-nodes would otherwise allocate
// each per-node table about twice over through doubling, and in Go that
// garbage is paid for in collector cycles (the node-limited math rows
// spent half their CPU time in the collector). Only the first page grows
// by doubling, so small e-graphs stay small.
type pagedVec[T any] struct {
	pages [][]T
	n     int
	// pool, if set, supplies the pages, and takes back the first page's
	// arrays as it outgrows them.
	pool *arrayPool[T]
}

// newPage returns an empty array of capacity c (a power of two).
func (v *pagedVec[T]) newPage(c int) []T {
	if v.pool != nil {
		p, _ := v.pool.get(c)
		return p
	}
	return make([]T, 0, c)
}

// release hands the pages to the pool and empties v.
func (v *pagedVec[T]) release() {
	if v.pool != nil {
		for _, p := range v.pages {
			v.pool.put(p)
		}
	}
	v.pages, v.n = nil, 0
}

// at returns a pointer to element i (i < len).
func (v *pagedVec[T]) at(i int) *T {
	return &v.pages[i>>pageBits][i&(1<<pageBits-1)]
}

// len returns the number of elements.
func (v *pagedVec[T]) len() int { return v.n }

// push appends x.
func (v *pagedVec[T]) push(x T) {
	k := v.n
	if k < 1<<pageBits {
		if len(v.pages) == 0 {
			v.pages = make([][]T, 1, 4)
		}
		p := v.pages[0]
		if len(p) == cap(p) {
			np := append(v.newPage(min(max(2*cap(p), 64), 1<<pageBits)), p...)
			if v.pool != nil {
				v.pool.put(p)
			}
			p = np
		}
		v.pages[0] = append(p, x)
	} else {
		if k&(1<<pageBits-1) == 0 {
			v.pages = append(v.pages, v.newPage(1<<pageBits))
		}
		p := &v.pages[k>>pageBits]
		*p = append(*p, x)
	}
	v.n++
}

// maxFree is how many arrays of one capacity freeLists keeps.
const maxFree = 1024

// freeLists recycles the backing arrays of class node and parent lists.
// A union appends one class's lists to the other's, and whenever that
// outgrows the longer list both old arrays are dead; keeping them, by
// power-of-two capacity, for the next list that needs that size turns
// what would be garbage (a third of a node-limited run's allocation)
// into reuse. Only arrays whose capacity is a power of two are kept, and
// only the e-graph's own lists are ever put here.
type freeLists[T any] struct {
	byLog [][][]T // byLog[k] holds arrays of capacity 1<<k
}

// get returns an empty slice with capacity at least n (a power of two).
func (f *freeLists[T]) get(n int) []T {
	if s, ok := f.reuse(n); ok {
		return s
	}
	return make([]T, 0, 1<<bits.Len(uint(n-1)))
}

// reuse returns a kept empty slice of capacity n rounded up to a power of
// two, if there is one.
func (f *freeLists[T]) reuse(n int) ([]T, bool) {
	k := bits.Len(uint(n - 1))
	if k < len(f.byLog) {
		if l := f.byLog[k]; len(l) > 0 {
			s := l[len(l)-1]
			f.byLog[k] = l[:len(l)-1]
			return s, true
		}
	}
	return nil, false
}

// put keeps s's backing array for reuse; s must not be used afterwards.
func (f *freeLists[T]) put(s []T) {
	c := cap(s)
	if c == 0 || c&(c-1) != 0 {
		return
	}
	k := bits.Len(uint(c)) - 1
	if k < len(f.byLog) && len(f.byLog[k]) >= maxFree {
		// Merges free more arrays than new classes reuse: beyond a
		// working stock the rest is left to the collector rather than
		// kept live.
		return
	}
	for len(f.byLog) <= k {
		f.byLog = append(f.byLog, nil)
	}
	f.byLog[k] = appendDoubling(f.byLog[k], s[:0])
}

// concat appends the shorter of to and from to the longer one, as egg
// does, and recycles whichever arrays that leaves dead.
func (f *freeLists[T]) concat(to, from []T) []T {
	if len(to) < len(from) {
		to, from = from, to
	}
	if len(to)+len(from) <= cap(to) {
		to = appendChunked(to, from)
		f.put(from)
		return to
	}
	ns := f.get(len(to) + len(from))
	ns = appendChunked(ns, to)
	ns = appendChunked(ns, from)
	f.put(to)
	f.put(from)
	return ns
}

// appendOne appends x to s, taking a larger array from the free lists
// when s is full.
func (f *freeLists[T]) appendOne(s []T, x T) []T {
	if len(s) < cap(s) {
		return append(s, x)
	}
	ns := f.get(len(s) + 1)
	ns = appendChunked(ns, s)
	f.put(s)
	return append(ns, x)
}
