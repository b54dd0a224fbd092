package egraph

import (
	"math"
)

// CostFunction gives the cost of an e-node from its children's costs. Tree
// costs count a shared subterm once per use.
type CostFunction interface {
	// NodeCost returns the cost of n given the costs of its children.
	NodeCost(g *EGraph, n Node, child func(Id) float64) float64
}

// AstSize counts nodes.
type AstSize struct{}

func (AstSize) NodeCost(g *EGraph, n Node, child func(Id) float64) float64 {
	c := 1.0
	for k := 0; k < g.lang.Arity(n.Op); k++ {
		c += child(n.Args[k])
	}
	return c
}

// AstDepth measures the height of the term.
type AstDepth struct{}

func (AstDepth) NodeCost(g *EGraph, n Node, child func(Id) float64) float64 {
	c := 0.0
	for k := 0; k < g.lang.Arity(n.Op); k++ {
		c = math.Max(c, child(n.Args[k]))
	}
	return c + 1
}

// OpCost is a tree cost where each operator has a fixed cost (by name);
// leaves cost Leaf and operators missing from the table cost Default.
type OpCost struct {
	Costs         map[string]float64
	Leaf, Default float64
}

// opCost returns the cost of n's operator alone.
func (c OpCost) opCost(g *EGraph, n Node) float64 {
	if g.lang.Arity(n.Op) == 0 {
		return c.Leaf
	}
	if v, ok := c.Costs[g.lang.OpName(n.Op)]; ok {
		return v
	}
	return c.Default
}

func (c OpCost) NodeCost(g *EGraph, n Node, child func(Id) float64) float64 {
	s := c.opCost(g, n)
	for k := 0; k < g.lang.Arity(n.Op); k++ {
		s += child(n.Args[k])
	}
	return s
}

// Extractor holds, for every class, the cheapest node under a tree cost.
// It is computed once by a worklist over parent lists (a class is revisited
// only when a child's cost drops), so extraction is linear-ish in the
// e-graph rather than egg's repeated sweeps.
type Extractor struct {
	g    *EGraph
	cost CostFunction
	best []float64 // by class id (roots meaningful)
	node []Node
}

// NewExtractor computes best costs for every class of the clean e-graph g.
func NewExtractor(g *EGraph, cost CostFunction) *Extractor {
	x := &Extractor{g: g, cost: cost, best: make([]float64, g.nIds()), node: make([]Node, g.nIds())}
	inf := math.Inf(1)
	for i := range x.best {
		x.best[i] = inf
	}
	child := func(id Id) float64 { return x.best[g.find(id)] }
	var work []Id
	queued := make([]bool, g.nIds())
	relax := func(id Id) bool {
		changed := false
		for _, n := range g.cls(id).Nodes {
			c := cost.NodeCost(g, n, child)
			if c < x.best[id] {
				x.best[id], x.node[id] = c, n
				changed = true
			}
		}
		return changed
	}
	for i := 0; i < g.nIds(); i++ {
		id := Id(i)
		if g.uf[i] != id {
			continue
		}
		if relax(id) {
			for _, p := range g.cls(id).parents {
				pc := g.find(p)
				if !queued[pc] {
					queued[pc] = true
					work = append(work, pc)
				}
			}
		}
	}
	for len(work) > 0 {
		id := work[len(work)-1]
		work = work[:len(work)-1]
		queued[id] = false
		if relax(id) {
			for _, p := range g.cls(id).parents {
				pc := g.find(p)
				if !queued[pc] {
					queued[pc] = true
					work = append(work, pc)
				}
			}
		}
	}
	return x
}

// Cost returns the best cost of class id (+Inf if it has no finite term).
func (x *Extractor) Cost(id Id) float64 { return x.best[x.g.Find(id)] }

// Best returns the cheapest term of class id and its cost.
func (x *Extractor) Best(id Id) (Expr, float64) {
	var e Expr
	memo := map[Id]Id{}
	var build func(id Id) Id
	build = func(id Id) Id {
		id = x.g.Find(id)
		if k, ok := memo[id]; ok {
			return k
		}
		n := x.node[id]
		for k := 0; k < x.g.lang.Arity(n.Op); k++ {
			n.Args[k] = build(n.Args[k])
		}
		e.Nodes = append(e.Nodes, n)
		memo[id] = Id(len(e.Nodes) - 1)
		return memo[id]
	}
	id = x.g.Find(id)
	if math.IsInf(x.best[id], 1) {
		return Expr{}, x.best[id]
	}
	build(id)
	return e, x.best[id]
}

// DagCost is a cost per operator for DAG extraction: a shared subterm is
// paid for once, since the code generator evaluates it once.
type DagCost interface {
	OpCost(g *EGraph, n Node) float64
}

// DagCost makes AstSize usable for DAG extraction.
func (AstSize) OpCost(*EGraph, Node) float64 { return 1 }

// OpCost makes OpCost usable for DAG extraction.
func (c OpCost) OpCost(g *EGraph, n Node) float64 { return c.opCost(g, n) }

