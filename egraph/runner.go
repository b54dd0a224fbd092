package egraph

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"time"
)

// StopReason says why a run stopped.
type StopReason struct {
	Kind StopKind
	// Value is the measure that tripped the limit: iterations, memo size,
	// seconds or bytes; for StopOther, Err holds the hook's error.
	Value float64
	Err   error
}

// StopKind names a stop reason.
type StopKind int

const (
	StopNone StopKind = iota
	// StopSaturated: an iteration changed nothing and no rule is banned.
	StopSaturated
	// StopIterationLimit: the iteration limit was reached.
	StopIterationLimit
	// StopNodeLimit: the hashcons grew past the node limit.
	StopNodeLimit
	// StopTimeLimit: the time limit passed.
	StopTimeLimit
	// StopMemoryLimit: the Go heap and the tables mapped outside it grew
	// past the memory limit.
	StopMemoryLimit
	// StopCanceled: the context was canceled.
	StopCanceled
	// StopOther: a hook stopped the run.
	StopOther
)

func (s StopReason) String() string {
	switch s.Kind {
	case StopSaturated:
		return "Saturated"
	case StopIterationLimit:
		return fmt.Sprintf("IterationLimit(%d)", int(s.Value))
	case StopNodeLimit:
		return fmt.Sprintf("NodeLimit(%d)", int(s.Value))
	case StopTimeLimit:
		return fmt.Sprintf("TimeLimit(%.3gs)", s.Value)
	case StopMemoryLimit:
		return fmt.Sprintf("MemoryLimit(%d bytes)", int64(s.Value))
	case StopCanceled:
		return fmt.Sprintf("Canceled(%v)", s.Err)
	case StopOther:
		return fmt.Sprintf("Other(%v)", s.Err)
	}
	return "NotStopped"
}

// Iteration reports one iteration of a run. Nodes and Classes are measured
// at the start of the iteration (as egg does); the after-rebuild figures
// are in the next iteration or in the runner's final counts.
type Iteration struct {
	Memo, Classes int
	// Applied counts, per rule name, the matches that changed the e-graph.
	Applied                             map[string]int
	SearchTime, ApplyTime, RebuildTime  time.Duration
	HookTime                            time.Duration
	CongruenceUnions                    int
	NodesAfter, ClassesAfter, MemoAfter int
	Stop                                StopReason
}

// Scheduler decides which matches each rule gets each iteration.
type Scheduler interface {
	// Search fills out with the matches of r for iteration iter. out's
	// arrays belong to the runner: they are reused by the next
	// iteration and released when Run returns (memory mapped outside
	// the heap may be unmapped), so a scheduler must not keep them, or
	// slices of them, past the call.
	Search(iter int, g *EGraph, r *Rewrite, out *Matches)
	// CanStop is asked when an iteration changed nothing; returning false
	// keeps the run going (for instance to wait out bans).
	CanStop(iter int) bool
}

// SimpleScheduler applies every match of every rule every iteration.
type SimpleScheduler struct{}

func (SimpleScheduler) Search(_ int, g *EGraph, r *Rewrite, out *Matches) {
	r.Searcher.Search(g, 0, out)
}

func (SimpleScheduler) CanStop(int) bool { return true }

// BackoffScheduler is egg's exponential rule backoff: a rule whose search
// finds more than its threshold (MatchLimit << timesBanned) matches gets
// none this iteration and is banned for BanLength << timesBanned
// iterations. When nothing changed but rules are banned, the bans are
// fast-forwarded instead of stopping.
type BackoffScheduler struct {
	MatchLimit int // default 1000
	BanLength  int // default 5
	stats      map[*Rewrite]*ruleStats
	order      []*ruleStats
}

type ruleStats struct {
	timesApplied, bannedUntil, timesBanned int
	matchLimit, banLength                  int
}

