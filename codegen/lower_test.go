package codegen

import (
	"context"
	"flag"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/parser"
	"github.com/symcalc/symcalc/symbolic"
)

var update = flag.Bool("update", false, "rewrite golden files under testdata/")

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
		require.NoError(t, os.WriteFile(path, []byte(got), 0o644))
		return
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "missing golden file (run go test -update)")
	assert.Equal(t, string(want), got)
}

func parseAll(t *testing.T, srcs ...string) []*symbolic.Expr {
	t.Helper()
	out := make([]*symbolic.Expr, len(srcs))
	for i, s := range srcs {
		e, err := parser.ParseExpr(s)
		require.NoError(t, err, s)
		out[i] = e
	}
	return out
}

func TestLowerGolden(t *testing.T) {
	tests := []struct {
		name   string
		states []string
		params []string
		exprs  []string
		opts   Options
	}{
		{"lorenz", []string{"x", "y", "z"}, []string{"sigma", "rho", "beta"},
			[]string{"sigma*(y - x)", "x*(rho - z) - y", "x*y - beta*z"}, Options{}},
		{"powers", []string{"x", "y"}, nil,
			[]string{"x^5", "x^-3", "x^(3/2)", "sqrt(x)", "x^(-1/2)", "x^2.5", "x^y", "x^100", "x^2*x^3*y^-2"}, Options{}},
		{"division", []string{"x", "y"}, nil,
			[]string{"x/3", "x/y", "x/(2*y)", "(x + 1)/4.0"}, Options{}},
		{"folding", []string{"x"}, nil,
			[]string{"sqrt(2)*x", "x*(1 + 2)", "2^(1/2) + 8^(1/3)*x", "sin(0.5) + x"}, Options{}},
		{"cse", []string{"x", "y"}, nil,
			[]string{"(x + y)^2 + sin(x + y)", "exp(x + y) * (x + y)", "x^2 + x^4 + x^3"}, Options{}},
		{"fma_chain", []string{"x", "y", "z"}, []string{"k"},
			[]string{"1 + 2*x + 3*y + x*y - k*x*z", "k*x*y + x - y"}, Options{}},
		{"no_fma", []string{"x", "y", "z"}, []string{"k"},
			[]string{"1 + 2*x + 3*y + x*y - k*x*z"}, Options{NoFMA: true}},
		// A reaction network: A + B -> C at rate 2.5*a*b, C -> A + B at
		// 0.75*c, A -> C at k*a. Each rate is computed once and added or
		// subtracted (one fused multiply-add is left: 2*0.75*c in c's own
		// equation has no twin); without scaled sharing every term is a
		// fused multiply-add.
		{"shared_rates", []string{"a", "b", "c"}, []string{"k"},
			[]string{"-2.5*a*b + 0.75*c - k*a", "-2.5*a*b + 0.75*c", "2.5*a*b - 2*0.75*c + k*a"}, Options{}},
		{"shared_rates_off", []string{"a", "b", "c"}, []string{"k"},
			[]string{"-2.5*a*b + 0.75*c - k*a", "-2.5*a*b + 0.75*c", "2.5*a*b - 2*0.75*c + k*a"}, Options{NoScaledSharing: true}},
		{"logic", []string{"x", "y"}, nil,
			[]string{"ifelse(x < y && t >= 1.1, 5, 0)", "max(x, y, 0)", "abs(x) + sign(y) + floor(x) + ceil(y)"}, Options{}},
		{"functions", []string{"x"}, nil,
			[]string{"sin(x) + cos(x) + tan(x) + exp(x) + log(x) + log1p(x)", "atan2(x, 2) + tanh(x) + cbrt(x)"}, Options{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			vars := Vars{States: symbolic.Syms(tc.states...), Params: symbolic.Syms(tc.params...)}
			outs := parseAll(t, tc.exprs...)
			p, err := Lower(context.Background(), outs, vars, tc.opts)
			require.NoError(t, err)
			require.NoError(t, p.Validate())
			text := ""
			for i, s := range tc.exprs {
				text += "; out" + strconv.Itoa(i) + " = " + s + "\n"
			}
			golden(t, filepath.Join("lower", tc.name+".txt"), text+p.Disassemble())
			checkAgainstEval(t, p, outs, vars)
		})
	}
}

