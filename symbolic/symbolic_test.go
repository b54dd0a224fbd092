package symbolic_test

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	. "github.com/symcalc/symcalc/symbolic"
	"github.com/symcalc/symcalc/symbolic/symtest"
)

var x, y, z = Sym("x"), Sym("y"), Sym("z")

func TestCanonicalForms(t *testing.T) {
	two := IntExpr(2)
	tests := []struct {
		name string
		got  *Expr
		want string
	}{
		{"collect", Add(x, x), "2*x"},
		{"square", Mul(x, x), "x^2"},
		{"cancel", Sub(x, x), "0"},
		{"zero mul", Mul(x, Zero(), y), "0"},
		{"one mul", Mul(One(), x), "x"},
		{"distribute number", Mul(two, Add(x, y)), "2*x + 2*y"},
		{"exact fold", Add(RatExpr(1, 3), RatExpr(2, 3)), "1"},
		{"float stays float", Add(FloatExpr(0.5), RatExpr(1, 2)), "1.0"},
		{"float coef", Add(x, Mul(FloatExpr(0.5), x)), "1.5*x"},
		{"pow pow int", Pow(Pow(x, IntExpr(3)), IntExpr(2)), "x^6"},
		{"pow of product", Pow(Mul(two, x, y), IntExpr(3)), "8*x^3*y^3"},
		{"sqrt squared", Pow(Sqrt(x), two), "x"},
		{"sqrt of square kept", Sqrt(Pow(x, two)), "sqrt(x^2)"},
		{"exact root", Sqrt(IntExpr(16)), "4"},
		{"irrational root kept", Sqrt(two), "sqrt(2)"},
		{"negative base fractional", Pow(IntExpr(-8), RatExpr(1, 3)), "(-8)^(1/3)"},
		{"division", Div(x, Mul(two, y)), "x/(2*y)"},
		{"negative power", Pow(x, IntExpr(-2)), "1/x^2"},
		{"unary minus binds looser than ^", Neg(Pow(x, two)), "-x^2"},
		{"nested sum flattens", Add(x, Add(y, Add(z, One()))), "x + y + z + 1"},
		{"sin 0", Sin(Zero()), "0"},
		{"cos 0", Cos(Zero()), "1"},
		{"log 1", Log(One()), "0"},
		{"abs neg", Abs(IntExpr(-3)), "3"},
		{"abs of negated", Abs(Neg(x)), "abs(x)"},
		{"float call folds", Exp(FloatExpr(0)), "1.0"},
		{"min folds", Min(IntExpr(3), x, IntExpr(1)), "min(1, x)"},
		{"compare folds", Lt(IntExpr(1), IntExpr(2)), "true"},
		{"and folds", And(True(), Lt(x, y)), "x < y"},
		{"or absorbs", Or(Lt(x, y), True()), "true"},
		{"ifelse folds", IfElse(False(), x, y), "y"},
		{"ifelse same", IfElse(Lt(x, y), z, z), "z"},
		{"not not", Not(Not(Lt(x, y))), "x < y"},
		{"big integer", Pow(IntExpr(2), IntExpr(100)), "1267650600228229401496703205376"},
		{"rational arithmetic", Mul(RatExpr(2, 3), RatExpr(9, 4)), "3/2"},
		{"power of rational", Pow(RatExpr(4, 9), RatExpr(1, 2)), "2/3"},
		{"mul collects powers", Mul(Pow(x, RatExpr(3, 2)), Sqrt(x)), "x^2"},
		{"user function", Func("f", x, y), "f(x, y)"},
		// 1/0 is the unsigned infinity, kept; 0 times it, and its
		// cancellation, are undefined (NaN), as in IEEE arithmetic.
		{"pole kept", Div(x, Zero()), "0^(-1)*x"},
		{"zero over zero", Div(Zero(), Zero()), "NaN"},
		{"zero times pole", Mul(Zero(), Div(x, Zero())), "NaN"},
		{"scaled zero times pole", MulScaled(Int(0), Inv(Zero())), "NaN"},
		{"float zero times pole", Mul(FloatExpr(0), Inv(Zero()), y), "NaN"},
		{"pole cancels", Sub(Inv(Zero()), Inv(Zero())), "NaN"},
		{"pole term cancels", Sub(Div(x, Zero()), Div(x, Zero())), "NaN"},
		{"zero power of a symbol is no pole", Mul(Zero(), Pow(Zero(), y)), "0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.got.String())
		})
	}
}

func TestHashConsing(t *testing.T) {
	a := Add(Mul(x, y), Sin(z))
	b := Add(Sin(z), Mul(y, x))
	assert.Same(t, a, b, "structurally equal terms must be the same pointer")
	assert.Equal(t, a.Hash(), b.Hash())
	assert.NotSame(t, IntExpr(2), FloatExpr(2), "exact and inexact constants differ")
}

