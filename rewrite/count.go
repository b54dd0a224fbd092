package rewrite

import (
	"github.com/symcalc/symcalc/symbolic"
)

// CountOps counts the operations of e the way SymPy's count_ops does on
// the printed form, so that sizes are comparable across the two systems:
// each +, -, *, /, ^, unary minus and function call is one; a negative
// or fractional constant counts its sign and its division. Simplify uses
// it to choose between candidate forms.
func CountOps(e *symbolic.Expr) int {
	switch e.Kind() {
	case symbolic.KNum:
		n, _ := e.IsNumber()
		return numOps(n)
	case symbolic.KSym, symbolic.KBool:
		return 0
	case symbolic.KAdd:
		c, terms, coefs := e.AddParts()
		k := len(terms)
		ops := 0
		negs := 0
		if !c.IsZero() {
			k++
			if c.Sign() < 0 {
				negs++
				ops += numOps(c.Neg())
			} else {
				ops += numOps(c)
			}
		}
		for i, t := range terms {
			cf := coefs[i]
			if cf.Sign() < 0 {
				negs++
				cf = cf.Neg()
			}
			ops += mulOps(cf, t)
		}
		ops += k - 1
		if negs == k {
			ops++
		}
		return ops
	case symbolic.KMul:
		c, _, _ := e.MulParts()
		return mulOps(c, symbolic.Scale(mustInv(c), e))
	case symbolic.KPow:
		b, x := e.PowParts()
		return powOps(b, x)
	}
	ops := 1
	for _, a := range e.CallArgs() {
		ops += CountOps(a)
	}
	return ops
}

func mustInv(c symbolic.Number) symbolic.Number {
	inv, ok := c.Inv()
	if !ok {
		return symbolic.Int(1)
	}
	return inv
}

func numOps(n symbolic.Number) int {
	ops := 0
	if n.Sign() < 0 {
		ops++
	}
	if n.IsExact() && !n.IsInt() {
		ops++
	}
	return ops
}

// powOps counts b^x as a single factor.
func powOps(b, x *symbolic.Expr) int {
	if x.IsOne() {
		return CountOps(b)
	}
	if n, ok := x.IsNumber(); ok && n.Sign() < 0 {
		if n.IsMinusOne() {
			return 1 + CountOps(b)
		}
		return 1 + CountOps(b) + numOps(n)
	}
	return 1 + CountOps(b) + CountOps(x)
}

// mulOps counts c*t where t carries no coefficient of its own.
func mulOps(c symbolic.Number, t *symbolic.Expr) int {
	ops := 0
	if c.Sign() < 0 {
		ops++
		c = c.Neg()
	}
	var bases, exps []*symbolic.Expr
	switch t.Kind() {
	case symbolic.KMul:
		_, bases, exps = t.MulParts()
	case symbolic.KPow:
		b, x := t.PowParts()
		bases, exps = []*symbolic.Expr{b}, []*symbolic.Expr{x}
	case symbolic.KNum:
		n, _ := t.IsNumber()
		return ops + numOps(c.Mul(n))
	default:
		if c.IsOne() {
			return ops + CountOps(t)
		}
		bases, exps = []*symbolic.Expr{t}, []*symbolic.Expr{symbolic.One()}
	}
	// Split into numerator and denominator factors.
	numK := 0
	denK := 0
	inner := 0
	for i, b := range bases {
		x := exps[i]
		if n, ok := x.IsNumber(); ok && n.Sign() < 0 {
			denK++
			inner += powOps(b, symbolic.NumExpr(n.Neg()))
			continue
		}
		numK++
		inner += powOps(b, x)
	}
	p, q := c, symbolic.Int(1)
	if c.IsExact() && !c.IsInt() {
		p, q = symbolic.BigInt(c.Num()), symbolic.BigInt(c.Den())
	}
	if !p.IsOne() {
		numK++
	}
	if !q.IsOne() {
		denK++
	}
	if denK > 0 {
		ops++ // the division
	}
	if numK > 1 {
		ops += numK - 1
	}
	if denK > 1 {
		ops += denK - 1
	}
	return ops + inner
}
