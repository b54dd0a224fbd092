package codegen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/vm"
	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/symbolic"
)

// genExpr is one random expression, built twice: as expr-lang source text
// and as a symbolic term, from the same random choices. expr-lang then
// evaluates the text as an oracle that shares no code with symcalc.
type genExpr struct {
	src string
	sym *symbolic.Expr
}

// exprGen builds random expression DAGs over states x0…, parameters k0…
// and t. Earlier subexpressions are reused with some probability, so the
// terms share structure the way real models do. Domains are kept safe
// (log and sqrt of positive arguments, no division by zero).
type exprGen struct {
	arith  bool // only + - * / integer powers and square roots
	kernel bool // only what the assembly kernel lowers (see asmSupported)
	rot    int  // rotates through the kernel's functions
	r      *rand.Rand
	leaves []genExpr
	pool   []genExpr
}

func newExprGen(seed uint64, nStates, nParams int) *exprGen {
	g := &exprGen{r: rand.New(rand.NewPCG(seed, 99))}
	for i := range nStates {
		name := "x" + strconv.Itoa(i)
		g.leaves = append(g.leaves, genExpr{name, symbolic.Sym(name)})
	}
	for i := range nParams {
		name := "k" + strconv.Itoa(i)
		g.leaves = append(g.leaves, genExpr{name, symbolic.Sym(name)})
	}
	g.leaves = append(g.leaves, genExpr{"t", symbolic.Sym("t")})
	return g
}

func (g *exprGen) constant() genExpr {
	if g.r.IntN(3) == 0 {
		k := int64(g.r.IntN(7) - 3)
		return genExpr{"(" + strconv.FormatInt(k, 10) + ".0)", symbolic.IntExpr(k)}
	}
	v := math.Round((g.r.Float64()*4-1)*100) / 100
	return genExpr{"(" + strconv.FormatFloat(v, 'g', -1, 64) + ")", symbolic.FloatExpr(v)}
}

func (g *exprGen) gen(depth int) genExpr {
	if len(g.pool) > 0 && g.r.IntN(4) == 0 {
		return g.pool[g.r.IntN(len(g.pool))]
	}
	if depth == 0 || g.r.IntN(6) == 0 {
		if g.r.IntN(4) == 0 {
			return g.constant()
		}
		return g.leaves[g.r.IntN(len(g.leaves))]
	}
	a := g.gen(depth - 1)
	var e genExpr
	n := 17
	if g.arith {
		n = 11
	}
	if g.kernel {
		if k := g.r.IntN(20); k >= 15 {
			return g.kernelOp(a, depth)
		}
		n = 15
	}
	switch g.r.IntN(n) {
	case 0, 1, 2:
		b := g.gen(depth - 1)
		e = genExpr{"(" + a.src + " + " + b.src + ")", symbolic.Add(a.sym, b.sym)}
	case 3, 4:
		b := g.gen(depth - 1)
		e = genExpr{"(" + a.src + " - " + b.src + ")", symbolic.Sub(a.sym, b.sym)}
	case 5, 6, 7:
		b := g.gen(depth - 1)
		e = genExpr{"(" + a.src + " * " + b.src + ")", symbolic.Mul(a.sym, b.sym)}
	case 8:
		b := g.gen(depth - 1)
		d := symbolic.Add(symbolic.Mul(b.sym, b.sym), symbolic.One())
		e = genExpr{"(" + a.src + " / (" + b.src + " * " + b.src + " + 1.0))", symbolic.Div(a.sym, d)}
	case 9:
		k := int64(2 + g.r.IntN(3))
		e = genExpr{"(" + a.src + " ** " + strconv.FormatInt(k, 10) + ".0)", symbolic.Pow(a.sym, symbolic.IntExpr(k))}
	case 10:
		d := symbolic.Add(symbolic.Mul(a.sym, a.sym), symbolic.RatExpr(1, 4))
		if g.r.IntN(2) == 0 {
			e = genExpr{"sqrt(" + a.src + " * " + a.src + " + 0.25)", symbolic.Sqrt(d)}
		} else {
			e = genExpr{"((" + a.src + " * " + a.src + " + 0.25) ** -1.5)", symbolic.Pow(d, symbolic.RatExpr(-3, 2))}
		}
	case 11:
		e = genExpr{"sin(" + a.src + ")", symbolic.Sin(a.sym)}
	case 12:
		e = genExpr{"cos(" + a.src + ")", symbolic.Cos(a.sym)}
	case 13:
		e = genExpr{"exp(sin(" + a.src + "))", symbolic.Exp(symbolic.Sin(a.sym))}
	case 14:
		d := symbolic.Add(symbolic.Mul(a.sym, a.sym), symbolic.One())
		e = genExpr{"log(" + a.src + " * " + a.src + " + 1.0)", symbolic.Log(d)}
	case 15:
		b := g.gen(depth - 1)
		if g.r.IntN(2) == 0 {
			e = genExpr{"fmin(" + a.src + ", " + b.src + ")", symbolic.Min(a.sym, b.sym)}
		} else {
			e = genExpr{"(tanh(" + a.src + ") * atan(" + b.src + "))", symbolic.Mul(symbolic.Tanh(a.sym), symbolic.Atan(b.sym))}
		}
	default:
		b, c, d := g.gen(depth-1), g.gen(depth-1), g.gen(depth-1)
		e = genExpr{"(" + a.src + " < " + b.src + " ? " + c.src + " : " + d.src + ")",
			symbolic.IfElse(symbolic.Lt(a.sym, b.sym), c.sym, d.sym)}
	}
	g.pool = append(g.pool, e)
	return e
}

