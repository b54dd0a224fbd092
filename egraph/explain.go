package egraph

import (
	"errors"
	"fmt"
	"strings"
)

// Justification says why two ids were unioned: a rule, congruence (equal
// operators over equal children), or constant folding.
type Justification struct {
	Rule       string
	congruence bool
	fold       bool
}

// explainer is egg's proof forest. With explanations on, every id names
// one exact term (node[id], whose children are exact ids), and every union
// adds a forest edge between the two ids it was called with, labelled with
// its justification. A proof that a = b is the forest path between them,
// with congruence edges expanded recursively into proofs about children.
type explainer struct {
	node   []Node
	parent []Id
	just   []Justification
	// fwd[x] is true if the union that made the edge x->parent[x] was
	// called as union(x, parent) (the rule's lhs on x's side).
	fwd   []bool
	exact map[Node]Id
}

// EnableExplanations turns on proof recording. It must be called on an
// empty e-graph; it changes how Add works (each distinct term gets an id),
// so e-graph sizes differ from a run without explanations, as in egg.
func (g *EGraph) EnableExplanations() error {
	if len(g.uf) > 0 {
		return fmt.Errorf("egraph: explanations must be enabled before anything is added (%d ids exist)", len(g.uf))
	}
	g.explain = &explainer{exact: map[Node]Id{}}
	return nil
}

func (x *explainer) addTerm(id Id, n Node) {
	for int(id) >= len(x.node) {
		x.node = append(x.node, Node{})
		x.parent = append(x.parent, Id(len(x.parent)))
		x.just = append(x.just, Justification{})
		x.fwd = append(x.fwd, false)
	}
	x.node[id] = n
	x.exact[n] = id
}

// link adds the forest edge a - b: a's tree is re-rooted at a, then a
// points to b.
func (x *explainer) link(a, b Id, why Justification) {
	if a == b {
		return
	}
	x.reroot(a)
	x.parent[a] = b
	x.just[a] = why
	x.fwd[a] = true
}

// reroot makes a the root of its tree by reversing the edges on its path
// to the root.
func (x *explainer) reroot(a Id) {
	prev, prevJust, prevFwd := a, Justification{}, false
	cur := a
	for {
		next, j, f := x.parent[cur], x.just[cur], x.fwd[cur]
		if cur == a {
			x.parent[cur] = cur
		} else {
			x.parent[cur], x.just[cur], x.fwd[cur] = prev, prevJust, !prevFwd
		}
		if next == cur {
			return
		}
		prev, prevJust, prevFwd = cur, j, f
		cur = next
	}
}

// ProofStep is one step of an explanation: Term is the term after the
// step, obtained from the previous term by applying Rule once (Backward:
// right-to-left). The first step of a proof has an empty Rule and holds
// the starting term.
type ProofStep struct {
	Term     string
	Rule     string
	Backward bool
}

// pterm is a term tree used while assembling proofs.
type pterm struct {
	n    Node
	kids []*pterm
}

func (g *EGraph) termOf(id Id) *pterm {
	n := g.explain.node[id]
	t := &pterm{n: n}
	for k := 0; k < g.lang.Arity(n.Op); k++ {
		t.kids = append(t.kids, g.termOf(n.Args[k]))
	}
	return t
}

func (g *EGraph) ptermString(t *pterm) string {
	if len(t.kids) == 0 {
		return g.lang.NodeString(t.n)
	}
	var b strings.Builder
	b.WriteString("(" + g.lang.OpName(t.n.Op))
	for _, k := range t.kids {
		b.WriteString(" " + g.ptermString(k))
	}
	b.WriteString(")")
	return b.String()
}

type pstep struct {
	t        *pterm
	rule     string
	backward bool
}

// Explain returns a proof that the terms a and b are equal, as a chain of
// single rule applications. The e-graph must have explanations enabled.
// A term need not have been added as it is: as egg's
// explain_equivalence does, Explain adds a term every node of which the
// e-graph represents (a term extracted from it, say), joined to what
// represents it by congruence. A term the e-graph does not represent is
// an error, and then nothing is added.
func (g *EGraph) Explain(a, b Expr) ([]ProofStep, error) {
	steps, err := g.explainSteps(a, b)
	if err != nil {
		return nil, err
	}
	out := make([]ProofStep, len(steps))
	for i, s := range steps {
		out[i] = ProofStep{Term: g.ptermString(s.t), Rule: s.rule, Backward: s.backward}
	}
	return out, nil
}

