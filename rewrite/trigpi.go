package rewrite

import (
	"math/big"
	"sync"

	"github.com/symcalc/symcalc/symbolic"
)

// Trigonometric functions at rational multiples of π. The symbol pi
// stands for π here, as it does for symcalc eval, the REPL and equation
// files. sin and cos reduce their argument's multiple of π modulo 2π (and
// π, with a change of sign), tan modulo π; at multiples of π/12 and π/4
// they take their exact values, and shifted by π/2 sin and cos swap:
// sin(x + 2*pi) = sin(x), cos(pi - x) = -cos(x), sin(pi/6) = 1/2,
// cos(pi/12) = (sqrt(6) + sqrt(2))/4, cos(x + pi/2) = -sin(x). Another
// bare multiple is taken into (0, π/2]: sin(3*pi/5) = sin(2*pi/5). asin,
// acos and atan of the exact values give the multiple of π back.

// piSym is the symbol that stands for π.
var piSym = symbolic.Sym("pi")

// trigPiRule is the Go rule of the default set for the above.
func trigPiRule() *Rule {
	return FuncRule("trig-pi", "everywhere (pi is π)", func(_ *Assumptions, e *symbolic.Expr) *symbolic.Expr {
		return trigPi(e)
	}, symbolic.OpSin, symbolic.OpCos, symbolic.OpTan, symbolic.OpAsin, symbolic.OpAcos, symbolic.OpAtan)
}

// piMultiple splits a into rest + r·π with r exact; r is zero when a has
// no π term with an exact coefficient.
func piMultiple(a *symbolic.Expr) (rest *symbolic.Expr, r *big.Rat) {
	r = new(big.Rat)
	switch {
	case a == piSym:
		return symbolic.Zero(), r.SetInt64(1)
	case a.Kind() == symbolic.KMul:
		c, bases, exps := a.MulParts()
		if len(bases) == 1 && bases[0] == piSym && exps[0].IsOne() && c.IsExact() {
			return symbolic.Zero(), r.SetFrac(c.Num(), c.Den())
		}
	case a.Kind() == symbolic.KAdd:
		_, terms, coefs := a.AddParts()
		for i, t := range terms {
			if t == piSym && coefs[i].IsExact() {
				r.SetFrac(coefs[i].Num(), coefs[i].Den())
				return symbolic.Sub(a, symbolic.Mul(symbolic.NumExpr(coefs[i]), piSym)), r
			}
		}
	}
	return a, r
}

// trigPi returns e rewritten as above, or nil.
func trigPi(e *symbolic.Expr) *symbolic.Expr {
	if e.Kind() != symbolic.KCall || len(e.CallArgs()) != 1 {
		return nil
	}
	arg := e.CallArgs()[0]
	var out *symbolic.Expr
	switch e.Op() {
	case symbolic.OpAsin, symbolic.OpAcos, symbolic.OpAtan:
		out = inverseAt(e.Op(), arg)
	default:
		out = trigAtPi(e.Op(), arg)
	}
	if out == nil || out == e {
		return nil
	}
	return out
}

// trigAtPi is trigPi for sin, cos and tan of arg.
func trigAtPi(op symbolic.Op, arg *symbolic.Expr) *symbolic.Expr {
	rest, r := piMultiple(arg)
	if r.Sign() == 0 {
		return nil
	}
	// Reduce r to [0, 1): by the period (2 for sin and cos, 1 for tan),
	// and for sin and cos by π with a change of sign.
	period := int64(2)
	if op == symbolic.OpTan {
		period = 1
	}
	r = ratMod(r, period)
	neg := false
	if op != symbolic.OpTan && r.Cmp(big.NewRat(1, 1)) >= 0 {
		r.Sub(r, big.NewRat(1, 1))
		neg = true
	}
	sign := func(x *symbolic.Expr) *symbolic.Expr {
		if neg {
			return symbolic.Neg(x)
		}
		return x
	}
	if rest.IsZero() {
		if v := exactTrig(op, r); v != nil {
			return sign(v)
		}
		// Into (0, π/2]: sin(π - a) = sin(a), cos(π - a) = -cos(a),
		// tan(π - a) = -tan(a); sin(3*pi/5) is sin(2*pi/5).
		if half := big.NewRat(1, 2); r.Cmp(half) > 0 {
			r.Sub(big.NewRat(1, 1), r)
			if op != symbolic.OpSin {
				neg = !neg
			}
		}
	} else if r.Cmp(big.NewRat(1, 2)) == 0 {
		switch op {
		case symbolic.OpSin: // sin(x + π/2) = cos(x)
			return sign(symbolic.Cos(rest))
		case symbolic.OpCos: // cos(x + π/2) = -sin(x)
			return sign(symbolic.Neg(symbolic.Sin(rest)))
		}
	}
	a := symbolic.Add(rest, symbolic.Mul(symbolic.NumExpr(symbolic.BigRat(r)), piSym))
	switch op {
	case symbolic.OpSin:
		return sign(symbolic.Sin(a))
	case symbolic.OpCos:
		return sign(symbolic.Cos(a))
	}
	return sign(symbolic.Tan(a))
}

