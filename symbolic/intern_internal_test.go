package symbolic

import (
	"fmt"
	"runtime"
	"testing"

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

// TestScaledProductBeside: a product built with a coefficient sits right
// after its coefficient-free copy, which twinOf finds without a lookup;
// whatever a node's predecessor is, twinOf returns nil or exactly the
// interned coefficient-free copy; and goroutines building the same sums
// at once get the same pointers.
func TestScaledProductBeside(t *testing.T) {
	require.True(t, slabAligned, "slabs are not 512-byte aligned: twinOf is off")
	// The copy is the last node of its shard's slab when the slab has
	// room after it (7 times in 8).
	found := 0
	for i := range 40 {
		p := Mul(IntExpr(7), Sym(fmt.Sprintf("bes_p%d", i)), Pow(Sym(fmt.Sprintf("bes_q%d", i)), IntExpr(2)))
		if tw := twinOf(p); tw != nil {
			require.Same(t, withCoef(Int(1), p), tw)
			found++
		}
	}
	assert.GreaterOrEqual(t, found, 20, "products beside their copies")
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

// TestIntCache: machine integers beyond the small ones are one node each,
// through the cache and across collections (which empty it).
func TestIntCache(t *testing.T) {
	a := IntExpr(123457)
	require.Same(t, a, IntExpr(123457))
	require.Same(t, a, NumExpr(Int(123457)))
	b := IntExpr(123457 + intCacheSize) // the same slot
	require.NotSame(t, a, b)
	require.Same(t, a, IntExpr(123457))
	require.Same(t, b, IntExpr(123457+intCacheSize))
	runtime.GC()
	runtime.GC()
	require.Same(t, a, IntExpr(123457))
	require.Equal(t, "123457", a.String())
	require.Same(t, IntExpr(-5000), Neg(IntExpr(5000)))
}
