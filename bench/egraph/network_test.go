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

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/codegen"
	"github.com/symcalc/symcalc/egraph"
	"github.com/symcalc/symcalc/symbolic"
)

// The 20-species mass-action network of ../shared/workloads/peers (a copy
// is in testdata/): its right-hand side du/dt is evaluated as written
// (expanded sums of rate terms), after egraph.SimplifySystem (one e-graph,
// DAG extraction with the measured CPU-cost model), and after
// egraph.FactorSums. Every form is compiled by codegen (value numbering,
// fused multiply-adds) and run on its tape VM, so the benchmark measures
// what each rewriting saves in the code the project actually runs.

func networkPath() string {
	return filepath.Join("testdata", "network20.txt")
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

// rhsForms builds the network's right-hand side in each form and lowers
// it with codegen.
type rhsForm struct {
	name string
	eqs  []*symbolic.Expr
	prog *codegen.Program
	// model-ns under the CPU-cost model, for the e-graph forms
	startCost, cost float64
}

func buildForms(tb testing.TB) ([]*symbolic.Expr, []rhsForm) {
	tb.Helper()
	rhs, err := networkRHS(networkPath())
	require.NoError(tb, err)
	x := make([]*symbolic.Expr, 20)
	for i := range x {
		x[i] = symbolic.Sym(fmt.Sprintf("x%d", i))
	}
	ctx := context.Background()
	// A bounded run: 60 000 hashcons entries is enough to factor the rate
	// terms, and keeps this to about a second.
	opts := egraph.SimplifyOptions{NodeLimit: 60000, TimeLimit: time.Minute}
	res, err := egraph.SimplifySystem(ctx, rhs, nil, egraph.InstrCost{}, opts)
	require.NoError(tb, err)
	old, err := egraph.SimplifySystem(ctx, rhs, nil, egraph.CPUCost(), opts)
	require.NoError(tb, err)
	fac, _, err := egraph.FactorSums(ctx, rhs, egraph.FactorOptions{})
	require.NoError(tb, err)
	forms := []rhsForm{
		{name: "plain", eqs: rhs},
		{name: "egraph", eqs: res.Terms, startCost: res.StartCost, cost: res.Cost},
		{name: "factored", eqs: fac},
		{name: "cpucost", eqs: old.Terms, startCost: old.StartCost, cost: old.Cost},
	}
	for i := range forms {
		p, err := codegen.Lower(ctx, forms[i].eqs, codegen.Vars{States: x}, codegen.Options{})
		require.NoError(tb, err, forms[i].name)
		forms[i].prog = p
	}
	return x, forms
}

// TestNetworkForms checks that every rewritten RHS equals the original at
// random states, and that neither the e-graph's extraction under
// InstrCost nor FactorSums makes the compiled code longer. (Extraction
// under the element-wise CPUCost does, by 7 of 147 instructions: that
// model charges a multiply and an add where the code generator emits one
// fused multiply-add; see the README.)
func TestNetworkForms(t *testing.T) {
	if testing.Short() {
		t.Skip("runs equality saturation on the 20-species network")
	}
	_, forms := buildForms(t)
	tapes := make([]func(du, u, p []float64, t float64), len(forms))
	for i, f := range forms {
		tp, err := codegen.NewTape(f.prog)
		require.NoError(t, err)
		tapes[i] = tp.RHS()
		t.Logf("%-9s %3d instructions %v", f.name, len(f.prog.Code), f.prog.Stats())
	}
	t.Logf("InstrCost model: %.0f -> %.0f; CPUCost model: %.0f -> %.0f", forms[1].startCost, forms[1].cost, forms[3].startCost, forms[3].cost)
	// InstrCost follows codegen's lowering, so what it extracts must not
	// be longer than the input once lowered; nor may FactorSums's output
	// (it finds nothing to share here).
	assert.LessOrEqual(t, forms[1].cost, forms[1].startCost)
	assert.LessOrEqual(t, len(forms[1].prog.Code), len(forms[0].prog.Code))
	assert.LessOrEqual(t, len(forms[2].prog.Code), len(forms[0].prog.Code))
	x := make([]float64, 20)
	want, got := make([]float64, 20), make([]float64, 20)
	for trial := 0; trial < 50; trial++ {
		for i := range x {
			x[i] = 0.1 + math.Mod(float64(trial*31+i*17)*0.6180339887, 2)
		}
		tapes[0](want, x, nil, 0)
		for k := 1; k < len(forms); k++ {
			tapes[k](got, x, nil, 0)
			for i := range want {
				require.InDeltaf(t, want[i], got[i], 1e-9*math.Max(1, math.Abs(want[i])), "%s du%d at %v", forms[k].name, i, x)
			}
		}
	}
}

// BenchmarkNetworkRHS times one RHS evaluation in each form on the tape VM:
//
//	go test ./bench/egraph -run '^$' -bench NetworkRHS -count 10 > out.txt
//	benchstat -col /form out.txt
func BenchmarkNetworkRHS(b *testing.B) {
	_, forms := buildForms(b)
	x := make([]float64, 20)
	for i := range x {
		x[i] = 1 + 0.01*float64(i)
	}
	out := make([]float64, 20)
	for _, f := range forms {
		tp, err := codegen.NewTape(f.prog)
		require.NoError(b, err)
		rhs := tp.RHS()
		b.Run("form="+f.name, func(b *testing.B) {
			for b.Loop() {
				rhs(out, x, nil, 0)
			}
			b.ReportMetric(float64(len(f.prog.Code)), "instrs")
		})
	}
}

// BenchmarkNetworkRHSTree times one RHS evaluation in each form by the
// tree evaluator (symbolic.Eval, what `symcalc eval` and the REPL use:
// each equation walked as written, nothing shared, no fused operations),
// where the CPU-cost extraction's factoring saves multiplications:
//
//	go test ./bench/egraph -run '^$' -bench NetworkRHSTree -count 10 > out.txt
//	benchstat -col /form out.txt
func BenchmarkNetworkRHSTree(b *testing.B) {
	x, forms := buildForms(b)
	env := map[string]float64{}
	for i, s := range x {
		env[s.Name()] = 1 + 0.01*float64(i)
	}
	for _, f := range forms {
		b.Run("form="+f.name, func(b *testing.B) {
			for b.Loop() {
				for _, e := range f.eqs {
					if _, err := symbolic.Eval(e, env); err != nil {
						b.Fatal(err)
					}
				}
			}
		})
	}
}
