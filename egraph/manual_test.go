package egraph

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/stretchr/testify/require"
)

func TestManualMakeFree(t *testing.T) {
	if mapPages(manualMin) == nil {
		t.Skip("no mapping by hand on this platform: every array is on the collected heap")
	}
	dropCache()
	before := ManualBytes()
	s, ok, reused := manualMake[uint32](1<<14, 0)
	require.True(t, ok)
	require.False(t, reused, "the cache was emptied")
	require.Equal(t, 0, len(s))
	require.Equal(t, 1<<14, cap(s))
	require.Equal(t, before+64<<10, ManualBytes())
	s = s[:cap(s)]
	for i, v := range s {
		require.Zero(t, v, "a new mapping reads as zeros (element %d)", i)
		s[i] = uint32(i)
	}
	require.False(t, manualFree(s[1:]), "only the array's start is registered")
	require.True(t, manualFree(s[:0]))
	require.Equal(t, before, ManualBytes())
	require.False(t, manualFree(s), "freed twice")

	_, ok, _ = manualMake[uint32](manualMin/4-1, 0)
	require.False(t, ok, "below manualMin: the collected heap")
	_, ok, _ = manualMake[uint32](0, 0)
	require.False(t, ok)
	require.False(t, manualFree(make([]uint32, 0, 1<<16)), "a heap array is left to the collector")
	require.False(t, manualFree([]uint32(nil)))
}

// TestManualCache checks that dead mappings are unmapped until a run has
// ended, and kept for the next array of their size (or of a quarter or
// half of it, for arrays that may be larger) after; and that kept
// mappings are unmapped once a collection finds them unused.
func TestManualCache(t *testing.T) {
	if mapPages(manualMin) == nil {
		t.Skip("no mapping by hand on this platform")
	}
	manual.mu.Lock()
	repeat := manual.repeat
	manual.repeat = false
	manual.mu.Unlock()
	defer func() {
		manual.mu.Lock()
		manual.repeat = repeat
		manual.mu.Unlock()
	}()
	dropCache()
	before := ManualBytes()
	s, ok, _ := manualMake[uint64](1<<14, 0) // 128 KB
	require.True(t, ok)
	require.True(t, manualFree(s))
	require.Zero(t, cachedBytes(), "no run has ended: unmapped")

	manualRunEnded()
	s, ok, _ = manualMake[uint64](1<<14, 0)
	require.True(t, ok)
	s = append(s, 7)
	require.True(t, manualFree(s))
	require.Equal(t, before, ManualBytes(), "a kept mapping is not counted")
	require.Equal(t, int64(128<<10), cachedBytes())
	u, ok, reused := manualMake[uint32](1<<15, 0) // the same 128 KB
	require.True(t, ok)
	require.True(t, reused)
	require.Equal(t, unsafe.Pointer(unsafe.SliceData(s)), unsafe.Pointer(unsafe.SliceData(u)))
	require.Zero(t, cachedBytes())
	require.True(t, manualFree(u))

	// An array that may be larger takes a kept mapping of up to upTo.
	w, ok, reused := manualMake[uint32](1<<14, 1<<16) // 64 KB, up to 256 KB
	require.True(t, ok)
	require.True(t, reused)
	require.Equal(t, 1<<15, cap(w), "the kept 128 KB mapping")
	require.True(t, manualFree(w))
	w, ok, reused = manualMake[uint32](1<<14, 0) // 64 KB exactly
	require.True(t, ok)
	require.False(t, reused)
	require.Equal(t, 1<<14, cap(w))
	require.True(t, manualFree(w))

	// Within cacheMax only.
	big, ok, _ := manualMake[byte](cacheMax, 0)
	require.True(t, ok)
	require.True(t, manualFree(big))
	require.Equal(t, int64(192<<10), cachedBytes(), "over the bound: unmapped")

	// A collection that finds the kept mappings unused since the last
	// one unmaps them (flushCache is what runs after a collection).
	flushCache()
	flushCache()
	require.Zero(t, cachedBytes())
	require.Equal(t, before, ManualBytes())
}

// dropCache unmaps every kept mapping.
func dropCache() {
	manual.mu.Lock()
	manual.used = false
	manual.mu.Unlock()
	flushCache()
}

// cachedBytes returns the bytes of kept mappings.
func cachedBytes() int64 {
	manual.mu.Lock()
	defer manual.mu.Unlock()
	return manual.cached
}

