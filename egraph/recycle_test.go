package egraph

import (
	"context"
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRecycledTablesGiveSameRuns runs node-limited math cases again and
// again, with collections in between (so collected e-graphs' tables go to
// the pools and later runs take them) and from several goroutines at once,
// and checks that every run ends with the counts egg's run has: a table
// handed out twice, or read after it was recycled, would change them.
func TestRecycledTablesGiveSameRuns(t *testing.T) {
	var cases []mathCase
	for _, c := range mathCases {
		switch c.name {
		case "integ_sin", "integ_part3", "math_simplify_factor", "math_diff_ln":
			cases = append(cases, c)
		}
	}
	require.Len(t, cases, 4)
	rounds := 4
	if testing.Short() {
		rounds = 2
	}
	var wg sync.WaitGroup
	for w := 0; w < 3; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := 0; k < rounds; k++ {
				for _, c := range cases {
					r, l, _ := newMathRunner(c)
					stop := r.Run(context.Background(), MathRules(l))
					rep := r.Report()
					assert.Equal(t, c.stop, stop.String(), c.name)
					assert.Equal(t, c.nodes, rep.Nodes, c.name)
					assert.Equal(t, c.classes, rep.Classes, c.name)
					assert.Equal(t, c.memo, rep.Memo, c.name)
				}
				runtime.GC()
			}
		}()
	}
	wg.Wait()
}

// TestArrayPoolSizes checks the pool's size classes: get returns a
// power-of-two capacity at least n, put keeps only power-of-two
// capacities within the pooled range, and a pooled array comes back.
func TestArrayPoolSizes(t *testing.T) {
	var p arrayPool[uint32]
	for _, c := range []struct{ n, wantCap int }{
		{1, 1}, {100, 128}, {256, 256}, {1000, 1024}, {1 << poolMaxLog, 1 << poolMaxLog},
	} {
		s, _ := p.get(c.n)
		assert.Equal(t, 0, len(s), "n=%d", c.n)
		assert.Equal(t, c.wantCap, cap(s), "n=%d", c.n)
	}
	a := make([]uint32, 10, 1024)
	p.put(a)
	var got []uint32
	for i := 0; i < 100 && got == nil; i++ { // a collection between put and get empties the pool
		if s, ok := p.getAtLeast(600); ok {
			got = s
		} else {
			p.put(a)
		}
	}
	require.NotNil(t, got)
	assert.Equal(t, &a[:1][0], &got[:1][0], "the pooled array is handed out again")
	assert.Equal(t, 0, len(got))
	s := make([]uint32, 0, 1000) // not a power of two: not kept
	p.put(s)
	s2, ok := p.get(512)
	assert.False(t, ok && cap(s2) == 1000)
}