// ExtractDAG extracts a term for root greedily minimising the DAG cost:
// each class keeps the set of classes its chosen term uses, and a node's
// cost is its own cost plus the cost of the union of its children's sets,
// so shared subterms are counted once. It starts from the tree-optimal
// choice and improves until no class gets cheaper (at most maxRounds
// sweeps). The result shares subterms (Expr is a DAG in post-order).
func ExtractDAG(g *EGraph, root Id, cost DagCost, maxRounds int) (Expr, float64) {
	e, roots, c := ExtractDAGMulti(g, []Id{root}, cost, maxRounds)
	if len(roots) == 0 {
		return Expr{}, c
	}
	return e, c
}

// ExtractDAGMulti is ExtractDAG for several roots at once: the result is
// one shared post-order term list holding every root (rootIdx[i] is the
// index of root i), and the cost counts each distinct subterm once over
// all roots, as a code generator emitting them together would.
func ExtractDAGMulti(g *EGraph, roots []Id, cost DagCost, maxRounds int) (e Expr, rootIdx []int, total float64) {
	type choice struct {
		node  Node
		uses  map[Id]float64 // class -> its node's own cost, for every class in the DAG
		total float64
	}
	tree := NewExtractor(g, dagTree{cost})
	ch := make(map[Id]*choice)
	ids := g.ClassIds()
	var setOf func(id Id, n Node) (map[Id]float64, float64, bool)
	setOf = func(id Id, n Node) (map[Id]float64, float64, bool) {
		uses := map[Id]float64{id: cost.OpCost(g, n)}
		for k := 0; k < g.lang.Arity(n.Op); k++ {
			c := ch[g.Find(n.Args[k])]
			if c == nil {
				return nil, 0, false
			}
			if _, cyc := c.uses[id]; cyc {
				return nil, 0, false
			}
			for u, v := range c.uses {
				uses[u] = v
			}
		}
		t := 0.0
		for _, v := range uses {
			t += v
		}
		return uses, t, true
	}
	// Seed with the tree-optimal choice, bottom-up in cost order so
	// children are set before parents.
	var seed func(id Id)
	seed = func(id Id) {
		id = g.Find(id)
		if ch[id] != nil || math.IsInf(tree.best[id], 1) {
			return
		}
		n := tree.node[id]
		for k := 0; k < g.lang.Arity(n.Op); k++ {
			seed(n.Args[k])
		}
		if uses, t, ok := setOf(id, n); ok {
			ch[id] = &choice{n, uses, t}
		}
	}
	for _, id := range ids {
		seed(id)
	}
	if maxRounds <= 0 {
		maxRounds = 10
	}
	for round := 0; round < maxRounds; round++ {
		improved := false
		for _, id := range ids {
			for _, n := range g.cls(id).Nodes {
				uses, t, ok := setOf(id, n)
				if ok && (ch[id] == nil || t < ch[id].total-1e-12) {
					ch[id] = &choice{n, uses, t}
					improved = true
				}
			}
		}
		if !improved {
			break
		}
	}
	for _, r := range roots {
		if ch[g.Find(r)] == nil {
			return Expr{}, nil, math.Inf(1)
		}
	}
	memo := map[Id]Id{}
	var build func(id Id) Id
	build = func(id Id) Id {
		id = g.Find(id)
		if k, ok := memo[id]; ok {
			return k
		}
		n := ch[id].node
		for k := 0; k < g.lang.Arity(n.Op); k++ {
			n.Args[k] = build(n.Args[k])
		}
		e.Nodes = append(e.Nodes, n)
		memo[id] = Id(len(e.Nodes) - 1)
		return memo[id]
	}
	for _, r := range roots {
		rootIdx = append(rootIdx, int(build(r)))
	}
	return e, rootIdx, DagCostOf(g.lang, e, cost, g)
}

// dagTree turns a DagCost into a tree cost for seeding.
type dagTree struct{ c DagCost }

func (d dagTree) NodeCost(g *EGraph, n Node, child func(Id) float64) float64 {
	s := d.c.OpCost(g, n)
	for k := 0; k < g.lang.Arity(n.Op); k++ {
		s += child(n.Args[k])
	}
	return s
}

// DagCostOf returns the cost of e with each distinct subterm counted once.
func DagCostOf(l *Language, e Expr, cost DagCost, g *EGraph) float64 {
	seen := map[Node]bool{}
	// Rebuild the expression hash-consed, so equal subterms coincide.
	canon := make([]Id, len(e.Nodes))
	idx := map[Node]Id{}
	total := 0.0
	for i, n := range e.Nodes {
		for k := 0; k < l.Arity(n.Op); k++ {
			n.Args[k] = canon[n.Args[k]]
		}
		if j, ok := idx[n]; ok {
			canon[i] = j
			continue
		}
		idx[n] = Id(i)
		canon[i] = Id(i)
		if !seen[n] {
			seen[n] = true
			total += cost.OpCost(g, e.Nodes[i])
		}
	}
	return total
}
