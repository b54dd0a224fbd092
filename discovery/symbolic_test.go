package discovery_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/discovery"
	"github.com/symcalc/symcalc/discovery/npy"
	"github.com/symcalc/symcalc/parser"
	"github.com/symcalc/symcalc/symbolic"
)

const (
	tL  = 100.0
	tN  = 1024
	tDt = 1e-3
)

// parseFieldTerm parses a term in equation-file syntax where dx(u, q) is
// the derivative symbol of the field u (as in a field's der(u) equation).
func parseFieldTerm(field, src string) (*symbolic.Expr, error) {
	o := parser.Options{Call: func(name string, args []*symbolic.Expr, _ int) (*symbolic.Expr, error) {
		if name != "dx" || len(args) < 1 || len(args) > 2 || args[0] != symbolic.Sym(field) {
			return nil, fmt.Errorf("unknown function %q (only dx(%s, q))", name, field)
		}
		q := int64(1)
		if len(args) == 2 {
			n, ok := args[1].IsNumber()
			k, small := n.IsSmallInt()
			if !ok || !small || k < 1 {
				return nil, fmt.Errorf("bad derivative order %s", args[1])
			}
			q = k
		}
		return symbolic.FieldDerivSym(field, int(q)), nil
	}}
	return o.Parse(src)
}

func truthPairs(t testing.TB) (u0, u1 [][]float64) {
	t.Helper()
	a, err := npy.ReadFile(filepath.Join("testdata", "ks_truth_pairs.npy"))
	require.NoError(t, err)
	u0, u1, err = discovery.SplitPairs(a)
	require.NoError(t, err)
	return u0, u1
}

func maxRelColErr(a, b []float64) float64 {
	var num, den float64
	for i := range a {
		num = math.Max(num, math.Abs(a[i]-b[i]))
		den = math.Max(den, math.Abs(b[i]))
	}
	return num / den
}

// The numeric PDE library's terms, parsed back from their symcalc syntax
// and evaluated by the tape VM, give the same columns; and both equal the
// workload's theta_mid_clean (its first pair, committed) to 1e-10.
func TestFieldLibraryMatchesNumericLibrary(t *testing.T) {
	ctx := context.Background()
	u0, u1 := truthPairs(t)
	mid, err := discovery.Midpoints(u0[:2], u1[:2])
	require.NoError(t, err)
	for _, tc := range []struct {
		name  string
		deriv func() discovery.Differentiator
	}{
		{"spectral", func() discovery.Differentiator { d, _ := discovery.NewSpectral(tN, tL); return d }},
		{"finite difference", func() discovery.Differentiator { d, _ := discovery.NewFiniteDifference(tN, tL, 4); return d }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			num, err := discovery.PDELibrary(ctx, mid, discovery.PDEOptions{MaxP: 4, MaxQ: 4, Deriv: tc.deriv()})
			require.NoError(t, err)
			var terms []discovery.FieldTerm
			for _, c := range num.Columns {
				e, err := parseFieldTerm("u", c.Term)
				require.NoError(t, err, c.Term)
				terms = append(terms, discovery.FieldTerm{Name: c.Name, Expr: e})
			}
			sym, err := discovery.FieldLibrary(ctx, mid, terms, discovery.FieldLibraryOptions{Deriv: tc.deriv()})
			require.NoError(t, err)
			require.Equal(t, num.Rows, sym.Rows)
			require.Equal(t, num.Names(), sym.Names())
			for j := range num.Columns {
				assert.Less(t, maxRelColErr(sym.Columns[j].Values, num.Columns[j].Values), 1e-13, num.Columns[j].Name)
				// The printed term parses back to the same term.
				back, err := parseFieldTerm("u", sym.Columns[j].Term)
				require.NoError(t, err)
				assert.Same(t, terms[j].Expr, back, sym.Columns[j].Term)
			}
		})
	}
	// PDETerms builds the same terms without parsing.
	pde := discovery.PDETerms("u", 4, 4)
	sp, _ := discovery.NewSpectral(tN, tL)
	sym, err := discovery.FieldLibrary(ctx, mid[:1], pde, discovery.FieldLibraryOptions{Deriv: sp})
	require.NoError(t, err)
	ref, err := npy.ReadFile(filepath.Join("testdata", "ks_theta_pair0.npy"))
	require.NoError(t, err)
	require.Equal(t, []int{tN, 24}, ref.Shape)
	for j, c := range sym.Columns {
		col := make([]float64, tN)
		for i := range col {
			col[i] = ref.Data[i*24+j]
		}
		assert.Less(t, maxRelColErr(c.Values, col), 1e-10, c.Name)
	}
}