// ratMod returns r modulo m, in [0, m).
func ratMod(r *big.Rat, m int64) *big.Rat {
	mr := new(big.Rat).SetInt64(m)
	q := new(big.Rat).Quo(r, mr)
	fl := new(big.Int).Div(q.Num(), q.Denom()) // Euclidean: the floor, as Denom > 0
	return new(big.Rat).Sub(r, new(big.Rat).Mul(new(big.Rat).SetInt(fl), mr))
}

// The exact values, keyed by the multiple of π in [0, 1) as "p/q".
var (
	exactOnce              sync.Once
	sinAt, cosAt, tanAt    map[string]*symbolic.Expr
	asinOf, acosOf, atanOf map[*symbolic.Expr]*symbolic.Expr
)

func initExact() {
	exactOnce.Do(func() {
		half := symbolic.RatExpr(1, 2)
		r2 := symbolic.Mul(half, symbolic.Sqrt(symbolic.IntExpr(2)))
		r3 := symbolic.Mul(half, symbolic.Sqrt(symbolic.IntExpr(3)))
		t3 := symbolic.Mul(symbolic.RatExpr(1, 3), symbolic.Sqrt(symbolic.IntExpr(3)))
		s3 := symbolic.Sqrt(symbolic.IntExpr(3))
		zero, one := symbolic.Zero(), symbolic.One()
		neg := symbolic.Neg
		// (sqrt(6) -/+ sqrt(2))/4, the sine and cosine of π/12; 2 -/+ sqrt(3)
		// its tangent and cotangent.
		quarter := symbolic.RatExpr(1, 4)
		s6, s2 := symbolic.Sqrt(symbolic.IntExpr(6)), symbolic.Sqrt(symbolic.IntExpr(2))
		lo := symbolic.Mul(quarter, symbolic.Sub(s6, s2))
		hi := symbolic.Mul(quarter, symbolic.Add(s6, s2))
		tlo := symbolic.Sub(symbolic.IntExpr(2), s3)
		thi := symbolic.Add(symbolic.IntExpr(2), s3)
		sinAt = map[string]*symbolic.Expr{"0": zero, "1/12": lo, "1/6": half, "1/4": r2, "1/3": r3, "5/12": hi, "1/2": one,
			"7/12": hi, "2/3": r3, "3/4": r2, "5/6": half, "11/12": lo}
		cosAt = map[string]*symbolic.Expr{"0": one, "1/12": hi, "1/6": r3, "1/4": r2, "1/3": half, "5/12": lo, "1/2": zero,
			"7/12": neg(lo), "2/3": neg(half), "3/4": neg(r2), "5/6": neg(r3), "11/12": neg(hi)}
		tanAt = map[string]*symbolic.Expr{"0": zero, "1/12": tlo, "1/6": t3, "1/4": one, "1/3": s3, "5/12": thi,
			"7/12": neg(thi), "2/3": neg(s3), "3/4": neg(one), "5/6": neg(t3), "11/12": neg(tlo)}
		pi := func(p, q int64) *symbolic.Expr { return symbolic.Mul(symbolic.RatExpr(p, q), piSym) }
		// asin on [-1, 1] -> [-π/2, π/2]; acos -> [0, π]; atan -> (-π/2, π/2).
		asinOf, acosOf, atanOf = map[*symbolic.Expr]*symbolic.Expr{}, map[*symbolic.Expr]*symbolic.Expr{}, map[*symbolic.Expr]*symbolic.Expr{}
		for _, v := range []struct {
			x    *symbolic.Expr
			p, q int64 // asin(x) = p/q·π
		}{{zero, 0, 1}, {half, 1, 6}, {r2, 1, 4}, {r3, 1, 3}, {one, 1, 2}} {
			asinOf[v.x] = pi(v.p, v.q)
			asinOf[neg(v.x)] = pi(-v.p, v.q)
			// acos(x) = π/2 - asin(x)
			acosOf[v.x] = symbolic.Sub(pi(1, 2), pi(v.p, v.q))
			acosOf[neg(v.x)] = symbolic.Add(pi(1, 2), pi(v.p, v.q))
		}
		for _, v := range []struct {
			x    *symbolic.Expr
			p, q int64
		}{{zero, 0, 1}, {t3, 1, 6}, {one, 1, 4}, {s3, 1, 3}} {
			atanOf[v.x] = pi(v.p, v.q)
			atanOf[neg(v.x)] = pi(-v.p, v.q)
		}
	})
}

// exactTrig returns sin, cos or tan of r·π for r in [0, 1) when r is a
// multiple of 1/12 (π/4 = 3π/12 included), else nil (and nil for
// tan(π/2)).
func exactTrig(op symbolic.Op, r *big.Rat) *symbolic.Expr {
	initExact()
	key := r.RatString()
	switch op {
	case symbolic.OpSin:
		return sinAt[key]
	case symbolic.OpCos:
		return cosAt[key]
	case symbolic.OpTan:
		return tanAt[key]
	}
	return nil
}

// inverseAt returns asin, acos or atan of x when x is one of the exact
// values above, else nil.
func inverseAt(op symbolic.Op, x *symbolic.Expr) *symbolic.Expr {
	initExact()
	switch op {
	case symbolic.OpAsin:
		return asinOf[x]
	case symbolic.OpAcos:
		return acosOf[x]
	case symbolic.OpAtan:
		return atanOf[x]
	}
	return nil
}