func TestOrderIndependence(t *testing.T) {
	// The printed form must not depend on construction order.
	terms := []*Expr{x, Pow(y, IntExpr(2)), Sin(z), Mul(IntExpr(3), x, y), RatExpr(1, 2), Sym("x10"), Sym("x2")}
	want := Add(terms...).String()
	perm := []int{6, 3, 0, 5, 2, 4, 1}
	rev := make([]*Expr, len(terms))
	for i, p := range perm {
		rev[i] = terms[p]
	}
	assert.Equal(t, want, Add(rev...).String())
	assert.Equal(t, "3*x*y + x + x2 + x10 + y^2 + sin(z) + 1/2", want)
}

func TestConcurrentConstruction(t *testing.T) {
	var wg sync.WaitGroup
	results := make([]*Expr, 8)
	for g := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var e *Expr
			for i := 0; i < 200; i++ {
				e = Add(Mul(IntExpr(int64(i)), Sym("w")), Pow(Sym("v"), IntExpr(int64(i%7))))
			}
			results[g] = e
		}()
	}
	wg.Wait()
	for _, r := range results[1:] {
		assert.Same(t, results[0], r)
	}
}

func TestReclamation(t *testing.T) {
	build := func() {
		for i := 0; i < 60000; i++ {
			_ = Add(Sym("reclaim"), IntExpr(int64(100000+i)))
		}
	}
	before := TableSize()
	build()
	// 120,000 terms were built and dropped. The lookup cache is emptied
	// after each collection (asynchronously), so a few cycles reclaim them.
	after := 0
	for i := 0; i < 20; i++ {
		runtime.GC()
		time.Sleep(5 * time.Millisecond)
		if after = TableSize(); after < before+5000 {
			break
		}
	}
	assert.Less(t, after, before+5000, "unreferenced terms must be reclaimed (before %d, after %d)", before, after)
}

// TestReclamationNested: trees built bottom-up (whose nodes share slabs
// when each child was made just before its parent) are reclaimed once
// dropped, and a term kept alive from each generation keeps only a
// bounded part of its generation alive, not the rest of it.
func TestReclamationNested(t *testing.T) {
	var keep []*Expr
	build := func(gen, n int) {
		for i := 0; i < n; i++ {
			x := Sym(fmt.Sprintf("nx%d_%d", gen, i))
			y := Sym(fmt.Sprintf("ny%d_%d", gen, i))
			a := Mul(Sin(x), y)
			b := Add(a, Pow(y, IntExpr(3)), Cos(Mul(x, y)))
			c := Mul(Exp(b), Add(a, x))
			if i == n/2 {
				keep = append(keep, c)
			}
		}
	}
	const n = 20000
	base, after := fiveGenerations(build, n)
	assert.Less(t, after, base+n/2, "unreferenced nested terms must be reclaimed (after one generation %d, after five %d)", base, after)
	for _, k := range keep {
		assert.Equal(t, KMul, k.Kind())
	}
}

// TestReclamationRandomDAG: each new term holds a random earlier one, so
// a dead term's children lie anywhere in its generation. One term in 200
// is kept, with what it holds (a chain of about ten terms); the rest of
// each generation must be reclaimed: a layout that let dead slab
// neighbours keep their children alive would keep it all (checked: with
// every small node put in the slabs, each generation's 60k entries
// stayed).
func TestReclamationRandomDAG(t *testing.T) {
	var keep []*Expr
	build := func(gen, n int) {
		rng := rand.New(rand.NewPCG(uint64(gen), 7))
		made := make([]*Expr, 0, n)
		for i := 0; i < n; i++ {
			x := Sym(fmt.Sprintf("rd%d_%d", gen, i))
			e := Sin(x)
			if len(made) > 0 {
				e = Sin(Add(x, made[rng.IntN(len(made))]))
			}
			made = append(made, e)
			if i%200 == 0 {
				keep = append(keep, e)
			}
		}
	}
	const n = 20000
	base, after := fiveGenerations(build, n)
	assert.Less(t, after, base+n, "unreferenced terms held by dead neighbours must be reclaimed (after one generation %d, after five %d)", base, after)
	assert.Len(t, keep, 5*n/200)
}

