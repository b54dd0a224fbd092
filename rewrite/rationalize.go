package rewrite

import (
	"errors"
	"math/big"

	"github.com/symcalc/symcalc/rewrite/poly"
	"github.com/symcalc/symcalc/symbolic"
)

// Rationalising denominators: a quotient whose denominator is linear in
// the square root g = sqrt(n) of a positive rational, A + B·g, is
// multiplied above and below by A - B·g, which leaves A² - n·B² below,
// free of g; g² = n is used throughout. The quotient can then cancel:
// (x^2 - 2)/(x - sqrt(2)) = x + sqrt(2), and 1/(sqrt(2) + 1) = sqrt(2) - 1.

// errNoRadical says a term has no square root of a number to rationalise.
var errNoRadical = errors.New("no square root of a number in a denominator")

// numericSqrt returns n when g is sqrt(n) for a positive exact n.
func numericSqrt(g *symbolic.Expr) (*big.Rat, bool) {
	if g.Kind() != symbolic.KPow {
		return nil, false
	}
	b, x := g.PowParts()
	n, ok := b.IsNumber()
	r, ok2 := x.IsNumber()
	if !ok || !ok2 || !n.IsExact() || n.Sign() <= 0 || !r.Equal(symbolic.Rat(1, 2)) {
		return nil, false
	}
	return new(big.Rat).SetFrac(n.Num(), n.Den()), true
}

// reduceSqrt replaces g² by n in p, g being variable v.
func reduceSqrt(p *poly.Poly, v int, n *big.Rat) *poly.Poly {
	if p.Deg(v) < 2 {
		return p
	}
	ts := make([]poly.Term, 0, len(p.Terms))
	for _, t := range p.Terms {
		k := t.Exp[v] / 2
		e := append([]int(nil), t.Exp...)
		e[v] -= 2 * k
		c := new(big.Rat).Set(t.Coef)
		for range k {
			c.Mul(c, n)
		}
		ts = append(ts, poly.Term{Exp: e, Coef: c})
	}
	return poly.FromTerms(p.N, ts)
}

// rationalize applies the step above for every square root of a number
// among rc's kernels that the denominator holds; errNoRadical when it
// holds none.
func (rc *ratCtx) rationalize(r ratFunc) (ratFunc, error) {
	done := false
	for v, g := range rc.gens {
		n, ok := numericSqrt(g)
		if !ok {
			continue
		}
		r.num, r.den = reduceSqrt(r.num, v, n), reduceSqrt(r.den, v, n)
		if r.den.Deg(v) != 1 {
			continue
		}
		a, b := r.den.Coeff(v, 0), r.den.Coeff(v, 1)
		gv := poly.Var(r.den.N, v)
		bg, err := b.MulContext(rc.ctx, gv)
		if err != nil {
			return r, err
		}
		conj := a.Sub(bg)
		num, err := r.num.MulContext(rc.ctx, conj)
		if err != nil {
			return r, err
		}
		den, err := r.den.MulContext(rc.ctx, conj)
		if err != nil {
			return r, err
		}
		r.num, r.den = reduceSqrt(num, v, n), reduceSqrt(den, v, n)
		done = true
	}
	if !done {
		return r, errNoRadical
	}
	if r.den.IsZero() {
		return r, errNotRational
	}
	return r, nil
}
