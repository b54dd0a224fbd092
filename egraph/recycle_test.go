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

// TestMatchArenaKeepsEverySearch fills a match arena the way the runner
// does, with searches of varied sizes that sometimes outgrow their space
// (continuing in another chunk and leaving what they found in place)
// and are sometimes discarded, over several iterations, and checks that
// every kept search's matches are intact when the iteration ends: a
// chunk handed to two searches, or dropped while in use, would mix them.
func TestMatchArenaKeepsEverySearch(t *testing.T) {
	var a matchArena
	sizes := []int{0, 3, 700, 40, 150_000, 9, 1 << 18, 260_000, 1, 5000}
	var kept []Matches
	check := func(iter int, when string) {
		t.Helper()
		for k, m := range kept {
			n := sizes[(k+iter)%len(sizes)] * (1 + iter%3)
			if (k+iter)%4 == 3 {
				n = 0
			}
			require.Equal(t, n, m.Len(), "iteration %d, search %d%s", iter, k, when)
			for i := range n {
				if x, _ := m.At(i); x != arenaTag(iter, k, i) {
					t.Fatalf("iteration %d, search %d: match %d is %#x%s", iter, k, i, x, when)
				}
			}
		}
	}
	for iter := 0; iter < 12; iter++ {
		a.reset()
		kept = kept[:0]
		for k := range sizes {
			n := sizes[(k+iter)%len(sizes)] * (1 + iter%3)
			m := Matches{Stride: 1}
			a.take(&m, n/2)
			mc := machine{out: m.Data, arena: &a}
			for i := 0; i < n; i++ {
				if len(mc.out)+1 > cap(mc.out) {
					mc.grow()
				}
				mc.out = append(mc.out, arenaTag(iter, k, i))
			}
			m.Data, m.segs = mc.out, mc.segs
			if (k+iter)%4 == 3 {
				m.Reset() // a search the scheduler discards
			}
			a.keep(&m)
			kept = append(kept, m)
		}
		check(iter, "")
		// The arena holds what the kept searches hold, and no more: the
		// segments of a discarded search are free again.
		taken, held := 0, 0
		for _, c := range a.chunks {
			taken += len(c)
		}
		for _, m := range kept {
			held += m.ids()
		}
		require.Equal(t, held, taken, "iteration %d: ids taken in the arena", iter)
		// Scratch for ordering comes from free space, never from a
		// search's matches.
		sp := a.spare(1000)
		sp = append(sp, make([]Id, 1000)...)
		for i := range sp {
			sp[i] = ^Id(0)
		}
		check(iter, " after ordering scratch")
	}
	a.release()
}

// arenaTag is what TestMatchArenaKeepsEverySearch stores as match i of
// search k in iteration iter.
func arenaTag(iter, k, i int) Id { return Id(iter%16)<<28 | Id(k%16)<<24 | Id(i)&(1<<24-1) }
