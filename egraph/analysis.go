package egraph

import "math"

// Analysis attaches data to every e-class and keeps it consistent as
// classes merge (egg's Analysis). The data lives in the analysis itself, in
// tables indexed by class id, so the e-graph stores no per-class interface
// values.
//
// The e-graph calls Make when it creates class id from node n; Merge when
// class from is merged into class into (into survives); MergeNode during
// Rebuild when a child of node n changed, to fold n's freshly made data
// into its class; and Modify after Make and after every union, where the
// analysis may add nodes and unions (constant folding adds the constant
// leaf there and prunes the class).
type Analysis interface {
	Make(g *EGraph, id Id, n Node)
	// Merge reports whether into's data changed and whether from's data
	// differs from the merged result, as egg's DidMerge does; parents of
	// the changed side are re-analysed.
	Merge(g *EGraph, into, from Id) (intoChanged, fromChanged bool)
	// node is the id of n (the e-node's creation id).
	MergeNode(g *EGraph, into, node Id, n Node) (changed bool)
	Modify(g *EGraph, id Id)
}

// ConstantAnalysis is implemented by analyses that know when a class is a
// numeric constant.
type ConstantAnalysis interface {
	Constant(g *EGraph, id Id) (float64, bool)
}

// IntervalAnalysis is implemented by analyses that bound the real values a
// class can take.
type IntervalAnalysis interface {
	Interval(g *EGraph, id Id) Interval
}

// ConstFold is egg's constant-folding analysis from its math test suite:
// a class's data is an optional constant, made for constant leaves and for
// +, -, * and / (b != 0) of constant children; merging keeps an existing
// constant; and Modify adds the constant leaf to a constant class and then
// prunes every non-leaf node from it (when Prune is set).
type ConstFold struct {
	Add, Sub, Mul, Div Op
	// Prune removes non-leaf nodes from classes that have a constant.
	Prune bool
	// ExactIntegers folds only integer operands with an integer result
	// below 2^53, so every folded value is exact (for exact terms).
	ExactIntegers bool
	// val holds each class's constant, NaN for none (folding never makes
	// NaN: a NaN result is not folded). It is indexed by the class's slot
	// (see EGraph.slot), not its id: slots of merged classes are reused,
	// so the table has one entry per live class rather than one per id
	// ever handed out (a third of the size on the node-limited math rows).
	val []float64
	// witness is, with explanations on, the id of the node whose folding
	// gave each class its constant (indexed by slot, like val).
	witness []Id
}

// NewConstFold returns constant folding over the language's "+", "-", "*"
// and "/" operators (any of them may be missing), with pruning.
func NewConstFold(l *Language) *ConstFold {
	c := &ConstFold{Prune: true}
	c.Add, _ = l.Lookup("+")
	c.Sub, _ = l.Lookup("-")
	c.Mul, _ = l.Lookup("*")
	c.Div, _ = l.Lookup("/")
	return c
}

// Constant returns the constant value of class id, if it has one.
func (c *ConstFold) Constant(g *EGraph, id Id) (float64, bool) {
	v := c.val[g.slot[g.find(id)]]
	return v, v == v
}

func (c *ConstFold) fold(g *EGraph, n Node) (float64, bool) {
	if n.Op == OpConst {
		return ConstValue(n), true
	}
	if n.Op < firstUserOp {
		return 0, false
	}
	switch n.Op {
	case c.Add, c.Sub, c.Mul, c.Div:
	default:
		return 0, false
	}
	x, y := c.val[g.slot[g.find(n.Args[0])]], c.val[g.slot[g.find(n.Args[1])]]
	if x != x || y != y {
		return 0, false
	}
	var v float64
	switch n.Op {
	case c.Add:
		v = x + y
	case c.Sub:
		v = x - y
	case c.Mul:
		v = x * y
	default:
		if y == 0 {
			return 0, false
		}
		v = x / y
	}
	if math.IsNaN(v) {
		return 0, false
	}
	if c.ExactIntegers && (x != math.Trunc(x) || y != math.Trunc(y) || v != math.Trunc(v) || math.Abs(v) >= 1<<53) {
		return 0, false
	}
	return v, true
}

func (c *ConstFold) Make(g *EGraph, id Id, n Node) {
	v, ok := c.fold(g, n)
	if !ok {
		v = math.NaN()
	}
	s := g.slot[id]
	for int(s) >= len(c.val) {
		c.val = appendDoubling(c.val, math.NaN())
	}
	c.val[s] = v
	if g.explain != nil {
		for int(s) >= len(c.witness) {
			c.witness = appendDoubling(c.witness, 0)
		}
		c.witness[s] = id
	}
}

func (c *ConstFold) Merge(g *EGraph, into, from Id) (bool, bool) {
	si, sf := g.slot[into], g.slot[from]
	a, b := c.val[si], c.val[sf]
	switch {
	case a != a && b == b:
		c.val[si] = b
		if g.explain != nil {
			c.witness[si] = c.witness[sf]
		}
		return true, false
	case a == a && b != b:
		return false, true
	}
	return false, false
}

func (c *ConstFold) MergeNode(g *EGraph, into, node Id, n Node) bool {
	v, ok := c.fold(g, n)
	si := g.slot[into]
	if ok && c.val[si] != c.val[si] {
		c.val[si] = v
		if g.explain != nil {
			c.witness[si] = node
		}
		return true
	}
	return false
}

func (c *ConstFold) Modify(g *EGraph, id Id) {
	id = g.find(id)
	v := c.val[g.slot[id]]
	if v != v {
		return
	}
	added := g.Add(ConstNode(v))
	if g.explain != nil {
		// The witness node folds to v once its children are rewritten to
		// their constants; explanations expand that step.
		g.UnionBecause(c.witness[g.slot[id]], added, Justification{Rule: "constant-fold", fold: true})
	} else {
		g.UnionBecause(id, added, Justification{Rule: "constant-fold"})
	}
	if c.Prune {
		g.RetainLeaves(id)
	}
}
