package rewrite

import (
	"context"
	"math/big"

	"github.com/symcalc/symcalc/rewrite/poly"
	"github.com/symcalc/symcalc/symbolic"
)

// Normal forms that expose cancellations to the rational-function
// machinery: trigonometric functions written in sin and cos of atomic
// arguments, hyperbolic functions written with exp, and exp of a sum split
// into a product. They usually make a term larger; Simplify keeps them
// only when the cancelled result is smaller.

// maxTrigMultiple bounds the expansion of sin(n*x).
const maxTrigMultiple = 6

// maxArgTerms bounds the expansion of sin(a + b + ...).
const maxArgTerms = 4

// ExpandTrig rewrites tan as sin/cos and expands sin and cos of sums and
// of integer multiples (sin(2x) = 2 sin(x) cos(x)). It holds everywhere
// both sides are defined.
func ExpandTrig(e *symbolic.Expr) *symbolic.Expr {
	memo := map[*symbolic.Expr]*symbolic.Expr{}
	var f func(*symbolic.Expr) *symbolic.Expr
	f = func(e *symbolic.Expr) *symbolic.Expr {
		if r, ok := memo[e]; ok {
			return r
		}
		r := mapChildren(e, f)
		if r.Kind() == symbolic.KCall {
			switch r.Op() {
			case symbolic.OpSin, symbolic.OpCos, symbolic.OpTan:
				s, c := sinCos(r.CallArgs()[0], 0)
				switch r.Op() {
				case symbolic.OpSin:
					r = s
				case symbolic.OpCos:
					r = c
				default:
					r = symbolic.Div(s, c)
				}
			}
		}
		memo[e] = r
		return r
	}
	return f(e)
}

