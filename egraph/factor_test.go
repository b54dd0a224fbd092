package egraph

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/symbolic"
)

// massAction builds dx = S·v for reactions given as (rate, reactants,
// products) over species x0..x{n-1}.
type reaction struct {
	k         float64
	reactants []int
	products  []int
}

func massAction(n int, rs []reaction) ([]*symbolic.Expr, []*symbolic.Expr) {
	x := make([]*symbolic.Expr, n)
	for i := range x {
		x[i] = symbolic.Sym(fmt.Sprintf("x%d", i))
	}
	sums := make([]*symbolic.SumBuilder, n)
	for i := range sums {
		sums[i] = symbolic.NewSumBuilder()
	}
	for _, r := range rs {
		f := []*symbolic.Expr{}
		for _, i := range r.reactants {
			f = append(f, x[i])
		}
		v := symbolic.MulScaled(symbolic.Float(r.k), f...)
		for _, i := range r.reactants {
			sums[i].AddScaled(symbolic.Int(-1), v)
		}
		for _, i := range r.products {
			sums[i].Add(v)
		}
	}
	out := make([]*symbolic.Expr, n)
	for i := range out {
		out[i] = sums[i].Build()
	}
	return x, out
}

// termScale is Σ|terms| of e at env: the scale of a reassociated sum's
// rounding error.
func termScale(t *testing.T, e *symbolic.Expr, env map[string]float64) float64 {
	if e.Kind() != symbolic.KAdd {
		v, err := symbolic.Eval(e, env)
		require.NoError(t, err)
		return math.Abs(v)
	}
	c0, terms, coefs := e.AddParts()
	s := math.Abs(c0.Float64())
	for k, tm := range terms {
		v, err := symbolic.Eval(tm, env)
		require.NoError(t, err)
		s += math.Abs(coefs[k].Float64() * v)
	}
	return s
}

func checkSameValues(t *testing.T, x, a, b []*symbolic.Expr, rng *rand.Rand, points int) {
	t.Helper()
	require.Len(t, b, len(a))
	env := map[string]float64{}
	for p := 0; p < points; p++ {
		for _, s := range x {
			env[s.Name()] = 0.1 + 3*rng.Float64()
		}
		for i := range a {
			va, err := symbolic.Eval(a[i], env)
			require.NoError(t, err)
			vb, err := symbolic.Eval(b[i], env)
			require.NoError(t, err)
			tol := 1e-13 * math.Max(termScale(t, a[i], env), 1e-300)
			require.InDeltaf(t, va, vb, tol, "equation %d at %v:\n%v\nvs\n%v", i, env, a[i], b[i])
		}
	}
}

func TestFactorSumsTable(t *testing.T) {
	// Ligand L (x0) binds three receptors R1..R3 (x1..x3) into complexes
	// C1..C3 (x4..x6) with rates 1e-3, 2e-3, 3e-3: dL, and nothing else,
	// holds all three binding fluxes, so nothing is shared across
	// equations. With a second ligand species M (x7) that is consumed in
	// step with L (L + M + R -> C), dL and dM hold the same three fluxes:
	// one shared partial sum, used by both.
	bind := []reaction{{1e-3, []int{0, 1}, []int{4}}, {2e-3, []int{0, 2}, []int{5}}, {3e-3, []int{0, 3}, []int{6}}}
	cobind := []reaction{{1e-3, []int{0, 1}, []int{4, 7}}, {2e-3, []int{0, 2}, []int{5, 7}}, {3e-3, []int{0, 3}, []int{6, 7}}}
	tests := []struct {
		name         string
		n            int
		rs           []reaction
		shared, uses int
		sharedTerms  int
		minShared    int
	}{
		{"binding, nothing shared", 7, bind, 0, 0, 0, 0},
		{"co-produced species share the ligand's sum", 8, cobind, 1, 2, 6, 0},
		{"below MinShared", 8, cobind, 0, 0, 0, 4},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			x, eqs := massAction(tc.n, tc.rs)
			out, rep, err := FactorSums(context.Background(), eqs, FactorOptions{MinShared: tc.minShared})
			require.NoError(t, err)
			assert.Equal(t, tc.shared, rep.Shared, "%v", rep)
			assert.Equal(t, tc.uses, rep.Uses, "%v", rep)
			assert.Equal(t, tc.sharedTerms, rep.SharedTerms, "%v", rep)
			checkSameValues(t, x, eqs, out, rand.New(rand.NewPCG(1, 2)), 5)
		})
	}
}

