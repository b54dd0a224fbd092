package symbolic

import (
	"strings"
)

// Operator precedence in our infix syntax, loosest first.
const (
	precOr = iota + 1
	precAnd
	precCmp
	precAdd
	precMul
	precNeg
	precPow
	precAtom
)

// String prints e in symcalc's infix syntax with minimal parentheses; the
// text parses back to the same term.
func (e *Expr) String() string {
	var b strings.Builder
	writeInfix(&b, e, 0)
	return b.String()
}

// Infix returns e in infix syntax (same as String).
func Infix(e *Expr) string { return e.String() }

func numPrec(n Number) int {
	if n.Sign() < 0 {
		if n.k() == numRat && !n.r.IsInt() {
			return precMul
		}
		return precNeg
	}
	if n.k() == numRat && !n.r.IsInt() {
		return precMul
	}
	return precAtom
}

// prec returns the precedence of e's top-level printed form.
func prec(e *Expr) int {
	switch e.kind {
	case KNum:
		return numPrec(e.num)
	case KAdd:
		return precAdd
	case KMul:
		if e.num.Sign() < 0 {
			return precMul
		}
		return precMul
	case KPow:
		if isNegNum(e.args[1]) {
			return precMul
		}
		if isHalf(e.args[1]) {
			return precAtom
		}
		return precPow
	case KCall:
		switch e.op {
		case OpLt, OpLe, OpGt, OpGe, OpEq, OpNe:
			return precCmp
		case OpAnd:
			return precAnd
		case OpOr:
			return precOr
		case OpNot:
			return precNeg
		}
	}
	return precAtom
}

func isNegNum(e *Expr) bool { return e.kind == KNum && e.num.Sign() < 0 }
func isHalf(e *Expr) bool   { return e.kind == KNum && e.num.k() == numRat && e.num.Equal(Rat(1, 2)) }

func writeInfix(b *strings.Builder, e *Expr, ctx int) {
	p := prec(e)
	if p < ctx {
		b.WriteByte('(')
		defer b.WriteByte(')')
	}
	switch e.kind {
	case KNum:
		b.WriteString(e.num.String())
	case KBool:
		if e.num.i == 1 {
			b.WriteString("true")
		} else {
			b.WriteString("false")
		}
	case KSym:
		b.WriteString(e.name())
	case KAdd:
		for i, t := range e.args {
			c := e.coef()[i]
			neg := c.Sign() < 0
			if neg {
				c = c.Neg()
			}
			switch {
			case i == 0 && neg && (c.IsOne() || (c.k() == numRat && c.r.Num().Cmp(bigOne) == 0)) && startsWithSum(t):
				b.WriteString("-1*")
			case i == 0 && neg:
				b.WriteByte('-')
			case i > 0 && neg:
				b.WriteString(" - ")
			case i > 0:
				b.WriteString(" + ")
			}
			writeScaled(b, c, t)
		}
		if !e.num.IsZero() {
			c := e.num
			if c.Sign() < 0 {
				b.WriteString(" - ")
				c = c.Neg()
			} else {
				b.WriteString(" + ")
			}
			b.WriteString(c.String())
		}
	case KMul:
		writeMul(b, e.num, e.args, e.exps())
	case KPow:
		base, ex := e.args[0], e.args[1]
		if isNegNum(ex) {
			writeMul(b, Int(1), e.args[:1], e.args[1:2])
			return
		}
		if isHalf(ex) {
			b.WriteString("sqrt(")
			writeInfix(b, base, 0)
			b.WriteByte(')')
			return
		}
		writeInfix(b, base, precPow+1)
		b.WriteByte('^')
		writeInfix(b, ex, precPow)
	case KCall:
		writeCall(b, e)
	}
}

// writeScaled writes c*t for c > 0 as an operand of a sum.
func writeScaled(b *strings.Builder, c Number, t *Expr) {
	if c.IsOne() {
		writeInfix(b, t, precMul)
		return
	}
	switch t.kind {
	case KMul:
		writeMul(b, c, t.args, t.exps())
	case KPow:
		writeMul(b, c, t.args[:1], t.args[1:2])
	default:
		writeMul(b, c, []*Expr{t}, []*Expr{One()})
	}
}

// writeMul writes c * Π bases^exps as numerator/denominator.
func writeMul(b *strings.Builder, c Number, bases, exps []*Expr) {
	if c.Sign() < 0 {
		c = c.Neg()
		if (c.IsOne() || (c.k() == numRat && c.r.Num().Cmp(bigOne) == 0)) && firstFactorIsSum(bases, exps) {
			// -(a + b)*c would parse as (-a - b)*c: keep the -1 explicit.
			b.WriteString("-1*")
		} else {
			b.WriteByte('-')
		}
	}
	var numC, denC string
	if c.k() == numRat && !c.r.IsInt() {
		if c.r.Num().Cmp(bigOne) != 0 {
			numC = c.r.Num().String()
		}
		denC = c.r.Denom().String()
	} else if !c.IsOne() {
		numC = c.String()
	}
	var num, den []func()
	if numC != "" {
		s := numC
		num = append(num, func() { b.WriteString(s) })
	}
	if denC != "" {
		s := denC
		den = append(den, func() { b.WriteString(s) })
	}
	for i, base := range bases {
		ex := exps[i]
		if base.IsZero() && isNegNum(ex) {
			// The unevaluated 1/0 prints as 0^(-1): a 0 in a denominator
			// would fold away when parsed.
			num = append(num, func() { b.WriteString("0^(-1)") })
			continue
		}
		if isNegNum(ex) {
			pos := NumExpr(ex.num.Neg())
			den = append(den, func() { writePowFactor(b, base, pos) })
		} else {
			num = append(num, func() { writePowFactor(b, base, ex) })
		}
	}
	if len(num) == 0 {
		b.WriteByte('1')
	}
	for i, f := range num {
		if i > 0 {
			b.WriteByte('*')
		}
		f()
	}
	if len(den) == 0 {
		return
	}
	b.WriteByte('/')
	if denC != "" && len(den) == 2 && denAddOnly(bases, exps) {
		// q*(a + b) would parse as q*a + q*b (a number distributes over a
		// sum), so write x/q/(a + b).
		den[0]()
		b.WriteByte('/')
		den[1]()
		return
	}
	if len(den) > 1 {
		b.WriteByte('(')
	}
	for i, f := range den {
		if i > 0 {
			b.WriteByte('*')
		}
		f()
	}
	if len(den) > 1 {
		b.WriteByte(')')
	}
}

