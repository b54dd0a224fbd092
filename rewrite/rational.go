package rewrite

import (
	"context"
	"errors"
	"math"
	"math/big"
	"slices"

	"github.com/symcalc/symcalc/rewrite/poly"
	"github.com/symcalc/symcalc/symbolic"
)

// Rational-function simplification: a term is read as a quotient of
// polynomials over the rationals in its kernels (symbols, function calls,
// powers with a non-integer exponent), the quotient is reduced by the
// polynomial gcd, and written back.

// errNotRational marks terms that are not rational functions of kernels
// we can handle exactly (floats, booleans, huge exponents).
var errNotRational = errors.New("rewrite: not a rational function")

// maxKernels bounds the number of polynomial variables: dense exponent
// vectors over thousands of kernels would cost more than they could save.
const maxKernels = 48

// errTooManyKernels marks terms with more kernels than maxKernels.
var errTooManyKernels = errors.New("rewrite: too many kernels for rational simplification")

// maxIntPow bounds integer exponents expanded as polynomial powers.
const maxIntPow = 64

// ratCtx maps kernels to polynomial variables.
type ratCtx struct {
	gens  []*symbolic.Expr
	index map[*symbolic.Expr]int
	// inexact is set when the term has float constants.
	inexact bool
	// reduce, when set, rewrites each polynomial before the gcd (the
	// trigonometric reduction sin^2 -> 1 - cos^2 plugs in here).
	reduce func(*poly.Poly) (*poly.Poly, error)
	// ctx stops the polynomial products and powers, which within
	// poly.MaxTerms can still take a second each.
	ctx context.Context
}

// ratFunc is num/den.
type ratFunc struct{ num, den *poly.Poly }

// kernelOf returns the kernel and integer power for a factor b^x: for an
// integer x the base itself is expanded; for x = p/q the kernel is b^(1/q)
// raised to p; anything else is its own kernel.
func kernelOf(b, x *symbolic.Expr) (kernel *symbolic.Expr, p int64, expand bool) {
	n, ok := x.IsNumber()
	if ok && n.IsExact() {
		if n.IsInt() {
			if i, small := n.IsSmallInt(); small && i >= -maxIntPow && i <= maxIntPow {
				return b, i, true
			}
			return symbolic.Pow(b, x), 1, false
		}
		num, den := n.Num(), n.Den()
		if num.IsInt64() && den.IsInt64() && num.Int64() >= -maxIntPow && num.Int64() <= maxIntPow {
			return symbolic.Pow(b, symbolic.RatExpr(1, den.Int64())), num.Int64(), false
		}
	}
	return symbolic.Pow(b, x), 1, false
}

// collect assigns variables to the kernels of e.
func (rc *ratCtx) collect(e *symbolic.Expr) error {
	switch e.Kind() {
	case symbolic.KNum:
		n, _ := e.IsNumber()
		return rc.number(n)
	case symbolic.KBool:
		return errNotRational
	case symbolic.KAdd:
		c, terms, coefs := e.AddParts()
		if err := rc.number(c); err != nil {
			return err
		}
		for i, t := range terms {
			if err := rc.number(coefs[i]); err != nil {
				return err
			}
			if err := rc.collect(t); err != nil {
				return err
			}
		}
		return nil
	case symbolic.KMul:
		c, bases, exps := e.MulParts()
		if err := rc.number(c); err != nil {
			return err
		}
		for i := range bases {
			if err := rc.collectFactor(bases[i], exps[i]); err != nil {
				return err
			}
		}
		return nil
	case symbolic.KPow:
		b, x := e.PowParts()
		return rc.collectFactor(b, x)
	}
	rc.addGen(e)
	return nil
}

// number admits a constant: exact ones as they are, finite floats by
// their exact binary value (the result then prints its non-integer
// constants as floats again: inexact input stays inexact).
func (rc *ratCtx) number(n symbolic.Number) error {
	if n.IsExact() {
		return nil
	}
	f := n.Float64()
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return errNotRational
	}
	rc.inexact = true
	return nil
}