func TestFactorSumsSharedIsOnePointer(t *testing.T) {
	// dL = -Σ k_j L R_j and dM = +2 Σ k_j L R_j (ratio -2): both equations
	// must refer to the same product term L·(Σ k_j R_j).
	L := symbolic.Sym("L")
	var r []*symbolic.Expr
	dl, dm := symbolic.NewSumBuilder(), symbolic.NewSumBuilder()
	for j := 1; j <= 4; j++ {
		rj := symbolic.Sym(fmt.Sprintf("R%d", j))
		r = append(r, rj)
		v := symbolic.MulScaled(symbolic.Float(float64(j)*1e-3), L, rj)
		dl.AddScaled(symbolic.Int(-1), v)
		dm.AddScaled(symbolic.Int(2), v)
	}
	dm.Add(symbolic.Sym("Q"))
	eqs := []*symbolic.Expr{dl.Build(), dm.Build()}
	out, rep, err := FactorSums(context.Background(), eqs, FactorOptions{})
	require.NoError(t, err)
	require.Equal(t, 1, rep.Shared)
	products := func(e *symbolic.Expr) map[*symbolic.Expr]bool {
		m := map[*symbolic.Expr]bool{}
		terms := []*symbolic.Expr{e}
		if e.Kind() == symbolic.KAdd {
			_, terms, _ = e.AddParts()
		} else if e.Kind() == symbolic.KMul {
			c, _, _ := e.MulParts()
			if inv, ok := c.Inv(); ok {
				terms = []*symbolic.Expr{symbolic.MulScaled(inv, e)}
			}
		}
		for _, tm := range terms {
			if tm.Kind() == symbolic.KMul {
				m[tm] = true
			}
		}
		return m
	}
	pl, pm := products(out[0]), products(out[1])
	common := 0
	for p := range pl {
		if pm[p] {
			common++
			_, bases, _ := p.MulParts()
			require.Len(t, bases, 2, "%v", p)
		}
	}
	assert.Equal(t, 1, common, "out: %v | %v", out[0], out[1])
	checkSameValues(t, append(r, L, symbolic.Sym("Q")), eqs, out, rand.New(rand.NewPCG(3, 4)), 5)
}

func TestFactorSumsPassesThrough(t *testing.T) {
	x := symbolic.Sym("x")
	eqs := []*symbolic.Expr{
		symbolic.Zero(),
		symbolic.FloatExpr(2.5),
		symbolic.Sin(x),
		symbolic.MulScaled(symbolic.Float(3), x, x),
		symbolic.Add(symbolic.IntExpr(1), symbolic.Exp(x)),
	}
	out, rep, err := FactorSums(context.Background(), eqs, FactorOptions{})
	require.NoError(t, err)
	assert.Equal(t, 0, rep.Shared)
	for i := range eqs {
		assert.Same(t, eqs[i], out[i], "equation %d: %v became %v", i, eqs[i], out[i])
	}
	_, _, err = FactorSums(context.Background(), []*symbolic.Expr{nil}, FactorOptions{})
	assert.ErrorContains(t, err, "equation 0 is nil")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, _, err = FactorSums(ctx, eqs, FactorOptions{})
	assert.ErrorIs(t, err, context.Canceled)
}

// TestFactorSumsRandomNetworks is the soundness property: on random
// mass-action networks (with the symmetric blocks that rule-based models
// produce: the same reactions seen from several species), the factored
// system equals the original at random points up to the rounding of a
// reassociated sum.
func TestFactorSumsRandomNetworks(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	shared := 0
	for trial := 0; trial < 40; trial++ {
		n := 6 + rng.IntN(10)
		var rs []reaction
		for k := 0; k < 5+rng.IntN(40); k++ {
			r := reaction{k: math.Pow(10, -4+4*rng.Float64())}
			if rng.IntN(8) == 0 {
				r.k = float64(1 + rng.IntN(3)) // exact rates too
			}
			for j := 0; j < 1+rng.IntN(2); j++ {
				r.reactants = append(r.reactants, rng.IntN(n))
			}
			for j := 0; j < rng.IntN(3); j++ {
				r.products = append(r.products, rng.IntN(n))
			}
			rs = append(rs, r)
			// A family: the same reaction with a common species and a
			// co-product, over several partners.
			if rng.IntN(4) == 0 {
				a, p := rng.IntN(n), rng.IntN(n)
				for b := 0; b < n; b += 1 + rng.IntN(2) {
					rs = append(rs, reaction{k: r.k * float64(1+b%3), reactants: []int{a, b}, products: []int{p, (b + 1) % n}})
				}
			}
		}
		x, eqs := massAction(n, rs)
		out, rep, err := FactorSums(context.Background(), eqs, FactorOptions{})
		require.NoError(t, err)
		shared += rep.Shared
		checkSameValues(t, x, eqs, out, rng, 3)
		// A second pass finds nothing more and leaves the shared sums
		// intact (it must not divide them back into the equations).
		again, rep2, err := FactorSums(context.Background(), out, FactorOptions{})
		require.NoError(t, err)
		assert.Zero(t, rep2.Shared)
		assert.Zero(t, rep2.RowGroups)
		for i := range out {
			assert.Same(t, out[i], again[i], "trial %d equation %d", trial, i)
		}
	}
	// The generator's families must have exercised the sharing.
	assert.Greater(t, shared, 10)
}