// sinCos returns sin(u) and cos(u) expanded.
func sinCos(u *symbolic.Expr, depth int) (*symbolic.Expr, *symbolic.Expr) {
	atom := func() (*symbolic.Expr, *symbolic.Expr) { return symbolic.Sin(u), symbolic.Cos(u) }
	if depth > 8 {
		return atom()
	}
	switch u.Kind() {
	case symbolic.KAdd:
		c, terms, coefs := u.AddParts()
		if len(terms)+btoi(!c.IsZero()) > maxArgTerms {
			return atom()
		}
		first := symbolic.Scale(coefs[0], terms[0])
		rest := symbolic.Sub(u, first)
		sa, ca := sinCos(first, depth+1)
		sr, cr := sinCos(rest, depth+1)
		return symbolic.Add(symbolic.Mul(sa, cr), symbolic.Mul(ca, sr)),
			symbolic.Sub(symbolic.Mul(ca, cr), symbolic.Mul(sa, sr))
	case symbolic.KMul:
		c, _, _ := u.MulParts()
		if c.Sign() < 0 {
			s, co := sinCos(symbolic.Neg(u), depth+1)
			return symbolic.Neg(s), co
		}
		n, ok := c.IsSmallInt()
		if !ok || n < 2 || n > maxTrigMultiple {
			return atom()
		}
		v := symbolic.Scale(mustInv(c), u)
		s1, c1 := sinCos(v, depth+1)
		s, co := s1, c1
		for k := int64(2); k <= n; k++ {
			s, co = symbolic.Add(symbolic.Mul(s, c1), symbolic.Mul(co, s1)),
				symbolic.Sub(symbolic.Mul(co, c1), symbolic.Mul(s, s1))
		}
		return s, co
	case symbolic.KNum:
		if n, _ := u.IsNumber(); n.Sign() < 0 {
			s, c := sinCos(symbolic.Neg(u), depth+1)
			return symbolic.Neg(s), c
		}
	}
	return atom()
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ExpandExp writes sinh, cosh and tanh with exp, splits exp of a sum into
// a product and exp(n*u) into exp(u)^n, and folds exp(n*log(y)) into y^n
// for integer n. It holds everywhere both sides are defined.
func ExpandExp(e *symbolic.Expr) *symbolic.Expr {
	memo := map[*symbolic.Expr]*symbolic.Expr{}
	var f func(*symbolic.Expr) *symbolic.Expr
	f = func(e *symbolic.Expr) *symbolic.Expr {
		if r, ok := memo[e]; ok {
			return r
		}
		r := mapChildren(e, f)
		if r.Kind() == symbolic.KCall {
			u := r.CallArgs()
			switch r.Op() {
			case symbolic.OpExp:
				r = expOf(u[0])
			case symbolic.OpSinh:
				E := expOf(u[0])
				r = symbolic.Scale(symbolic.Rat(1, 2), symbolic.Sub(E, symbolic.Inv(E)))
			case symbolic.OpCosh:
				E := expOf(u[0])
				r = symbolic.Scale(symbolic.Rat(1, 2), symbolic.Add(E, symbolic.Inv(E)))
			case symbolic.OpTanh:
				E := expOf(u[0])
				r = symbolic.Div(symbolic.Sub(E, symbolic.Inv(E)), symbolic.Add(E, symbolic.Inv(E)))
			}
		}
		memo[e] = r
		return r
	}
	return f(e)
}

// expOf returns exp(u) as a product of powers of exp of the terms of u.
func expOf(u *symbolic.Expr) *symbolic.Expr {
	var parts []*symbolic.Expr
	add := func(c symbolic.Number, t *symbolic.Expr) {
		if t.Kind() == symbolic.KCall && t.Op() == symbolic.OpLog && c.IsExact() && c.IsInt() {
			parts = append(parts, symbolic.Pow(t.CallArgs()[0], symbolic.NumExpr(c)))
			return
		}
		if c.IsExact() {
			p, q := c.Num(), c.Den()
			if p.IsInt64() && q.IsInt64() && abs64(p.Int64()) <= maxIntPow {
				base := symbolic.Exp(symbolic.Scale(symbolic.Rat(1, q.Int64()), t))
				parts = append(parts, symbolic.Pow(base, symbolic.IntExpr(p.Int64())))
				return
			}
		}
		parts = append(parts, symbolic.Exp(symbolic.Scale(c, t)))
	}
	switch u.Kind() {
	case symbolic.KAdd:
		c, terms, coefs := u.AddParts()
		if !c.IsZero() {
			parts = append(parts, symbolic.Exp(symbolic.NumExpr(c)))
		}
		for i, t := range terms {
			add(coefs[i], t)
		}
	case symbolic.KMul:
		c, _, _ := u.MulParts()
		add(c, symbolic.Scale(mustInv(c), u))
	default:
		return symbolic.Exp(u)
	}
	return symbolic.Mul(parts...)
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// pythagoreanReducer returns a polynomial rewriter that replaces a^2 by
// 1 - b^2 for every pair (a, b) = (sin u, cos u) of kernels (or the other
// way round when cosFirst), so that polynomials equal modulo
// sin^2 + cos^2 = 1 get one form.
func pythagoreanReducer(cosFirst bool) func(rc *ratCtx) func(*poly.Poly) (*poly.Poly, error) {
	return func(rc *ratCtx) func(*poly.Poly) (*poly.Poly, error) {
		type pair struct{ a, b int }
		var pairs []pair
		for i, g := range rc.gens {
			if g.Kind() != symbolic.KCall || g.Op() != symbolic.OpSin {
				continue
			}
			if j, ok := rc.index[symbolic.Cos(g.CallArgs()[0])]; ok {
				if cosFirst {
					pairs = append(pairs, pair{j, i})
				} else {
					pairs = append(pairs, pair{i, j})
				}
			}
		}
		if len(pairs) == 0 {
			return nil
		}
		return func(p *poly.Poly) (*poly.Poly, error) {
			var err error
			for _, pr := range pairs {
				if p, err = substSquare(rc.ctx, p, pr.a, pr.b); err != nil {
					return nil, err
				}
			}
			return p, nil
		}
	}
}

// substSquare replaces a^2 by 1 - b^2 in p. The terms are grouped by
// the power of a^2 they hold, k, and each group is multiplied by
// (1 - b^2)^k once: adding the products term by term took time
// quadratic in the terms (cos(1+B+C+3*A)^8 took 8 s).
func substSquare(ctx context.Context, p *poly.Poly, a, b int) (*poly.Poly, error) {
	if p.Deg(a) < 2 {
		return p, nil
	}
	n := p.N
	groups := map[int][]poly.Term{}
	maxK := 0
	for _, t := range p.Terms {
		k := t.Exp[a] / 2
		e := append([]int(nil), t.Exp...)
		e[a] -= 2 * k
		groups[k] = append(groups[k], poly.Term{Exp: e, Coef: new(big.Rat).Set(t.Coef)})
		maxK = max(maxK, k)
	}
	oneMinus := poly.One(n).Sub(mustMul(poly.Var(n, b), poly.Var(n, b)))
	pow := poly.One(n)
	out := poly.Zero(n)
	for k := 0; k <= maxK; k++ {
		if k > 0 {
			next, err := pow.MulContext(ctx, oneMinus)
			if err != nil {
				return nil, err
			}
			pow = next
		}
		ts, ok := groups[k]
		if !ok {
			continue
		}
		m, err := pow.MulContext(ctx, poly.FromTerms(n, ts))
		if err != nil {
			return nil, err
		}
		out = out.Add(m)
	}
	return out, nil
}

func mustMul(a, b *poly.Poly) *poly.Poly {
	m, err := a.Mul(b)
	if err != nil {
		panic(err) // monomials: cannot exceed the limit
	}
	return m
}
