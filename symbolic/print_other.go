package symbolic

import (
	"fmt"
	"strings"
)

// LaTeX prints e as LaTeX math: fractions, superscripts, \sqrt, named
// functions, \cdot between factors that need it.
func LaTeX(e *Expr) string {
	var b strings.Builder
	writeLaTeX(&b, e, 0)
	return b.String()
}

var latexFuncs = map[Op]string{
	OpSin: `\sin`, OpCos: `\cos`, OpTan: `\tan`, OpAsin: `\arcsin`, OpAcos: `\arccos`,
	OpAtan: `\arctan`, OpSinh: `\sinh`, OpCosh: `\cosh`, OpTanh: `\tanh`, OpExp: `\exp`,
	OpLog: `\log`, OpMin: `\min`, OpMax: `\max`,
}

var latexCmp = map[Op]string{OpLt: " < ", OpLe: ` \leq `, OpGt: " > ", OpGe: ` \geq `, OpEq: " = ", OpNe: ` \neq `}

func latexName(s string) string {
	greek := map[string]string{"alpha": `\alpha`, "beta": `\beta`, "gamma": `\gamma`, "delta": `\delta`,
		"epsilon": `\epsilon`, "kappa": `\kappa`, "lambda": `\lambda`, "mu": `\mu`, "nu": `\nu`,
		"pi": `\pi`, "rho": `\rho`, "sigma": `\sigma`, "tau": `\tau`, "theta": `\theta`, "phi": `\phi`,
		"omega": `\omega`, "Gamma": `\Gamma`, "Delta": `\Delta`, "Omega": `\Omega`}
	base, sub := s, ""
	if i := strings.IndexByte(s, '['); i > 0 && strings.HasSuffix(s, "]") {
		base, sub = s[:i], s[i+1:len(s)-1]
	} else if i := strings.IndexByte(s, '_'); i > 0 {
		base, sub = s[:i], s[i+1:]
	}
	if g, ok := greek[base]; ok {
		base = g
	} else if len(base) > 1 {
		base = `\mathrm{` + strings.ReplaceAll(base, "_", `\_`) + `}`
	}
	if sub != "" {
		return base + "_{" + strings.ReplaceAll(sub, "_", `\_`) + "}"
	}
	return base
}

func latexNum(n Number) string {
	if n.k() == numRat && !n.r.IsInt() {
		s := ""
		num := n.r.Num()
		if num.Sign() < 0 {
			s = "-"
			num = new(bigInt).Neg(num)
		}
		return s + `\frac{` + num.String() + "}{" + n.r.Denom().String() + "}"
	}
	s := n.String()
	if i := strings.IndexAny(s, "e"); i > 0 && n.IsFloat() {
		return s[:i] + ` \cdot 10^{` + strings.TrimPrefix(s[i+1:], "+") + "}"
	}
	return s
}

func writeLaTeX(b *strings.Builder, e *Expr, ctx int) {
	p := prec(e)
	if e.kind == KPow && isNegNum(e.args[1]) {
		p = precAtom // printed as a \frac
	}
	if e.kind == KMul && hasNegExp(e) {
		p = precMul
	}
	if p < ctx {
		b.WriteString(`\left(`)
		defer b.WriteString(`\right)`)
	}
	switch e.kind {
	case KNum:
		b.WriteString(latexNum(e.num))
	case KBool:
		b.WriteString(`\mathrm{` + e.String() + `}`)
	case KSym:
		b.WriteString(latexName(e.name()))
	case KAdd:
		for i, t := range e.args {
			c := e.coef()[i]
			neg := c.Sign() < 0
			if neg {
				c = c.Neg()
			}
			switch {
			case i == 0 && neg:
				b.WriteByte('-')
			case i > 0 && neg:
				b.WriteString(" - ")
			case i > 0:
				b.WriteString(" + ")
			}
			latexScaled(b, c, t)
		}
		if !e.num.IsZero() {
			c := e.num
			if c.Sign() < 0 {
				b.WriteString(" - ")
				c = c.Neg()
			} else {
				b.WriteString(" + ")
			}
			b.WriteString(latexNum(c))
		}
	case KMul:
		latexMul(b, e.num, e.args, e.exps())
	case KPow:
		latexMul(b, Int(1), e.args[:1], e.args[1:2])
	case KCall:
		latexCall(b, e)
	}
}