// NewBackoffScheduler returns a backoff scheduler with egg's defaults.
func NewBackoffScheduler() *BackoffScheduler {
	return &BackoffScheduler{MatchLimit: 1000, BanLength: 5}
}

func (b *BackoffScheduler) rule(r *Rewrite) *ruleStats {
	if b.stats == nil {
		b.stats = map[*Rewrite]*ruleStats{}
	}
	s, ok := b.stats[r]
	if !ok {
		s = &ruleStats{matchLimit: b.MatchLimit, banLength: b.BanLength}
		b.stats[r] = s
		b.order = append(b.order, s)
	}
	return s
}

func (b *BackoffScheduler) Search(iter int, g *EGraph, r *Rewrite, out *Matches) {
	s := b.rule(r)
	out.Reset()
	if iter < s.bannedUntil {
		return
	}
	threshold := s.matchLimit << s.timesBanned
	r.Searcher.Search(g, threshold+1, out)
	if out.Len() > threshold {
		s.timesBanned++
		s.bannedUntil = iter + s.banLength<<(s.timesBanned-1)
		out.Reset()
		return
	}
	s.timesApplied++
}

func (b *BackoffScheduler) CanStop(iter int) bool {
	minBan := -1
	for _, s := range b.order {
		if s.bannedUntil > iter && (minBan < 0 || s.bannedUntil < minBan) {
			minBan = s.bannedUntil
		}
	}
	if minBan < 0 {
		return true
	}
	delta := minBan - iter
	for _, s := range b.order {
		if s.bannedUntil > iter {
			s.bannedUntil -= delta
		}
	}
	return false
}

// Runner runs rewrites to saturation or a limit (egg's Runner). Configure
// the exported fields, add roots with AddExpr, then call Run.
type Runner struct {
	G     *EGraph
	Roots []Id

	IterLimit   int           // default 30
	NodeLimit   int           // compared with the hashcons size; default 10 000
	TimeLimit   time.Duration // default 5 s; checked, with ctx, at each iteration and after every 8th rule searched or applied
	MemoryLimit uint64        // Go heap bytes plus ManualBytes (the tables mapped outside the heap); 0 means none
	// SoftMemoryLimit, if positive, lowers the Go runtime's soft memory
	// limit (runtime/debug.SetMemoryLimit) to this many bytes while Run
	// runs, and restores the previous limit when it returns. The
	// collector then keeps the process's Go memory near the limit instead
	// of letting the heap grow to twice what is live, trading CPU time
	// for peak memory. (The runtime's limit does not see the e-graph's
	// tables mapped outside the heap, ManualBytes.) The limit is process-wide: other goroutines
	// allocating during Run are held to it too, which is why it is an
	// option and not the default. A limit already below it is kept.
	SoftMemoryLimit int64
	// NoCollect skips the garbage collection Run ends with when the
	// e-graph has grown past 32K hashcons entries (see Run): a program
	// that runs several e-graphs at once, or times its own collections,
	// may not want one per run.
	NoCollect bool
	Scheduler Scheduler // default NewBackoffScheduler()
	// Hooks run at the start of each iteration; an error stops the run
	// with StopOther.
	Hooks []func(*Runner) error

	Iterations []Iteration
	Stop       StopReason

	start   time.Time
	ctx     context.Context
	checks  int // calls of checkLimitsEvery
	matches []Matches
	arena   matchArena
}

// NewRunner returns a runner over g with egg's default limits and
// scheduler.
func NewRunner(g *EGraph) *Runner {
	return &Runner{G: g, IterLimit: 30, NodeLimit: 10000, TimeLimit: 5 * time.Second, Scheduler: NewBackoffScheduler()}
}

// AddExpr adds a term to the e-graph and records its class as a root.
func (r *Runner) AddExpr(e Expr) Id {
	id := r.G.AddExpr(e)
	r.Roots = append(r.Roots, id)
	return id
}

func (r *Runner) checkLimits() StopReason { return r.checkLimitsEvery(1) }

