package rewrite

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/symbolic"
)

// edgeValues are the points where identities over the reals tend to break:
// zero, signs, units, the branch points of the inverse trigonometric
// functions, and values just either side of zero.
var edgeValues = []float64{0, 1, -1, 2, -2, 0.5, -0.5, math.Pi / 2, -math.Pi / 2, math.Pi, -math.Pi,
	1e-8, -1e-8, 3, -3, 1.5707963267948966, -1.5707963267948966}

// sampleValue draws a point: an edge value, a small integer, or a uniform value.
func sampleValue(rng *rand.Rand) float64 {
	switch rng.IntN(3) {
	case 0:
		return edgeValues[rng.IntN(len(edgeValues))]
	case 1:
		return float64(rng.IntN(9) - 4)
	}
	return rng.Float64()*8 - 4
}

// numericCond evaluates a rule condition (with predicates) at a point; ok
// is false when it cannot be evaluated there.
func numericCond(c *symbolic.Expr, vals map[string]float64) (bool, bool) {
	if v, ok := c.BoolValue(); ok {
		return v, true
	}
	if c.Kind() != symbolic.KCall {
		return false, false
	}
	args := c.CallArgs()
	switch c.Op() {
	case symbolic.OpAnd, symbolic.OpOr:
		all := c.Op() == symbolic.OpAnd
		for _, a := range args {
			v, ok := numericCond(a, vals)
			if !ok {
				return false, false
			}
			if c.Op() == symbolic.OpAnd && !v {
				all = false
			}
			if c.Op() == symbolic.OpOr && v {
				all = true
			}
		}
		return all, true
	case symbolic.OpNot:
		v, ok := numericCond(args[0], vals)
		return !v, ok
	case symbolic.OpFunc:
		x, err := symbolic.Eval(args[0], vals)
		if err != nil || math.IsNaN(x) {
			return false, false
		}
		isInt := x == math.Trunc(x) && !math.IsInf(x, 0)
		switch c.Name() {
		case "positive":
			return x > 0, true
		case "negative":
			return x < 0, true
		case "nonnegative":
			return x >= 0, true
		case "nonpositive":
			return x <= 0, true
		case "nonzero":
			return x != 0, true
		case "integer":
			return isInt, true
		case "even":
			return isInt && math.Mod(x, 2) == 0, true
		case "odd":
			return isInt && math.Mod(x, 2) != 0, true
		case "rational", "number":
			// Every sampled value stands for a number; the rule must
			// hold for irrational ones too, which checks more.
			return !math.IsInf(x, 0), true
		}
		return false, false
	}
	v, err := symbolic.Eval(c, vals)
	if err != nil || math.IsNaN(v) {
		return false, false
	}
	return v != 0, true
}

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func closeEnough(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b)))
}

// domainOf turns a rule's slot predicates and condition into one condition
// on the fresh symbols that stand for the slots.
func domainOf(r *Rule, sub map[*symbolic.Expr]*symbolic.Expr) *symbolic.Expr {
	conds := []*symbolic.Expr{}
	for name, ps := range r.Preds {
		for _, p := range ps {
			conds = append(conds, symbolic.Func(p.Name, sub[symbolic.Sym(name)]))
		}
	}
	if r.Cond != nil {
		conds = append(conds, symbolic.Substitute(r.Cond, sub))
	}
	return symbolic.And(conds...)
}

// TestRuleSoundness checks every built-in rule: at random points and at
// the edge values, wherever the rule's domain holds and its left-hand side
// is defined, the right-hand side is defined and equal. A rule whose domain
// is never sampled fails, so no rule goes unchecked.
func TestRuleSoundness(t *testing.T) {
	for _, topic := range Topics() {
		for _, r := range TopicRules(topic) {
			t.Run(topic+"/"+r.Name, func(t *testing.T) {
				sub := map[*symbolic.Expr]*symbolic.Expr{}
				var names []string
				for _, s := range r.pat.slots {
					n := "s_" + strings.TrimLeft(s.name, "~?")
					sub[symbolic.Sym(s.name)] = symbolic.Sym(n)
					names = append(names, n)
				}
				lhs := symbolic.Substitute(r.LHS, sub)
				rhs := symbolic.Substitute(r.RHS, sub)
				dom := domainOf(r, sub)
				rng := rand.New(rand.NewPCG(1, uint64(len(r.Name))))
				checked := 0
				vals := map[string]float64{}
				for trial := 0; trial < 4000 && checked < 300; trial++ {
					for _, n := range names {
						vals[n] = sampleValue(rng)
					}
					if ok, known := numericCond(dom, vals); !known || !ok {
						continue
					}
					l, err := symbolic.Eval(lhs, vals)
					require.NoError(t, err)
					if !finite(l) {
						continue
					}
					rv, err := symbolic.Eval(rhs, vals)
					require.NoError(t, err)
					checked++
					if !assert.True(t, closeEnough(l, rv), "%s at %v: lhs %v, rhs %v", r, vals, l, rv) {
						return
					}
				}
				assert.GreaterOrEqual(t, checked, 30, "rule %s: its domain was sampled only %d times", r, checked)
			})
		}
	}
}
