package repl

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/cmplx"
	"sort"
	"strings"

	"gonum.org/v1/gonum/mat"

	"github.com/symcalc/symcalc/rewrite"
	"github.com/symcalc/symcalc/symbolic"
)

// The REPL's numeric solvers: the roots of a polynomial, and Newton's
// method for an equation or a square system. Both work in float64; the
// symbolic work (coefficients, derivatives) is exact.

func init() {
	for _, f := range []*replFunc{
		{name: "roots", usage: "roots(p, x)", minArgs: 2, maxArgs: 2,
			help: "the roots of the polynomial p in x with numeric coefficients, each as often as its multiplicity: a list of numbers when all are real, else a text list with complex roots as a+bi (exact square-free factors first, then the eigenvalues of each one's companion matrix, polished by Newton's method)", run: runRoots},
		{name: "nsolve", usage: "nsolve(f, x, x0), nsolve([f, g], [x, y], [x0, y0])", minArgs: 3, maxArgs: 3,
			help: "a root of f near x0 (or of the system, near the start point) by Newton's method with the exact derivative (Jacobian); f = 0 is meant, so write nsolve(x^2 - 2, x, 1) for x^2 = 2", run: runNsolve},
	} {
		replFuncs[f.name] = f
	}
}

// maxRootsDegree bounds roots' degree: the companion matrix's
// eigenvalues lose accuracy well before, and the work is cubic.
const maxRootsDegree = 200

func runRoots(ctx context.Context, s *state, args []value) (value, error) {
	p, x, err := polyArgs("roots", args)
	if err != nil {
		return nil, err
	}
	if _, ok := symbolic.Coefficients(p, x); !ok {
		return nil, fmt.Errorf("roots: %s is not a polynomial in %s", p, x)
	}
	// A repeated root is ill-conditioned (a triple root comes out of the
	// eigenvalues with errors near 1e-5), but it is a simple root of a
	// square-free factor: with exact coefficients, factor first and
	// repeat each factor's roots by its multiplicity.
	factors, err := squareFreeFactors(ctx, p, x)
	if err != nil {
		return nil, err
	}
	var zs []complex128
	for _, f := range factors {
		c, err := numericCoefficients(f.p, x)
		if err != nil {
			return nil, err
		}
		if len(c) == 0 {
			return nil, fmt.Errorf("roots: %s is zero, which every %s solves", p, x)
		}
		if len(c)-1 > maxRootsDegree {
			return nil, fmt.Errorf("roots: degree %d is over %d", len(c)-1, maxRootsDegree)
		}
		if len(c) == 1 {
			continue // a non-zero constant factor
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rs, err := polyRoots(c)
		if err != nil {
			return nil, fmt.Errorf("roots: %w", err)
		}
		for range f.m {
			zs = append(zs, rs...)
		}
	}
	sortRoots(zs)
	reals := make([]float64, 0, len(zs))
	for _, z := range zs {
		if imag(z) != 0 {
			parts := make([]string, len(zs))
			for i, z := range zs {
				parts[i] = formatComplex(z)
			}
			return textVal("[" + strings.Join(parts, ", ") + "]"), nil
		}
		reals = append(reals, real(z)+0) // +0 rather than -0
	}
	return numListVal(reals), nil
}

// factorPow is a factor of a polynomial and its multiplicity.
type factorPow struct {
	p *symbolic.Expr
	m int64
}

// squareFreeFactors returns p's square-free factors that hold x, with
// their multiplicities (p itself, once, if it has float coefficients,
// which square-free factorisation leaves alone).
func squareFreeFactors(ctx context.Context, p, x *symbolic.Expr) ([]factorPow, error) {
	// The degree limit bounds the terms of a polynomial in one symbol.
	ex, err := symbolic.ExpandContext(ctx, p, 10*maxRootsDegree)
	if errors.Is(err, symbolic.ErrTooLarge) {
		return nil, fmt.Errorf("roots: %s expands to over %d terms", p, 10*maxRootsDegree)
	}
	if err != nil {
		return nil, err
	}
	f, err := rewrite.FactorSquareFreeContext(ctx, ex)
	if err != nil {
		return nil, err
	}
	var bases, exps []*symbolic.Expr
	switch f.Kind() {
	case symbolic.KMul:
		_, bases, exps = f.MulParts()
	case symbolic.KPow:
		b, e := f.PowParts()
		bases, exps = []*symbolic.Expr{b}, []*symbolic.Expr{e}
	default:
		bases, exps = []*symbolic.Expr{f}, []*symbolic.Expr{symbolic.One()}
	}
	var out []factorPow
	for i, b := range bases {
		if !symbolic.Has(b, x) {
			continue
		}
		n, _ := exps[i].IsNumber()
		m, small := n.IsSmallInt()
		if !small || m < 1 {
			return []factorPow{{p, 1}}, nil
		}
		out = append(out, factorPow{b, m})
	}
	if len(out) == 0 {
		out = []factorPow{{p, 1}} // a constant
	}
	return out, nil
}

// numericCoefficients returns the coefficients of p in x (c[k]
// multiplies x^k) as numbers, without trailing zeros.
func numericCoefficients(p, x *symbolic.Expr) ([]float64, error) {
	cs, ok := symbolic.Coefficients(p, x)
	if !ok {
		return nil, fmt.Errorf("roots: %s is not a polynomial in %s", p, x)
	}
	env := map[string]float64{"pi": math.Pi}
	c := make([]float64, len(cs))
	for k, e := range cs {
		v, err := symbolic.Eval(e, env)
		if err != nil {
			return nil, fmt.Errorf("roots: the coefficient of %s^%d, %s, is not a number (roots needs numeric coefficients)", x, k, e)
		}
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("roots: the coefficient of %s^%d is %v", x, k, v)
		}
		c[k] = v
	}
	for len(c) > 0 && c[len(c)-1] == 0 {
		c = c[:len(c)-1]
	}
	return c, nil
}