// kernelOp builds the operations only the kernel mode draws: pow with a
// non-integer (or any) exponent, abs, floor, ceil, tan, sinh, cosh, tanh,
// sign, min, max, every comparison and selects on conditions combined
// with && || !.
func (g *exprGen) kernelOp(a genExpr, depth int) genExpr {
	var e genExpr
	switch g.r.IntN(6) {
	case 4:
		// In rotation rather than at random, so that a system of a few
		// dozen expressions has each of them.
		g.rot++
		switch g.rot % 4 {
		case 0:
			e = genExpr{"tan(" + a.src + ")", symbolic.Tan(a.sym)}
		case 1:
			e = genExpr{"sinh(" + a.src + ")", symbolic.Sinh(a.sym)}
		case 2:
			e = genExpr{"cosh(" + a.src + ")", symbolic.Cosh(a.sym)}
		default:
			e = genExpr{"tanh(" + a.src + ")", symbolic.Tanh(a.sym)}
		}
	case 5:
		b := g.gen(depth - 1)
		g.rot++
		switch g.rot % 3 {
		case 0:
			e = genExpr{"sgn(" + a.src + ")", symbolic.Sign(a.sym)}
		case 1:
			e = genExpr{"fmin(" + a.src + ", " + b.src + ")", symbolic.Min(a.sym, b.sym)}
		default:
			e = genExpr{"fmax(" + a.src + ", " + b.src + ")", symbolic.Max(a.sym, b.sym)}
		}
	case 0:
		b := g.gen(depth - 1)
		d := symbolic.Add(symbolic.Mul(a.sym, a.sym), symbolic.RatExpr(1, 2))
		e = genExpr{"((" + a.src + " * " + a.src + " + 0.5) ** " + b.src + ")", symbolic.Pow(d, b.sym)}
	case 1:
		g.rot++
		switch g.rot % 3 {
		case 0:
			e = genExpr{"abs(" + a.src + ")", symbolic.Abs(a.sym)}
		case 1:
			e = genExpr{"floor(" + a.src + ")", symbolic.Floor(a.sym)}
		default:
			e = genExpr{"ceil(" + a.src + ")", symbolic.Ceil(a.sym)}
		}
	default:
		cond := g.cond(depth - 1)
		b, c := g.gen(depth-1), g.gen(depth-1)
		e = genExpr{"(" + cond.src + " ? " + b.src + " : " + c.src + ")", symbolic.IfElse(cond.sym, b.sym, c.sym)}
	}
	g.pool = append(g.pool, e)
	return e
}

