package egraph

import (
	"math"
	"math/bits"
	"strings"
)

// opCostNs is the measured time of one float64 operation in nanoseconds
// per element (independent evaluations over a 1024-element slice), on
// this project's 2-vCPU AMD EPYC guest (family 26, AVX-512, AVX2+FMA),
// Go 1.26.8, 2026-11-30: the minimum over 6 runs of
//
//	go test ./egraph -run '^$' -bench OpCost -count 6 -benchtime 0.3s
//
// (BenchmarkOpCost in costs_bench_test.go). Rerun it on a new machine and
// update the numbers; only their ratios matter to extraction. (The first
// table, taken on a family-23 EPYC, had the transcendental functions at
// 12-30 adds and pow at 61; on this one pow is 137 adds.)
var opCostNs = map[string]float64{
	"add": 0.355, "sub": 0.353, "mul": 0.341, "div": 1.18,
	"neg": 0.318, "abs": 0.528, "sign": 0.554, "sqrt": 2.20, "cbrt": 7.76,
	"floor": 0.614, "ceil": 0.603, "min": 1.85, "max": 2.11,
	"cmp": 0.601, "ifelse": 0.591,
	"exp": 6.44, "log": 7.57, "log1p": 8.78, "pow": 48.6,
	"sin": 8.13, "cos": 7.42, "tan": 8.34,
	"asin": 8.14, "acos": 8.45, "atan": 5.56, "atan2": 10.3,
	"sinh": 9.40, "cosh": 8.21, "tanh": 10.5,
}

// opAliases maps operator names of our languages to the measured
// operation they compile to.
var opAliases = map[string]string{
	"+": "add", "-": "sub", "*": "mul", "/": "div", "ln": "log",
	"<": "cmp", "<=": "cmp", ">": "cmp", ">=": "cmp", "==": "cmp", "!=": "cmp",
	"&&": "cmp", "||": "cmp", "!": "cmp",
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

// InstrCost is a DAG cost that follows what codegen.Lower emits for a
// term, so that DAG extraction ranks candidates the way the generated
// code's length ranks them. Under CPUCost a term c·x·y in a sum costs a
// multiply and an add, so factoring x·(c1·y + c2·z) looks cheaper; but
// codegen lowers a sum as one chain of fused multiply-adds, acc =
// fma(c_i, t_i, acc), with the numeric coefficient folded in and every
// distinct product computed once for the whole right-hand side. So here:
//
//   - a sum or difference costs one instruction (the add or fused
//     multiply-add that folds its operand into the chain);
//   - a product with a numeric factor costs nothing (the number is the
//     chain's coefficient), a product of two non-numbers one multiply,
//     and a product with a sum two (the multiply that starts the inner
//     sum's chain as well; inside an outer sum codegen fuses the outer
//     multiply, so this overcharges factored forms by one, which errs
//     towards the unfactored form);
//   - a negation costs nothing (the sign goes into the coefficient);
//   - other operations cost their measured time (opCostNs) in units of
//     one add, so on the machine of the table a division is about
//     three instructions and an exp eighteen.
//
// Leaves cost nothing. It is a DagCost: a subterm shared by several
// outputs is paid once, as codegen's value numbering computes it once.
type InstrCost struct{}

// OpCost returns the cost of n's own operation.
func (InstrCost) OpCost(g *EGraph, n Node) float64 {
	l := g.lang
	if l.Arity(n.Op) == 0 {
		return 0
	}
	name := l.OpName(n.Op)
	switch name {
	case "+", "-":
		return 1
	case "neg":
		return 0
	case "*":
		if g.holdsConst(n.Args[0]) || g.holdsConst(n.Args[1]) {
			return 0
		}
		if g.holdsSum(n.Args[0]) || g.holdsSum(n.Args[1]) {
			// x·(a + b): the multiply, and the multiply that starts the
			// inner sum's chain (a sum's own + nodes count one
			// instruction per term after the first).
			return 2
		}
		return 1
	case "pow":
		// codegen lowers x^k for a small integer k to a chain of
		// multiplications (square and multiply), x^-k to one more
		// division.
		if k, ok := g.constOf(n.Args[1]); ok && k == math.Trunc(k) && k != 0 && math.Abs(k) <= 16 {
			m := uint(math.Abs(k))
			c := float64(bits.Len(m) - 1 + bits.OnesCount(m) - 1)
			if k < 0 {
				c += opCostNs["div"] / opCostNs["add"]
			}
			return c
		}
	}
	if a, ok := opAliases[name]; ok {
		name = a
	}
	if v, ok := opCostNs[name]; ok {
		return v / opCostNs["add"]
	}
	return opCostNs["pow"] / opCostNs["add"]
}

// holdsConst reports whether the class of id has a numeric constant
// among its nodes.
func (g *EGraph) holdsConst(id Id) bool {
	if int(id) >= g.nIds() {
		return false // not an e-node (a term costed outside the e-graph)
	}
	for _, n := range g.Class(id).Nodes {
		if n.Op == OpConst || n.Op == OpSymbol && strings.HasPrefix(g.lang.SymbolName(n), numberPrefix) {
			return true
		}
	}
	return false
}

// holdsSum reports whether the class of id has a sum or difference among
// its nodes.
func (g *EGraph) holdsSum(id Id) bool {
	if int(id) >= g.nIds() {
		return false
	}
	for _, n := range g.Class(id).Nodes {
		if name := g.lang.OpName(n.Op); name == "+" || name == "-" {
			return true
		}
	}
	return false
}

// constOf returns the value of a numeric constant in the class of id.
func (g *EGraph) constOf(id Id) (float64, bool) {
	if int(id) >= g.nIds() {
		return 0, false
	}
	for _, n := range g.Class(id).Nodes {
		if n.Op == OpConst {
			return ConstValue(n), true
		}
	}
	return 0, false
}

// numberPrefix starts the name of a Bridge's opaque leaf that stands for
// a number float64 cannot hold exactly (an inexact float, 1/3): to the
// rules it is a symbol, to InstrCost a numeric coefficient.
const numberPrefix = "\x00n"