// explainSteps is Explain with each step's term as a tree.
func (g *EGraph) explainSteps(a, b Expr) ([]pstep, error) {
	if g.explain == nil {
		return nil, fmt.Errorf("egraph: explanations are not enabled")
	}
	ia, err := g.exactTerm(a)
	if err != nil {
		return nil, err
	}
	ib, err := g.exactTerm(b)
	if err != nil {
		return nil, err
	}
	if g.Find(ia) != g.Find(ib) {
		return nil, fmt.Errorf("egraph: %s and %s are not known to be equal", g.lang.ExprString(a), g.lang.ExprString(b))
	}
	limit := g.proofLimit
	if limit <= 0 {
		limit = DefaultProofLimit
	}
	if n := g.proofLen(ia, ib, limit, map[[2]Id]int{}); n > limit {
		return nil, fmt.Errorf("%w: %s = %s takes over %d steps", ErrProofTooLong, g.lang.ExprString(a), g.lang.ExprString(b), limit)
	}
	steps := []pstep{{t: g.termOf(ia)}}
	return append(steps, g.proveIds(ia, ib)...), nil
}

// ptermExpr flattens a proof term into an Expr (children before parents,
// the root last).
func ptermExpr(t *pterm) Expr {
	var e Expr
	var rec func(t *pterm) Id
	rec = func(t *pterm) Id {
		n := t.n
		for k, kid := range t.kids {
			n.Args[k] = rec(kid)
		}
		e.Nodes = append(e.Nodes, n)
		return Id(len(e.Nodes) - 1)
	}
	rec(t)
	return e
}

// exactTerm returns the id of the exact term e, adding e if the e-graph
// represents each of its nodes (see Explain).
func (g *EGraph) exactTerm(e Expr) (Id, error) {
	if len(e.Nodes) == 0 {
		return 0, fmt.Errorf("egraph: cannot explain an empty term")
	}
	if id, ok := g.lookupExact(e); ok {
		return id, nil
	}
	cls := make([]Id, len(e.Nodes))
	for i, n := range e.Nodes {
		for k := 0; k < g.lang.Arity(n.Op); k++ {
			n.Args[k] = cls[n.Args[k]]
		}
		g.canon(&n)
		k := g.memo.lookup(&n)
		if k < 0 {
			return 0, fmt.Errorf("egraph: %s is not in the e-graph", g.lang.ExprString(e))
		}
		cls[i] = g.find(g.memo.entry(k).id)
	}
	return g.AddExpr(e), nil
}

func (g *EGraph) lookupExact(e Expr) (Id, bool) {
	ids := make([]Id, len(e.Nodes))
	for i, n := range e.Nodes {
		for k := 0; k < g.lang.Arity(n.Op); k++ {
			n.Args[k] = ids[n.Args[k]]
		}
		id, ok := g.explain.exact[n]
		if !ok {
			return 0, false
		}
		ids[i] = id
	}
	return ids[len(ids)-1], true
}

// DefaultProofLimit is the most steps a proof from Explain has unless
// SetProofLimit says otherwise.
const DefaultProofLimit = 100_000

// ErrProofTooLong is the error (wrapped) of Explain for a proof longer
// than the limit.
var ErrProofTooLong = errors.New("egraph: proof too long")

// SetProofLimit sets the most steps a proof from Explain may have (n <= 0:
// DefaultProofLimit). Proofs expand each congruence into proofs about the
// children, and those can repeat one another: a 445-node e-graph of egg's
// math rules gave a proof of 265,736 steps for (i (* A (- A A)) 0) = (i A
// 0), which took 7 s to write out. Explain counts the steps first (each
// pair of ids the proof passes through is counted once) and refuses such
// a proof with ErrProofTooLong.
func (g *EGraph) SetProofLimit(n int) { g.proofLimit = n }

// proofLen returns how many steps proveIds(a, b) gives, or limit+1 if
// that is more than limit. memo holds the counts of pairs already
// counted (a pair being counted counts as over the limit, so a cycle
// cannot recurse forever).
func (g *EGraph) proofLen(a, b Id, limit int, memo map[[2]Id]int) int {
	if a == b {
		return 0
	}
	key := [2]Id{min(a, b), max(a, b)}
	if n, ok := memo[key]; ok {
		return n
	}
	memo[key] = limit + 1
	x := g.explain
	onPath := map[Id]bool{}
	for c := a; ; c = x.parent[c] {
		onPath[c] = true
		if x.parent[c] == c {
			break
		}
	}
	lca := b
	for !onPath[lca] {
		lca = x.parent[lca]
	}
	n := 0
	for _, end := range [2]Id{a, b} {
		for c := end; c != lca && n <= limit; c = x.parent[c] {
			n += g.edgeLen(c, x.parent[c], x.just[c], x.fwd[c], limit, memo)
		}
	}
	n = min(n, limit+1)
	memo[key] = n
	return n
}