// numExpr writes a coefficient back: exact, or as a float for inexact
// input when it is not an integer. A coefficient that no float can hold
// (the content of a float polynomial taken exactly can be 2^-1100, which
// rounds to 0) stays exact: a rounded one would be a wrong answer.
func (rc *ratCtx) numExpr(r *big.Rat) *symbolic.Expr {
	if rc.inexact && !r.IsInt() {
		if f, _ := r.Float64(); f != 0 && !math.IsInf(f, 0) {
			return symbolic.FloatExpr(f)
		}
	}
	return symbolic.NumExpr(symbolic.BigRat(r))
}

func (rc *ratCtx) collectFactor(b, x *symbolic.Expr) error {
	k, _, expand := kernelOf(b, x)
	if expand {
		return rc.collect(b)
	}
	rc.addGen(k)
	return nil
}

func (rc *ratCtx) addGen(k *symbolic.Expr) {
	if _, ok := rc.index[k]; !ok {
		rc.index[k] = len(rc.gens)
		rc.gens = append(rc.gens, k)
	}
}

func newRatCtx() *ratCtx {
	return &ratCtx{index: map[*symbolic.Expr]int{}, ctx: context.Background()}
}

func (rc *ratCtx) n() int { return len(rc.gens) }

func ratOf(c symbolic.Number) *big.Rat {
	r := new(big.Rat)
	if c.IsFloat() {
		return r.SetFloat64(c.Float64())
	}
	if i, ok := c.IsSmallInt(); ok {
		return r.SetInt64(i)
	}
	return r.SetFrac(c.Num(), c.Den())
}

// toRat converts e (after collect) to a quotient of polynomials.
func (rc *ratCtx) toRat(e *symbolic.Expr) (ratFunc, error) {
	n := rc.n()
	switch e.Kind() {
	case symbolic.KNum:
		c, _ := e.IsNumber()
		return ratFunc{poly.Const(n, ratOf(c)), poly.One(n)}, nil
	case symbolic.KAdd:
		c, terms, coefs := e.AddParts()
		acc := ratFunc{poly.Const(n, ratOf(c)), poly.One(n)}
		for i, t := range terms {
			r, err := rc.toRat(t)
			if err != nil {
				return ratFunc{}, err
			}
			r.num = r.num.Scale(ratOf(coefs[i]))
			if acc, err = rc.addRat(acc, r); err != nil {
				return ratFunc{}, err
			}
		}
		return acc, nil
	case symbolic.KMul:
		c, bases, exps := e.MulParts()
		acc := ratFunc{poly.Const(n, ratOf(c)), poly.One(n)}
		for i := range bases {
			r, err := rc.factorRat(bases[i], exps[i])
			if err != nil {
				return ratFunc{}, err
			}
			if acc, err = rc.mulRat(acc, r); err != nil {
				return ratFunc{}, err
			}
		}
		return acc, nil
	case symbolic.KPow:
		b, x := e.PowParts()
		return rc.factorRat(b, x)
	}
	i, ok := rc.index[e]
	if !ok {
		return ratFunc{}, errNotRational
	}
	return ratFunc{poly.Var(n, i), poly.One(n)}, nil
}

func (rc *ratCtx) factorRat(b, x *symbolic.Expr) (ratFunc, error) {
	n := rc.n()
	k, p, expand := kernelOf(b, x)
	var base ratFunc
	if expand {
		var err error
		if base, err = rc.toRat(b); err != nil {
			return ratFunc{}, err
		}
	} else {
		i, ok := rc.index[k]
		if !ok {
			return ratFunc{}, errNotRational
		}
		base = ratFunc{poly.Var(n, i), poly.One(n)}
	}
	if p < 0 {
		if base.num.IsZero() {
			return ratFunc{}, errNotRational // division by zero stays as written
		}
		base.num, base.den = base.den, base.num
		p = -p
	}
	num, err := base.num.PowContext(rc.ctx, int(p))
	if err != nil {
		return ratFunc{}, err
	}
	den, err := base.den.PowContext(rc.ctx, int(p))
	if err != nil {
		return ratFunc{}, err
	}
	return ratFunc{num, den}, nil
}