// TestConcurrentHashConsUnderGC: goroutines generate the same random
// terms (the same generator seed) at once, then rebuild each from its
// children in different orders while collections run, so the same nodes
// are made concurrently through the shared and the shards' cursors,
// slabs and twin pairs. Every goroutine must get the same pointer for
// each term, and equal printed forms must be the same pointer.
func TestConcurrentHashConsUnderGC(t *testing.T) {
	const workers, n = 4, 3001 // n prime: each order below is a permutation
	got := make([][]*Expr, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			g := symtest.New(99, "x", "y", "z", "w")
			raws := make([]symtest.Raw, n)
			for i := range raws {
				raws[i] = g.Expr(4)
			}
			out := make([]*Expr, n)
			for k := range n {
				i := (k*(2*w+1) + w*n/workers) % n // a different order per worker
				out[i] = rebuild(raws[i].Term)
				if out[i] != raws[i].Term {
					panic(fmt.Sprintf("rebuilt %s is another pointer", raws[i].Term))
				}
				if k%500 == 0 {
					runtime.GC()
				}
			}
			got[w] = out
		}()
	}
	wg.Wait()
	byText := map[string]*Expr{}
	for i := range n {
		for w := 1; w < workers; w++ {
			require.Same(t, got[0][i], got[w][i], "term %d: %s", i, got[0][i])
		}
		e := got[0][i]
		if prev, ok := byText[e.String()]; ok {
			require.Same(t, prev, e, "%s", e)
		}
		byText[e.String()] = e
	}
}

// rebuild makes e again from its children, bottom-up.
func rebuild(e *Expr) *Expr {
	kids := e.Children()
	if len(kids) == 0 {
		return e
	}
	args := make([]*Expr, len(kids))
	for i, k := range kids {
		args[i] = rebuild(k)
	}
	return e.Rebuild(args)
}

// fiveGenerations runs build for generations 0 to 4 of n terms each and
// returns the settled table size after the first and after the last.
func fiveGenerations(build func(gen, n int), n int) (base, after int) {
	build(0, n)
	base = settledTableSize()
	for gen := 1; gen <= 4; gen++ {
		build(gen, n)
	}
	return base, settledTableSize()
}

// settledTableSize collects a few times (the lookup cache is emptied
// after each collection, asynchronously) and returns the intern table's
// live size.
func settledTableSize() int {
	n := 0
	for range 10 {
		runtime.GC()
		time.Sleep(2 * time.Millisecond)
		n = TableSize()
	}
	return n
}

func TestCanonicalMatchesRawEvaluation(t *testing.T) {
	g := symtest.New(1, "x", "y", "z")
	for i := 0; i < 2000; i++ {
		raw := g.Expr(4)
		for k := 0; k < 3; k++ {
			env := g.Point()
			want := raw.Eval(env)
			got, err := Eval(raw.Term, env)
			require.NoError(t, err)
			if !symtest.Close(got, want, 1e-9) {
				t.Fatalf("%s\ncanonical %s\nat %v: got %v want %v", raw.Text, raw.Term, env, got, want)
			}
		}
	}
}

func TestDerivativesMatchFiniteDifferences(t *testing.T) {
	g := symtest.New(2, "x", "y")
	g.Smooth = true
	checked := 0
	for i := 0; i < 1500; i++ {
		raw := g.Expr(4)
		d := Diff(raw.Term, x)
		env := g.Point()
		h := 1e-5
		ep, em := copyEnv(env), copyEnv(env)
		ep["x"] += h
		em["x"] -= h
		fp, _ := Eval(raw.Term, ep)
		fm, _ := Eval(raw.Term, em)
		fd := (fp - fm) / (2 * h)
		got, err := Eval(d, env)
		require.NoError(t, err)
		if math.IsNaN(fd) || math.IsInf(fd, 0) || math.Abs(fd) > 1e6 {
			continue
		}
		checked++
		if !symtest.Close(got, fd, 1e-5*math.Max(1, math.Abs(fd))) {
			t.Fatalf("d/dx %s\n= %s\nat %v: got %v, finite difference %v", raw.Term, d, env, got, fd)
		}
	}
	assert.Greater(t, checked, 1000)
}