// User-written terms, including functions and the coordinate, evaluate to
// their pointwise values.
func TestFieldLibraryUserTerms(t *testing.T) {
	ctx := context.Background()
	n := 64
	u := make([]float64, n)
	xs := make([]float64, n)
	for i := range u {
		xs[i] = 2 * math.Pi * float64(i) / float64(n)
		u[i] = math.Sin(xs[i]) + 0.3*math.Cos(2*xs[i])
	}
	ux := func(i int) float64 { return math.Cos(xs[i]) - 0.6*math.Sin(2*xs[i]) }
	uxx := func(i int) float64 { return -math.Sin(xs[i]) - 1.2*math.Cos(2*xs[i]) }
	sp, err := discovery.NewSpectral(n, 2*math.Pi)
	require.NoError(t, err)
	tests := []struct {
		src  string
		want func(i int) float64
	}{
		{"u^2*dx(u)", func(i int) float64 { return u[i] * u[i] * ux(i) }},
		{"sin(u)", func(i int) float64 { return math.Sin(u[i]) }},
		{"exp(-u)*dx(u, 2)", func(i int) float64 { return math.Exp(-u[i]) * uxx(i) }},
		{"x*u", func(i int) float64 { return xs[i] * u[i] }},
		{"dx(u)^2 + 3", func(i int) float64 { return ux(i)*ux(i) + 3 }},
	}
	var terms []discovery.FieldTerm
	for _, tc := range tests {
		e, err := parseFieldTerm("u", tc.src)
		require.NoError(t, err, tc.src)
		terms = append(terms, discovery.FieldTerm{Expr: e})
	}
	lib, err := discovery.FieldLibrary(ctx, [][]float64{u}, terms,
		discovery.FieldLibraryOptions{Deriv: sp, X: symbolic.Sym("x"), Grid: xs})
	require.NoError(t, err)
	for j, tc := range tests {
		for i := range n {
			assert.InDelta(t, tc.want(i), lib.Columns[j].Values[i], 1e-12, "%s at %d", tc.src, i)
		}
	}
}