// denAddOnly reports whether the only denominator factor is a sum to the power -1.
func denAddOnly(bases, exps []*Expr) bool {
	n := 0
	ok := false
	for i, e := range exps {
		if isNegNum(e) {
			n++
			ok = bases[i].kind == KAdd && e.num.IsMinusOne()
		}
	}
	return n == 1 && ok
}

// writePowFactor writes base^exp as a factor of a product.
func writePowFactor(b *strings.Builder, base, ex *Expr) {
	if ex.IsOne() {
		writeInfix(b, base, precNeg+1)
		return
	}
	if isHalf(ex) {
		b.WriteString("sqrt(")
		writeInfix(b, base, 0)
		b.WriteByte(')')
		return
	}
	writeInfix(b, base, precPow+1)
	b.WriteByte('^')
	writeInfix(b, ex, precPow)
}

var cmpSyms = map[Op]string{OpLt: " < ", OpLe: " <= ", OpGt: " > ", OpGe: " >= ", OpEq: " == ", OpNe: " != "}

func writeCall(b *strings.Builder, e *Expr) {
	switch e.op {
	case OpLt, OpLe, OpGt, OpGe, OpEq, OpNe:
		writeInfix(b, e.args[0], precCmp+1)
		b.WriteString(cmpSyms[e.op])
		writeInfix(b, e.args[1], precCmp+1)
		return
	case OpAnd, OpOr:
		sep, p := " && ", precAnd
		if e.op == OpOr {
			sep, p = " || ", precOr
		}
		for i, a := range e.args {
			if i > 0 {
				b.WriteString(sep)
			}
			writeInfix(b, a, p+1)
		}
		return
	case OpNot:
		b.WriteByte('!')
		writeInfix(b, e.args[0], precNeg)
		return
	}
	switch e.op {
	case OpFunc:
		b.WriteString(e.name())
	case OpDiff:
		b.WriteString("Derivative")
	default:
		b.WriteString(e.op.String())
	}
	b.WriteByte('(')
	for i, a := range e.args {
		if i > 0 {
			b.WriteString(", ")
		}
		writeInfix(b, a, 0)
	}
	b.WriteByte(')')
}

// SExpr prints e as an s-expression: (+ (* 2 x) 1), (^ x 1/2), (sin x).
// Sums and products list their full operands, coefficients included.
func SExpr(e *Expr) string {
	var b strings.Builder
	writeSExpr(&b, e)
	return b.String()
}

func writeSExpr(b *strings.Builder, e *Expr) {
	switch e.kind {
	case KNum:
		b.WriteString(e.num.String())
	case KBool, KSym:
		b.WriteString(e.String())
	case KAdd:
		b.WriteString("(+")
		for i, t := range e.args {
			b.WriteByte(' ')
			if e.coef()[i].IsOne() {
				writeSExpr(b, t)
			} else if t.kind == KMul || t.kind == KPow {
				writeSExpr(b, withCoef(e.coef()[i], t))
			} else {
				b.WriteString("(* ")
				b.WriteString(e.coef()[i].String())
				b.WriteByte(' ')
				writeSExpr(b, t)
				b.WriteByte(')')
			}
		}
		if !e.num.IsZero() {
			b.WriteByte(' ')
			b.WriteString(e.num.String())
		}
		b.WriteByte(')')
	case KMul:
		b.WriteString("(*")
		if !e.num.IsOne() {
			b.WriteByte(' ')
			b.WriteString(e.num.String())
		}
		for i, f := range e.args {
			b.WriteByte(' ')
			if e.exps()[i].IsOne() {
				writeSExpr(b, f)
			} else {
				b.WriteString("(^ ")
				writeSExpr(b, f)
				b.WriteByte(' ')
				writeSExpr(b, e.exps()[i])
				b.WriteByte(')')
			}
		}
		b.WriteByte(')')
	case KPow:
		b.WriteString("(^ ")
		writeSExpr(b, e.args[0])
		b.WriteByte(' ')
		writeSExpr(b, e.args[1])
		b.WriteByte(')')
	case KCall:
		b.WriteByte('(')
		switch e.op {
		case OpFunc:
			b.WriteString(e.name())
		case OpAnd:
			b.WriteString("and")
		case OpOr:
			b.WriteString("or")
		case OpNot:
			b.WriteString("not")
		case OpDiff:
			b.WriteString("Derivative")
		default:
			b.WriteString(e.op.String())
		}
		for _, a := range e.args {
			b.WriteByte(' ')
			writeSExpr(b, a)
		}
		b.WriteByte(')')
	}
}

// startsWithSum reports whether t prints with a parenthesised sum first.
func startsWithSum(t *Expr) bool {
	return t.kind == KMul && t.num.IsOne() && firstFactorIsSum(t.args, t.exps())
}

func firstFactorIsSum(bases, exps []*Expr) bool {
	for i, e := range exps {
		if isNegNum(e) {
			continue
		}
		return bases[i].kind == KAdd && e.IsOne()
	}
	return false
}