func TestDerivativeOfEveryFunction(t *testing.T) {
	u := Add(Mul(RatExpr(1, 3), x), RatExpr(1, 10)) // in (0, 1) for x in [0.5, 2]
	fs := map[string]*Expr{
		"sin": Sin(u), "cos": Cos(u), "tan": Tan(u), "asin": Asin(u), "acos": Acos(u),
		"atan": Atan(u), "atan2": Atan2(u, Add(x, One())), "sinh": Sinh(u), "cosh": Cosh(u),
		"tanh": Tanh(u), "exp": Exp(u), "log": Log(u), "log1p": Log1p(u), "sqrt": Sqrt(u),
		"cbrt": Cbrt(u), "abs": Abs(Sub(u, RatExpr(1, 2))), "pow": Pow(u, x), "min": Min(u, RatExpr(1, 2)),
		"max": Max(u, RatExpr(1, 2)), "ifelse": IfElse(Lt(x, One()), Pow(x, IntExpr(2)), Mul(IntExpr(3), x)),
	}
	for name, f := range fs {
		t.Run(name, func(t *testing.T) {
			d := Diff(f, x)
			for _, xv := range []float64{0.55, 0.8, 1.25, 1.7, 1.95} {
				h := 1e-6
				fp, err := Eval(f, map[string]float64{"x": xv + h})
				require.NoError(t, err)
				fm, _ := Eval(f, map[string]float64{"x": xv - h})
				got, err := Eval(d, map[string]float64{"x": xv})
				require.NoError(t, err)
				assert.InDelta(t, (fp-fm)/(2*h), got, 1e-6*math.Max(1, math.Abs(got)), "%s at x=%v: d = %s", name, xv, d)
			}
		})
	}
	// Piecewise constants differentiate to 0; user functions stay unevaluated.
	assert.Equal(t, "0", Diff(Floor(x), x).String())
	// 0^p is 0 wherever it is defined, and so is its derivative (the
	// general rule gave 0^x*log(0), NaN when evaluated; FuzzCalculus).
	// So is 0^p for a p positive wherever it is defined ((0^(2^x))^x + 2
	// differentiated to log(0^2^x)*(0^2^x)^x, NaN; FuzzCalculus).
	for _, f := range []*Expr{Pow(Zero(), x), Pow(Pow(Zero(), x), x), Pow(FloatExpr(0), x), Mul(y, Pow(Zero(), x)),
		Add(IntExpr(2), Pow(Pow(Zero(), Pow(IntExpr(2), x)), x)), Pow(Mul(IntExpr(3), Pow(Zero(), Add(Exp(x), Cosh(y)))), x),
		Add(IntExpr(2), Pow(Pow(Zero(), Pow(x, x)), x)), Pow(Pow(Zero(), Sin(Mul(x, y))), x),
		Add(One(), Pow(Pow(Pow(Zero(), x), x), x))} {
		assert.Equal(t, "0", Diff(f, x).String(), "d/dx %s", f)
	}
	// ...but not when p is 0 on an interval: 0^(0^x) is 1 for x > 0, so
	// (2*0^(0^x))^x is 2^x there (FuzzCalculus: its derivative was 0).
	// So is max(x, 0), 0 for x < 0, where (2*0^max(x, 0))^x is 2^x.
	f := Pow(Mul(IntExpr(2), Pow(Zero(), Pow(Zero(), x))), x)
	for _, xv := range []float64{0.3, 0.7, 1.9} {
		got, err := Eval(Diff(f, x), map[string]float64{"x": xv})
		require.NoError(t, err)
		assert.InDelta(t, math.Pow(2, xv)*math.Ln2, got, 1e-12, "d/dx %s at x=%v = %s", f, xv, Diff(f, x))
	}
	// A factor 0^q that cannot be decided by form is guarded:
	// 0^(0^(0^x)) is 0 for x > 0, so x^((0^0^0^x)^x) is 1 there (the
	// general rule gave NaN; FuzzCalculus).
	z3 := Pow(Zero(), Pow(Zero(), Pow(Zero(), x)))
	for _, f := range []*Expr{Pow(x, Pow(z3, x)), Pow(z3, x), Mul(y, Pow(Mul(IntExpr(3), z3), x))} {
		for _, xv := range []float64{0.3, 0.7, 1.9} {
			got, err := Eval(Diff(f, x), map[string]float64{"x": xv, "y": 1.3})
			require.NoError(t, err)
			assert.Equal(t, 0.0, got, "d/dx %s at x=%v = %s", f, xv, Diff(f, x))
		}
	}
	// 0.0^x is 0.0 for x > 0 as 0^x is ((2*0^(0.0^x))^x is 2^x there;
	// FuzzCalculus: its derivative was 0).
	// So is atan2(0, x).
	for _, f := range []*Expr{Pow(Mul(IntExpr(2), Pow(Zero(), Pow(FloatExpr(0), x))), x), Pow(Mul(IntExpr(2), Pow(Zero(), Atan2(Zero(), x))), x)} {
		for _, xv := range []float64{0.3, 0.7, 1.9} {
			got, err := Eval(Diff(f, x), map[string]float64{"x": xv})
			require.NoError(t, err)
			assert.InDelta(t, math.Pow(2, xv)*math.Ln2, got, 1e-12, "d/dx %s at x=%v = %s", f, xv, Diff(f, x))
		}
	}
	f = Pow(Mul(IntExpr(2), Pow(Zero(), Max(x, Zero()))), x)
	for _, xv := range []float64{-0.3, -1.9} {
		got, err := Eval(Diff(f, x), map[string]float64{"x": xv})
		require.NoError(t, err)
		assert.InDelta(t, math.Pow(2, xv)*math.Ln2, got, 1e-12, "d/dx %s at x=%v = %s", f, xv, Diff(f, x))
	}
	assert.Equal(t, "2*x*Derivative(f(x^2), x^2)", Diff(Func("f", Pow(x, IntExpr(2))), x).String())
}

