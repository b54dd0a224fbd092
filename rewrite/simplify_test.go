package rewrite

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/parser"
	"github.com/symcalc/symcalc/symbolic"
)

var update = flag.Bool("update", false, "rewrite golden files")

func readLines(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" && !strings.HasPrefix(l, "#") {
			out = append(out, l)
		}
	}
	return out
}

// TestSimplifyGolden simplifies the peer workload's expression list (a
// copy of ../shared/workloads/peers/simplify_exprs.txt) and compares with
// testdata/simplify.golden; run with -update to regenerate.
func TestSimplifyGolden(t *testing.T) {
	var b strings.Builder
	for _, src := range readLines(t, "testdata/sympy_simplify_exprs.txt") {
		r, err := SimplifyContext(context.Background(), mustParse(t, src), Options{})
		require.NoError(t, err, src)
		fmt.Fprintf(&b, "%s  =>  %s", src, r.Expr)
		for _, c := range r.Conditions {
			fmt.Fprintf(&b, "  [%s]", c)
		}
		b.WriteString("\n")
	}
	golden := "testdata/simplify.golden"
	if *update {
		require.NoError(t, os.WriteFile(golden, []byte(b.String()), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err)
	assert.Equal(t, string(want), b.String())
}

func TestSimplifyTable(t *testing.T) {
	tests := []struct {
		in, want string
		cond     []string
	}{
		{"(x^2-1)/(x-1)", "x + 1", []string{"x != 1"}},
		{"sin(x)^2 + cos(x)^2 + y", "1 + y", nil},
		{"exp(x)*exp(y)/exp(x + y)", "1", nil},
		{"log(exp(x))", "x", nil},
		{"sqrt(x^2)", "abs(x)", nil},
		{"x^2 + 3*x*z - sin(y)/2 + exp(z)", "x^2 + 3*x*z - sin(y)/2 + exp(z)", nil},
		{"(x^2 + 2*x + 1)/(x + 1)^2", "1", []string{"x != -1"}},
		{"tan(x)*cos(x)", "sin(x)", nil},
		{"abs(x)*sign(x)", "x", nil},
		{"max(a, b) + min(a, b)", "a + b", nil},
		{"f(x^2/x)", "f(x)", nil},
		{"g((a*x + a*y)/(x + y))", "g(a)", []string{"x + y != 0"}},
		{"2.5*x + x", "3.5*x", nil},
		{"sqrt(a^2*x^2)", "abs(a*x)", nil},
		{"y*sqrt(x^2)", "y*abs(x)", nil},
		{"tanh(x)*cosh(x)", "sinh(x)", nil},
		{"max(x^2, 0)", "x^2", nil},
		{"1 - 2*sin(x)^2", "cos(2*x)", nil},
		{"x/(x^2 + x)", "1/(x + 1)", []string{"x != 0"}},
		// A polynomial with a repeated factor in square-free form (as
		// SymPy's factor gives it; SymPy's simplify keeps it expanded);
		// one without stays expanded.
		{"x^4 + 4*x^3 + 6*x^2 + 4*x + 1", "(x + 1)^4", nil},
		{"x^2 + 2*x*y + y^2", "(x + y)^2", nil},
		{"x^2*y + 2*x*y + y", "y*(x + 1)^2", nil},
		{"4*x^2 - 4*x + 1", "(2*x - 1)^2", nil},
		{"x^2 - 1", "x^2 - 1", nil},
		{"x^2 + 2*x*y + y^2 + z", "x^2 + 2*x*y + y^2 + z", nil},
		// Factors that do not repeat are not taken out.
		{"x^2*y + x*y^2", "x^2*y + x*y^2", nil},
		{"x^2 - 2*x", "x^2 - 2*x", nil},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			r, err := SimplifyContext(context.Background(), mustParse(t, tc.in), Options{})
			require.NoError(t, err)
			assert.Equal(t, mustParse(t, tc.want), r.Expr, "got %v", r.Expr)
			var conds []string
			for _, c := range r.Conditions {
				conds = append(conds, c.String())
			}
			assert.Equal(t, tc.cond, conds)
		})
	}
}

