package symbolic

import (
	"fmt"
	"math"
	"math/big"
	"math/rand"
	"runtime"
	"testing"
	"unsafe"
	"weak"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReserveNodes checks that reserving room keeps every interned term
// findable (the same pointer after the tables are rebuilt) and leaves room
// for the reserved count in every shard, so the construction that follows
// does not rebuild.
func TestReserveNodes(t *testing.T) {
	const n = 20000
	before := make([]*Expr, 100)
	for i := range before {
		before[i] = Mul(Sym(fmt.Sprintf("rsv_%d", i)), IntExpr(int64(3*i+7)))
	}
	reserveNodes(n)
	mean := n / shardCount
	for i := range table {
		s := &table[i]
		s.mu.Lock()
		free := len(s.tab)*3/4 - s.used
		s.mu.Unlock()
		assert.GreaterOrEqual(t, free, mean, "shard %d", i)
	}
	for i, e := range before {
		require.Same(t, e, Mul(Sym(fmt.Sprintf("rsv_%d", i)), IntExpr(int64(3*i+7))))
	}
}

// TestNodeLayout pins the node size the intern table's slabs are tuned
// for: one 64-byte cache line per node.
func TestNodeLayout(t *testing.T) {
	assert.EqualValues(t, 64, sizeofExpr)
	assert.EqualValues(t, 16, sizeofNumber)
}

// TestIntSlabSizeClass checks that an integer slab takes the allocator's
// 4 KB size class, as its size is chosen for (TotalAlloc grows by the
// size class of each object). TotalAlloc counts every goroutine's
// allocations, so other work of the process can only add to a reading:
// the least of five is taken (one reading alone was 27 bytes a slab over
// while other packages' tests ran under -race).
func TestIntSlabSizeClass(t *testing.T) {
	const n = 200
	per := uint64(math.MaxUint64)
	for range 5 {
		keep := make([]*intSlab, n)
		var a, b runtime.MemStats
		runtime.ReadMemStats(&a)
		for i := range keep {
			keep[i] = new(intSlab)
		}
		runtime.ReadMemStats(&b)
		runtime.KeepAlive(keep)
		per = min(per, (b.TotalAlloc-a.TotalAlloc)/n)
	}
	assert.LessOrEqual(t, per, uint64(4096), "an intSlab of %d bytes is allocated as %d", unsafe.Sizeof(intSlab{}), per)
	assert.Greater(t, per, uint64(4096-sizeofExpr), "the 4 KB class has room for another node")
}

// TestScaledProductBeside: a product built with a coefficient, when it
// and its coefficient-free copy are both new, is made with the copy as a
// twin pair, which twinOf finds without a lookup; twinOf returns nil or
// exactly the interned coefficient-free copy; and goroutines building the
// same sums at once get the same pointers.
func TestScaledProductBeside(t *testing.T) {
	for i := range 40 {
		p := Mul(IntExpr(7), Sym(fmt.Sprintf("bes_p%d", i)), Pow(Sym(fmt.Sprintf("bes_q%d", i)), IntExpr(2)))
		tw := twinOf(p)
		require.NotNil(t, tw, "a new scaled product and its new copy are twins")
		require.Same(t, withCoef(Int(1), p), tw)
		require.Same(t, p, Mul(IntExpr(7), Sym(fmt.Sprintf("bes_p%d", i)), Pow(Sym(fmt.Sprintf("bes_q%d", i)), IntExpr(2))))
		// The same monomial with another coefficient is no twin, and has
		// arrays of its own (a slab never points into another).
		q := Mul(IntExpr(9), tw)
		require.Nil(t, twinOf(q))
		require.Same(t, tw, withCoef(Int(1), q))
		require.NotSame(t, &tw.args[0], &q.args[0])
		require.Equal(t, tw.args, q.args)
	}
	// Nine factors: the pair's arrays are allocated apart.
	var fs []*Expr
	for i := range 9 {
		fs = append(fs, Sym(fmt.Sprintf("bes_f%d", i)))
	}
	big9 := Mul(append([]*Expr{IntExpr(5)}, fs...)...)
	require.Same(t, Mul(fs...), twinOf(big9))
	require.Equal(t, "5*bes_f0*bes_f1*bes_f2*bes_f3*bes_f4*bes_f5*bes_f6*bes_f7*bes_f8", big9.String())
	x, y := Sym("bes_x"), Sym("bes_y")
	assert.Nil(t, twinOf(Mul(x, y)), "a product without a coefficient has no twin")
	assert.Nil(t, twinOf(Mul(IntExpr(3), x)), "3*x: its coefficient-free form is x, not a product")

	// Soundness over many shapes, built in an order that interleaves
	// them in the slabs.
	var nodes []*Expr
	for i := range 3000 {
		a, b := Sym(fmt.Sprintf("bes_a%d", i%37)), Sym(fmt.Sprintf("bes_b%d", i%11))
		c := IntExpr(int64(i%9 - 4))
		nodes = append(nodes, Mul(c, a, b), Mul(a, b), Pow(a, IntExpr(int64(i%5+2))), Add(Mul(c, a), b), Mul(RatExpr(int64(i), 7), a, Pow(b, IntExpr(-1))))
	}
	for _, e := range nodes {
		if tw := twinOf(e); tw != nil {
			require.Equal(t, KMul, e.Kind())
			require.Same(t, withCoef(Int(1), e), tw, "%s", e)
		}
	}

	// Concurrent builders of the same sum.
	const workers, n = 4, 2000
	xs, ys := make([]*Expr, n), make([]*Expr, n)
	for i := range xs {
		xs[i], ys[i] = Sym(fmt.Sprintf("bes_x%d", i)), Sym(fmt.Sprintf("bes_y%d", i))
	}
	sums := make([]*Expr, workers)
	done := make(chan struct{})
	for w := range workers {
		go func() {
			defer func() { done <- struct{}{} }()
			sb := NewSumBuilder()
			for i := range n {
				sb.Add(Mul(IntExpr(int64(2000+i*(w+1)%n)), xs[i], Pow(ys[i], IntExpr(2))))
			}
			sums[w] = sb.Build()
		}()
	}
	for range workers {
		<-done
	}
	for w := 1; w < workers; w++ {
		require.Equal(t, sums[0].String() == sums[w].String(), sums[0] == sums[w], "worker %d", w)
	}
	_, terms, _ := sums[0].AddParts()
	require.Len(t, terms, n)
	for i, tm := range terms {
		require.EqualValues(t, 1, tm.num.i, "term %d keeps no coefficient", i)
	}
}

// TestIntCache: machine integers beyond the slab range are one node each,
// through the cache and across collections (which empty it).
func TestIntCache(t *testing.T) {
	v := int64(intSlabRange) + 123457
	a := IntExpr(v)
	require.Same(t, a, IntExpr(v))
	require.Same(t, a, NumExpr(Int(v)))
	b := IntExpr(v + intCacheSize) // the same slot
	require.NotSame(t, a, b)
	require.Same(t, a, IntExpr(v))
	require.Same(t, b, IntExpr(v+intCacheSize))
	runtime.GC()
	runtime.GC()
	require.Same(t, a, IntExpr(v))
	require.Equal(t, fmt.Sprint(v), a.String())
	require.Same(t, IntExpr(-v), Neg(IntExpr(v)))
}

// TestIntSlabs: the integers of the slab range are one node each whatever
// builds them (a constructor, folding, a rational that is whole, the
// parser's path through NumExpr), across collections and from several
// goroutines, at the ends of the range and of the small constants; and a
// slab nobody references is reclaimed.
func TestIntSlabs(t *testing.T) {
	for _, v := range []int64{1025, -1025, 1031, 1032, -1032, -1033, 5000, -5000, 123456,
		intSlabRange - 1, -intSlabRange, intSlabRange, -intSlabRange - 1} {
		a := IntExpr(v)
		require.Equal(t, fmt.Sprint(v), a.String())
		require.Same(t, a, NumExpr(Rat(2*v, 2)), "%d", v)
		require.Same(t, a, Add(IntExpr(v-1), One()), "%d", v)
		require.Same(t, a, Mul(IntExpr(-1), IntExpr(-v)), "%d", v)
		var r big.Rat
		r.SetString(fmt.Sprintf("%d/1", v))
		require.Same(t, a, NumExpr(BigRat(&r)), "%d", v)
		require.Equal(t, KNum, a.Kind())
		fresh := Expr{kind: KNum, op: OpNum, num: Int(v)}
		computeHash(&fresh)
		require.Equal(t, fresh.hash, a.Hash(), "%d hashes as a table node would", v)
	}
	// The small constants stay the static ones, beside slab neighbours.
	require.Same(t, &smallIntNodes[2048], IntExpr(1024))
	require.Same(t, &smallIntNodes[0], IntExpr(-1024))
	// Concurrent first uses of one slab agree.
	const g = 8
	got := make([]*Expr, g)
	done := make(chan struct{})
	for k := range g {
		go func() {
			defer func() { done <- struct{}{} }()
			got[k] = IntExpr(777777)
		}()
	}
	for range g {
		<-done
	}
	for k := range g {
		require.Same(t, got[0], got[k])
	}
	// An unreferenced slab is reclaimed: its handle then reads nil.
	off := uint64(654321 + intSlabRange)
	IntExpr(654321)
	wp := intChunks[off/intSlabSize/intChunk].Load()[off/intSlabSize%intChunk].Load()
	require.NotNil(t, wp)
	reclaimed := false
	for range 10 {
		runtime.GC()
		if wp.Value() == nil {
			reclaimed = true
			break
		}
	}
	require.True(t, reclaimed, "the slab of an unreferenced integer stays alive")
	require.Equal(t, "654321", IntExpr(654321).String())
}

// TestSampleDead: a shard whose entries are all alive samples no dead
// one (a growing construction skips the sweep); after a generation of
// terms is dropped and collected, the samples find the dead entries.
func TestSampleDead(t *testing.T) {
	keep := make([]*Expr, 0, 20000)
	for i := range 20000 {
		keep = append(keep, Mul(Sym(fmt.Sprintf("sd_a%d", i)), Sym(fmt.Sprintf("sd_b%d", i))))
	}
	runtime.GC()
	runtime.GC()
	s := &table[keep[0].hash&(shardCount-1)]
	s.mu.Lock()
	s.rebuild(true) // drop whatever earlier tests left dead
	dead := s.sampleDead()
	s.mu.Unlock()
	require.False(t, dead, "all of this shard's entries are alive")
	runtime.KeepAlive(keep)
	keep = nil
	found := false
	for range 10 {
		runtime.GC()
		s.mu.Lock()
		found = s.sampleDead()
		s.mu.Unlock()
		if found {
			break
		}
	}
	require.True(t, found, "the dropped generation's entries are dead")
}

// TestSlabSizes checks that each slab shape, with the allocator's 8-byte
// type header, fills its size class exactly (the shapes' doc comment),
// and that a node is one cache line.
func TestSlabSizes(t *testing.T) {
	assert.Equal(t, uintptr(64), unsafe.Sizeof(Expr{}))
	assert.Equal(t, uintptr(1792), unsafe.Sizeof(flatSlab{})+8)
	assert.Equal(t, uintptr(2688), unsafe.Sizeof(denseSlab{})+8)
	// A slot must fit the key's low bits.
	assert.LessOrEqual(t, len(denseSlab{}.n), shardCount)
}

// TestRebuildKeepsEveryLiveEntry: after a rebuild that sweeps dead entries
// and compacts the table in place, every live entry is still found by
// probing from its home slot. Homes are drawn near the end of the table
// too, so that clusters wrap around to its start; a compaction that
// reinserted entries across the holes the sweep left could move one
// entry out of another's probe path (the intern table then missed live
// nodes and made duplicates: a symbol twice, in TestDSLParallelExpansion).
func TestRebuildKeepsEveryLiveEntry(t *testing.T) {
	r := rand.New(rand.NewSource(11))
	const size = 128
	mask := uint64(size - 1)
	for trial := 0; trial < 300; trial++ {
		s := &shard{tab: make([]tabEntry, size), ctrl: make([]uint8, size)}
		keep := map[uint64]*Expr{}
		for k := 0; k < 90; k++ {
			home := uint64(r.Intn(size))
			if r.Intn(3) == 0 {
				home = mask - uint64(r.Intn(6))
			}
			key := uint64(r.Int63())<<20&^(mask<<shardBits) | home<<shardBits
			key &= keyMask
			if _, dup := keep[key]; dup {
				continue
			}
			p := new(Expr)
			i := home
			for s.ctrl[i] != 0 {
				i = (i + 1) & mask
			}
			s.tab[i], s.ctrl[i] = tabEntry{key, weak.Make(p)}, fingerprint(key)
			s.used++
			if r.Intn(2) == 0 {
				keep[key] = p
			}
		}
		runtime.GC()
		runtime.GC()
		s.rebuildFor(true, 0)
		require.Len(t, s.tab, size, "the compacting path")
		for key, p := range keep {
			i := (key >> shardBits) & mask
			found := false
			for s.ctrl[i] != 0 {
				if s.tab[i].key == key && s.tab[i].node() == p {
					found = true
					break
				}
				i = (i + 1) & mask
			}
			require.True(t, found, "trial %d: live entry with home %d lost", trial, (key>>shardBits)&mask)
		}
		runtime.KeepAlive(keep)
	}
}

// TestWeakHandleLayout checks what the table's sweep assumes of the
// runtime (see handleOf): a weak.Pointer is one pointer to a word that
// holds the object's address while it lives and is zero once it has been
// collected and its span swept (runtime.GC sweeps before it returns).
func TestWeakHandleLayout(t *testing.T) {
	require.True(t, rawHandles, "the sweep reads weak handles through Value on this runtime")
	require.Equal(t, unsafe.Sizeof(unsafe.Pointer(nil)), unsafe.Sizeof(weak.Pointer[Expr]{}))
	require.True(t, handleCleared(weak.Pointer[Expr]{}), "the zero weak pointer")
	p := new(Expr)
	wp := weak.Make(p)
	h := handleOf(wp)
	require.NotNil(t, h)
	require.Equal(t, uintptr(unsafe.Pointer(p)), *(*uintptr)(h))
	require.False(t, handleCleared(wp))
	runtime.KeepAlive(p)
	p = nil
	cleared := false
	for range 10 {
		runtime.GC()
		if handleCleared(wp) {
			cleared = true
			break
		}
	}
	require.True(t, cleared, "the handle of a collected object still holds its address")
	require.Nil(t, wp.Value())
}

// TestSmallInts: each integer in -1024..1024 is one static node whatever
// builds it, hashed as a table node would be, equal to its neighbours
// only in value order; the first uses of a block from several goroutines
// agree (run under -race this also checks that making a block is
// synchronised with reading it).
func TestSmallInts(t *testing.T) {
	var got [8][]*Expr
	done := make(chan struct{})
	for k := range got {
		go func() {
			defer func() { done <- struct{}{} }()
			for v := int64(1024); v >= -1024; v-- {
				got[k] = append(got[k], IntExpr(v))
			}
		}()
	}
	for range got {
		<-done
	}
	for k := range got {
		for i, e := range got[k] {
			require.Same(t, got[0][i], e)
		}
	}
	for v := int64(-1024); v <= 1024; v++ {
		a := IntExpr(v)
		require.Same(t, &smallIntNodes[v+1024], a)
		require.Same(t, a, NumExpr(Rat(3*v, 3)), "%d", v)
		require.Same(t, a, Add(IntExpr(v-1), One()), "%d", v)
		require.Equal(t, fmt.Sprint(v), a.String())
		fresh := Expr{kind: KNum, op: OpNum, num: Int(v)}
		computeHash(&fresh)
		require.Equal(t, fresh.hash, a.Hash(), "%d hashes as a table node would", v)
		if v > -1024 {
			require.Equal(t, -1, Compare(IntExpr(v-1), a))
		}
	}
	require.Same(t, Zero(), IntExpr(0))
	require.Same(t, One(), IntExpr(1))
	require.Same(t, MinusOne(), IntExpr(-1))
}

// TestSumArraysPool: a large sum's outgrown arrays come back from the
// pool empty (a stale term would keep its node alive), and sums built
// one after the other through the pool are the sums built directly.
func TestSumArraysPool(t *testing.T) {
	const n = 5000
	xs := make([]*Expr, n)
	for i := range xs {
		xs[i] = Sym(fmt.Sprintf("sap_%d", i))
	}
	var first *Expr
	for round := range 3 {
		sb := NewSumBuilder()
		for i, x := range xs {
			sb.Add(Mul(IntExpr(int64(i+1)), x))
		}
		s := sb.Build()
		require.Equal(t, KAdd, s.Kind())
		require.Len(t, s.args, n)
		if round == 0 {
			first = s
		}
		require.Same(t, first, s, "round %d", round)
	}
	for size := sumPoolMin; size <= 8*sumPoolMin; size *= 2 {
		terms, coefs := getSumArrays(size)
		terms, coefs = terms[:size], coefs[:size]
		for i := range terms {
			terms[i], coefs[i] = xs[i%n], Int(int64(i+1))
		}
		putSumArrays(terms, coefs)
		for range 4 { // the pool may give another array, or a new one
			got, gotc := getSumArrays(size)
			require.Equal(t, size, cap(got))
			for _, e := range got[:size] {
				require.Nil(t, e)
			}
			for _, c := range gotc[:size] {
				require.True(t, c.IsZero() || c == Number{}, "stale coefficient %v", c)
			}
		}
	}
}
