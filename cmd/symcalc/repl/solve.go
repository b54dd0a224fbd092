package repl

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
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
		{name: "solve", usage: "solve(p, x)", minArgs: 2, maxArgs: 2,
			help: "the real roots of the polynomial p in x, each once: exact (rationals, and radicals for quadratic factors) where the coefficients are, floats for factors of higher degree; a linear or quadratic p with symbolic coefficients by formula, with the conditions the roots need", run: runSolve},
		{name: "apart", usage: "apart(f, x)", minArgs: 2, maxArgs: 2,
			help: "partial fractions of the rational function f of x, whose denominator splits into linear factors over the rationals: a polynomial plus A/(x - a)^k terms", run: runApart},
		{name: "nsolve", usage: "nsolve(f, x, x0), nsolve([f, g], [x, y], [x0, y0])", minArgs: 3, maxArgs: 3,
			help: "a root of f near x0 (or of the system, near the start point) by Newton's method with the exact derivative (Jacobian); f = 0 is meant, so write nsolve(x^2 - 2, x, 1) for x^2 = 2", run: runNsolve},
	} {
		replFuncs[f.name] = f
	}
}

// maxRootsDegree bounds roots' degree, and the degree of what solve
// leaves to the eigenvalues: the companion matrix's eigenvalues lose
// accuracy well before, and the work is cubic. maxSolveDegree bounds
// solve's degree (its factors go to rationalRoots).
const (
	maxRootsDegree = 200
	maxSolveDegree = 1000
)