func hasNegExp(e *Expr) bool {
	for _, x := range e.exps() {
		if isNegNum(x) {
			return true
		}
	}
	return e.num.k() == numRat && !e.num.r.IsInt()
}

func latexScaled(b *strings.Builder, c Number, t *Expr) {
	switch t.kind {
	case KMul:
		latexMul(b, c, t.args, t.exps())
	case KPow:
		latexMul(b, c, t.args[:1], t.args[1:2])
	default:
		latexMul(b, c, []*Expr{t}, []*Expr{One()})
	}
}

func latexMul(b *strings.Builder, c Number, bases, exps []*Expr) {
	neg := c.Sign() < 0
	if neg {
		b.WriteByte('-')
		c = c.Neg()
	}
	var num, den []string
	if c.k() == numRat && !c.r.IsInt() {
		if c.r.Num().Cmp(bigOne) != 0 {
			num = append(num, c.r.Num().String())
		}
		den = append(den, c.r.Denom().String())
	} else if !c.IsOne() {
		num = append(num, latexNum(c))
	}
	// A factor needs parentheses (a sum, say) only when it stands beside
	// another factor of its own side of the fraction, or alone after a
	// minus sign with no fraction around it: \frac{x}{y + 1}, not
	// \frac{x}{\left(y + 1\right)}.
	nNum, nDen := len(num), len(den)
	for _, ex := range exps {
		if isNegNum(ex) {
			nDen++
		} else {
			nNum++
		}
	}
	for i, base := range bases {
		ex := exps[i]
		if isNegNum(ex) {
			den = append(den, latexPow(base, NumExpr(ex.num.Neg()), nDen > 1))
		} else {
			num = append(num, latexPow(base, ex, nNum > 1 || (neg && nDen == 0)))
		}
	}
	ns := strings.Join(num, ` \cdot `)
	if ns == "" {
		ns = "1"
	}
	if len(den) == 0 {
		b.WriteString(ns)
		return
	}
	b.WriteString(`\frac{` + ns + `}{` + strings.Join(den, ` \cdot `) + `}`)
}

func latexPow(base, ex *Expr, inProduct bool) string {
	var b strings.Builder
	if ex.IsOne() {
		ctx := precNeg + 1
		if !inProduct {
			ctx = 0
		}
		writeLaTeX(&b, base, ctx)
		return b.String()
	}
	if isHalf(ex) {
		b.WriteString(`\sqrt{`)
		writeLaTeX(&b, base, 0)
		b.WriteString("}")
		return b.String()
	}
	if q, ok := unitFraction(ex); ok {
		// x^(1/q): the q-th root, \sqrt[q]{x}.
		fmt.Fprintf(&b, `\sqrt[%d]{`, q)
		writeLaTeX(&b, base, 0)
		b.WriteString("}")
		return b.String()
	}
	writeLaTeX(&b, base, precAtom)
	b.WriteString("^{")
	writeLaTeX(&b, ex, 0)
	b.WriteString("}")
	return b.String()
}