// polyRoots returns the roots of Σ c[k] x^k (c's last entry non-zero, at
// least two entries), real ones first in increasing order, then complex
// ones by real and imaginary part. A root whose imaginary part is below
// the rounding of its evaluation is real, and is returned with a zero
// imaginary part.
func polyRoots(c []float64) ([]complex128, error) {
	n := len(c) - 1
	// Roots at zero come off first: they make the companion matrix
	// singular, which the eigensolver handles, but exactly is better.
	zeros := 0
	for zeros < n && c[zeros] == 0 {
		zeros++
	}
	c = c[zeros:]
	m := len(c) - 1
	out := make([]complex128, 0, n)
	for range zeros {
		out = append(out, 0)
	}
	if m > 0 {
		// The companion matrix of the monic polynomial: ones on the
		// subdiagonal, -c[k]/c[m] in the last column.
		a := mat.NewDense(m, m, nil)
		for i := 1; i < m; i++ {
			a.Set(i, i-1, 1)
		}
		for k := 0; k < m; k++ {
			a.Set(k, m-1, -c[k]/c[m])
		}
		var eig mat.Eigen
		if !eig.Factorize(a, mat.EigenNone) {
			return nil, fmt.Errorf("the eigenvalue iteration did not converge")
		}
		for _, z := range eig.Values(nil) {
			out = append(out, polish(c, z))
		}
	}
	sortRoots(out)
	return out, nil
}

// sortRoots orders roots: real ones first in increasing order, then
// complex ones by real and imaginary part.
func sortRoots(zs []complex128) {
	sort.Slice(zs, func(i, j int) bool {
		a, b := zs[i], zs[j]
		if (imag(a) == 0) != (imag(b) == 0) {
			return imag(a) == 0
		}
		if real(a) != real(b) {
			return real(a) < real(b)
		}
		return imag(a) < imag(b)
	})
}

// polish refines the root z of Σ c[k] x^k by Newton's method (a few
// steps, each kept only if it lowers |p(z)|) and makes it real when its
// imaginary part is within the rounding of evaluating p there.
func polish(c []float64, z complex128) complex128 {
	eval := func(z complex128) (p, dp complex128, bound float64) {
		for k := len(c) - 1; k >= 0; k-- {
			dp = dp*z + p
			p = p*z + complex(c[k], 0)
			bound = bound*cmplx.Abs(z) + math.Abs(c[k])
		}
		return p, dp, bound
	}
	p, dp, _ := eval(z)
	for range 8 {
		if dp == 0 || p == 0 {
			break
		}
		nz := z - p/dp
		np, ndp, _ := eval(nz)
		if cmplx.Abs(np) >= cmplx.Abs(p) {
			break
		}
		z, p, dp = nz, np, ndp
	}
	if imag(z) != 0 {
		// Real if the real point is as good a root, within rounding.
		r := complex(real(z), 0)
		rp, _, bound := eval(r)
		if cmplx.Abs(rp) <= 64*eps*bound || math.Abs(imag(z)) <= 1e-12*math.Max(1, math.Abs(real(z))) {
			return r
		}
	}
	return z
}

const eps = 0x1p-52

func formatComplex(z complex128) string {
	if imag(z) == 0 {
		return formatFloat(real(z))
	}
	re, im := formatFloat(real(z)), formatFloat(math.Abs(imag(z)))
	op := " + "
	if imag(z) < 0 {
		op = " - "
	}
	if real(z) == 0 {
		if imag(z) < 0 {
			return "-" + im + "i"
		}
		return im + "i"
	}
	return re + op + im + "i"
}

// Newton's method settings: at most maxNewton steps, each halved while
// it does not lower the residual (at most maxHalvings times).
const (
	maxNewton   = 100
	maxHalvings = 30
)

