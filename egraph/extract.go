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
// It is computed by Knuth's generalisation of Dijkstra's algorithm: a
// class is final when it leaves the priority queue, and a node is costed
// once, when its last child class becomes final. That is O(n log n) in the
// number of e-nodes, where egg sweeps all classes until nothing changes.
// Like egg's, it assumes a monotone cost: a node costs at least as much as
// each of its children.
type Extractor struct {
	g    *EGraph
	cost CostFunction
	best []float64 // by class id (roots meaningful)
	node []Node
}

// NewExtractor computes best costs for every class of the clean e-graph g.
// Its tables are indexed by class slot (dense over live classes), not by
// id.
//
// Its scratch tables (five arrays of 32-bit numbers, by node, class and
// child reference) come from the pool that the runner's match buffers go
// back to when a run ends, and return to it: extraction typically follows
// a run, and taking those arrays instead of new ones keeps it from growing
// the heap at the end of a run (peak RSS of poly8 with backoff to 10,000
// nodes, extraction included: see bench/egraph/README.md).
func NewExtractor(g *EGraph, cost CostFunction) *Extractor {
	n := g.classes.len()
	x := &Extractor{g: g, cost: cost, best: make([]float64, n), node: make([]Node, n)}
	inf := math.Inf(1)
	for i := range x.best {
		x.best[i] = inf
	}
	slot := func(id Id) uint32 { return g.slot[id] }
	child := func(id Id) float64 { return x.best[slot(g.find(id))] }
	ar := g.lang.arity
	// distinct calls f on each distinct child class of nd and returns
	// how many there are.
	distinct := func(nd *Node, f func(c Id)) Id {
		var seen [MaxArity]Id
		cnt := Id(0)
		for a := 0; a < int(ar[nd.Op]); a++ {
			c := nd.Args[a]
			dup := false
			for b := Id(0); b < cnt; b++ {
				if seen[b] == c {
					dup = true
				}
			}
			if !dup {
				seen[cnt] = c
				cnt++
				f(c)
			}
		}
		return cnt
	}
	scratch := func(k int) []Id {
		s, _ := matchChunks.getAtLeast(k)
		s = s[:k]
		clear(s)
		return s
	}
	// Number the nodes class by class, in id order: the nodes of the
	// class in slot s are first[s], first[s]+1, ...; owner maps a node
	// number back to its class.
	total := 0
	for i := 0; i < g.nIds(); i++ {
		if g.uf[i] == Id(i) {
			total += len(g.cls(Id(i)).Nodes)
		}
	}
	first, owner, pending, off := scratch(n), scratch(total), scratch(total), scratch(n+1)
	u := 0
	refs := 0
	for i := 0; i < g.nIds(); i++ {
		if g.uf[i] != Id(i) {
			continue
		}
		nodes := g.cls(Id(i)).Nodes
		first[slot(Id(i))] = Id(u)
		for k := range nodes {
			owner[u] = Id(i)
			pending[u] = distinct(&nodes[k], func(c Id) { off[slot(c)]++ })
			refs += int(pending[u])
			u++
		}
	}
	// users lists, per class, the nodes with it as a child: off[s] ..
	// off[s+1] after the fill below (off holds inclusive prefix sums,
	// and each fill steps one down, so the nodes are visited last to
	// first to leave each list in increasing order, which decides ties).
	for s := 1; s <= n; s++ {
		off[s] += off[s-1]
	}
	users := scratch(refs)
	for u := total - 1; u >= 0; u-- {
		c := owner[u]
		nd := &g.cls(c).Nodes[u-int(first[slot(c)])]
		distinct(nd, func(c Id) {
			off[slot(c)]--
			users[off[slot(c)]] = Id(u)
		})
	}
	h := slotHeap{key: x.best, heap: scratch(n)[:0], pos: scratch(n)}
	offer := func(u int) {
		c := owner[u]
		nd := g.cls(c).Nodes[u-int(first[slot(c)])]
		v := cost.NodeCost(g, nd, child)
		if s := slot(c); v < x.best[s] {
			x.best[s], x.node[s] = v, nd
			h.update(Id(s))
		}
	}
	for u := range total {
		if pending[u] == 0 {
			offer(u)
		}
	}
	for len(h.heap) > 0 {
		cls := h.pop()
		for _, u := range users[off[cls]:off[cls+1]] {
			pending[u]--
			if pending[u] == 0 {
				offer(int(u))
			}
		}
	}
	for _, s := range [][]Id{first, owner, pending, off, users, h.heap, h.pos} {
		matchChunks.put(s)
	}
	return x
}