// cond builds a random condition: a comparison, or two combined by && or
// ||, or a negation.
func (g *exprGen) cond(depth int) genExpr {
	cmp := func() genExpr {
		a, b := g.gen(depth), g.gen(depth)
		ops := []struct {
			src string
			f   func(a, b *symbolic.Expr) *symbolic.Expr
		}{{"<", symbolic.Lt}, {"<=", symbolic.Le}, {">", symbolic.Gt}, {">=", symbolic.Ge}, {"==", symbolic.Eq}, {"!=", symbolic.Ne}}
		o := ops[g.r.IntN(len(ops))]
		if o.src == "==" || o.src == "!=" {
			// Equality of random reals is rarely true: compare floors.
			a = genExpr{"floor(" + a.src + ")", symbolic.Floor(a.sym)}
			b = genExpr{"floor(" + b.src + ")", symbolic.Floor(b.sym)}
		}
		return genExpr{"(" + a.src + " " + o.src + " " + b.src + ")", o.f(a.sym, b.sym)}
	}
	switch g.r.IntN(4) {
	case 0:
		x, y := cmp(), cmp()
		return genExpr{"(" + x.src + " && " + y.src + ")", symbolic.And(x.sym, y.sym)}
	case 1:
		x, y := cmp(), cmp()
		return genExpr{"(" + x.src + " || " + y.src + ")", symbolic.Or(x.sym, y.sym)}
	case 2:
		x := cmp()
		return genExpr{"(!" + x.src + ")", symbolic.Not(x.sym)}
	}
	return cmp()
}

// oracleEnv is the expr-lang environment: variables and math functions.
func oracleEnv(u, p []float64, t float64) map[string]any {
	env := map[string]any{
		"t": t, "sin": math.Sin, "cos": math.Cos, "exp": math.Exp, "log": math.Log,
		"sqrt": math.Sqrt, "tanh": math.Tanh, "atan": math.Atan, "fmin": math.Min,
		"fmax": math.Max, "tan": math.Tan, "sinh": math.Sinh, "cosh": math.Cosh, "sgn": sign,
		"asin": math.Asin, "acos": math.Acos, "atan2": math.Atan2, "log1p": math.Log1p, "cbrt": math.Cbrt,
	}
	for i, v := range u {
		env["x"+strconv.Itoa(i)] = v
	}
	for i, v := range p {
		env["k"+strconv.Itoa(i)] = v
	}
	return env
}

// oracle compiles each expression with expr-lang.
func oracle(t *testing.T, es []genExpr, nStates, nParams int) []*vm.Program {
	t.Helper()
	env := oracleEnv(make([]float64, nStates), make([]float64, nParams), 0)
	out := make([]*vm.Program, len(es))
	for i, e := range es {
		p, err := expr.Compile(e.src, expr.Env(env), expr.AsFloat64())
		require.NoError(t, err, e.src)
		out[i] = p
	}
	return out
}

func runOracle(t *testing.T, progs []*vm.Program, u, p []float64, tm float64) []float64 {
	t.Helper()
	env := oracleEnv(u, p, tm)
	out := make([]float64, len(progs))
	for i, prog := range progs {
		v, err := expr.Run(prog, env)
		require.NoError(t, err)
		out[i] = v.(float64)
	}
	return out
}

// agree compares a backend's value with the oracle's. The symbolic core
// reorders sums and products and lowering fuses multiply-adds, so the
// values agree to rounding, not bit for bit; cancellation can amplify
// rounding, hence the tolerance relative to the operands' scale.
func agree(got, want float64) bool {
	if math.IsNaN(want) || math.IsNaN(got) {
		return math.IsNaN(want) && math.IsNaN(got)
	}
	if math.IsInf(want, 0) || math.IsInf(got, 0) {
		return got == want
	}
	return math.Abs(got-want) <= 1e-9*(1+math.Abs(want))
}

func randomPoint(r *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = math.Round((r.Float64()*2.5-0.5)*1000) / 1000
	}
	return x
}

func describe(es []genExpr, i int) string {
	src, sym := es[i].src, es[i].sym.String()
	if len(src) > 300 {
		src = src[:300] + "…"
	}
	if len(sym) > 300 {
		sym = sym[:300] + "…"
	}
	return fmt.Sprintf("expr %d: %s\n  symbolic: %s", i, src, sym)
}