// addRat returns a + b over the least common denominator.
func (rc *ratCtx) addRat(a, b ratFunc) (ratFunc, error) {
	if a.num.IsZero() {
		return b, nil
	}
	if b.num.IsZero() {
		return a, nil
	}
	if a.den.Equal(b.den) {
		return ratFunc{a.num.Add(b.num), a.den}, nil
	}
	g := poly.GCDContext(rc.ctx, a.den, b.den)
	ad, _ := a.den.DivExact(g)
	bd, _ := b.den.DivExact(g)
	x, err := a.num.MulContext(rc.ctx, bd)
	if err != nil {
		return ratFunc{}, err
	}
	y, err := b.num.MulContext(rc.ctx, ad)
	if err != nil {
		return ratFunc{}, err
	}
	den, err := a.den.MulContext(rc.ctx, bd)
	if err != nil {
		return ratFunc{}, err
	}
	return ratFunc{x.Add(y), den}, nil
}

func (rc *ratCtx) mulRat(a, b ratFunc) (ratFunc, error) {
	num, err := a.num.MulContext(rc.ctx, b.num)
	if err != nil {
		return ratFunc{}, err
	}
	den, err := a.den.MulContext(rc.ctx, b.den)
	if err != nil {
		return ratFunc{}, err
	}
	return ratFunc{num, den}, nil
}

// fromPoly writes a polynomial back as a term.
func (rc *ratCtx) fromPoly(p *poly.Poly) *symbolic.Expr {
	sb := symbolic.NewSumBuilder()
	for _, t := range p.Terms {
		args := make([]*symbolic.Expr, 0, 4)
		args = append(args, rc.numExpr(t.Coef))
		for i, e := range t.Exp {
			if e != 0 {
				args = append(args, symbolic.Pow(rc.gens[i], symbolic.IntExpr(int64(e))))
			}
		}
		sb.Add(symbolic.Mul(args...))
	}
	return sb.Build()
}

// fromFactors writes c * Π f^m back as a term.
func (rc *ratCtx) fromFactors(fs []poly.Factor) *symbolic.Expr {
	args := make([]*symbolic.Expr, 0, len(fs))
	for _, f := range fs {
		args = append(args, symbolic.Pow(rc.fromPoly(f.P), symbolic.IntExpr(int64(f.Mult))))
	}
	return symbolic.Mul(args...)
}

// cancelled is a reduced quotient c * num/den with num and den integer
// primitive polynomials, and the common factor that was divided out.
type cancelled struct {
	rc       *ratCtx
	c        *big.Rat
	num, den *poly.Poly
	removed  *poly.Poly
}

// cancelRat reduces e to lowest terms.
func cancelRat(e *symbolic.Expr, reduce func(*ratCtx) func(*poly.Poly) (*poly.Poly, error)) (*cancelled, error) {
	return cancelRatOpt(context.Background(), e, reduce, false)
}

// cancelRatOpt is cancelRat, which with rationalize first clears square
// roots of numbers from the denominator (see rationalize; errNoRadical if
// it has none), and which stops with ctx's error once ctx is done.
func cancelRatOpt(ctx context.Context, e *symbolic.Expr, reduce func(*ratCtx) func(*poly.Poly) (*poly.Poly, error), rationalize bool) (*cancelled, error) {
	rc := newRatCtx()
	rc.ctx = ctx
	if err := rc.collect(e); err != nil {
		return nil, err
	}
	if len(rc.gens) > maxKernels {
		return nil, errTooManyKernels
	}
	if rationalize && !slices.ContainsFunc(rc.gens, func(g *symbolic.Expr) bool { _, ok := numericSqrt(g); return ok }) {
		return nil, errNoRadical
	}
	if reduce != nil {
		rc.reduce = reduce(rc)
	}
	r, err := rc.toRat(e)
	if err != nil {
		return nil, err
	}
	var origDen *poly.Poly
	if rationalize {
		origDen = r.den
		if r, err = rc.rationalize(r); err != nil {
			return nil, err
		}
	}
	if rc.reduce != nil {
		if r.num, err = rc.reduce(r.num); err != nil {
			return nil, err
		}
		if r.den, err = rc.reduce(r.den); err != nil {
			return nil, err
		}
		if r.den.IsZero() {
			return nil, errNotRational
		}
	}
	g := poly.GCDContext(rc.ctx, r.num, r.den)
	num, _ := r.num.DivExact(g)
	den, _ := r.den.DivExact(g)
	nn, cn := num.Normal()
	dn, cd := den.Normal()
	c := new(big.Rat).Quo(cn, cd)
	if num.IsZero() {
		c = new(big.Rat)
	}
	if origDen != nil {
		// The conjugate's zeros are no new points of the domain (the
		// input is defined there, and so is the result unless its
		// denominator vanishes); what the result may add are the zeros
		// of the input's denominator, if it depends on more than the
		// square roots of numbers.
		g = poly.One(origDen.N)
		for v, k := range rc.gens {
			if _, isSqrt := numericSqrt(k); !isSqrt && origDen.Has(v) {
				g = origDen
				break
			}
		}
	}
	return &cancelled{rc: rc, c: c, num: nn, den: dn, removed: g}, nil
}