// slotHeap is a binary min-heap of class slots by key[slot], with
// decrease-key: each class is in it at most once, so it never holds more
// than one entry per class, and it lives in two arrays from the pool.
type slotHeap struct {
	key  []float64
	heap []Id // slots
	pos  []Id // by slot: index in heap + 1, 0 if absent, done once popped
}

// done marks a popped (final) class in slotHeap.pos.
const done = ^Id(0)

// update inserts slot s, or moves it up after its key decreased. A class
// already popped is left out.
func (h *slotHeap) update(s Id) {
	p := h.pos[s]
	if p == done {
		return
	}
	i := int(p) - 1
	if p == 0 {
		h.heap = append(h.heap, s)
		i = len(h.heap) - 1
	}
	for i > 0 {
		q := (i - 1) / 2
		if h.key[h.heap[q]] <= h.key[s] {
			break
		}
		h.set(i, h.heap[q])
		i = q
	}
	h.set(i, s)
}

// set puts slot s at index i of the heap.
func (h *slotHeap) set(i int, s Id) {
	h.heap[i] = s
	h.pos[s] = Id(i + 1)
}

// pop removes and returns the slot with the least key, marking it done.
func (h *slotHeap) pop() Id {
	top := h.heap[0]
	h.pos[top] = done
	last := h.heap[len(h.heap)-1]
	h.heap = h.heap[:len(h.heap)-1]
	if n := len(h.heap); n > 0 {
		i := 0
		for {
			l, r, m := 2*i+1, 2*i+2, -1
			k := h.key[last]
			if l < n && h.key[h.heap[l]] < k {
				m, k = l, h.key[h.heap[l]]
			}
			if r < n && h.key[h.heap[r]] < k {
				m = r
			}
			if m < 0 {
				break
			}
			h.set(i, h.heap[m])
			i = m
		}
		h.set(i, last)
	}
	return top
}

// Cost returns the best cost of class id (+Inf if it has no finite term).
func (x *Extractor) Cost(id Id) float64 { return x.best[x.g.slot[x.g.Find(id)]] }

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
		n := x.node[x.g.slot[id]]
		for k := 0; k < x.g.lang.Arity(n.Op); k++ {
			n.Args[k] = build(n.Args[k])
		}
		e.Nodes = append(e.Nodes, n)
		memo[id] = Id(len(e.Nodes) - 1)
		return memo[id]
	}
	id = x.g.Find(id)
	if b := x.best[x.g.slot[id]]; math.IsInf(b, 1) {
		return Expr{}, b
	}
	build(id)
	return e, x.best[x.g.slot[id]]
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
		if ch[id] != nil || math.IsInf(tree.best[g.slot[id]], 1) {
			return
		}
		n := tree.node[g.slot[id]]
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
	// A cost is asked about e-nodes, whose children are classes (InstrCost
	// looks at them): while e's subterms are in g, each node is costed as
	// the e-node it is there.
	var cls []Id
	if g != nil {
		cls = make([]Id, len(e.Nodes))
	}
	total := 0.0
	for i, n := range e.Nodes {
		en := n
		if cls != nil {
			for k := 0; k < l.Arity(n.Op); k++ {
				en.Args[k] = cls[n.Args[k]]
			}
			if id, ok := g.Lookup(en); ok {
				cls[i] = id
				g.canon(&en)
			} else {
				cls, en = nil, n
			}
		}
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
			total += cost.OpCost(g, en)
		}
	}
	return total
}