func TestArrayPoolManual(t *testing.T) {
	if mapPages(manualMin) == nil {
		t.Skip("no mapping by hand on this platform")
	}
	dropCache()
	var p arrayPool[uint64]
	before := ManualBytes()
	s, reused := p.get(1 << 13) // 64 KB
	require.False(t, reused)
	require.Equal(t, before+64<<10, ManualBytes())
	p.put(s)
	require.Equal(t, before, ManualBytes(), "a mapped array is released when put back, not pooled")

	// grow with keep set leaves the old array to the collector, so the
	// new one must come from the collected heap.
	small := make([]uint64, 1<<12)
	g := p.grow(small, 1, true)
	require.GreaterOrEqual(t, cap(g), 1<<13)
	require.Equal(t, before, ManualBytes())
	require.False(t, manualFree(g))
	g = p.grow(g[:cap(g)], 1, false)
	require.Equal(t, before+int64(cap(g))*8, ManualBytes())
	p.put(g)
	require.Equal(t, before, ManualBytes())
}

// settleManual collects until the e-graphs' cleanups have run (they run
// on a goroutine of their own after a collection) and ManualBytes stops
// changing, and returns it.
func settleManual() int64 {
	last, same := ManualBytes(), 0
	for i := 0; i < 200 && same < 5; i++ {
		runtime.GC()
		time.Sleep(2 * time.Millisecond)
		if b := ManualBytes(); b == last {
			same++
		} else {
			last, same = b, 0
		}
	}
	return last
}

// TestManualArraysReleased runs small and large e-graphs, extraction and
// Simplify, drops them, and checks that every array mapped by hand was
// unmapped: by the tables' growth, by Run's end, by extraction, or by the
// cleanups of the collected e-graphs.
func TestManualArraysReleased(t *testing.T) {
	if mapPages(manualMin) == nil {
		t.Skip("no mapping by hand on this platform")
	}
	base := settleManual()
	peak := base
	run := func(expr string, sched Scheduler, nodes int) {
		l := MathLanguage()
		g := New(l, NewConstFold(l))
		r := NewRunner(g)
		if sched != nil {
			r.Scheduler = sched
		}
		r.IterLimit, r.NodeLimit, r.TimeLimit = 1000, nodes, time.Hour
		root := r.AddExpr(l.MustParseExpr(expr))
		r.Run(context.Background(), MathRules(l))
		peak = max(peak, ManualBytes())
		_, c := NewExtractor(g, AstSize{}).Best(root)
		require.Greater(t, c, 0.0)
	}
	run(poly8Expr(), nil, 10_000)                // small at the end: pooled path
	run(sum20Expr(), nil, 100_000)               // large: unmapped at the end
	run(poly8Expr(), SimpleScheduler{}, 100_000) // large, simple scheduler
	run("(+ 1 (+ 2 (+ 3 (+ 4 5))))", nil, 10_000)
	require.Greater(t, peak, base, "the runs mapped no array by hand: the test checks nothing")
	require.Equal(t, base, settleManual(), "arrays mapped by hand and never unmapped")
}

// TestManualArraysConcurrent runs e-graphs on several goroutines at once
// (the registry and the kept mappings are shared by all of them), checks
// their results against a run alone, and that every mapping is released
// once they are collected.
func TestManualArraysConcurrent(t *testing.T) {
	if mapPages(manualMin) == nil {
		t.Skip("no mapping by hand on this platform")
	}
	run := func(expr string, nodes int) string {
		l := MathLanguage()
		g := New(l, NewConstFold(l))
		r := NewRunner(g)
		r.IterLimit, r.NodeLimit, r.TimeLimit = 1000, nodes, time.Hour
		root := r.AddExpr(l.MustParseExpr(expr))
		stop := r.Run(context.Background(), MathRules(l))
		_, c := NewExtractor(g, AstSize{}).Best(root)
		return fmt.Sprintf("%v %d %d %d %g", stop, g.NumNodes(), g.NumClasses(), g.MemoSize(), c)
	}
	base := settleManual()
	cases := []struct {
		expr  string
		nodes int
	}{{poly8Expr(), 10_000}, {sum20Expr(), 30_000}, {poly8Expr(), 40_000}}
	want := make([]string, len(cases))
	for i, c := range cases {
		want[i] = run(c.expr, c.nodes)
	}
	var wg sync.WaitGroup
	got := make([][]string, 4)
	for w := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range 3 {
				c := cases[(w+k)%len(cases)]
				got[w] = append(got[w], run(c.expr, c.nodes))
			}
		}()
	}
	wg.Wait()
	for w := range got {
		for k, g := range got[w] {
			require.Equal(t, want[(w+k)%len(cases)], g, "goroutine %d, run %d", w, k)
		}
	}
	require.Equal(t, base, settleManual(), "arrays mapped by hand and never released")
}