// expanded writes the quotient with expanded numerator and denominator;
// flip negates both (to choose the sign that prints smaller).
func (q *cancelled) expanded(flip bool) *symbolic.Expr {
	if q.c.Sign() == 0 {
		return symbolic.Zero()
	}
	num, den, c := q.num, q.den, q.c
	if flip {
		// Move the sign into the denominator: -(x+y)/(x-y) = (x+y)/(y-x).
		den, c = den.Neg(), new(big.Rat).Neg(c)
	}
	if q.rc.inexact {
		// Distribute the factor exactly before coefficients become floats,
		// so 0.25*(4*x + 5) is written x + 1.25, not 1.0*x + 1.25.
		num, c = num.Scale(c), big.NewRat(1, 1)
	}
	n := q.rc.fromPoly(num)
	if den.IsConst() {
		c = new(big.Rat).Quo(c, den.ConstValue())
		return symbolic.Mul(q.rc.numExpr(c), n)
	}
	return symbolic.Mul(q.rc.numExpr(c), n, symbolic.Inv(q.rc.fromPoly(den)))
}

// small reports whether square-free factorisation is cheap enough to try
// (it takes gcds with derivatives, costly on large multivariate inputs).
func (q *cancelled) small() bool { return len(q.num.Terms)+len(q.den.Terms) <= 200 }

// factored writes numerator and denominator in square-free factored form;
// nil for inexact input, whose exact binary coefficients make factors that
// are artefacts of rounding (and contents far outside float range).
func (q *cancelled) factored() *symbolic.Expr {
	if q.c.Sign() == 0 {
		return symbolic.Zero()
	}
	if q.rc.inexact {
		return nil
	}
	cn, fn := poly.SquareFreeContext(q.rc.ctx, q.num)
	cd, fd := poly.SquareFreeContext(q.rc.ctx, q.den)
	c := new(big.Rat).Mul(q.c, cn)
	c.Quo(c, cd)
	return symbolic.Mul(q.rc.numExpr(c), q.rc.fromFactors(fn),
		symbolic.Inv(q.rc.fromFactors(fd)))
}

// condition states where the cancellation is valid: the factor divided out
// is non-zero (nil when nothing non-constant was divided out).
func (q *cancelled) condition() *symbolic.Expr {
	if q.removed.IsConst() {
		return nil
	}
	_, fs := poly.SquareFreeContext(q.rc.ctx, q.removed)
	var conds []*symbolic.Expr
	for _, f := range fs {
		conds = append(conds, q.rc.nonzeroConds(f.P)...)
	}
	return symbolic.And(conds...)
}

