package egraph

// opCostNs is the measured time of one float64 operation in nanoseconds
// per element (independent evaluations over a 1024-element slice), on a
// 2-vCPU AMD EPYC (AVX2+FMA), Go 1.26.8: the minimum over 3 runs of
//
//	go test ./egraph -run '^$' -bench OpCost -count 3
//
// (BenchmarkOpCost in costs_bench_test.go). Rerun it on a new machine and
// update the numbers; only their ratios matter to extraction.
var opCostNs = map[string]float64{
	"add": 0.98, "sub": 0.97, "mul": 1.26, "div": 3.88,
	"neg": 1.40, "abs": 1.37, "sqrt": 4.88,
	"exp": 16.7, "log": 12.4, "pow": 59.9,
	"sin": 28.0, "cos": 21.5, "tan": 29.6, "tanh": 27.4, "atan": 15.5,
}

// opAliases maps operator names of our languages to the measured
// operation they compile to.
var opAliases = map[string]string{
	"+": "add", "-": "sub", "*": "mul", "/": "div", "ln": "log",
}

// CPUCost returns a tree/DAG cost model whose operator costs are the
// measured nanoseconds per evaluation of opCostNs (leaves cost nothing;
// unknown operators cost as much as pow).
func CPUCost() OpCost {
	c := OpCost{Costs: map[string]float64{}, Leaf: 0, Default: opCostNs["pow"]}
	for k, v := range opCostNs {
		c.Costs[k] = v
	}
	for alias, op := range opAliases {
		c.Costs[alias] = opCostNs[op]
	}
	return c
}
