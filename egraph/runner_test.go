package egraph

import (
	"context"
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func sum20Runner() (*Runner, []*Rewrite) {
	l := MathLanguage()
	g := New(l, NewConstFold(l))
	r := NewRunner(g)
	r.AddExpr(l.MustParseExpr(sum20Expr()))
	return r, MathRules(l)
}

func TestRunnerStopReasons(t *testing.T) {
	t.Run("canceled", func(t *testing.T) {
		r, rules := sum20Runner()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		stop := r.Run(ctx, rules)
		assert.Equal(t, StopCanceled, stop.Kind)
		assert.Len(t, r.Iterations, 1, "the iteration that noticed still rebuilds and is recorded")
	})
	t.Run("time", func(t *testing.T) {
		r, rules := sum20Runner()
		r.TimeLimit = time.Nanosecond
		assert.Equal(t, StopTimeLimit, r.Run(context.Background(), rules).Kind)
	})
	t.Run("memory", func(t *testing.T) {
		r, rules := sum20Runner()
		r.NodeLimit = 1 << 30
		r.MemoryLimit = 1 // bytes: trips at the first check
		assert.Equal(t, StopMemoryLimit, r.Run(context.Background(), rules).Kind)
	})
	t.Run("iterations", func(t *testing.T) {
		r, rules := sum20Runner()
		r.IterLimit = 2
		stop := r.Run(context.Background(), rules)
		assert.Equal(t, "IterationLimit(2)", stop.String())
		require.Len(t, r.Iterations, 2)
		it := r.Iterations[1]
		assert.Equal(t, 174, it.Memo, "iteration 1 starts from egg's 174 hashcons entries")
		assert.Equal(t, 144, it.ClassesAfter)
		assert.Positive(t, it.Applied["comm-add"])
	})
	t.Run("hook", func(t *testing.T) {
		r, rules := sum20Runner()
		r.Hooks = append(r.Hooks, func(*Runner) error { return errProved })
		stop := r.Run(context.Background(), rules)
		assert.Equal(t, StopOther, stop.Kind)
		assert.ErrorIs(t, stop.Err, errProved)
	})
}

func TestBackoffBansExplosiveRules(t *testing.T) {
	l := MathLanguage()
	g := New(l, NewConstFold(l))
	r := NewRunner(g)
	r.IterLimit = 10
	r.NodeLimit = 1 << 30
	r.AddExpr(l.MustParseExpr(sum20Expr()))
	b := NewBackoffScheduler()
	r.Scheduler = b
	rules := MathRules(l)
	r.Run(context.Background(), rules)
	// On sum20 the associativity and commutativity rules pass 1000
	// matches within a few iterations and get banned; a banned rule is
	// not searched until its ban ends.
	banned := 0
	for _, rw := range rules {
		if s := b.stats[rw]; s != nil && s.timesBanned > 0 {
			banned++
			assert.Greater(t, s.bannedUntil, 0)
		}
	}
	assert.Positive(t, banned)
	// egg's trajectory: 144 classes after iterations 4-6, 997 after 7.
	assert.Equal(t, 997, r.Iterations[8].Classes)
}

// TestRunClosingCollection: a run whose e-graph grows past 32K hashcons
// entries ends with one garbage collection, and none with NoCollect
// (automatic collections are off while the runs are counted).
func TestRunClosingCollection(t *testing.T) {
	prev := debug.SetGCPercent(-1)
	defer debug.SetGCPercent(prev)
	for _, noCollect := range []bool{false, true} {
		r, rules := sum20Runner()
		r.NodeLimit, r.IterLimit = 100_000, 30
		r.NoCollect = noCollect
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		r.Run(context.Background(), rules)
		runtime.ReadMemStats(&after)
		require.Greater(t, r.G.MemoSize(), 32<<10, "the run must grow past the threshold")
		want := uint32(1)
		if noCollect {
			want = 0
		}
		assert.Equal(t, want, after.NumGC-before.NumGC, "NoCollect %v", noCollect)
	}
}