func TestSimplifyAssumptions(t *testing.T) {
	tests := []struct {
		in, want string
		assume   *Assumptions
	}{
		{"sqrt(x^2)", "abs(x)", nil},
		{"sqrt(x^2)", "x", NewAssumptions().Nonnegative("x")},
		{"log(x) + log(y)", "log(x) + log(y)", nil},
		{"log(x) + log(y)", "log(x*y)", NewAssumptions().Positive("x", "y")},
		{"log(x*y) - log(x)", "log(x*y) - log(x)", nil},
		{"log(x*y) - log(x)", "log(y)", NewAssumptions().Positive("x", "y")},
		{"log(x) - log(y)", "log(x/y)", NewAssumptions().Positive("x", "y")},
		{"exp(log(x)/2)", "exp(log(x)/2)", nil},
		{"exp(log(x)/2)", "sqrt(x)", NewAssumptions().Positive("x")},
		{"exp(log(8)/2)", "2*sqrt(2)", nil},
		{"abs(x)", "-x", NewAssumptions().Negative("x")},
		{"floor(n)", "n", NewAssumptions().Integer("n")},
		{"sign(exp(x) + 1)", "1", nil},
		{"x/abs(x)", "sign(x)", nil},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			r, err := SimplifyContext(context.Background(), mustParse(t, tc.in), Options{Assume: tc.assume})
			require.NoError(t, err)
			assert.Equal(t, mustParse(t, tc.want), r.Expr, "got %v", r.Expr)
		})
	}
}

// randomExpr builds a random term over x, y, z.
func randomExpr(rng *rand.Rand, depth int) *symbolic.Expr {
	syms := []*symbolic.Expr{symbolic.Sym("x"), symbolic.Sym("y"), symbolic.Sym("z")}
	if depth == 0 || rng.IntN(4) == 0 {
		if rng.IntN(3) == 0 {
			return symbolic.IntExpr(int64(rng.IntN(5) - 2))
		}
		return syms[rng.IntN(len(syms))]
	}
	a := randomExpr(rng, depth-1)
	b := randomExpr(rng, depth-1)
	switch rng.IntN(20) {
	case 19:
		// A numeric radical, (1..30)^(p/q).
		q := int64(rng.IntN(3) + 2)
		return symbolic.Mul(symbolic.Pow(symbolic.IntExpr(int64(rng.IntN(30)+1)), symbolic.RatExpr(int64(rng.IntN(7))-3, q)), a)
	case 12:
		return symbolic.Abs(a)
	case 13:
		return symbolic.Sqrt(a)
	case 14:
		return symbolic.Log(a)
	case 15:
		return symbolic.Sinh(a)
	case 16:
		return symbolic.Exp(symbolic.Log(a))
	case 17:
		return symbolic.Max(a, b)
	case 18:
		return symbolic.Pow(a, symbolic.IntExpr(-int64(rng.IntN(3)+1)))
	case 0, 1:
		return symbolic.Add(a, b)
	case 2:
		return symbolic.Sub(a, b)
	case 3, 4:
		return symbolic.Mul(a, b)
	case 5:
		return symbolic.Div(a, b)
	case 6:
		return symbolic.Pow(a, symbolic.IntExpr(int64(rng.IntN(4)+1)))
	case 7:
		if rng.IntN(2) == 0 {
			// Shifted by a rational multiple of π.
			a = symbolic.Add(a, symbolic.Mul(symbolic.RatExpr(int64(rng.IntN(25)-12), int64(rng.IntN(6)+1)), symbolic.Sym("pi")))
		}
		return symbolic.Sin(a)
	case 8:
		if rng.IntN(2) == 0 {
			a = symbolic.Add(a, symbolic.Mul(symbolic.RatExpr(int64(rng.IntN(25)-12), int64(rng.IntN(6)+1)), symbolic.Sym("pi")))
		}
		return symbolic.Cos(a)
	case 9:
		return symbolic.Exp(a)
	case 10:
		return symbolic.Tan(a)
	}
	return symbolic.Cosh(a)
}

// TestSimplifySoundness checks Simplify on random terms: wherever the input
// is defined (and moderate), the result is defined and equal.
func TestSimplifySoundness(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	n := 600
	if testing.Short() {
		n = 100
	}
	checked, changed := 0, 0
	for i := 0; i < n; i++ {
		e := randomExpr(rng, 4)
		r, err := SimplifyContext(context.Background(), e, Options{})
		require.NoError(t, err)
		checked += checkEqualAt(t, rng, e, r.Expr)
		if r.Expr != e {
			changed++
		}
	}
	// The check must have compared many points, on terms Simplify changed.
	assert.Greater(t, checked, 20*n/4, "too few defined points were compared")
	assert.Greater(t, changed, n/10, "Simplify changed too few random terms for the test to mean much")
	// And the workload list.
	for _, src := range readLines(t, "testdata/sympy_simplify_exprs.txt") {
		e := mustParse(t, src)
		assert.Positive(t, checkEqualAt(t, rng, e, Simplify(e)), src)
	}
}

