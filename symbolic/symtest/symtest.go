// Package symtest generates random terms for property tests of symcalc's
// packages: each term comes with an independent evaluator of the raw,
// unsimplified tree it was built from, so canonicalisation can be checked
// against it.
package symtest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/symcalc/symcalc/symbolic"
)

// Raw is a random expression tree as it was generated, before any
// canonicalisation: Text is its fully parenthesised infix form, Eval its
// value computed directly from the tree with the math package.
type Raw struct {
	Text string
	Eval func(env map[string]float64) float64
	Term *symbolic.Expr // the canonical term built by the constructors
}

// Gen generates random terms over the given variable names.
type Gen struct {
	R    *rand.Rand
	Vars []string
	// Smooth restricts to functions and powers that are differentiable on
	// the sampling domain (no abs, sign, floor, min/max, ifelse).
	Smooth bool
	// Safe keeps values finite on the sampling domain x ∈ [0.5, 2]: only
	// functions defined and moderate there (log of positive sums, no tan
	// poles, bounded exponents).
	Safe bool
}

// New returns a generator seeded deterministically.
func New(seed uint64, vars ...string) *Gen {
	return &Gen{R: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), Vars: vars, Safe: true}
}

// Point returns a random point with every variable in [0.5, 2].
func (g *Gen) Point() map[string]float64 {
	env := make(map[string]float64, len(g.Vars))
	for _, v := range g.Vars {
		env[v] = 0.5 + 1.5*g.R.Float64()
	}
	return env
}

// Expr returns a random raw expression of at most the given depth.
func (g *Gen) Expr(depth int) Raw {
	r := g.R
	if depth <= 0 || r.IntN(4) == 0 {
		return g.leaf()
	}
	switch k := r.IntN(10); {
	case k < 3: // sum
		n := 2 + r.IntN(3)
		parts := make([]Raw, n)
		for i := range parts {
			parts[i] = g.Expr(depth - 1)
		}
		return combine(parts, "+", func(vs []float64) float64 {
			s := 0.0
			for _, v := range vs {
				s += v
			}
			return s
		}, symbolic.Add)
	case k < 6: // product
		n := 2 + r.IntN(2)
		parts := make([]Raw, n)
		for i := range parts {
			parts[i] = g.Expr(depth - 1)
		}
		return combine(parts, "*", func(vs []float64) float64 {
			p := 1.0
			for _, v := range vs {
				p *= v
			}
			return p
		}, symbolic.Mul)
	case k < 7: // difference
		a, b := g.Expr(depth-1), g.Expr(depth-1)
		return Raw{
			Text: "(" + a.Text + " - " + b.Text + ")",
			Eval: func(env map[string]float64) float64 { return a.Eval(env) - b.Eval(env) },
			Term: symbolic.Sub(a.Term, b.Term),
		}
	case k < 8: // integer power
		a := g.Expr(depth - 1)
		n := int64(r.IntN(4)) + 1
		if !g.Safe && r.IntN(3) == 0 {
			n = -n
		}
		return Raw{
			Text: fmt.Sprintf("(%s)^%d", a.Text, n),
			Eval: func(env map[string]float64) float64 { return math.Pow(a.Eval(env), float64(n)) },
			Term: symbolic.Pow(a.Term, symbolic.IntExpr(n)),
		}
	default:
		return g.call(depth)
	}
}

func combine(parts []Raw, op string, f func([]float64) float64, mk func(...*symbolic.Expr) *symbolic.Expr) Raw {
	texts := make([]string, len(parts))
	terms := make([]*symbolic.Expr, len(parts))
	for i, p := range parts {
		texts[i] = p.Text
		terms[i] = p.Term
	}
	return Raw{
		Text: "(" + strings.Join(texts, " "+op+" ") + ")",
		Eval: func(env map[string]float64) float64 {
			vs := make([]float64, len(parts))
			for i, p := range parts {
				vs[i] = p.Eval(env)
			}
			return f(vs)
		},
		Term: mk(terms...),
	}
}

