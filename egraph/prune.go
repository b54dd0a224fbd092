package egraph

// applicableRules returns the rules of rules that can ever match in g as
// rewriting goes on, in their order: a rule whose left-hand side needs an
// operator that g lacks, and that no applicable rule's right-hand side
// adds, can never match, and searching for it is wasted time (a small
// Simplify spends most of its time searching). Leaves (constants and
// symbols) are not counted: only operators with arguments decide.
//
// The result is the rule set's own slice when nothing can be dropped,
// and every rule is kept whose sides are not both patterns, since what
// they search for or add is not known here. Dropping a rule that never
// matches changes nothing else in a run: no other rule's matches, no
// union, no iteration count.
func applicableRules(g *EGraph, rules []*Rewrite) []*Rewrite {
	l := g.lang
	present := make([]bool, len(l.arity))
	mark := func(op Op) {
		if int(op) < len(present) && l.arity[op] > 0 {
			present[op] = true
		}
	}
	for id := range g.uf {
		if g.uf[id] == Id(id) {
			for _, n := range g.cls(Id(id)).Nodes {
				mark(n.Op)
			}
		}
	}
	needs := func(p *Pattern) bool {
		for _, pn := range p.ast {
			if !pn.isVar && l.arity[pn.node.Op] > 0 && !present[pn.node.Op] {
				return false
			}
		}
		return true
	}
	live := make([]bool, len(rules))
	for changed := true; changed; {
		changed = false
		for i, r := range rules {
			if live[i] {
				continue
			}
			lhs, lok := r.Searcher.(*Pattern)
			rhs, rok := r.Applier.(*Pattern)
			if !lok || !rok {
				return rules
			}
			if !needs(lhs) {
				continue
			}
			live[i], changed = true, true
			for _, pn := range rhs.ast {
				if !pn.isVar {
					mark(pn.node.Op)
				}
			}
		}
	}
	out := make([]*Rewrite, 0, len(rules))
	for i, r := range rules {
		if live[i] {
			out = append(out, r)
		}
	}
	if len(out) == len(rules) {
		return rules
	}
	return out
}