func TestFieldLibraryErrors(t *testing.T) {
	ctx := context.Background()
	sp, _ := discovery.NewSpectral(16, 1)
	fd, _ := discovery.NewFiniteDifference(16, 1, 2)
	u := [][]float64{make([]float64, 16)}
	term := func(s string) []discovery.FieldTerm {
		e, err := parseFieldTerm("u", s)
		require.NoError(t, err)
		return []discovery.FieldTerm{{Expr: e}}
	}
	tests := []struct {
		name  string
		snaps [][]float64
		terms []discovery.FieldTerm
		opt   discovery.FieldLibraryOptions
		want  string
	}{
		{"unknown symbol", u, term("u*v"), discovery.FieldLibraryOptions{Deriv: sp}, `uses "v"`},
		{"x without a grid", u, term("x*u"), discovery.FieldLibraryOptions{Deriv: sp, X: symbolic.Sym("x")}, "grid values"},
		{"order too high", u, term("dx(u, 5)"), discovery.FieldLibraryOptions{Deriv: fd}, "up to order 4"},
		{"wrong length", [][]float64{make([]float64, 8)}, term("u"), discovery.FieldLibraryOptions{Deriv: sp}, "8 points"},
		{"no differentiator", u, term("u"), discovery.FieldLibraryOptions{}, "no differentiator"},
		{"no terms", u, nil, discovery.FieldLibraryOptions{Deriv: sp}, "no terms"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := discovery.FieldLibrary(ctx, tc.snaps, tc.terms, tc.opt)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// TotalDerivative is the chain rule: evaluating d/dx of a term equals the
// spectral derivative of the term's values (property test over the weak
// form's terms and a few others on a smooth periodic field).
func TestTotalDerivative(t *testing.T) {
	assert.Equal(t, "2*dx(u)*u", discovery.TotalDerivative(symbolic.Pow(symbolic.Sym("u"), symbolic.IntExpr(2)), "u", nil).String())
	names := []string{}
	for _, w := range discovery.WeakTerms("u", 2, 2) {
		names = append(names, w.Name)
	}
	assert.Equal(t, []string{"u", "u^2", "dx(u)", "2*dx(u)*u", "dx(u,2)", "2*dx(u)^2 + 2*dx(u,2)*u"}, names)

	ctx := context.Background()
	n := 128
	u := make([]float64, n)
	for i := range u {
		x := 2 * math.Pi * float64(i) / float64(n)
		u[i] = 0.5*math.Sin(x) + 0.2*math.Cos(3*x+0.4)
	}
	sp, _ := discovery.NewSpectral(n, 2*math.Pi)
	srcs := []string{"u^3", "u*dx(u, 2)", "sin(u)*dx(u)", "dx(u)^2"}
	terms := discovery.WeakTerms("u", 3, 2)
	for _, s := range srcs {
		e, err := parseFieldTerm("u", s)
		require.NoError(t, err)
		terms = append(terms, discovery.FieldTerm{Expr: e})
	}
	for _, term := range terms {
		d := discovery.FieldTerm{Expr: discovery.TotalDerivative(term.Expr, "u", nil)}
		lib, err := discovery.FieldLibrary(ctx, [][]float64{u}, []discovery.FieldTerm{term, d}, discovery.FieldLibraryOptions{Deriv: sp})
		require.NoError(t, err)
		want := make([]float64, n)
		sp.Derivatives([][]float64{want}, lib.Columns[0].Values)
		for i := range n {
			assert.InDelta(t, want[i], lib.Columns[1].Values[i], 1e-9, "d/dx %s at %d", term.Expr, i)
		}
	}
}

func loadCase(t testing.TB, c string) *discovery.FieldModel {
	t.Helper()
	sys, err := parser.LoadModel(context.Background(), filepath.Join("..", "examples", "ks-discovery", "case_"+c+".eq"))
	require.NoError(t, err)
	m, err := discovery.NewFieldModel(sys, "", nil)
	require.NoError(t, err)
	return m
}

// One ETDRK4 step of each case's model file — its linear part as a Fourier
// symbol, its nonlinear part through the tape VM — reproduces the
// workload's target_{A,B,C}_clean.npy.
func TestFieldModelReproducesTargets(t *testing.T) {
	ctx := context.Background()
	u0, u1 := truthPairs(t)
	for _, c := range []string{"A", "B", "C"} {
		t.Run(c, func(t *testing.T) {
			m := loadCase(t, c)
			step, err := m.Stepper(ctx, tDt)
			require.NoError(t, err)
			y, err := discovery.ModelErrorTarget(ctx, u0, u1, tDt, step)
			require.NoError(t, err)
			ref, err := npy.ReadFile(filepath.Join("testdata", "ks_target_"+c+".npy"))
			require.NoError(t, err)
			require.Len(t, y, len(ref.Data))
			e := maxRelColErr(y, ref.Data)
			t.Logf("case %s: max |y − reference| / max |reference| = %.3g", c, e)
			assert.Less(t, e, 1e-8)
		})
	}
}

// The model file's right-hand side through the tape equals the hand-coded
// SemilinearModel's.
func TestFieldModelRHS(t *testing.T) {
	ctx := context.Background()
	u0, _ := truthPairs(t)
	m := loadCase(t, "C")
	rhs, err := m.RHS(ctx)
	require.NoError(t, err)
	ref, err := discovery.SemilinearModel{Length: tL, N: tN, Linear: map[int]float64{2: -1, 3: -0.5, 4: -1}, UUx: -1}.RHS()
	require.NoError(t, err)
	got, want := make([]float64, tN), make([]float64, tN)
	require.NoError(t, rhs(got, u0[0]))
	require.NoError(t, ref(want, u0[0]))
	assert.Less(t, maxRelColErr(got, want), 1e-12)
	assert.Error(t, rhs(got[:3], u0[0]))
}

func TestNewFieldModelErrors(t *testing.T) {
	ctx := context.Background()
	scalar, err := parser.ParseModel(ctx, "m.eq", "state y = 1\nder(y) = -y\n")
	require.NoError(t, err)
	_, err = discovery.NewFieldModel(scalar, "", nil)
	assert.ErrorContains(t, err, "0 periodic fields")
	_, err = discovery.NewFieldModel(scalar, "v", nil)
	assert.ErrorContains(t, err, `no periodic field "v"`)
	ks, err := parser.ParseModel(ctx, "ks.eq", "param a = 1\nfield u on 0..10 periodic, N = 16\nstate u = sin(x)\nder(u) = -a*u*dx(u) - dx(u, 2)\n")
	require.NoError(t, err)
	_, err = discovery.NewFieldModel(ks, "", map[string]float64{"b": 2})
	assert.ErrorContains(t, err, `"b" is not a parameter`)
	m, err := discovery.NewFieldModel(ks, "u", map[string]float64{"a": 2})
	require.NoError(t, err)
	assert.Equal(t, []float64{2}, m.Params)
	step, err := m.Stepper(ctx, 1e-3)
	require.NoError(t, err)
	assert.ErrorContains(t, step(make([]float64, 16), make([]float64, 8)), "8 points")
	_, err = m.Stepper(ctx, -1)
	assert.Error(t, err)
}

// On the full workload (when ../shared is present): the symbolic library
// from truth_pairs.npy equals theta_mid_clean.npy to 1e-10 relative per
// column, as the numeric one does.
func TestFieldLibraryWorkloadParity(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "workloads", "ks")
	if _, err := os.Stat(filepath.Join(dir, "theta_mid_clean.npy")); err != nil {
		t.Skipf("KS workload not present at %s (the committed first pair is checked by TestFieldLibraryMatchesNumericLibrary)", dir)
	}
	pairs, err := npy.ReadFile(filepath.Join(dir, "truth_pairs.npy"))
	require.NoError(t, err)
	u0, u1, err := discovery.SplitPairs(pairs)
	require.NoError(t, err)
	mid, err := discovery.Midpoints(u0, u1)
	require.NoError(t, err)
	sp, _ := discovery.NewSpectral(tN, tL)
	lib, err := discovery.FieldLibrary(context.Background(), mid, discovery.PDETerms("u", 4, 4), discovery.FieldLibraryOptions{Deriv: sp})
	require.NoError(t, err)
	ref, err := npy.ReadFile(filepath.Join(dir, "theta_mid_clean.npy"))
	require.NoError(t, err)
	require.Equal(t, []int{lib.Rows, 24}, ref.Shape)
	for j, c := range lib.Columns {
		var num, den float64
		for i, v := range c.Values {
			r := ref.Data[i*24+j]
			num += (v - r) * (v - r)
			den += r * r
		}
		assert.Less(t, math.Sqrt(num/den), 1e-10, c.Name)
	}
}

// RefineCorrection removes the one-step estimator's bias: from the ARD
// coefficients (0.2–1 % off) to the truth's to 1e-6, for every case, on 2
// pairs; the corrected model's step then reproduces the observations.
func TestRefineCorrection(t *testing.T) {
	ctx := context.Background()
	u0, u1 := truthPairs(t)
	u0, u1 = u0[:2], u1[:2]
	mid, err := discovery.Midpoints(u0, u1)
	require.NoError(t, err)
	sp, _ := discovery.NewSpectral(tN, tL)
	terms := discovery.PDETerms("u", 4, 4)
	lib, err := discovery.FieldLibrary(ctx, mid, terms, discovery.FieldLibraryOptions{Deriv: sp})
	require.NoError(t, err)
	want := map[string]map[string]float64{
		"A": {"u_xxxx": -1},
		"B": {"u*u_x": -0.5, "u_xx": -1},
		"C": {"u_xxx": 0.5},
	}
	for _, c := range []string{"A", "B", "C"} {
		t.Run(c, func(t *testing.T) {
			m := loadCase(t, c)
			step, err := m.Stepper(ctx, tDt)
			require.NoError(t, err)
			y, err := discovery.ModelErrorTarget(ctx, u0, u1, tDt, step)
			require.NoError(t, err)
			fit, err := discovery.Regress(ctx, lib.Matrix(), y, discovery.ARD{})
			require.NoError(t, err)
			var exprs []*symbolic.Expr
			var coef []float64
			var cols [][]float64
			var names []string
			for _, j := range fit.Support() {
				exprs = append(exprs, terms[j].Expr)
				coef = append(coef, fit.Coef[j])
				cols = append(cols, lib.Columns[j].Values)
				names = append(names, terms[j].Name)
			}
			require.Len(t, names, len(want[c]))
			change, err := discovery.RefineCorrection(ctx, m, exprs, coef, cols, u0, u1, tDt, nil, 3)
			require.NoError(t, err)
			assert.Less(t, change, 1e-6)
			for i, n := range names {
				assert.InDelta(t, want[c][n], coef[i], 1e-6, n)
			}
		})
	}
	_, err = discovery.RefineCorrection(ctx, loadCase(t, "A"), nil, []float64{1}, nil, u0, u1, tDt, nil, 1)
	assert.ErrorContains(t, err, "1 coefficients")
}