// nonzeroConds states f != 0. A polynomial in one symbol is split at its
// rational roots (x^3 - x^2 + x - 1 != 0 becomes x != 1: the cofactor
// x^2 + 1 has no real root, which is checked for quadratics).
func (rc *ratCtx) nonzeroConds(f *poly.Poly) []*symbolic.Expr {
	v := -1
	for i := range rc.gens {
		if f.Has(i) {
			if v >= 0 {
				return []*symbolic.Expr{nonzeroCond(rc.fromPoly(f))}
			}
			v = i
		}
	}
	if v < 0 {
		return []*symbolic.Expr{nonzeroCond(rc.fromPoly(f))}
	}
	x := rc.gens[v]
	var conds []*symbolic.Expr
	rest := f
	for _, r := range rationalRoots(f, v) {
		// A kernel that cannot take the value needs no condition:
		// exp(u) != 0 and exp(u) != -1 always hold.
		if c := symbolic.Ne(x, symbolic.NumExpr(symbolic.BigRat(r))); !evalCond(nil, c) {
			conds = append(conds, c)
		}
		lin := poly.Var(f.N, v).Sub(poly.Const(f.N, r))
		for {
			q, ok := rest.DivExact(lin)
			if !ok {
				break
			}
			rest = q
		}
	}
	if rest.Deg(v) > 0 && !noRealRoot(rest, v) {
		conds = append(conds, nonzeroCond(rc.fromPoly(rest)))
	}
	return conds
}

// rationalRoots lists the rational roots of a polynomial in variable v
// alone (p/q with p dividing the constant and q the leading coefficient),
// for moderate coefficients.
func rationalRoots(f *poly.Poly, v int) []*big.Rat {
	g, _ := f.Normal() // integer coefficients
	d := g.Deg(v)
	lead := g.Coeff(v, d).ConstValue().Num()
	var c0 *big.Int
	low := 0
	for k := 0; k <= d; k++ {
		if c := g.Coeff(v, k); !c.IsZero() {
			c0, low = c.ConstValue().Num(), k
			break
		}
	}
	var roots []*big.Rat
	if low > 0 {
		roots = append(roots, new(big.Rat))
	}
	ps, qs := divisors(c0), divisors(lead)
	if ps == nil || qs == nil {
		return roots
	}
	seen := map[string]bool{}
	for _, p := range ps {
		for _, q := range qs {
			for _, sg := range []int64{1, -1} {
				r := new(big.Rat).SetFrac(big.NewInt(sg*p), big.NewInt(q))
				if seen[r.String()] {
					continue
				}
				seen[r.String()] = true
				if evalAt(g, v, r).Sign() == 0 {
					roots = append(roots, r)
				}
			}
		}
	}
	return roots
}

// divisors returns the positive divisors of |n| (nil when n is too large
// to factor by trial division here).
func divisors(n *big.Int) []int64 {
	if !n.IsInt64() {
		return nil
	}
	m := n.Int64()
	if m < 0 {
		m = -m
	}
	if m == 0 || m > 1<<20 {
		return nil
	}
	var out []int64
	for i := int64(1); i <= m; i++ {
		if m%i == 0 {
			out = append(out, i)
		}
	}
	return out
}

// evalAt evaluates a polynomial in variable v alone at r.
func evalAt(f *poly.Poly, v int, r *big.Rat) *big.Rat {
	sum := new(big.Rat)
	for _, t := range f.Terms {
		p := new(big.Rat).SetInt64(1)
		for k := 0; k < t.Exp[v]; k++ {
			p.Mul(p, r)
		}
		sum.Add(sum, p.Mul(p, t.Coef))
	}
	return sum
}

// noRealRoot reports a quadratic in v with a negative discriminant (or a
// non-zero constant).
func noRealRoot(f *poly.Poly, v int) bool {
	switch f.Deg(v) {
	case 0:
		return !f.IsZero()
	case 2:
		a := f.Coeff(v, 2).ConstValue()
		b := f.Coeff(v, 1).ConstValue()
		c := f.Coeff(v, 0).ConstValue()
		disc := new(big.Rat).Mul(b, b)
		disc.Sub(disc, new(big.Rat).Mul(big.NewRat(4, 1), new(big.Rat).Mul(a, c)))
		return disc.Sign() < 0
	}
	return false
}

// nonzeroCond states g != 0, solved for the symbol when g is linear in a
// single symbol (x - 1 != 0 is stated as x != 1).
func nonzeroCond(g *symbolic.Expr) *symbolic.Expr {
	if g.Kind() == symbolic.KAdd {
		c, terms, coefs := g.AddParts()
		if len(terms) == 1 && terms[0].Kind() == symbolic.KSym {
			v, _ := c.Neg().Div(coefs[0])
			return symbolic.Ne(terms[0], symbolic.NumExpr(v))
		}
	}
	return symbolic.Ne(g, symbolic.Zero())
}