func copyEnv(m map[string]float64) map[string]float64 {
	c := make(map[string]float64, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

func TestExpandMatchesEvaluation(t *testing.T) {
	g := symtest.New(3, "x", "y", "z")
	for i := 0; i < 1000; i++ {
		raw := g.Expr(4)
		e := Expand(raw.Term)
		for k := 0; k < 2; k++ {
			env := g.Point()
			want, _ := Eval(raw.Term, env)
			got, err := Eval(e, env)
			require.NoError(t, err)
			if !symtest.Close(got, want, 1e-8) {
				t.Fatalf("expand %s\n= %s\nat %v: got %v want %v", raw.Term, e, env, got, want)
			}
		}
	}
}

func TestExpandFastPathIsCanonical(t *testing.T) {
	// The packed fast path builds sums directly; they must be the very
	// pointers the general constructors build.
	s := Add(One(), x, Mul(IntExpr(2), y), Pow(z, IntExpr(2)))
	fast := Expand(Pow(s, IntExpr(5)))
	slow := One()
	for i := 0; i < 5; i++ {
		var parts []*Expr
		_, ts, cs := slow.AddParts()
		if slow.Kind() != KAdd {
			ts, cs = []*Expr{slow}, []Number{Int(1)}
		}
		c, _, _ := slow.AddParts()
		for j, a := range ts {
			for _, b := range []*Expr{One(), x, Mul(IntExpr(2), y), Pow(z, IntExpr(2))} {
				parts = append(parts, Scale(cs[j], Mul(a, b)))
			}
		}
		if slow.Kind() == KAdd && !c.IsZero() {
			for _, b := range []*Expr{One(), x, Mul(IntExpr(2), y), Pow(z, IntExpr(2))} {
				parts = append(parts, Scale(c, b))
			}
		}
		slow = Add(parts...)
	}
	assert.Same(t, slow, fast)
	_, terms, _ := fast.AddParts()
	assert.Len(t, terms, 55)
}

func TestExpandParallelMatchesSequential(t *testing.T) {
	// Large multinomials are enumerated on every core, each writing its own
	// range of the result; the sum must be the one a single core builds,
	// and canonical (rebuilding it from its terms gives the same pointer).
	cases := []*Expr{
		Pow(Add(One(), x, y, z), IntExpr(50)),
		Pow(Add(Mul(IntExpr(2), x), Mul(IntExpr(-3), y), Mul(RatExpr(1, 2), z), IntExpr(5)), IntExpr(45)),
		Pow(Add(x, y), IntExpr(20000)),
	}
	for _, c := range cases {
		par := Expand(c)
		old := runtime.GOMAXPROCS(1)
		seq := Expand(c)
		runtime.GOMAXPROCS(old)
		require.Same(t, seq, par, "expand %v", c)
		k, ts, cs := par.AddParts()
		require.Greater(t, len(ts), 1<<14, "too small to take the parallel path")
		sb := NewSumBuilder()
		sb.Add(NumExpr(k))
		for i := range ts {
			sb.AddScaled(cs[i], ts[i])
		}
		assert.Same(t, par, sb.Build(), "canonical %v", c)
	}
}

func TestExpandSizes(t *testing.T) {
	s := Add(One(), x, y, z)
	e := Expand(Pow(s, IntExpr(20)))
	_, terms, _ := e.AddParts()
	assert.Len(t, terms, 1770) // 1,771 monomials, the constant stored apart
	c, _, _ := e.AddParts()
	assert.Equal(t, "1", c.String())
	// Coefficient of x^5 y^5 z^5 in (1+x+y+z)^20 = 20!/(5!^4).
	cs, ok := Coefficients(e, x)
	require.True(t, ok)
	assert.Len(t, cs, 21)
	// Integer overflow beyond int64 goes to big integers.
	big := Expand(Pow(Add(x, IntExpr(1000)), IntExpr(10)))
	cs, _ = Coefficients(big, x)
	assert.Equal(t, "1000000000000000000000000000000", cs[0].String())
	// Negative and mixed coefficients through the dense 128-bit path.
	p := Expand(Mul(Pow(Add(x, Neg(y)), IntExpr(7)), Pow(Add(x, y), IntExpr(7))))
	q := Expand(Pow(Sub(Pow(x, IntExpr(2)), Pow(y, IntExpr(2))), IntExpr(7)))
	assert.Same(t, q, p)
}

func TestDegreeAndCoefficients(t *testing.T) {
	e := Add(Mul(IntExpr(3), Pow(x, IntExpr(2)), y), Mul(x, Sin(y)), IntExpr(5))
	d, ok := Degree(e, x)
	require.True(t, ok)
	assert.Equal(t, 2, d)
	cs, _ := Coefficients(e, x)
	assert.Equal(t, []string{"5", "sin(y)", "3*y"}, []string{cs[0].String(), cs[1].String(), cs[2].String()})
	_, ok = Degree(Sin(x), x)
	assert.False(t, ok)
	_, ok = Degree(Pow(x, IntExpr(-1)), x)
	assert.False(t, ok)
}

func TestSubstitute(t *testing.T) {
	e := Add(Pow(x, IntExpr(2)), Mul(x, y), Sin(x))
	r := Substitute(e, map[*Expr]*Expr{x: Add(y, One())})
	assert.Equal(t, "y*(y + 1) + (y + 1)^2 + sin(y + 1)", r.String())
	r = Substitute(e, map[*Expr]*Expr{x: Zero()})
	assert.Equal(t, "0", r.String())
}

func TestJacobianAndSparsity(t *testing.T) {
	fs := []*Expr{Mul(x, y), Add(Sin(z), y), Pow(x, IntExpr(3))}
	xs := []*Expr{x, y, z}
	p := Sparsity(fs, xs)
	assert.Equal(t, []int{0, 2, 4, 5}, p.RowPtr)
	assert.Equal(t, []int{0, 1, 1, 2, 0}, p.ColIdx)
	J := Jacobian(fs, xs)
	assert.Equal(t, "y", J[0][0].String())
	assert.Equal(t, "cos(z)", J[1][2].String())
	assert.Equal(t, "3*x^2", J[2][0].String())
	assert.Equal(t, "0", J[2][1].String())
	H := Hessian(Mul(Pow(x, IntExpr(2)), y), []*Expr{x, y})
	assert.Equal(t, "2*y", H[0][0].String())
	assert.Equal(t, "2*x", H[0][1].String())
	assert.Same(t, H[0][1], H[1][0])
}

func TestPrinters(t *testing.T) {
	e := Add(Div(Pow(x, IntExpr(2)), Mul(IntExpr(3), y)), Sqrt(z), Neg(Sin(x)))
	assert.Equal(t, `\frac{x^{2}}{3 \cdot y} + \sqrt{z} - \sin\left(x\right)`, LaTeX(e))
	assert.Equal(t, "(+ (* 1/3 (^ x 2) (^ y -1)) (^ z 1/2) (* -1 (sin x)))", SExpr(e))
	goSrc := GoExpr(e, nil)
	assert.Contains(t, goSrc, "math.Sqrt(z)")
	assert.Contains(t, goSrc, "math.Sin(x)")
	assert.Equal(t, `\alpha_{1} + \mathrm{k1}`, LaTeX(Add(Sym("alpha[1]"), Sym("k1"))))
}

// TestLaTeXFractionGrouping: a factor is parenthesised only beside
// another factor of its side of the fraction, or after a bare minus.
func TestLaTeXFractionGrouping(t *testing.T) {
	a, b, c := Sym("a"), Sym("b"), Sym("c")
	for _, tc := range []struct {
		e    *Expr
		want string
	}{
		{Div(Sqrt(x), Add(One(), Pow(y, IntExpr(2)))), `\frac{\sqrt{x}}{y^{2} + 1}`},
		{Div(x, Add(y, One())), `\frac{x}{y + 1}`},
		{Div(Add(a, b), Mul(c, Add(x, y))), `\frac{a + b}{c \cdot \left(x + y\right)}`},
		{Div(Mul(Add(a, b), c), x), `\frac{c \cdot \left(a + b\right)}{x}`},
		{Neg(Div(x, Add(y, z))), `-\frac{x}{y + z}`},
		{Div(Pow(Add(a, b), IntExpr(2)), Add(c, x)), `\frac{\left(a + b\right)^{2}}{c + x}`},
		{Mul(Add(a, b), c), `c \cdot \left(a + b\right)`},
		{Pow(Add(a, b), RatExpr(1, 3)), `\sqrt[3]{a + b}`},
		{Pow(x, RatExpr(-1, 5)), `\frac{1}{\sqrt[5]{x}}`},
		{Pow(x, RatExpr(2, 3)), `x^{\frac{2}{3}}`},
	} {
		assert.Equal(t, tc.want, LaTeX(tc.e), tc.e.String())
	}
}

func TestEvalErrors(t *testing.T) {
	_, err := Eval(Add(x, y), map[string]float64{"x": 1})
	assert.EqualError(t, err, `no value for symbol "y"`)
	v, err := Eval(IfElse(Lt(x, One()), IntExpr(10), IntExpr(20)), map[string]float64{"x": 0.5})
	require.NoError(t, err)
	assert.Equal(t, 10.0, v)
}

func TestTermInterface(t *testing.T) {
	e := Add(Mul(IntExpr(2), x), Sin(y), IntExpr(3))
	ch := e.Children()
	assert.Len(t, ch, 3)
	assert.Same(t, e, e.Rebuild(ch))
	m := Mul(IntExpr(3), x, Pow(y, IntExpr(2)))
	assert.Equal(t, OpMul, m.Head())
	assert.Same(t, m, m.Rebuild(m.Children()))
	assert.Same(t, Add(x, y), e.Rebuild([]*Expr{x, y}))
}

func TestSparseJacobianMatchesDiff(t *testing.T) {
	g := symtest.New(11, "a", "b", "c", "d")
	xs := Syms("a", "b", "c", "d")
	var fs []*Expr
	for i := 0; i < 200; i++ {
		fs = append(fs, Add(g.Expr(3).Term, g.Expr(3).Term, g.Expr(2).Term))
	}
	sj, err := SparseJacobianOf(context.Background(), fs, xs)
	require.NoError(t, err)
	for i, f := range fs {
		for k := sj.RowPtr[i]; k < sj.RowPtr[i+1]; k++ {
			require.Same(t, Diff(f, xs[sj.ColIdx[k]]), sj.Values[k], "row %d: %s", i, f)
		}
	}
}

func TestLargeExpansionIsCanonical(t *testing.T) {
	// 17,296 terms: the parallel sort-and-build path. Rebuilding the sum
	// from its summands with the general constructor must give the same pointer.
	e := Expand(Pow(Add(One(), x, Mul(IntExpr(-2), y), z), IntExpr(45)))
	_, terms, _ := e.AddParts()
	require.Len(t, terms, 17295)
	assert.Same(t, e, Add(e.Children()...))
}

// countdownCtx reports cancellation after its Err has been asked n times,
// so a test can stop a computation in its middle deterministically.
type countdownCtx struct {
	context.Context
	n int
}

func (c *countdownCtx) Err() error {
	if c.n--; c.n < 0 {
		return context.Canceled
	}
	return nil
}

func TestDiffContext(t *testing.T) {
	// A derivative with tens of thousands of distinct subterms.
	big := Mul(Expand(Pow(Add(One(), x, y, z), IntExpr(30))), Sin(Mul(x, y)))
	want := Diff(big, x)
	got, err := DiffContext(context.Background(), big, x)
	require.NoError(t, err)
	assert.Same(t, want, got)

	got, err = DiffContext(&countdownCtx{context.Background(), 3}, big, x)
	assert.ErrorIs(t, err, context.Canceled, "cancelled in the middle")
	assert.Nil(t, got)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = DiffContext(ctx, big, x)
	assert.ErrorIs(t, err, context.Canceled, "cancelled before it starts")

	// A Jacobian of one huge row stops inside the row, not only between rows.
	sj, err := SparseJacobianOf(&countdownCtx{context.Background(), 2}, []*Expr{Sin(big)}, []*Expr{x, y, z})
	assert.ErrorIs(t, err, context.Canceled)
	assert.Nil(t, sj)
	sj, err = SparseJacobianOf(context.Background(), []*Expr{Sin(big)}, []*Expr{x, y, z})
	require.NoError(t, err)
	assert.Same(t, Diff(Sin(big), y), sj.Values[1])

	// Gradient and Hessian, live and cancelled.
	f := Mul(Sin(Mul(x, y)), Exp(z), Pow(x, IntExpr(3)))
	xs := []*Expr{x, y, z}
	g, err := GradientContext(context.Background(), f, xs)
	require.NoError(t, err)
	h, err := HessianContext(context.Background(), f, xs)
	require.NoError(t, err)
	for i, xi := range xs {
		assert.Same(t, Diff(f, xi), g[i])
		for j, xj := range xs {
			assert.Same(t, Diff(Diff(f, xi), xj), h[i][j])
		}
	}
	_, err = GradientContext(ctx, f, xs)
	assert.ErrorIs(t, err, context.Canceled)
	_, err = HessianContext(&countdownCtx{context.Background(), 4}, big, xs)
	assert.ErrorIs(t, err, context.Canceled, "a Hessian of a large term stops part way")
}

func TestExpandCancellation(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	e := Pow(Add(One(), x, y, z), IntExpr(200))
	start := time.Now()
	r, err := ExpandContext(ctx, e, 0)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Same(t, e, r, "a stopped expansion returns its input")
	assert.Less(t, time.Since(start), 10*time.Second)
	_, err = ExpandContext(context.Background(), e, 1000)
	assert.ErrorIs(t, err, ErrTooLarge)
}

// TestExpandCancellationHugeCoefficients: a deadline stops an expansion
// promptly even when each product of coefficients is slow. Here they have
// tens of thousands of digits, and the expansion used to poll its context
// once per 4,096 rows of the sparse product: 33 s past a 1 s deadline
// (an input FuzzCalculus took as hung).
func TestExpandCancellationHugeCoefficients(t *testing.T) {
	c, err := ParseNumber("1888888888888888888888888888")
	require.NoError(t, err)
	e := Add(IntExpr(2), Pow(Add(y, Pow(Add(y, NumExpr(c)), IntExpr(71))), IntExpr(70)))
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	r, err := ExpandContext(ctx, e, 0)
	assert.ErrorIs(t, err, context.DeadlineExceeded)
	assert.Same(t, e, r)
	assert.Less(t, time.Since(start), 5*time.Second, "the deadline was 0.2 s")
}

// TestReclamationDeep: terms whose children are themselves built terms
// (powers, products with and without coefficients, a sum over them) are
// reclaimed once nobody references them, generation after generation.
// Each generation uses fresh symbols, so nothing of it is found again.
func TestReclamationDeep(t *testing.T) {
	build := func(gen, n int) {
		two := IntExpr(2)
		sb := NewSumBuilder()
		for i := 1; i <= n; i++ {
			x := Sym(fmt.Sprintf("rx%d_%d", gen, i))
			y := Sym(fmt.Sprintf("ry%d_%d", gen, i))
			p := Pow(y, two)
			_ = Mul(x, p)
			sb.Add(Mul(IntExpr(int64(i)), x, p))
			_ = Sin(Add(x, p))
			if i%20 == 0 {
				// Deeper shapes: products of sums, expansions, derivatives.
				q := Mul(Pow(Add(x, One()), two), y, IntExpr(3))
				_ = Expand(Mul(q, Add(x, y)))
				_ = Diff(Mul(Sin(q), Exp(Neg(p))), y)
			}
		}
		_ = sb.Build()
	}
	const n = 20000
	base, after := fiveGenerations(build, n)
	// Four generations made about 7 nodes per term (two symbols, the
	// power, a product, the scaled product and its copy, the sum, sin):
	// what stays must not grow with them.
	assert.Less(t, after, base+n/2, "unreferenced terms must be reclaimed (after one generation %d, after five %d)", base, after)
}

// TestReclamationHeap checks reclamation by the heap rather than by the
// table's count, which TableSize takes only after moving every waiting
// entry into the table: nothing the table keeps for its own work (the
// entries waiting to go in, the lookup caches) may keep a dropped term
// alive. A sum over fresh symbols is one node with every term below it,
// so holding that one node would hold them all.
func TestReclamationHeap(t *testing.T) {
	heap := func() float64 {
		for range 5 {
			runtime.GC()
			time.Sleep(2 * time.Millisecond)
		}
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return float64(ms.HeapAlloc)
	}
	const n = 50000
	two := IntExpr(2)
	before := heap()
	sb := NewSumBuilder()
	for i := 1; i <= n; i++ {
		x := Sym(fmt.Sprintf("hx_%d", i))
		y := Sym(fmt.Sprintf("hy_%d", i))
		sb.Add(Mul(IntExpr(int64(i)), x, Pow(y, two)))
	}
	s := sb.Build()
	alive := heap()
	_, terms, _ := s.AddParts()
	require.Len(t, terms, n)
	runtime.KeepAlive(s)
	s = nil
	dropped := heap()
	// What stays is the table's growth, a fraction of the terms.
	assert.Less(t, dropped-before, (alive-before)/2,
		"a dropped sum must be reclaimed: heap %.1f MB before it, %.1f MB with it, %.1f MB after it", before/1e6, alive/1e6, dropped/1e6)
}

// TestExpandExponentsBeyond16Bits: the packed polynomial path keeps
// exponents in 16 bits; a product or power whose exponents would pass
// 65,535 must take the general path, not wrap around (FuzzCalculus:
// (x - x^7710)^20 came out with x^23128 = x^154200 mod 2^16).
func TestExpandExponentsBeyond16Bits(t *testing.T) {
	p := Expand(Pow(Sub(x, Pow(x, IntExpr(7710))), IntExpr(20)))
	d, ok := Degree(p, x)
	require.True(t, ok)
	assert.Equal(t, 154200, d)
	cs, ok := Coefficients(p, x)
	require.True(t, ok)
	for k := 0; k <= 20; k++ {
		// (x - x^7710)^20 = Σ C(20,k) (-1)^k x^(20 + 7709k).
		want := new(big.Int).Binomial(20, int64(k))
		if k%2 == 1 {
			want.Neg(want)
		}
		assert.Equal(t, want.String(), cs[20+7709*k].String(), "coefficient of x^%d", 20+7709*k)
	}
	q := Expand(Mul(Add(Pow(x, IntExpr(40000)), One()), Add(Pow(x, IntExpr(40000)), y)))
	assert.Equal(t, "x^80000 + x^40000*y + x^40000 + y", q.String())
}