// edgeLen is how many steps proveEdge(from, to, j, fwd) gives, counted
// as proofLen counts.
func (g *EGraph) edgeLen(from, to Id, j Justification, fwd bool, limit int, memo map[[2]Id]int) int {
	x := g.explain
	n := 0
	switch {
	case j.congruence:
		nf, nt := x.node[from], x.node[to]
		for k := 0; k < g.lang.Arity(nf.Op) && n <= limit; k++ {
			n += g.proofLen(nf.Args[k], nt.Args[k], limit, memo)
		}
	case j.fold:
		w, c := from, to
		if !fwd {
			w, c = to, from
		}
		nd := x.node[w]
		ar := g.lang.Arity(nd.Op)
		if ar == 0 {
			return g.proofLen(w, c, limit, memo)
		}
		ca, _ := g.analysis.(ConstantAnalysis)
		for k := 0; k < ar && n <= limit; k++ {
			v, ok := ca.Constant(g, nd.Args[k])
			if !ok {
				continue
			}
			if leaf, ok := x.exact[ConstNode(v)]; ok {
				n += g.proofLen(nd.Args[k], leaf, limit, memo)
			}
		}
		n++ // the folding step
	default:
		n = 1
	}
	return min(n, limit+1)
}

// proveIds returns the steps rewriting term(a) into term(b) (without the
// starting term).
func (g *EGraph) proveIds(a, b Id) []pstep {
	if a == b {
		return nil
	}
	x := g.explain
	// Path a -> lca and b -> lca.
	depth := map[Id]int{}
	for c, d := a, 0; ; d++ {
		depth[c] = d
		if x.parent[c] == c {
			break
		}
		c = x.parent[c]
	}
	var bPath []Id
	lca := b
	for {
		if _, ok := depth[lca]; ok {
			break
		}
		bPath = append(bPath, lca)
		lca = x.parent[lca]
	}
	var steps []pstep
	for c := a; c != lca; c = x.parent[c] {
		steps = append(steps, g.proveEdge(c, x.parent[c], x.just[c], x.fwd[c])...)
	}
	for i := len(bPath) - 1; i >= 0; i-- {
		c := bPath[i]
		// Traverse the edge c -> parent(c) backwards.
		steps = append(steps, g.proveEdge(x.parent[c], c, x.just[c], !x.fwd[c])...)
	}
	return steps
}

// proveEdge proves term(from) = term(to) across one forest edge.
func (g *EGraph) proveEdge(from, to Id, j Justification, fwd bool) []pstep {
	switch {
	case j.congruence:
		return g.proveCongruence(from, to)
	case j.fold:
		if fwd {
			return g.proveFold(from, to)
		}
		return reverseSteps(g.termOf(to), g.proveFold(to, from), g.termOf(from))
	default:
		return []pstep{{t: g.termOf(to), rule: j.Rule, backward: !fwd}}
	}
}

// proveCongruence proves op(a1..an) = op(b1..bn) child by child.
func (g *EGraph) proveCongruence(from, to Id) []pstep {
	nf, nt := g.explain.node[from], g.explain.node[to]
	cur := g.termOf(from)
	var steps []pstep
	for k := 0; k < g.lang.Arity(nf.Op); k++ {
		for _, s := range g.proveIds(nf.Args[k], nt.Args[k]) {
			next := &pterm{n: cur.n, kids: append([]*pterm(nil), cur.kids...)}
			next.kids[k] = s.t
			steps = append(steps, pstep{t: next, rule: s.rule, backward: s.backward})
			cur = next
		}
	}
	return steps
}

// proveFold proves term(w) = c where w's children are classes with
// constants: rewrite each child to its constant leaf, then fold.
func (g *EGraph) proveFold(w, c Id) []pstep {
	n := g.explain.node[w]
	ar := g.lang.Arity(n.Op)
	if ar == 0 {
		return g.proveIds(w, c) // a constant leaf joined to itself
	}
	cur := g.termOf(w)
	var steps []pstep
	ca, _ := g.analysis.(ConstantAnalysis)
	for k := 0; k < ar; k++ {
		v, ok := ca.Constant(g, n.Args[k])
		if !ok {
			continue
		}
		leaf, ok := g.explain.exact[ConstNode(v)]
		if !ok {
			continue
		}
		for _, s := range g.proveIds(n.Args[k], leaf) {
			next := &pterm{n: cur.n, kids: append([]*pterm(nil), cur.kids...)}
			next.kids[k] = s.t
			steps = append(steps, pstep{t: next, rule: s.rule, backward: s.backward})
			cur = next
		}
	}
	return append(steps, pstep{t: g.termOf(c), rule: "constant-fold"})
}

// reverseSteps turns a proof start -> ... -> end (steps holds the terms
// after each step) into end -> ... -> start.
func reverseSteps(start *pterm, steps []pstep, _ *pterm) []pstep {
	var out []pstep
	for i := len(steps) - 1; i >= 0; i-- {
		t := start
		if i > 0 {
			t = steps[i-1].t
		}
		out = append(out, pstep{t: t, rule: steps[i].rule, backward: !steps[i].backward})
	}
	return out
}
