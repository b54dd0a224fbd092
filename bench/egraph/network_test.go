package main

import (
	"bufio"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/symcalc/symcalc/egraph"
	"github.com/symcalc/symcalc/symbolic"
)

// The 20-species mass-action network of ../shared/workloads/peers: its
// right-hand side du/dt is evaluated as written (expanded sums of rate
// terms) and after egraph.Simplify with the measured CPU-cost model. Both
// forms are lowered to the same straight-line register tape (with common
// subterms shared across the 20 outputs), so the benchmark measures the
// effect of extraction on evaluation time.

func networkPath() string {
	return filepath.Join("..", "..", "..", "shared", "workloads", "peers", "network20.txt")
}

// networkRHS reads the network and builds du_i/dt symbolically.
func networkRHS(path string) ([]*symbolic.Expr, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	x := make([]*symbolic.Expr, 20)
	for i := range x {
		x[i] = symbolic.Sym(fmt.Sprintf("x%d", i))
	}
	terms := make([][]*symbolic.Expr, 20)
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		parts := strings.Split(s, "|")
		if len(parts) != 3 {
			return nil, fmt.Errorf("%s:%d: want 'k | reactants | products', got %q", path, line, s)
		}
		k, err := strconv.ParseFloat(strings.TrimSpace(parts[0]), 64)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: rate constant: %w", path, line, err)
		}
		rate := []*symbolic.Expr{symbolic.FloatExpr(k)}
		net := map[int]int64{}
		for _, r := range strings.Fields(parts[1]) {
			i, err := strconv.Atoi(r)
			if err != nil || i < 0 || i >= 20 {
				return nil, fmt.Errorf("%s:%d: bad species %q", path, line, r)
			}
			rate = append(rate, x[i])
			net[i]--
		}
		for _, p := range strings.Fields(parts[2]) {
			i, err := strconv.Atoi(p)
			if err != nil || i < 0 || i >= 20 {
				return nil, fmt.Errorf("%s:%d: bad species %q", path, line, p)
			}
			net[i]++
		}
		r := symbolic.Mul(rate...)
		for i, n := range net {
			if n != 0 {
				terms[i] = append(terms[i], symbolic.Mul(symbolic.IntExpr(n), r))
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	rhs := make([]*symbolic.Expr, 20)
	for i := range rhs {
		rhs[i] = symbolic.Add(terms[i]...)
	}
	return rhs, nil
}

// tape is a straight-line register program; register i holds the value
// of instruction i.
type tape struct {
	ops     []tapeOp
	outputs []int32
}

type tapeOp struct {
	kind byte // 'c' const, 'v' variable, or an operator
	a, b int32
	c    float64
}

// lower appends the terms (over one bridge's language) to the tape,
// sharing identical subterms.
func (t *tape) lower(l *egraph.Language, b *egraph.Bridge, es []egraph.Expr, roots [][]int, vars map[string]int) error {
	type key struct {
		kind byte
		a, b int32
		c    float64
	}
	seen := map[key]int32{}
	emit := func(k key) int32 {
		if r, ok := seen[k]; ok {
			return r
		}
		t.ops = append(t.ops, tapeOp{kind: k.kind, a: k.a, b: k.b, c: k.c})
		r := int32(len(t.ops) - 1)
		seen[k] = r
		return r
	}
	for ei, e := range es {
		regs := make([]int32, len(e.Nodes))
		for i, n := range e.Nodes {
			switch n.Op {
			case egraph.OpConst:
				regs[i] = emit(key{kind: 'c', c: egraph.ConstValue(n)})
				continue
			case egraph.OpSymbol:
				name := l.SymbolName(n)
				if v, ok := vars[name]; ok {
					regs[i] = emit(key{kind: 'v', a: int32(v)})
					continue
				}
				// an opaque leaf: a float rate constant
				t2, err := b.FromExpr(egraph.Expr{Nodes: []egraph.Node{n}})
				if err != nil {
					return err
				}
				num, ok := t2.IsNumber()
				if !ok {
					return fmt.Errorf("unexpected leaf %v", t2)
				}
				regs[i] = emit(key{kind: 'c', c: num.Float64()})
				continue
			}
			name := l.OpName(n.Op)
			var kind byte
			switch name {
			case "+", "-", "*", "/":
				kind = name[0]
			case "neg":
				kind = 'n'
			case "pow":
				kind = '^'
			default:
				return fmt.Errorf("operator %q not in the network tape", name)
			}
			k := key{kind: kind, a: regs[n.Args[0]]}
			if l.Arity(n.Op) > 1 {
				k.b = regs[n.Args[1]]
			}
			regs[i] = emit(k)
		}
		if roots == nil {
			t.outputs = append(t.outputs, regs[len(regs)-1])
			continue
		}
		for _, r := range roots[ei] {
			t.outputs = append(t.outputs, regs[r])
		}
	}
	return nil
}

func (t *tape) eval(regs, x, out []float64) {
	for i, op := range t.ops {
		var v float64
		switch op.kind {
		case 'c':
			v = op.c
		case 'v':
			v = x[op.a]
		case '+':
			v = regs[op.a] + regs[op.b]
		case '-':
			v = regs[op.a] - regs[op.b]
		case '*':
			v = regs[op.a] * regs[op.b]
		case '/':
			v = regs[op.a] / regs[op.b]
		case 'n':
			v = -regs[op.a]
		case '^':
			v = math.Pow(regs[op.a], regs[op.b])
		}
		regs[i] = v
	}
	for i, r := range t.outputs {
		out[i] = regs[r]
	}
}

func buildTapes(tb testing.TB) (plain, opt *tape, costs [2]float64) {
	rhs, err := networkRHS(networkPath())
	if err != nil {
		tb.Skipf("network workload not available: %v", err)
	}
	vars := map[string]int{}
	for i := 0; i < 20; i++ {
		vars[fmt.Sprintf("x%d", i)] = i
	}
	l := egraph.EvalLanguage()
	b := egraph.NewBridge()
	var pe []egraph.Expr
	for _, t := range rhs {
		pe = append(pe, b.ToExpr(t))
	}
	// A bounded run: 60 000 hashcons entries is enough to factor the rate
	// terms, and keeps this test to about a second.
	res, err := egraph.SimplifySystem(context.Background(), rhs, nil, egraph.CPUCost(), egraph.SimplifyOptions{NodeLimit: 60000, TimeLimit: time.Minute})
	if err != nil {
		tb.Fatal(err)
	}
	costs = [2]float64{res.StartCost, res.Cost}
	plain, opt = &tape{}, &tape{}
	if err := plain.lower(l, b, pe, nil, vars); err != nil {
		tb.Fatal(err)
	}
	if err := opt.lower(l, res.Bridge, []egraph.Expr{res.Expr}, [][]int{res.Roots}, vars); err != nil {
		tb.Fatal(err)
	}
	return plain, opt, costs
}

// TestNetworkSimplifyPreservesValues checks the simplified RHS against the
// original at random states.
func TestNetworkSimplifyPreservesValues(t *testing.T) {
	if testing.Short() {
		t.Skip("runs equality saturation on the 20-species network")
	}
	plain, opt, costs := buildTapes(t)
	t.Logf("tape ops: %d plain, %d simplified; CPU-cost model %.0f -> %.0f", len(plain.ops), len(opt.ops), costs[0], costs[1])
	x := make([]float64, 20)
	for trial := 0; trial < 50; trial++ {
		for i := range x {
			x[i] = 0.1 + math.Mod(float64(trial*31+i*17)*0.6180339887, 2)
		}
		a, b := make([]float64, 20), make([]float64, 20)
		plain.eval(make([]float64, len(plain.ops)), x, a)
		opt.eval(make([]float64, len(opt.ops)), x, b)
		for i := range a {
			if math.Abs(a[i]-b[i]) > 1e-9*math.Max(1, math.Abs(a[i])) {
				t.Fatalf("du%d at %v: %v vs %v", i, x, a[i], b[i])
			}
		}
	}
}

// BenchmarkNetworkRHS times one RHS evaluation in each form:
//
//	go test ./bench/egraph -run '^$' -bench NetworkRHS -count 5
func BenchmarkNetworkRHS(b *testing.B) {
	plain, opt, _ := buildTapes(b)
	x := make([]float64, 20)
	for i := range x {
		x[i] = 1 + 0.01*float64(i)
	}
	out := make([]float64, 20)
	for _, c := range []struct {
		name string
		t    *tape
	}{{"plain", plain}, {"simplified", opt}} {
		b.Run(c.name, func(b *testing.B) {
			regs := make([]float64, len(c.t.ops))
			for b.Loop() {
				c.t.eval(regs, x, out)
			}
			b.ReportMetric(float64(len(c.t.ops)), "tape-ops")
		})
	}
}