func runNsolve(ctx context.Context, s *state, args []value) (value, error) {
	fs, err := asList("nsolve", 0, args[0])
	if err != nil {
		return nil, err
	}
	xs, err := asList("nsolve", 1, args[1])
	if err != nil {
		return nil, err
	}
	var x0 []float64
	switch v := args[2].(type) {
	case numVal:
		x0 = []float64{float64(v)}
	case numListVal:
		x0 = append([]float64(nil), v...)
	default:
		starts, err := asList("nsolve", 2, args[2])
		if err != nil {
			return nil, err
		}
		for _, e := range starts {
			v, err := symbolic.Eval(e, map[string]float64{"pi": math.Pi})
			if err != nil {
				return nil, fmt.Errorf("nsolve: the start point %s is not a number", e)
			}
			x0 = append(x0, v)
		}
	}
	if len(fs) != len(xs) || len(xs) != len(x0) {
		return nil, fmt.Errorf("nsolve: %d equations, %d unknowns and %d start values; they must be as many", len(fs), len(xs), len(x0))
	}
	for _, x := range xs {
		if !x.IsSymbol() {
			return nil, fmt.Errorf("nsolve: the unknowns must be symbols, and %s is not", x)
		}
	}
	jac := make([][]*symbolic.Expr, len(fs))
	for i, f := range fs {
		jac[i] = make([]*symbolic.Expr, len(xs))
		for j, x := range xs {
			d, err := symbolic.DiffContext(ctx, f, x)
			if err != nil {
				return nil, err
			}
			jac[i][j] = d
		}
	}
	sol, err := newton(ctx, fs, xs, jac, x0)
	if err != nil {
		return nil, fmt.Errorf("nsolve: %w", err)
	}
	if _, ok := args[0].(listVal); !ok && len(sol) == 1 {
		return numVal(sol[0]), nil
	}
	return numListVal(sol), nil
}

// newton solves fs = 0 for xs from x0 by damped Newton steps with the
// Jacobian jac, stopping once a step changes no unknown by more than a
// few ulps or the residual is zero.
func newton(ctx context.Context, fs, xs []*symbolic.Expr, jac [][]*symbolic.Expr, x0 []float64) ([]float64, error) {
	n := len(xs)
	env := map[string]float64{"pi": math.Pi}
	x := append([]float64(nil), x0...)
	eval := func(e *symbolic.Expr) (float64, error) {
		v, err := symbolic.Eval(e, env)
		var ue *symbolic.UnboundError
		if errors.As(err, &ue) {
			return 0, fmt.Errorf("%s has no value: the equations may hold only the unknowns and numbers (subs(f, %s=...) gives it one)", ue.Name, ue.Name)
		}
		return v, err
	}
	residual := func(x []float64) ([]float64, float64, error) {
		for i, s := range xs {
			env[s.Name()] = x[i]
		}
		r := make([]float64, n)
		norm := 0.0
		for i, f := range fs {
			v, err := eval(f)
			if err != nil {
				return nil, 0, err
			}
			r[i] = v
			norm = math.Max(norm, math.Abs(v))
		}
		return r, norm, nil
	}
	r, norm, err := residual(x)
	if err != nil {
		return nil, err
	}
	if math.IsNaN(norm) || math.IsInf(norm, 0) {
		return nil, fmt.Errorf("the equations are not finite at the start point %v", x0)
	}
	for it := 0; it < maxNewton; it++ {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if norm == 0 {
			return x, nil
		}
		for i, s := range xs {
			env[s.Name()] = x[i]
		}
		j := mat.NewDense(n, n, nil)
		for a := range n {
			for b := range n {
				v, err := eval(jac[a][b])
				if err != nil {
					return nil, err
				}
				j.Set(a, b, v)
			}
		}
		var step mat.VecDense
		if err := step.SolveVec(j, mat.NewVecDense(n, append([]float64(nil), r...))); err != nil {
			// An ill-conditioned Jacobian (near a multiple root) still
			// gives a step; only a singular one stops the iteration.
			var cond mat.Condition
			if !errors.As(err, &cond) || math.IsInf(float64(cond), 0) {
				return nil, fmt.Errorf("the Jacobian is singular at %v (start elsewhere)", x)
			}
		}
		// Halve the step until it lowers the residual.
		t := 1.0
		var nx, nr []float64
		nnorm := math.Inf(1)
		for h := 0; h <= maxHalvings; h++ {
			nx = make([]float64, n)
			for i := range nx {
				nx[i] = x[i] - t*step.AtVec(i)
			}
			var err error
			nr, nnorm, err = residual(nx)
			if err == nil && nnorm < norm {
				break
			}
			t /= 2
		}
		if !(nnorm < norm) {
			// No step lowers the residual: converged to rounding if it
			// is small relative to the terms, else stuck.
			if converged(x, &step) {
				return x, nil
			}
			return nil, fmt.Errorf("no convergence from %v: stuck at %v with residual %.3g", x0, x, norm)
		}
		done := converged(x, &step) && t == 1
		x, r, norm = nx, nr, nnorm
		if done {
			return x, nil
		}
	}
	return nil, fmt.Errorf("no convergence from %v in %d Newton steps (last point %v, residual %.3g)", x0, maxNewton, x, norm)
}

// converged reports whether a Newton step is within a few ulps of x.
func converged(x []float64, step mat.Vector) bool {
	for i := range x {
		if math.Abs(step.AtVec(i)) > 4*eps*math.Max(math.Abs(x[i]), 1e-300) {
			return false
		}
	}
	return true
}