// checkLimitsEvery is checkLimits that reads the clock and the context
// only on every n-th call (n a power of two): the runner checks after
// each rule's search and each rule's apply, and on a small e-graph reading
// the clock that often was 6 % of a run. The node and iteration limits,
// which decide where a run stops, are checked every time.
func (r *Runner) checkLimitsEvery(n int) StopReason {
	r.checks++
	if r.checks&(n-1) == 0 {
		if err := r.ctx.Err(); err != nil {
			return StopReason{Kind: StopCanceled, Err: err}
		}
		if el := time.Since(r.start); r.TimeLimit > 0 && el > r.TimeLimit {
			return StopReason{Kind: StopTimeLimit, Value: el.Seconds()}
		}
	}
	if size := r.G.MemoSize(); size > r.NodeLimit {
		return StopReason{Kind: StopNodeLimit, Value: float64(size)}
	}
	if len(r.Iterations) >= r.IterLimit {
		return StopReason{Kind: StopIterationLimit, Value: float64(len(r.Iterations))}
	}
	if r.MemoryLimit > 0 {
		var ms runtime.MemStats
		// ReadMemStats stops the world; it is only read when asked for.
		runtime.ReadMemStats(&ms)
		if used := ms.HeapAlloc + uint64(ManualBytes()); used > r.MemoryLimit {
			return StopReason{Kind: StopMemoryLimit, Value: float64(used)}
		}
	}
	return StopReason{}
}

// Run runs the rules until a stop reason arises and returns it. It follows
// egg's Runner::run: rebuild first; then each iteration checks limits,
// runs hooks, searches every rule on the same e-graph (checking limits
// after each), applies every rule's matches in rule order (checking limits
// after each), and rebuilds once, even if a limit tripped. When the
// e-graph has grown past 32K hashcons entries, Run ends with a garbage
// collection (runtime.GC, unless NoCollect), which frees the run's match
// buffers and outgrown tables before the caller goes on (3-12 ms on the
// 100,000-node rows).
func (r *Runner) Run(ctx context.Context, rules []*Rewrite) StopReason {
	if ctx == nil {
		ctx = context.Background()
	}
	r.ctx = ctx
	if r.Scheduler == nil {
		r.Scheduler = NewBackoffScheduler()
	}
	if r.SoftMemoryLimit > 0 {
		if prev := debug.SetMemoryLimit(-1); r.SoftMemoryLimit < prev {
			debug.SetMemoryLimit(r.SoftMemoryLimit)
			defer debug.SetMemoryLimit(prev)
		}
	}
	r.start = time.Now()
	r.G.Rebuild()
	if len(r.matches) < len(rules) {
		r.matches = make([]Matches, len(rules))
	}
	for {
		it := r.runOne(rules)
		r.Iterations = append(r.Iterations, it)
		stop := it.Stop
		if stop.Kind == StopNone {
			stop = r.checkLimits()
		}
		if stop.Kind != StopNone {
			r.Stop = stop
			// The matches are applied: their buffers go back to the
			// pool for the next run (a resumed Run takes new ones) if
			// the e-graph is small; a large run's buffers, held in a
			// pool, would only raise the next large run's peak (sum20
			// backoff x30: 25 -> 27 MB).
			for k := range r.matches {
				r.matches[k] = Matches{}
			}
			if smallGraph(r.G.MemoSize()) {
				r.arena.release()
			} else {
				// A large run's buffers are garbage now, as are the
				// e-graph's arrays outgrown during the run (the
				// hashcons slots, the per-id tables): several MB that
				// the collector would reclaim only once the heap had
				// doubled again. Collecting now lets what the caller
				// does next (extraction, typically) reuse that memory
				// instead of growing the heap: peak RSS of poly8 and
				// sum20 with backoff to 100,000 nodes, extraction
				// included, 34 -> 30 MB, sum20 backoff 10k 27 -> 22.5
				// MB. A collection of the e-graph costs a few ms here
				// (it is at least 32K hashcons entries; runs that small
				// take 50 ms and more).
				r.arena.free()
				r.G.dropScratch()
				if !r.NoCollect {
					runtime.GC()
				}
			}
			manualRunEnded()
			return stop
		}
	}
}