func ExampleFactorSums() {
	// A ligand L binds receptors R1..R3; each binding also releases a
	// species P. dL and dP hold the same three fluxes (with opposite
	// signs): they share one partial sum, L·(k1·R1 + k2·R2 + k3·R3).
	L, P := symbolic.Sym("L"), symbolic.Sym("P")
	dl, dp := symbolic.NewSumBuilder(), symbolic.NewSumBuilder()
	for j, k := range []float64{0.5, 0.25, 2} {
		v := symbolic.MulScaled(symbolic.Float(k), L, symbolic.Sym(fmt.Sprintf("R%d", j+1)))
		dl.AddScaled(symbolic.Int(-1), v)
		dp.Add(v)
	}
	dp.AddScaled(symbolic.Float(-0.1), P)
	out, rep, err := FactorSums(context.Background(), []*symbolic.Expr{dl.Build(), dp.Build()}, FactorOptions{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(rep)
	fmt.Println("dL =", out[0])
	fmt.Println("dP =", out[1])
	// Output:
	// 7 terms; 1 shared partial sums replacing 6 terms by 2 uses; 0 per-equation groups
	// dL = L*(-0.5*R1 - 0.25*R2 - 2.0*R3)
	// dP = -L*(-0.5*R1 - 0.25*R2 - 2.0*R3) - 0.1*P
}

func TestEstimateInstructions(t *testing.T) {
	x, y, z, w := symbolic.Sym("x"), symbolic.Sym("y"), symbolic.Sym("z"), symbolic.Sym("w")
	two, three := symbolic.IntExpr(2), symbolic.IntExpr(3)
	xy := symbolic.Mul(x, y)
	tests := []struct {
		name string
		eqs  []*symbolic.Expr
		want float64 // instructions codegen.Lower emits (checked with it), stores included
	}{
		{"x + y: add", []*symbolic.Expr{symbolic.Add(x, y)}, 2},
		{"2x + 3y: mul, fma", []*symbolic.Expr{symbolic.Add(symbolic.Mul(two, x), symbolic.Mul(three, y))}, 3},
		{"xyz + w: mul, fma", []*symbolic.Expr{symbolic.Add(symbolic.Mul(x, y, z), w)}, 3},
		// xy is computed once; the first sum starts its chain with 2·xy
		// (a multiply) and adds z, the second is fma(3, xy, w).
		{"2xy + z and 3xy + w: shared xy",
			[]*symbolic.Expr{symbolic.Add(symbolic.Mul(two, xy), z), symbolic.Add(symbolic.Mul(three, xy), w)}, 6},
		{"x·(y + 2z) + w: fma inside, fma outside",
			[]*symbolic.Expr{symbolic.Add(symbolic.Mul(x, symbolic.Add(y, symbolic.Mul(two, z))), w)}, 3},
		{"sin(x): one call", []*symbolic.Expr{symbolic.Sin(x)}, 2},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, EstimateInstructions(tc.eqs))
		})
	}
}

// TestFactorSumsMixedTerms runs the pass over sums whose terms are not
// all plain monomials (powers, quotients, calls, exact rationals next to
// floats) and checks the values and that opaque terms are left whole.
func TestFactorSumsMixedTerms(t *testing.T) {
	x, y, z, w := symbolic.Sym("x"), symbolic.Sym("y"), symbolic.Sym("z"), symbolic.Sym("w")
	half := symbolic.RatExpr(1, 2)
	block := func(scale *symbolic.Expr) *symbolic.Expr {
		// x·(y + 3z + w²/2) scaled: a shareable block of three monomials.
		return symbolic.Mul(scale, x, symbolic.Add(y, symbolic.Mul(symbolic.IntExpr(3), z), symbolic.Mul(half, symbolic.Pow(w, symbolic.IntExpr(2)))))
	}
	expand := func(e *symbolic.Expr) *symbolic.Expr { return symbolic.Expand(e) }
	eqs := []*symbolic.Expr{
		symbolic.Add(expand(block(symbolic.IntExpr(1))), symbolic.Sin(x), symbolic.Div(y, z)),
		symbolic.Add(expand(block(symbolic.IntExpr(-2))), symbolic.Mul(symbolic.Sin(x), y)),
		symbolic.Add(expand(block(symbolic.FloatExpr(0.25))), symbolic.Pow(x, symbolic.IntExpr(2)), symbolic.Exp(w)),
	}
	out, rep, err := FactorSums(context.Background(), eqs, FactorOptions{})
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Shared, "%v", rep)
	assert.Equal(t, 3, rep.Uses, "%v", rep)
	checkSameValues(t, []*symbolic.Expr{x, y, z, w}, eqs, out, rand.New(rand.NewPCG(9, 10)), 10)
	for i, e := range out {
		assert.Contains(t, e.String(), map[int]string{0: "sin(x)", 1: "sin(x)", 2: "exp(w)"}[i])
	}
}