// Cancel writes e as a quotient of coprime polynomials in its kernels
// (symbols, function calls, non-integer powers), expanded. It also returns
// the condition under which the result equals e: the factors divided out
// are non-zero (nil when none were). Terms with floats, or that would
// expand beyond poly.MaxTerms, are returned unchanged.
//
//	Cancel((x^2 - 1)/(x - 1)) = x + 1, with condition x != 1
func Cancel(e *symbolic.Expr) (*symbolic.Expr, *symbolic.Expr) {
	r, cond, _ := CancelContext(context.Background(), e)
	return r, cond
}

// CancelContext is Cancel, which stops with ctx's error once ctx is done
// (a gcd of large polynomials can take long).
func CancelContext(ctx context.Context, e *symbolic.Expr) (*symbolic.Expr, *symbolic.Expr, error) {
	q, err := cancelRatOpt(ctx, e, nil, false)
	if err != nil {
		return e, nil, ctx.Err()
	}
	r, cond := q.expanded(false), q.condition()
	return r, cond, ctx.Err()
}

// NumDenContext writes e, a rational function of its kernels, as a
// quotient num/den of coprime expanded polynomials, with the constant
// factor in num; the condition is Cancel's (nil when nothing was divided
// out). A term with floats, or too large to expand, comes back as e/1.
// It stops with ctx's error once ctx is done.
func NumDenContext(ctx context.Context, e *symbolic.Expr) (num, den, cond *symbolic.Expr, err error) {
	q, err := cancelRatOpt(ctx, e, nil, false)
	if err != nil || q.rc.inexact {
		return e, symbolic.One(), nil, ctx.Err()
	}
	num = symbolic.Mul(q.rc.numExpr(q.c), q.rc.fromPoly(q.num))
	if q.c.Sign() == 0 {
		num = symbolic.Zero()
	}
	return num, q.rc.fromPoly(q.den), q.condition(), ctx.Err()
}

// Together writes e over a common denominator (the least common multiple
// of its denominators), without cancelling common factors of the result.
func Together(e *symbolic.Expr) *symbolic.Expr {
	r, _ := TogetherContext(context.Background(), e)
	return r
}

// TogetherContext is Together, which stops with ctx's error once ctx is
// done.
func TogetherContext(ctx context.Context, e *symbolic.Expr) (*symbolic.Expr, error) {
	rc := newRatCtx()
	rc.ctx = ctx
	if err := rc.collect(e); err != nil {
		return e, ctx.Err()
	}
	r, err := rc.toRat(e)
	if err != nil {
		return e, ctx.Err()
	}
	if err := ctx.Err(); err != nil {
		return e, err
	}
	if r.den.IsConst() {
		return symbolic.Mul(rc.numExpr(new(big.Rat).Inv(r.den.ConstValue())), rc.fromPoly(r.num)), nil
	}
	return symbolic.Div(rc.fromPoly(r.num), rc.fromPoly(r.den)), nil
}

// ExpandRational expands e as a polynomial in its kernels (numerator and
// denominator expanded separately when e has a denominator).
func ExpandRational(e *symbolic.Expr) *symbolic.Expr {
	q, err := cancelRat(e, nil)
	if err != nil {
		return e
	}
	return q.expanded(false)
}

// FactorSquareFree writes e (a rational function of its kernels) with
// numerator and denominator in square-free factored form:
// x^3 - x^2 - x + 1 becomes (x + 1)*(x - 1)^2. A term with float
// constants is returned as it is (see factored).
func FactorSquareFree(e *symbolic.Expr) *symbolic.Expr {
	r, _ := FactorSquareFreeContext(context.Background(), e)
	return r
}

// FactorSquareFreeContext is FactorSquareFree, which stops with ctx's
// error once ctx is done.
func FactorSquareFreeContext(ctx context.Context, e *symbolic.Expr) (*symbolic.Expr, error) {
	q, err := cancelRatOpt(ctx, e, nil, false)
	if err != nil {
		return e, ctx.Err()
	}
	f := q.factored()
	if err := ctx.Err(); err != nil {
		return e, err
	}
	if f != nil {
		return f, nil
	}
	return e, nil
}