func latexCall(b *strings.Builder, e *Expr) {
	a := e.args
	switch e.op {
	case OpLt, OpLe, OpGt, OpGe, OpEq, OpNe:
		writeLaTeX(b, a[0], precCmp+1)
		b.WriteString(latexCmp[e.op])
		writeLaTeX(b, a[1], precCmp+1)
		return
	case OpAnd, OpOr:
		sep := ` \land `
		if e.op == OpOr {
			sep = ` \lor `
		}
		for i, x := range a {
			if i > 0 {
				b.WriteString(sep)
			}
			writeLaTeX(b, x, precCmp)
		}
		return
	case OpNot:
		b.WriteString(`\lnot `)
		writeLaTeX(b, a[0], precNeg)
		return
	case OpAbs:
		b.WriteString(`\left|`)
		writeLaTeX(b, a[0], 0)
		b.WriteString(`\right|`)
		return
	case OpFloor, OpCeil:
		l, r := `\lfloor `, ` \rfloor`
		if e.op == OpCeil {
			l, r = `\lceil `, ` \rceil`
		}
		b.WriteString(`\left` + l)
		writeLaTeX(b, a[0], 0)
		b.WriteString(`\right` + r)
		return
	case OpCbrt:
		b.WriteString(`\sqrt[3]{`)
		writeLaTeX(b, a[0], 0)
		b.WriteString("}")
		return
	case OpIfElse:
		b.WriteString(`\begin{cases} `)
		writeLaTeX(b, a[1], 0)
		b.WriteString(` & \text{if } `)
		writeLaTeX(b, a[0], 0)
		b.WriteString(` \\ `)
		writeLaTeX(b, a[2], 0)
		b.WriteString(` & \text{otherwise} \end{cases}`)
		return
	case OpDiff:
		b.WriteString(`\frac{\partial}{\partial `)
		writeLaTeX(b, a[1], 0)
		b.WriteString(`} `)
		writeLaTeX(b, a[0], precAtom)
		return
	}
	if f, ok := latexFuncs[e.op]; ok {
		b.WriteString(f)
	} else if e.op == OpFunc {
		b.WriteString(latexName(e.name()))
	} else {
		b.WriteString(`\operatorname{` + e.op.String() + `}`)
	}
	b.WriteString(`\left(`)
	for i, x := range a {
		if i > 0 {
			b.WriteString(", ")
		}
		writeLaTeX(b, x, 0)
	}
	b.WriteString(`\right)`)
}

// GoExpr prints e as a Go expression over float64 values. name maps each
// symbol to a Go expression (nil: the symbol's name). Comparisons and
// logic produce float64 0/1 through small helpers that generated code
// must define: b2f(bool) float64 and ifelse(c, a, b float64) float64;
// sign(x) float64 likewise. Integer powers become products; other powers
// math.Pow; x^(1/2) math.Sqrt.
func GoExpr(e *Expr, name func(sym *Expr) string) string {
	var b strings.Builder
	g := goPrinter{b: &b, name: name}
	g.write(e)
	return b.String()
}

type goPrinter struct {
	b    *strings.Builder
	name func(*Expr) string
}

var goFuncs = map[Op]string{
	OpSin: "math.Sin", OpCos: "math.Cos", OpTan: "math.Tan", OpAsin: "math.Asin",
	OpAcos: "math.Acos", OpAtan: "math.Atan", OpAtan2: "math.Atan2", OpSinh: "math.Sinh",
	OpCosh: "math.Cosh", OpTanh: "math.Tanh", OpExp: "math.Exp", OpLog: "math.Log",
	OpLog1p: "math.Log1p", OpCbrt: "math.Cbrt", OpAbs: "math.Abs", OpFloor: "math.Floor",
	OpCeil: "math.Ceil", OpSign: "sign", OpMin: "min", OpMax: "max",
}

var goCmp = map[Op]string{OpLt: " < ", OpLe: " <= ", OpGt: " > ", OpGe: " >= ", OpEq: " == ", OpNe: " != "}

func (g *goPrinter) num(n Number) {
	f := n.Float64()
	g.b.WriteByte('(')
	g.b.WriteString(formatFloat(f))
	g.b.WriteByte(')')
}

