package repl

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/symcalc/symcalc/egraph"
	"github.com/symcalc/symcalc/rewrite"
	"github.com/symcalc/symcalc/symbolic"
)

// EgraphRules turns rules of the rule language (rewrite.ParseRules) into
// rewrites for the e-graph simplifier, so one rule file serves both
// simplifiers. Each side goes into the e-graph's language as a term of
// the simplifier would (sums and products as nested binary operations,
// a - b as a + (-1)*b), with the slots ~x as pattern variables ?x. The
// e-graph takes the side conditions it can decide soundly with its
// interval analysis: positive, nonnegative and nonzero of a slot
// (written if positive(~x) or ~x::positive), joined by &&. A rule it
// cannot take (a segment slot ~~xs, another predicate, a decimal
// number, a derivative, a function of three or more arguments) is an
// error that names the rule. User functions of one or two arguments are
// operators to the e-graph, so a rule may name them (f(~x)^2 => g(~x)).
func EgraphRules(rules []*rewrite.Rule) ([]*egraph.Rewrite, error) {
	l := egraph.EvalLanguage()
	out := make([]*egraph.Rewrite, 0, len(rules))
	for _, r := range rules {
		fail := func(format string, args ...any) error {
			return fmt.Errorf("rule %s: %s (the e-graph simplifier cannot take it)", r.Name, fmt.Sprintf(format, args...))
		}
		if r.LHS == nil || r.RHS == nil {
			return nil, fail("it is not a pattern rule")
		}
		lhs, err := egraphPattern(r.LHS)
		if err != nil {
			return nil, fail("%v", err)
		}
		rhs, err := egraphPattern(r.RHS)
		if err != nil {
			return nil, fail("%v", err)
		}
		var conds []egraph.Condition
		slots := make([]string, 0, len(r.Preds))
		for slot := range r.Preds {
			slots = append(slots, slot)
		}
		sort.Strings(slots) // conditions in a fixed order
		for _, slot := range slots {
			for _, p := range r.Preds[slot] {
				c, ok := egraphCondition(p.Name, slot)
				if !ok {
					return nil, fail("the predicate %s::%s has no e-graph counterpart (positive, nonnegative and nonzero have)", slot, p.Name)
				}
				conds = append(conds, c)
			}
		}
		if r.Cond != nil {
			cs, err := egraphConditions(r.Cond)
			if err != nil {
				return nil, fail("%v", err)
			}
			conds = append(conds, cs...)
		}
		var cond egraph.Condition
		switch len(conds) {
		case 0:
		case 1:
			cond = conds[0]
		default:
			cond = egraph.And(conds...)
		}
		rw, err := l.ParseRewrite(r.Name, lhs, rhs, cond)
		if err != nil {
			return nil, fail("%v", err)
		}
		out = append(out, rw)
	}
	return out, nil
}

// egraphPattern writes a side of a rule as an e-graph pattern.
func egraphPattern(t *symbolic.Expr) (string, error) {
	for _, x := range symbolic.FreeSymbols(t) {
		switch {
		case strings.HasPrefix(x.Name(), "~~"):
			return "", fmt.Errorf("the segment slot %s", x.Name())
		case strings.HasPrefix(x.Name(), "?"):
			return "", fmt.Errorf("the name %s (write slots as ~x)", x.Name())
		}
	}
	b := egraph.NewBridge()
	s := egraph.EvalLanguage().ExprString(b.ToExpr(t))
	if b.NumOpaque() > 0 {
		return "", fmt.Errorf("%s holds a decimal number, a derivative or a call of a function of three or more arguments, which the e-graph keeps whole", t)
	}
	// Slots are symbols named ~x; the pattern's variables are ?x.
	return strings.ReplaceAll(s, "~", "?"), nil
}

// egraphCondition is the e-graph condition for predicate name on slot.
func egraphCondition(name, slot string) (egraph.Condition, bool) {
	v := "?" + strings.TrimPrefix(slot, "~")
	switch name {
	case "positive":
		return egraph.Positive(v), true
	case "nonnegative":
		return egraph.NonNegative(v), true
	case "nonzero":
		return egraph.ProvablyNonZero(v), true
	}
	return nil, false
}

// egraphConditions reads a rule's side condition: predicates of slots
// joined by &&.
func egraphConditions(c *symbolic.Expr) ([]egraph.Condition, error) {
	if c.Head() == symbolic.OpAnd {
		var out []egraph.Condition
		for _, k := range c.Children() {
			cs, err := egraphConditions(k)
			if err != nil {
				return nil, err
			}
			out = append(out, cs...)
		}
		return out, nil
	}
	if c.Kind() == symbolic.KCall && c.Op() == symbolic.OpFunc {
		if args := c.CallArgs(); len(args) == 1 && args[0].Kind() == symbolic.KSym && strings.HasPrefix(args[0].Name(), "~") && !strings.HasPrefix(args[0].Name(), "~~") {
			if cond, ok := egraphCondition(c.Name(), args[0].Name()); ok {
				return []egraph.Condition{cond}, nil
			}
		}
	}
	return nil, fmt.Errorf("the condition %s (the e-graph takes positive(~x), nonnegative(~x) and nonzero(~x), joined by &&)", c)
}

// loadRules is the :rules command: with a file, it adds the file's rules
// to the session's (simplify uses them, and egraph and explain the ones
// the e-graph can take); "none" forgets them; alone it lists them.
func (s *state) loadRules(path string) (string, error) {
	switch path {
	case "":
		if len(s.rules) == 0 {
			return "no rules loaded (:rules FILE loads some)", nil
		}
		lines := make([]string, len(s.rules))
		for i, r := range s.rules {
			lines[i] = r.String()
		}
		return strings.Join(lines, "\n"), nil
	case "none":
		s.rules, s.egRules = nil, nil
		return "rules cleared", nil
	}
	if s.dir != "" && !filepath.IsAbs(path) {
		path = filepath.Join(s.dir, path)
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	rs, err := rewrite.ParseRules(path, string(src))
	if err != nil {
		return "", err
	}
	var eg []*egraph.Rewrite
	var notes []string
	for _, r := range rs {
		e, err := EgraphRules([]*rewrite.Rule{r})
		if err != nil {
			notes = append(notes, "egraph() leaves out "+err.Error())
			continue
		}
		eg = append(eg, e...)
	}
	s.rules = append(s.rules, rs...)
	s.egRules = append(s.egRules, eg...)
	msg := fmt.Sprintf("loaded %s from %s (simplify uses them; egraph and explain %d of them)", countNames("rule", rulesNames(rs)), path, len(eg))
	return strings.Join(append([]string{msg}, notes...), "\n"), nil
}

func rulesNames(rs []*rewrite.Rule) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Name
	}
	return out
}

// ruleSet is the rule set simplify() uses: the session's rules first,
// then the default ones; nil without session rules (the defaults).
func (s *state) ruleSet() *rewrite.RuleSet {
	if len(s.rules) == 0 {
		return nil
	}
	return rewrite.NewRuleSet(append(append([]*rewrite.Rule(nil), s.rules...), rewrite.DefaultRules().Rules...)...)
}

// egraphRules is the rule set egraph() and explain() use: nil (the
// defaults) without session rules that the e-graph can take.
func (s *state) egraphRules() []*egraph.Rewrite {
	if len(s.egRules) == 0 {
		return nil
	}
	return append(egraph.DefaultRules(), s.egRules...)
}