func (r *Runner) runOne(rules []*Rewrite) Iteration {
	g := r.G
	i := len(r.Iterations)
	result := r.checkLimits()
	it := Iteration{Memo: g.MemoSize(), Classes: g.NumClasses()}
	t0 := time.Now()
	if result.Kind == StopNone {
		for _, h := range r.Hooks {
			if err := h(r); err != nil {
				result = StopReason{Kind: StopOther, Err: err}
				break
			}
		}
	}
	it.HookTime = time.Since(t0)
	memoAfterHooks, classesAfterHooks := g.MemoSize(), g.NumClasses()

	t0 = time.Now()
	searched := 0
	if result.Kind == StopNone {
		// The previous iteration's matches are applied: every rule's
		// search starts over in the shared buffer.
		r.arena.reset()
		for k, rw := range rules {
			m := &r.matches[k]
			r.arena.take(m, m.ids())
			r.Scheduler.Search(i, g, rw, m)
			r.arena.keep(m)
			searched = k + 1
			if result = r.checkLimitsEvery(8); result.Kind != StopNone {
				break
			}
		}
	}
	it.SearchTime = time.Since(t0)

	t0 = time.Now()
	if result.Kind == StopNone {
		for k, rw := range rules[:searched] {
			n := rw.Apply(g, &r.matches[k])
			if n > 0 {
				if it.Applied == nil {
					it.Applied = map[string]int{}
				}
				it.Applied[rw.Name] += n
			}
			if result = r.checkLimitsEvery(8); result.Kind != StopNone {
				break
			}
		}
	}
	it.ApplyTime = time.Since(t0)

	t0 = time.Now()
	it.CongruenceUnions = g.Rebuild()
	it.RebuildTime = time.Since(t0)
	it.MemoAfter, it.ClassesAfter = g.MemoSize(), g.NumClasses()

	if len(it.Applied) == 0 && r.Scheduler.CanStop(i) &&
		it.Memo == memoAfterHooks && it.Classes == classesAfterHooks &&
		it.Memo == g.MemoSize() && it.Classes == g.NumClasses() && result.Kind == StopNone {
		result = StopReason{Kind: StopSaturated}
	}
	it.Stop = result
	return it
}

// Report summarises a run.
type Report struct {
	Stop                               StopReason
	Iterations                         int
	Nodes, Classes, Memo               int
	CongruenceUnions                   int
	SearchTime, ApplyTime, RebuildTime time.Duration
	TotalTime                          time.Duration
}

// Report summarises the run so far.
func (r *Runner) Report() Report {
	rep := Report{Stop: r.Stop, Iterations: len(r.Iterations), Nodes: r.G.NumNodes(), Classes: r.G.NumClasses(), Memo: r.G.MemoSize()}
	for _, it := range r.Iterations {
		rep.CongruenceUnions += it.CongruenceUnions
		rep.SearchTime += it.SearchTime
		rep.ApplyTime += it.ApplyTime
		rep.RebuildTime += it.RebuildTime
	}
	rep.TotalTime = rep.SearchTime + rep.ApplyTime + rep.RebuildTime
	return rep
}

func (rep Report) String() string {
	return fmt.Sprintf("stop %v, %d iterations, %d e-nodes, %d e-classes, memo %d, %d congruence unions, search %v apply %v rebuild %v",
		rep.Stop, rep.Iterations, rep.Nodes, rep.Classes, rep.Memo, rep.CongruenceUnions, rep.SearchTime, rep.ApplyTime, rep.RebuildTime)
}