func (g *goPrinter) write(e *Expr) {
	b := g.b
	switch e.kind {
	case KNum:
		g.num(e.num)
	case KBool:
		if e.num.i == 1 {
			b.WriteString("1.0")
		} else {
			b.WriteString("0.0")
		}
	case KSym:
		if g.name != nil {
			b.WriteString(g.name(e))
		} else {
			b.WriteString(e.name())
		}
	case KAdd:
		b.WriteByte('(')
		for i, t := range e.args {
			if i > 0 {
				b.WriteString(" + ")
			}
			if !e.coef()[i].IsOne() {
				g.num(e.coef()[i])
				b.WriteByte('*')
			}
			g.write(t)
		}
		if !e.num.IsZero() {
			b.WriteString(" + ")
			g.num(e.num)
		}
		b.WriteByte(')')
	case KMul:
		b.WriteByte('(')
		if !e.num.IsOne() {
			g.num(e.num)
			b.WriteByte('*')
		}
		for i, f := range e.args {
			if i > 0 {
				b.WriteByte('*')
			}
			g.pow(f, e.exps()[i])
		}
		b.WriteByte(')')
	case KPow:
		g.pow(e.args[0], e.args[1])
	case KCall:
		g.call(e)
	}
}

func (g *goPrinter) pow(base, ex *Expr) {
	b := g.b
	if ex.kind == KNum {
		if n, ok := ex.num.IsSmallInt(); ok && n >= 1 && n <= 4 {
			b.WriteByte('(')
			for i := int64(0); i < n; i++ {
				if i > 0 {
					b.WriteByte('*')
				}
				g.write(base)
			}
			b.WriteByte(')')
			return
		}
		if n, ok := ex.num.IsSmallInt(); ok && n <= -1 && n >= -4 {
			b.WriteString("(1/")
			g.pow(base, IntExpr(-n))
			b.WriteByte(')')
			return
		}
		if isHalf(ex) {
			b.WriteString("math.Sqrt(")
			g.write(base)
			b.WriteByte(')')
			return
		}
	}
	b.WriteString("math.Pow(")
	g.write(base)
	b.WriteString(", ")
	g.write(ex)
	b.WriteByte(')')
}

func (g *goPrinter) call(e *Expr) {
	b := g.b
	a := e.args
	switch e.op {
	case OpLt, OpLe, OpGt, OpGe, OpEq, OpNe:
		b.WriteString("b2f(")
		g.write(a[0])
		b.WriteString(goCmp[e.op])
		g.write(a[1])
		b.WriteByte(')')
		return
	case OpAnd, OpOr:
		sep := " && "
		if e.op == OpOr {
			sep = " || "
		}
		b.WriteString("b2f(")
		for i, x := range a {
			if i > 0 {
				b.WriteString(sep)
			}
			b.WriteByte('(')
			g.write(x)
			b.WriteString(" != 0)")
		}
		b.WriteByte(')')
		return
	case OpNot:
		b.WriteString("b2f(")
		g.write(a[0])
		b.WriteString(" == 0)")
		return
	case OpIfElse:
		b.WriteString("ifelse(")
	default:
		f, ok := goFuncs[e.op]
		if !ok {
			f = e.name()
			if f == "" {
				f = e.op.String()
			}
		}
		b.WriteString(f)
		b.WriteByte('(')
	}
	for i, x := range a {
		if i > 0 {
			b.WriteString(", ")
		}
		g.write(x)
	}
	b.WriteByte(')')
}

// unitFraction returns q when e is the exact number 1/q for an integer
// q from 3 to 99 (a root LaTeX writes with its index).
func unitFraction(e *Expr) (int64, bool) {
	if e.kind != KNum || e.num.k() != numRat || e.num.Num().Cmp(bigOne) != 0 {
		return 0, false
	}
	d := e.num.Den()
	if !d.IsInt64() || d.Int64() < 3 || d.Int64() > 99 {
		return 0, false
	}
	return d.Int64(), true
}