// checkAgainstEval evaluates the program on the tape at a few points and
// compares with symbolic.Eval.
func checkAgainstEval(t *testing.T, p *Program, outs []*symbolic.Expr, vars Vars) {
	t.Helper()
	tape, err := NewTape(p)
	require.NoError(t, err)
	ev := tape.NewEvaluator()
	for _, seed := range []float64{0.3, 1.7, 2.9} {
		u := make([]float64, len(vars.States))
		pv := make([]float64, len(vars.Params))
		vals := map[string]float64{"t": seed}
		for i, s := range vars.States {
			u[i] = seed + 0.37*float64(i)
			vals[s.Name()] = u[i]
		}
		for i, s := range vars.Params {
			pv[i] = 1.3 + 0.11*float64(i)
			vals[s.Name()] = pv[i]
		}
		got := make([]float64, len(outs))
		ev.Eval(got, u, pv, seed)
		for i, o := range outs {
			want, err := symbolic.Eval(o, vals)
			require.NoError(t, err)
			assert.True(t, close(got[i], want, 1e-12), "out%d = %s at %v: tape %v, Eval %v", i, o, vals, got[i], want)
		}
	}
}

// close compares NaN-aware with a relative tolerance.
func close(a, b, tol float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	if math.IsInf(a, 0) || math.IsInf(b, 0) {
		return a == b
	}
	return math.Abs(a-b) <= tol*(1+math.Max(math.Abs(a), math.Abs(b)))
}

// TestLowerDeepSharedDAG lowers terms whose trees are exponentially larger
// than their DAGs. Lowering must follow the DAG: a few instructions per level.
//
// x_{k+1} = x_k*x_k + x_k flattens in polynomial form into the sum
// Σ_j x_j^2 + x (the DAG grows quadratically, and so does building it in
// symbolic), so it runs 300 levels; value numbering shares each sum's
// chain with the previous level's, giving two instructions per level.
// x_{k+1} = x_k*x_k + sin(x_k) does not flatten and runs 10,000 levels.
func TestLowerDeepSharedDAG(t *testing.T) {
	tests := []struct {
		name     string
		levels   int
		step     func(e *symbolic.Expr) *symbolic.Expr
		scalar   func(x float64) float64
		perLevel int
	}{
		{"x*x+x", 300, func(e *symbolic.Expr) *symbolic.Expr { return symbolic.Add(symbolic.Mul(e, e), e) },
			func(x float64) float64 { return x*x + x }, 2},
		{"x*x+sin(x)", 10000, func(e *symbolic.Expr) *symbolic.Expr { return symbolic.Add(symbolic.Mul(e, e), symbolic.Sin(e)) },
			func(x float64) float64 { return x*x + math.Sin(x) }, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x := symbolic.Sym("x")
			e := x
			for range tc.levels {
				e = tc.step(e)
			}
			p, err := Lower(context.Background(), []*symbolic.Expr{e}, Vars{States: []*symbolic.Expr{x}}, Options{})
			require.NoError(t, err)
			require.NoError(t, p.Validate())
			assert.LessOrEqual(t, len(p.Code), tc.perLevel*tc.levels+1, "lowering is not linear in the DAG size")
			tape, err := NewTape(p)
			require.NoError(t, err)
			assert.Less(t, tape.NumRegs(), 10, "register allocation should reuse registers along the chain")
			got := make([]float64, 1)
			tape.NewEvaluator().Eval(got, []float64{-0.3}, nil, 0)
			want := -0.3
			for range tc.levels {
				want = tc.scalar(want)
			}
			assert.InDelta(t, want, got[0], 1e-12)
		})
	}
}

func TestLowerErrors(t *testing.T) {
	x := symbolic.Sym("x")
	tests := []struct {
		name string
		e    *symbolic.Expr
		msg  string
	}{
		{"unbound", symbolic.Add(x, symbolic.Sym("q")), "symbol q"},
		{"user function", symbolic.Func("f", x), "user function f"},
		{"derivative", symbolic.Derivative(symbolic.Func("f", x), x), "unevaluated derivative"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Lower(context.Background(), []*symbolic.Expr{tc.e}, Vars{States: []*symbolic.Expr{x}}, Options{})
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
}

func TestLowerCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	x := symbolic.Sym("x")
	e := x
	for range 10000 {
		e = symbolic.Add(symbolic.Mul(e, e), symbolic.Sin(e))
	}
	_, err := Lower(ctx, []*symbolic.Expr{e}, Vars{States: []*symbolic.Expr{x}}, Options{})
	require.ErrorIs(t, err, context.Canceled)
}
