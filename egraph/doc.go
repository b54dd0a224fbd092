// Package egraph is symcalc's equality-saturation engine: an e-graph with
// egg's design (hashcons, union-find, deferred rebuilding, e-class
// analyses), compiled e-matching, a runner with limits and schedulers,
// tree and DAG extraction by a measured CPU-cost model, and explanations.
//
// # E-graph
//
// A Language declares operators and arities (MaxArity children at most);
// constants and symbols are leaves every language has. An e-node (Node) is
// a 16-byte value, an operator and child class ids, so the hashcons and
// class node lists are flat arrays without pointers. EGraph.Add hashconses
// a node; EGraph.Union merges classes; neither repairs congruence, which
// EGraph.Rebuild restores in one pass, together with analysis data, as
// egg does. The hashcons keeps stale entries like egg's memo, and its size
// (MemoSize) is what the node limit measures.
//
// An Analysis keeps per-class data in its own tables, with make, merge and
// modify hooks. ConstFold is egg's constant folding with pruning;
// Intervals is a sound interval (sign) analysis that conditions such as
// Positive, NonNegative and ProvablyNonZero query (arithmetic, powers,
// the elementary functions, abs, sign, floor, ceil, min, max, ifelse;
// FuzzIntervals checks it against evaluation); Simplify gives it the
// values of the numbers the bridge keeps opaque (1.5, 1/3), so that
// tanh(x) + 1.5 is provably positive. Product combines two analyses.
//
// # Rewrites
//
// Patterns are s-expressions with ?variables, compiled once into egg's
// e-matching machine (Bind, Compare, Lookup, Scan). Rewrites may be
// conditional (a Condition checked per match at apply time),
// bidirectional (ParseBiRewrite) or use multi-patterns
// ("?a = (f ?x), ?b = (g ?x)"). A Runner searches every rule on the same
// e-graph, applies all matches rule by rule, and rebuilds once per
// iteration; it stops on saturation, iteration, node (hashcons), time or
// memory limits, or context cancellation, always with a StopReason, and
// records an Iteration report per iteration. SimpleScheduler applies
// everything; BackoffScheduler is egg's exponential backoff (match limit
// 1000, ban length 5).
//
// MathLanguage and MathRules are egg's math test suite; its e-class and
// e-node counts, per-iteration trajectories, hashcons sizes and stop
// points are tested against egg 0.9.5's (math_test.go, scaling_test.go).
// egg applies matches in the iteration order of its hash tables, and the
// number of stale hashcons entries (which the node limit measures)
// depends on that order; hashorder.go reproduces it, and EGraph.SetEggOrder
// turns it off.
//
// # Extraction and simplification
//
// NewExtractor finds the cheapest tree of every class under a
// CostFunction (AstSize, AstDepth, OpCost); ExtractDAG and ExtractDAGMulti
// count a shared subterm once. CPUCost is an OpCost whose operator costs
// are measured by BenchmarkOpCost on this machine (costs.go). InstrCost
// is a DAG cost that follows codegen's lowering instead (one fused
// multiply-add per term of a sum, numeric coefficients folded in, each
// distinct product once), for extracting what the tape VM will run.
//
// Simplify and SimplifySystem bridge symbolic terms into the e-graph
// (EvalLanguage, Bridge), saturate with DefaultRules (factoring, Horner
// forms, strength reduction of powers, exp/log identities, each checked
// numerically by a property test) and extract the cheapest equivalent;
// SimplifySystem returns its input when extraction finds nothing cheaper.
//
// # Memory
//
// A short run's cost in Go is mostly what it allocates: the collector
// and the runtime's scavenger. Arrays whose death is known (a runner's
// match buffers when Run returns, a small e-graph's pointer-free tables
// when it is collected, via runtime.AddCleanup) go to package-level
// sync.Pools and are reused by the next run (recycle.go). Those of 64
// KB and more (the union-find, the hashcons slots, the egg-order tables,
// the match buffers) are mapped outside the collected heap and released
// as soon as they die (manual.go): a run of a few MB then need not reach
// the runtime's first collection, whose own memory is a large part of a
// small process's peak. ManualBytes reports them, and Runner.MemoryLimit
// counts them. The library never sets GOGC or the memory limit on its
// own; Runner.SoftMemoryLimit lowers the runtime's soft limit during Run
// when a caller asks.
//
// # Shared partial sums
//
// FactorSums is a dedicated pass for systems of sums such as a
// mass-action right-hand side (dx = C·m): where several equations hold
// the same monomials with proportional coefficients, their partial sum
// is written once, as a product s·(Σ c·m/s) that every equation refers
// to, and each equation's remaining terms are factored by their most
// common species when EstimateInstructions (a model of codegen's
// lowering) says it pays. Equation-local rewriting cannot find this
// saving, because the code generator already spends one fused
// multiply-add per term; on the BCR network it halves the right-hand
// side (bench/egraph/README.md).
//
// # Explanations
//
// After EnableExplanations, EGraph.Explain returns a proof that two terms
// are equal as a chain of single rule applications (congruence and
// constant folding expanded), which the tests replay rule by rule.
package egraph