func (g *Gen) leaf() Raw {
	r := g.R
	if r.IntN(3) == 0 {
		var n symbolic.Number
		var text string
		switch r.IntN(3) {
		case 0:
			v := int64(r.IntN(7)) - 3
			n, text = symbolic.Int(v), fmt.Sprint(v)
		case 1:
			p, q := int64(r.IntN(5))+1, int64(r.IntN(4))+2
			n, text = symbolic.Rat(p, q), fmt.Sprintf("(%d/%d)", p, q)
		default:
			v := math.Round(r.Float64()*400-200) / 100
			n, text = symbolic.Float(v), fmt.Sprintf("(%s)", symbolic.Float(v).String())
		}
		f := n.Float64()
		return Raw{Text: text, Eval: func(map[string]float64) float64 { return f }, Term: symbolic.NumExpr(n)}
	}
	name := g.Vars[r.IntN(len(g.Vars))]
	return Raw{Text: name, Eval: func(env map[string]float64) float64 { return env[name] }, Term: symbolic.Sym(name)}
}

type fn struct {
	name string
	f    func(float64) float64
	mk   func(*symbolic.Expr) *symbolic.Expr
}

var smoothSafe = []fn{
	{"sin", math.Sin, symbolic.Sin}, {"cos", math.Cos, symbolic.Cos},
	{"atan", math.Atan, symbolic.Atan}, {"tanh", math.Tanh, symbolic.Tanh},
	{"exp", func(x float64) float64 { return math.Exp(x) }, symbolic.Exp},
}

var nonSmooth = []fn{
	{"abs", math.Abs, symbolic.Abs}, {"floor", math.Floor, symbolic.Floor},
	{"ceil", math.Ceil, symbolic.Ceil},
}

func (g *Gen) call(depth int) Raw {
	r := g.R
	a := g.Expr(depth - 1)
	if g.Safe {
		// Keep arguments moderate so exp and friends stay finite.
		arg := a
		a = Raw{Text: "sin(" + arg.Text + ")", Eval: func(env map[string]float64) float64 { return math.Sin(arg.Eval(env)) }, Term: symbolic.Sin(arg.Term)}
		if r.IntN(3) == 0 {
			// log and sqrt of a positive quantity: 2 + sin(·).
			inner := a
			pos := Raw{Text: "(2 + " + inner.Text + ")", Eval: func(env map[string]float64) float64 { return 2 + inner.Eval(env) }, Term: symbolic.Add(symbolic.IntExpr(2), inner.Term)}
			if r.IntN(2) == 0 {
				return Raw{Text: "log" + pos.Text, Eval: func(env map[string]float64) float64 { return math.Log(pos.Eval(env)) }, Term: symbolic.Log(pos.Term)}
			}
			return Raw{Text: "sqrt" + pos.Text, Eval: func(env map[string]float64) float64 { return math.Sqrt(pos.Eval(env)) }, Term: symbolic.Sqrt(pos.Term)}
		}
	}
	fs := smoothSafe
	if !g.Smooth && r.IntN(4) == 0 {
		fs = nonSmooth
	}
	f := fs[r.IntN(len(fs))]
	return Raw{
		Text: f.name + "(" + a.Text + ")",
		Eval: func(env map[string]float64) float64 { return f.f(a.Eval(env)) },
		Term: f.mk(a.Term),
	}
}

// Close reports whether a and b agree to a relative tolerance tol (with
// an absolute floor of tol for values near zero); two NaNs agree.
func Close(a, b, tol float64) bool {
	if math.IsNaN(a) || math.IsNaN(b) {
		return math.IsNaN(a) && math.IsNaN(b)
	}
	if math.IsInf(a, 0) || math.IsInf(b, 0) {
		return a == b
	}
	d := math.Abs(a - b)
	return d <= tol || d <= tol*math.Max(math.Abs(a), math.Abs(b))
}