// checkEqualAt compares in and out at 20 random points and returns how
// many points were compared (those where in is defined and moderate).
func checkEqualAt(t *testing.T, rng *rand.Rand, in, out *symbolic.Expr) int {
	t.Helper()
	n := 0
	names := []string{}
	for _, s := range symbolic.FreeSymbols(in) {
		names = append(names, s.Name())
	}
	vals := map[string]float64{}
	for k := 0; k < 20; k++ {
		for _, n := range names {
			vals[n] = rng.Float64()*4 - 2
		}
		vals["pi"] = math.Pi // the symbol pi is π to Simplify
		a, err := symbolic.Eval(in, vals)
		require.NoError(t, err)
		if !finite(a) || math.Abs(a) > 1e6 {
			continue
		}
		b, err := symbolic.Eval(out, vals)
		require.NoError(t, err)
		n++
		if !assert.True(t, math.Abs(a-b) <= 1e-7*math.Max(1, math.Abs(a)), "%v => %v at %v: %v vs %v", in, out, vals, a, b) {
			return n
		}
	}
	return n
}

func TestSimplifyStepLimit(t *testing.T) {
	e := mustParse(t, "sin(x)^2 + cos(x)^2 + (x^2-1)/(x-1)")
	r, err := SimplifyContext(context.Background(), e, Options{MaxSteps: 1})
	assert.ErrorIs(t, err, ErrStepLimit)
	require.NotNil(t, r.Expr)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = SimplifyContext(ctx, e, Options{})
	// A cancelled context may be noticed only after some work; the result
	// is still a valid term.
	if err != nil {
		assert.ErrorIs(t, err, context.Canceled)
	}
}

func TestSimplifyFloats(t *testing.T) {
	tests := []struct{ in, want string }{
		{"(0.5*x^2 - 0.5)/(x + 1)", "0.5*x - 0.5"},
		{"(x^2-1)/(x-1) + 0.25", "x + 1.25"},
		{"1.5/(x+1) + 0.5/(x+1)", "2.0/(x + 1)"},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got := Simplify(mustParse(t, tc.in))
			assert.Equal(t, mustParse(t, tc.want).String(), got.String())
		})
	}
}

// TestSimplifyLargeSum: a wide sum gets its rules applied (every disjoint
// match at once) without trying normal forms that would expand it.
func TestSimplifyLargeSum(t *testing.T) {
	sb := symbolic.NewSumBuilder()
	for i := 0; i < 500; i++ {
		x := symbolic.Sym(fmt.Sprintf("x%d", i))
		sb.Add(symbolic.Pow(symbolic.Sin(x), symbolic.IntExpr(2)))
		sb.Add(symbolic.Pow(symbolic.Cos(x), symbolic.IntExpr(2)))
		sb.Add(symbolic.Div(symbolic.Sym(fmt.Sprintf("y%d", i)), symbolic.Sym(fmt.Sprintf("w%d", i))))
	}
	r := Simplify(sb.Build())
	c, terms, _ := r.AddParts()
	assert.Len(t, terms, 500)
	assert.Equal(t, "500", c.String())
}

// TestSimplifyConcurrent: rule sets are read-only once built, so Simplify
// may run from several goroutines (run with -race).
func TestSimplifyConcurrent(t *testing.T) {
	srcs := readLines(t, "testdata/sympy_simplify_exprs.txt")
	want := make([]*symbolic.Expr, len(srcs))
	for i, s := range srcs {
		want[i] = Simplify(mustParse(t, s))
	}
	var wg sync.WaitGroup
	errs := make(chan string, 4*len(srcs))
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, s := range srcs {
				e, err := parser.ParseExpr(s)
				if err != nil {
					errs <- err.Error()
					continue
				}
				if got := Simplify(e); got != want[i] {
					errs <- fmt.Sprintf("%s: %v != %v", s, got, want[i])
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}