func runRoots(ctx context.Context, s *state, args []value) (value, error) {
	p, x, err := polyArgs("roots", args)
	if err != nil {
		return nil, err
	}
	ex, err := expandPoly(ctx, "roots", p)
	if err != nil {
		return nil, err
	}
	if _, err := expandedCoefficients("roots", p, ex, x, maxRootsDegree); err != nil {
		return nil, err
	}
	// A repeated root is ill-conditioned (a triple root comes out of the
	// eigenvalues with errors near 1e-5), but it is a simple root of a
	// square-free factor: with exact coefficients, factor first and
	// repeat each factor's roots by its multiplicity.
	factors, err := squareFreeFactors(ctx, ex, x) // ex is expanded: no second expansion
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

// maxDivisorSearch bounds the integers whose divisors solve enumerates
// for rational roots (trial division up to its square root), and
// maxRootCandidates the candidates p/q it tries (each a synthetic
// division); beyond either, the polynomial is solved numerically.
const (
	maxDivisorSearch  = 1 << 40
	maxRootCandidates = 20000
)

func runSolve(ctx context.Context, s *state, args []value) (value, error) {
	p, x, err := polyArgs("solve", args)
	if err != nil {
		return nil, err
	}
	ex, err := expandPoly(ctx, "solve", p)
	if err != nil {
		return nil, err
	}
	if _, ok := symbolic.Degree(ex, x); !ok {
		return nil, fmt.Errorf("solve: %s is not a polynomial in %s (nsolve(f, %s, x0) finds a root numerically)", p, x, x)
	}
	cs, err := expandedCoefficients("solve", p, ex, x, maxSolveDegree)
	if err != nil {
		return nil, err
	}
	for len(cs) > 1 && cs[len(cs)-1].IsZero() {
		cs = cs[:len(cs)-1]
	}
	if len(cs) == 1 {
		if cs[0].IsZero() {
			return nil, fmt.Errorf("solve: %s is zero, which every %s solves", p, x)
		}
		return listVal{}, nil
	}
	exact, numeric := true, true
	for _, c := range cs {
		n, ok := c.IsNumber()
		numeric = numeric && ok
		exact = exact && ok && n.IsExact()
	}
	switch {
	case exact:
		return solveExact(ctx, ex, x)
	case numeric:
		if len(cs)-1 > maxRootsDegree {
			return nil, fmt.Errorf("solve: degree %d with float coefficients is over %d, the degree it solves numerically", len(cs)-1, maxRootsDegree)
		}
		c, err := numericCoefficients(ex, x)
		if err != nil {
			return nil, err
		}
		zs, err := polyRoots(c)
		if err != nil {
			return nil, fmt.Errorf("solve: %w", err)
		}
		var out listVal
		for i, z := range zs {
			if imag(z) == 0 && (i == 0 || z != zs[i-1]) {
				out = append(out, symbolic.FloatExpr(real(z)+0))
			}
		}
		return out, nil
	}
	return solveSymbolic(cs)
}

// solveExact returns the real roots of p, a polynomial in x with exact
// rational coefficients, each once, in increasing order: rational roots
// exactly, the roots of a remaining quadratic factor as radicals, and
// those of a remaining factor of higher degree as floats.
func solveExact(ctx context.Context, p, x *symbolic.Expr) (value, error) {
	factors, err := squareFreeFactors(ctx, p, x)
	if err != nil {
		return nil, err
	}
	type root struct {
		e *symbolic.Expr
		v float64
	}
	var roots []root
	add := func(e *symbolic.Expr) {
		e = rewrite.NormalizeNumbers(e)
		v, _ := symbolic.Eval(e, map[string]float64{})
		roots = append(roots, root{e, v})
	}
	for _, f := range factors {
		cs, ok := symbolic.Coefficients(f.p, x)
		if !ok {
			return nil, fmt.Errorf("solve: %s is not a polynomial in %s", f.p, x)
		}
		c := make([]*big.Rat, len(cs))
		for k, e := range cs {
			n, _ := e.IsNumber()
			c[k] = new(big.Rat).SetFrac(n.Num(), n.Den())
		}
		for len(c) > 1 && c[len(c)-1].Sign() == 0 {
			c = c[:len(c)-1]
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		rs, err := realRoots(c)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			add(r)
		}
	}
	sort.SliceStable(roots, func(i, j int) bool { return roots[i].v < roots[j].v })
	out := make(listVal, len(roots))
	for i, r := range roots {
		out[i] = r.e
	}
	return out, nil
}

// realRoots returns the real roots of Σ c[k] x^k (exact, square-free,
// degree one or more), each once: rational roots exactly; then, of what
// is left, a linear or quadratic factor's roots exactly, a polynomial in
// x^g (g > 1) through its roots in y = x^g, and anything else's roots as
// floats.
func realRoots(c []*big.Rat) ([]*symbolic.Expr, error) {
	var out []*symbolic.Expr
	rs, c := rationalRoots(c)
	for _, r := range rs {
		out = append(out, symbolic.NumExpr(symbolic.BigRat(r)))
	}
	num := func(r *big.Rat) *symbolic.Expr { return symbolic.NumExpr(symbolic.BigRat(r)) }
	switch d := len(c) - 1; {
	case d <= 0:
	case d == 1:
		out = append(out, num(new(big.Rat).Quo(new(big.Rat).Neg(c[0]), c[1])))
	case d == 2:
		// (-b ± sqrt(b^2 - 4ac)) / 2a, real only for a positive
		// discriminant (it is not zero: the polynomial is square-free).
		a, b, cc := c[2], c[1], c[0]
		disc := new(big.Rat).Sub(new(big.Rat).Mul(b, b), new(big.Rat).Mul(big.NewRat(4, 1), new(big.Rat).Mul(a, cc)))
		if disc.Sign() > 0 {
			sq := symbolic.Sqrt(num(disc))
			mb := num(new(big.Rat).Neg(b))
			den := num(new(big.Rat).Mul(big.NewRat(2, 1), a))
			out = append(out, symbolic.Div(symbolic.Sub(mb, sq), den), symbolic.Div(symbolic.Add(mb, sq), den))
		}
	default:
		if g := exponentGCD(c); g > 1 {
			// A polynomial in y = x^g: each real root y gives x = y^(1/g),
			// and -y^(1/g) too for even g; for even g a negative y gives
			// none.
			red := make([]*big.Rat, d/g+1)
			for k := range red {
				red[k] = c[k*g]
			}
			ys, err := realRoots(red)
			if err != nil {
				return nil, err
			}
			inv := symbolic.RatExpr(1, int64(g))
			for _, y := range ys {
				v, err := symbolic.Eval(y, map[string]float64{})
				if err != nil {
					return nil, err
				}
				switch {
				case v == 0:
					out = append(out, symbolic.Zero())
				case g%2 == 0 && v > 0:
					r := symbolic.Pow(y, inv)
					out = append(out, symbolic.Neg(r), r)
				case g%2 == 1 && v > 0:
					out = append(out, symbolic.Pow(y, inv))
				case g%2 == 1:
					out = append(out, symbolic.Neg(symbolic.Pow(symbolic.Neg(y), inv)))
				}
			}
			return out, nil
		}
		if d > maxRootsDegree {
			return nil, fmt.Errorf("solve: a factor of degree %d without rational roots is over %d, the degree it solves numerically", d, maxRootsDegree)
		}
		fc := make([]float64, len(c))
		for k, r := range c {
			fc[k], _ = r.Float64()
		}
		zs, err := polyRoots(fc)
		if err != nil {
			return nil, fmt.Errorf("solve: %w", err)
		}
		for _, z := range zs {
			if imag(z) == 0 {
				out = append(out, symbolic.FloatExpr(real(z)+0))
			}
		}
	}
	return out, nil
}

// exponentGCD returns the gcd of the exponents k of c's non-zero terms
// (0 if only the constant term is non-zero).
func exponentGCD(c []*big.Rat) int {
	g := 0
	for k, r := range c {
		if k > 0 && r.Sign() != 0 {
			a, b := g, k
			for b != 0 {
				a, b = b, a%b
			}
			g = a
		}
	}
	return g
}

// rationalRoots finds the rational roots of Σ c[k] x^k (exact, square-
// free) by the rational root theorem and returns them with the
// polynomial left when they are divided out. It looks only where the
// constant and leading coefficients, over a common denominator, are
// below maxDivisorSearch and give at most maxRootCandidates candidates
// (otherwise the polynomial is left to the caller whole).
func rationalRoots(c []*big.Rat) ([]*big.Rat, []*big.Rat) {
	var roots []*big.Rat
	for len(c) > 1 && c[0].Sign() == 0 {
		roots = append(roots, new(big.Rat))
		c = c[1:]
	}
	if len(c) <= 1 {
		return roots, c
	}
	// Integer coefficients: scale by the denominators' lcm.
	l := big.NewInt(1)
	for _, r := range c {
		g := new(big.Int).GCD(nil, nil, l, r.Denom())
		l.Mul(l, new(big.Int).Quo(r.Denom(), g))
	}
	a0 := new(big.Int).Mul(c[0].Num(), new(big.Int).Quo(l, c[0].Denom()))
	an := new(big.Int).Mul(c[len(c)-1].Num(), new(big.Int).Quo(l, c[len(c)-1].Denom()))
	a0.Abs(a0)
	an.Abs(an)
	if !a0.IsInt64() || !an.IsInt64() || a0.Int64() > maxDivisorSearch || an.Int64() > maxDivisorSearch {
		return roots, c
	}
	ps, qs := divisors(a0.Int64()), divisors(an.Int64())
	if len(ps)*len(qs) > maxRootCandidates {
		return roots, c
	}
	seen := map[string]bool{}
	for _, q := range qs {
		for _, p := range ps {
			for _, sgn := range []int64{1, -1} {
				if len(c) <= 1 {
					return roots, c
				}
				r := big.NewRat(sgn*p, q)
				if seen[r.String()] {
					continue
				}
				seen[r.String()] = true
				// Synthetic division by (x - r): the remainder is c(r).
				n := len(c) - 1
				quo := make([]*big.Rat, n)
				acc := new(big.Rat).Set(c[n])
				for k := n - 1; k >= 0; k-- {
					quo[k] = new(big.Rat).Set(acc)
					acc.Mul(acc, r).Add(acc, c[k])
				}
				if acc.Sign() == 0 {
					roots = append(roots, r)
					c = quo
				}
			}
		}
	}
	return roots, c
}

// divisors returns the positive divisors of n > 0 in increasing order.
func divisors(n int64) []int64 {
	var small, large []int64
	for d := int64(1); d*d <= n; d++ {
		if n%d == 0 {
			small = append(small, d)
			if d*d != n {
				large = append(large, n/d)
			}
		}
	}
	for i := len(large) - 1; i >= 0; i-- {
		small = append(small, large[i])
	}
	return small
}

// solveSymbolic solves a linear or quadratic polynomial with symbolic
// coefficients (cs[k] multiplies x^k) by formula, stating the conditions
// the roots need: a leading coefficient that is not zero, and for a
// quadratic a discriminant that is not negative (the roots are real).
func solveSymbolic(cs []*symbolic.Expr) (value, error) {
	var conds []*symbolic.Expr
	nonzero := func(e *symbolic.Expr) {
		if _, ok := e.IsNumber(); !ok {
			conds = append(conds, symbolic.Ne(e, symbolic.Zero()))
		}
	}
	var roots listVal
	switch len(cs) - 1 {
	case 1:
		nonzero(cs[1])
		roots = listVal{rewrite.Simplify(symbolic.Div(symbolic.Neg(cs[0]), cs[1]))}
	case 2:
		a, b, c := cs[2], cs[1], cs[0]
		nonzero(a)
		disc := symbolic.Sub(symbolic.Pow(b, symbolic.IntExpr(2)), symbolic.Mul(symbolic.IntExpr(4), a, c))
		if n, ok := disc.IsNumber(); ok && n.Sign() < 0 {
			return listVal{}, nil
		} else if !ok {
			conds = append(conds, symbolic.Ge(disc, symbolic.Zero()))
		}
		sq := symbolic.Sqrt(disc)
		two := symbolic.Mul(symbolic.IntExpr(2), a)
		roots = listVal{
			rewrite.Simplify(symbolic.Div(symbolic.Sub(symbolic.Neg(b), sq), two)),
			rewrite.Simplify(symbolic.Div(symbolic.Add(symbolic.Neg(b), sq), two)),
		}
	default:
		return nil, fmt.Errorf("solve: degree %d with symbolic coefficients has no formula here (roots(p, x) and nsolve(f, x, x0) solve numerically)", len(cs)-1)
	}
	if len(conds) == 0 {
		return roots, nil
	}
	parts := make([]string, len(roots))
	for i, r := range roots {
		parts[i] = r.String()
	}
	cs2 := make([]string, len(conds))
	for i, c := range conds {
		cs2[i] = c.String()
	}
	return textVal("[" + strings.Join(parts, ", ") + "]    if " + strings.Join(cs2, " && ")), nil
}

func runApart(ctx context.Context, s *state, args []value) (value, error) {
	f, x, err := polyArgs("apart", args)
	if err != nil {
		return nil, err
	}
	num, den, cond, err := rewrite.NumDenContext(ctx, f)
	if err != nil {
		return nil, err
	}
	nc, err := exactCoefficients("apart", num, x)
	if err != nil {
		return nil, err
	}
	dc, err := exactCoefficients("apart", den, x)
	if err != nil {
		return nil, err
	}
	quo, rem := polyDivide(nc, dc)
	sb := symbolic.NewSumBuilder()
	sb.Add(ratPoly(quo, x))
	if len(rem) > 0 {
		factors, err := squareFreeFactors(ctx, den, x)
		if err != nil {
			return nil, err
		}
		for _, fp := range factors {
			fc, err := exactCoefficients("apart", fp.p, x)
			if err != nil {
				return nil, err
			}
			roots, left := rationalRoots(fc)
			if len(left) > 1 {
				return nil, fmt.Errorf("apart: the denominator's factor %s has no rational roots: symcalc splits only into linear factors over the rationals", ratPoly(left, x))
			}
			for _, a := range roots {
				for k, coef := range partialCoefficients(rem, dc, a, int(fp.m)) {
					if coef.Sign() == 0 {
						continue
					}
					lin := symbolic.Sub(x, symbolic.NumExpr(symbolic.BigRat(a)))
					sb.Add(symbolic.Mul(symbolic.NumExpr(symbolic.BigRat(coef)), symbolic.Pow(lin, symbolic.IntExpr(-int64(fp.m-int64(k))))))
				}
			}
		}
	}
	out := exprVal{e: sb.Build()}
	if cond != nil {
		out.conds = []*symbolic.Expr{cond}
	}
	return out, nil
}

// exactCoefficients returns the coefficients of p in x (c[k] multiplies
// x^k) as exact rationals, without trailing zeros.
func exactCoefficients(fn string, p, x *symbolic.Expr) ([]*big.Rat, error) {
	cs, ok := symbolic.Coefficients(p, x)
	if !ok {
		return nil, fmt.Errorf("%s: %s is not a polynomial in %s", fn, p, x)
	}
	c := make([]*big.Rat, len(cs))
	for k, e := range cs {
		n, ok := e.IsNumber()
		if !ok || !n.IsExact() {
			return nil, fmt.Errorf("%s: the coefficient of %s^%d, %s, is not an exact number (%s needs a rational function of %s with rational coefficients)", fn, x, k, e, fn, x)
		}
		c[k] = new(big.Rat).SetFrac(n.Num(), n.Den())
	}
	for len(c) > 0 && c[len(c)-1].Sign() == 0 {
		c = c[:len(c)-1]
	}
	return c, nil
}

// polyDivide divides Σ n[k] x^k by Σ d[k] x^k (d non-zero), returning
// the quotient and the remainder (trimmed of trailing zeros).
func polyDivide(n, d []*big.Rat) (quo, rem []*big.Rat) {
	rem = make([]*big.Rat, len(n))
	for i, r := range n {
		rem[i] = new(big.Rat).Set(r)
	}
	dd := len(d) - 1
	if len(rem)-1 >= dd {
		quo = make([]*big.Rat, len(rem)-dd)
		for i := range quo {
			quo[i] = new(big.Rat)
		}
	}
	for len(rem)-1 >= dd && len(rem) > 0 {
		k := len(rem) - 1 - dd
		q := new(big.Rat).Quo(rem[len(rem)-1], d[dd])
		quo[k] = q
		for i := 0; i <= dd; i++ {
			rem[k+i].Sub(rem[k+i], new(big.Rat).Mul(q, d[i]))
		}
		rem = rem[:len(rem)-1]
		for len(rem) > 0 && rem[len(rem)-1].Sign() == 0 {
			rem = rem[:len(rem)-1]
		}
	}
	return quo, rem
}

// partialCoefficients returns A_1..A_m in r/q = Σ_k A_k/(x-a)^(m-k+1) +
// (terms of q's other factors), for a root a of q of multiplicity m:
// with t = x - a, r/q = t^-m · r(a+t)/h(a+t), h = q/(x-a)^m, and A_k is
// the coefficient of t^(k-1) in the series of r(a+t)/h(a+t).
func partialCoefficients(r, q []*big.Rat, a *big.Rat, m int) []*big.Rat {
	// h = q / (x - a)^m by repeated synthetic division.
	h := append([]*big.Rat(nil), q...)
	for range m {
		n := len(h) - 1
		next := make([]*big.Rat, n)
		acc := new(big.Rat).Set(h[n])
		for k := n - 1; k >= 0; k-- {
			next[k] = new(big.Rat).Set(acc)
			acc.Mul(acc, a).Add(acc, h[k])
		}
		h = next
	}
	rs, hs := taylorShift(r, a, m), taylorShift(h, a, m)
	// Series division rs/hs to m terms (hs[0] = h(a) is not zero).
	out := make([]*big.Rat, m)
	for k := range m {
		v := new(big.Rat).Set(rs[k])
		for j := 1; j <= k; j++ {
			v.Sub(v, new(big.Rat).Mul(hs[j], out[k-j]))
		}
		out[k] = v.Quo(v, hs[0])
	}
	return out
}

// taylorShift returns the first n coefficients of p(a + t) in powers of
// t (zeros past p's degree).
func taylorShift(p []*big.Rat, a *big.Rat, n int) []*big.Rat {
	c := make([]*big.Rat, len(p))
	for i, r := range p {
		c[i] = new(big.Rat).Set(r)
	}
	// Horner passes: after pass i, c[i] is the coefficient of t^i in
	// p(a + t) (each pass divides what is left by x - a).
	for i := 0; i < len(c); i++ {
		for j := len(c) - 2; j >= i; j-- {
			c[j].Add(c[j], new(big.Rat).Mul(a, c[j+1]))
		}
	}
	out := make([]*big.Rat, n)
	for k := range out {
		if k < len(c) {
			out[k] = c[k]
		} else {
			out[k] = new(big.Rat)
		}
	}
	return out
}

// ratPoly writes Σ c[k] x^k as a term.
func ratPoly(c []*big.Rat, x *symbolic.Expr) *symbolic.Expr {
	sb := symbolic.NewSumBuilder()
	for k, r := range c {
		if r.Sign() != 0 {
			sb.Add(symbolic.Mul(symbolic.NumExpr(symbolic.BigRat(r)), symbolic.Pow(x, symbolic.IntExpr(int64(k)))))
		}
	}
	return sb.Build()
}
