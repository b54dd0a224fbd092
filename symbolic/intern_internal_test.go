package symbolic

import (
	"fmt"
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
