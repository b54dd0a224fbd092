package egraph

import (
	"math/bits"
	"runtime"
	"slices"
)

// EClass is an equivalence class of e-nodes. After Rebuild its Nodes are
// canonical, sorted and free of duplicates. The e-graph reuses the arrays
// of merged classes' lists, so a Nodes slice read from a class is valid
// only until the next Union or Rebuild.
type EClass struct {
	// Nodes are the e-nodes of the class.
	Nodes []Node
	// parents are the ids of the e-nodes (by creation id, see EGraph.nodes)
	// that have this class as a child. Like egg's parent lists they are
	// never deduplicated, and their length decides which class survives a
	// union.
	parents []Id
}

// EGraph is an e-graph: a hashcons of e-nodes, a union-find over class ids,
// and the classes themselves, with egg's deferred invariant maintenance:
// Add and Union leave congruence and analysis data partly stale, and
// Rebuild restores both in one pass.
//
// Every class id is created together with exactly one e-node (the node
// that created it), found through ent[id]; parent lists, the rebuild
// worklists and explanations refer to e-nodes by that id.
type EGraph struct {
	// The per-id tables are in a separate record that goes back to the
	// package's pools when the e-graph is collected (see recycle.go).
	*tables
	lang     *Language
	analysis Analysis
	// classes are stored by slot, and slot maps a root id to its slot:
	// a merged class's slot is reused, so dead ids cost 4 bytes, not a
	// class record.
	classes   pagedVec[EClass]
	freeSlots []uint32
	apending  uniqueQueue
	live      int // number of classes
	clean     bool

	congruenceUnions int
	explain          *explainer
	proofLimit       int // see SetProofLimit

	nodeSlab    []Node
	slabSize    int
	parentSlab  []Id
	freeNodes   freeLists[Node]
	freeParents freeLists[Id]
	searchRegs  []Id // e-matching registers, reused by every search

	// order, if set, makes classes iterate in egg's hash-table order.
	order *eggOrder

	// A cleanup registered in New, and orderCleanup, hand the tables'
	// and the order's arrays to the package's pools when the e-graph is
	// collected (recycle.go); for a large e-graph they release the arrays
	// mapped by hand (manual.go) and leave the rest to the collector. A
	// registered cleanup keeps its argument reachable until it has run,
	// so a large e-graph's tables on the collected heap outlive it by one
	// collection; its largest arrays are not on that heap.
	orderCleanup   runtime.Cleanup
	orderCleanupOn bool
}

// tables are the e-graph's pointer-free per-id and per-node tables, the
// bulk of its memory. Nothing outside the e-graph refers to them, so when
// the e-graph is collected they are recycled (recycleTables).
type tables struct {
	uf []Id
	// ent is, for each id, the index of a hashcons entry whose node is
	// the id's e-node as it was canonical at some point (at creation, or
	// when rebuilding last re-inserted it): rebuilding reads an e-node
	// from there and re-canonicalises it, so the e-node is not stored a
	// second time per id.
	ent     pagedVec[uint32]
	slot    []uint32
	memo    memoTable // hashcons, keeps stale entries as egg's memo does
	pending []Id
	byOp    [][]Id // classes holding a node with each op, rebuilt each Rebuild
}

// eggOrder mirrors egg's class map and per-operator class sets.
type eggOrder struct {
	classes *hbTable
	byOp    []*hbTable
	all     []Id // classes in map order, as of the last Rebuild
	// byOpIds and allIds are the same sets in increasing id order, for
	// searching; scratch, start and cnt serve groups.
	byOpIds    [][]Id
	allIds     []Id
	scratch    []Id
	start, cnt []int32  // by class slot, allocated by the first groups call
	mask       []uint64 // by class slot
	slot       []uint32 // the e-graph's id -> slot map
	nslots     int      // class slots in use, as of the last Rebuild
}

// SetEggOrder chooses the order in which searches visit classes: egg's
// hash-table order (true, the default), which makes every count,
// including the hashcons size and so where node limits trip, follow egg;
// or increasing id (false), which skips maintaining the mirrored tables.
// It must be called before anything is added.
func (g *EGraph) SetEggOrder(on bool) {
	if g.orderCleanupOn {
		g.orderCleanup.Stop()
		g.orderCleanupOn = false
	}
	if on {
		g.order = &eggOrder{classes: newHBTable(fxHash32)}
		g.orderCleanup, g.orderCleanupOn = runtime.AddCleanup(g, recycleOrder, g.order), true
	} else {
		g.order = nil
	}
}

// New returns an empty e-graph over lang with an optional analysis (nil for
// none).
func New(lang *Language, analysis Analysis) *EGraph {
	g := &EGraph{tables: &tables{}, lang: lang, analysis: analysis, clean: true}
	g.memo.init(64)
	g.ent.pool = &uint32Pages
	runtime.AddCleanup(g, recycleTables, g.tables)
	g.SetEggOrder(true)
	return g
}

// Language returns the e-graph's operator table.
func (g *EGraph) Language() *Language { return g.lang }

// Analysis returns the e-graph's analysis (nil if none).
func (g *EGraph) Analysis() Analysis { return g.analysis }

// Find returns the canonical id of the class containing id.
func (g *EGraph) Find(id Id) Id {
	uf := g.uf
	for uf[id] != id {
		id = uf[id]
	}
	return id
}

// find is Find with path halving.
func (g *EGraph) find(id Id) Id {
	uf := g.uf
	for {
		p := uf[id]
		if p == id {
			return id
		}
		gp := uf[p]
		uf[id] = gp
		id = gp
	}
}

// Class returns the class with canonical id Find(id).
func (g *EGraph) Class(id Id) *EClass { return g.cls(g.find(id)) }

// cls returns the class stored for the root id.
func (g *EGraph) cls(id Id) *EClass { return g.classes.at(int(g.slot[id])) }

func (g *EGraph) nIds() int { return len(g.uf) }

// NumClasses returns the number of e-classes.
func (g *EGraph) NumClasses() int { return g.live }

// MemoSize returns the size of the hashcons, stale entries included; this
// is egg's total_size, which its node limit compares against.
func (g *EGraph) MemoSize() int { return g.memo.count }

// NumNodes returns the number of e-nodes over all classes (egg's
// total_number_of_nodes). It is exact only after Rebuild.
func (g *EGraph) NumNodes() int {
	n := 0
	for id := 0; id < g.nIds(); id++ {
		if g.uf[id] == Id(id) {
			n += len(g.cls(Id(id)).Nodes)
		}
	}
	return n
}

// NumIds returns the number of ids handed out so far (live or merged).
func (g *EGraph) NumIds() int { return len(g.uf) }

// ClassIds returns the canonical ids of all classes in increasing order.
func (g *EGraph) ClassIds() []Id {
	ids := make([]Id, 0, g.live)
	for id := range g.uf {
		if g.uf[id] == Id(id) {
			ids = append(ids, Id(id))
		}
	}
	return ids
}

// IsClean reports whether the e-graph has been rebuilt since its last
// change, which searching requires.
func (g *EGraph) IsClean() bool { return g.clean }

// CongruenceUnions returns the number of unions that rebuilding has
// performed to restore congruence (egg's "rebuilds" counter).
func (g *EGraph) CongruenceUnions() int { return g.congruenceUnions }

// canon replaces n's children by their canonical ids.
func (g *EGraph) canon(n *Node) {
	switch g.lang.arity[n.Op] {
	case 0:
	case 1:
		n.Args[0] = g.find(n.Args[0])
	case 2:
		n.Args[0] = g.find(n.Args[0])
		n.Args[1] = g.find(n.Args[1])
	default:
		n.Args[0] = g.find(n.Args[0])
		n.Args[1] = g.find(n.Args[1])
		n.Args[2] = g.find(n.Args[2])
	}
}

// Lookup returns the class of n (children need not be canonical), if n is
// in the e-graph.
func (g *EGraph) Lookup(n Node) (Id, bool) {
	g.canon(&n)
	id, ok := g.memo.get(&n)
	if !ok {
		return 0, false
	}
	return g.find(id), true
}

// LookupExpr returns the class of the term e if it is in the e-graph.
func (g *EGraph) LookupExpr(e Expr) (Id, bool) {
	ids := make([]Id, len(e.Nodes))
	for i, n := range e.Nodes {
		for k := 0; k < g.lang.Arity(n.Op); k++ {
			n.Args[k] = ids[n.Args[k]]
		}
		id, ok := g.Lookup(n)
		if !ok {
			return 0, false
		}
		ids[i] = id
	}
	return ids[len(ids)-1], true
}

// AddExpr adds the term e and returns the class of its root.
func (g *EGraph) AddExpr(e Expr) Id {
	ids := make([]Id, len(e.Nodes))
	for i, n := range e.Nodes {
		for k := 0; k < g.lang.Arity(n.Op); k++ {
			n.Args[k] = ids[n.Args[k]]
		}
		ids[i] = g.Add(n)
	}
	return ids[len(ids)-1]
}

// Add adds the e-node n (whose children are class ids) and returns its
// class. If an equal node exists (after canonicalising the children), its
// class is returned and nothing changes.
func (g *EGraph) Add(n Node) Id {
	if g.explain != nil {
		return g.addExplained(n)
	}
	g.canon(&n)
	if id, ok := g.memo.get(&n); ok {
		return g.find(id)
	}
	return g.addNew(n, n)
}

// addExplained is Add with explanations on: like egg, every distinct term
// gets its own id, so an id names one exact term (its children are exact
// ids too). A term whose canonical node exists gets a fresh id that is not
// a class, joined to the existing node by a congruence edge.
func (g *EGraph) addExplained(orig Node) Id {
	if id, ok := g.explain.exact[orig]; ok {
		return id
	}
	n := orig
	g.canon(&n)
	if k := g.memo.lookup(&n); k >= 0 {
		hit := g.memo.entry(k).id
		x := Id(len(g.uf))
		root := g.find(hit) // before growing: the old array goes to the pool
		g.uf = append(idArrays.grow(g.uf, 1, false), root)
		g.ent.push(uint32(k))
		g.slot = append(uint32Pages.grow(g.slot, 1, true), 0)
		g.explain.addTerm(x, orig)
		g.explain.link(x, hit, Justification{congruence: true})
		return x
	}
	return g.addNew(n, orig)
}

// appendDoubling appends x, doubling the capacity when full: Go's append
// grows large slices by 1.25x, which made growing the per-id tables the
// largest cost of adding nodes.
func appendDoubling[T any](s []T, x T) []T {
	if len(s) == cap(s) {
		s = appendChunked(make([]T, 0, 2*cap(s)+64), s)
	}
	return append(s, x)
}

// appendAllDoubling is appendDoubling for several elements.
func appendAllDoubling[T any](s, xs []T) []T {
	if n := len(s) + len(xs); n > cap(s) {
		s = appendChunked(make([]T, 0, max(2*cap(s)+64, n)), s)
	}
	return appendChunked(s, xs)
}

// addNew creates a class for the canonical node n; orig is the exact term
// it was added as (for explanations).
func (g *EGraph) addNew(n, orig Node) Id {
	id := Id(len(g.uf))
	g.uf = append(idArrays.grow(g.uf, 1, false), id)
	nodes, ok := g.freeNodes.reuse(1)
	if ok {
		nodes = append(nodes, n)
	} else {
		if len(g.nodeSlab) == 0 {
			// Each new class's one-node list is carved from a slab rather
			// than allocated alone.
			g.slabSize = min(max(2*g.slabSize, 32), 1024)
			g.nodeSlab = make([]Node, g.slabSize)
		}
		nodes = g.nodeSlab[:1:1]
		g.nodeSlab = g.nodeSlab[1:]
		nodes[0] = n
	}
	if k := len(g.freeSlots); k > 0 {
		s := g.freeSlots[k-1]
		g.freeSlots = g.freeSlots[:k-1]
		g.slot = append(uint32Pages.grow(g.slot, 1, true), s)
		*g.classes.at(int(s)) = EClass{Nodes: nodes}
	} else {
		g.slot = append(uint32Pages.grow(g.slot, 1, true), uint32(g.classes.len()))
		g.classes.push(EClass{Nodes: nodes})
	}
	for k := 0; k < int(g.lang.arity[n.Op]); k++ {
		c := g.cls(n.Args[k])
		if c.parents == nil {
			// A class's first parents come from the free lists or a
			// slab, like node lists.
			var ok bool
			if c.parents, ok = g.freeParents.reuse(2); !ok {
				if len(g.parentSlab) < 2 {
					g.parentSlab = make([]Id, 2048)
				}
				c.parents = g.parentSlab[:0:2]
				g.parentSlab = g.parentSlab[2:]
			}
		}
		c.parents = g.freeParents.appendOne(c.parents, id)
	}
	g.pending = append(idArrays.grow(g.pending, 1, false), id)
	_, _, k := g.memo.insert(&n, id)
	g.ent.push(uint32(k))
	g.live++
	if g.order != nil {
		g.order.classes.insertNew(uint32(id))
	}
	g.clean = false
	if g.explain != nil {
		g.explain.addTerm(id, orig)
	}
	if g.analysis != nil {
		g.analysis.Make(g, id, n)
		g.analysis.Modify(g, id)
	}
	return id
}

// Union merges the classes of a and b, reporting whether they were
// different. Congruence and analysis data are restored by Rebuild.
func (g *EGraph) Union(a, b Id) bool {
	return g.union(a, b, Justification{})
}

// UnionBecause is Union recording why the two classes are equal, for
// explanations.
func (g *EGraph) UnionBecause(a, b Id, why Justification) bool {
	return g.union(a, b, why)
}

func (g *EGraph) union(a, b Id, why Justification) bool {
	id1, id2 := g.find(a), g.find(b)
	if id1 == id2 {
		return false
	}
	if len(g.cls(id1).parents) < len(g.cls(id2).parents) {
		id1, id2 = id2, id1
	}
	if g.explain != nil {
		g.explain.link(a, b, why)
	}
	g.uf[id2] = id1
	g.live--
	if g.order != nil {
		g.order.classes.remove(uint32(id2))
	}
	g.clean = false
	c1, c2 := g.cls(id1), g.cls(id2)
	g.pending = appendChunked(idArrays.grow(g.pending, len(c2.parents), false), c2.parents)
	if g.analysis != nil {
		ch1, ch2 := g.analysis.Merge(g, id1, id2)
		if ch1 {
			g.apending.pushAll(c1.parents)
		}
		if ch2 {
			g.apending.pushAll(c2.parents)
		}
	}
	c1.Nodes = g.freeNodes.concat(c1.Nodes, c2.Nodes)
	c1.parents = g.freeParents.concat(c1.parents, c2.parents)
	c2.Nodes, c2.parents = nil, nil
	g.freeSlots = appendDoubling(g.freeSlots, g.slot[id2])
	if g.analysis != nil {
		g.analysis.Modify(g, id1)
	}
	return true
}

// dropScratch releases what only adding, merging and rebuilding use
// between calls: the rebuild worklists (empty after Rebuild), the free
// lists of dead node and parent arrays, and regrouping's tables. They
// are made again as needed. Run calls it before the collection it ends a
// large run with, so what the caller does next (extraction) reuses that
// memory: 1-2 MB on the 100,000-node rows.
func (g *EGraph) dropScratch() {
	if len(g.pending) == 0 {
		manualFree(g.pending)
		g.pending = nil
	}
	if g.apending.len() == 0 {
		g.apending = uniqueQueue{}
	}
	g.freeNodes, g.freeParents = freeLists[Node]{}, freeLists[Id]{}
	if o := g.order; o != nil {
		o.scratch, o.cnt, o.start = nil, nil, nil
	}
}

// RetainLeaves removes every non-leaf node from the class of id. Constant
// folding uses it to prune classes known to be a constant.
func (g *EGraph) RetainLeaves(id Id) {
	c := g.cls(g.find(id))
	k := 0
	for _, n := range c.Nodes {
		if g.lang.arity[n.Op] == 0 {
			c.Nodes[k] = n
			k++
		}
	}
	c.Nodes = c.Nodes[:k]
}

// Rebuild restores the e-graph invariants after Add and Union: it merges
// classes made equal by congruence, re-runs the analysis where children
// changed, and canonicalises, sorts and deduplicates every class's nodes.
// It returns the number of congruence unions performed. This is the only
// place invariants are repaired, and the runner calls it once per
// iteration.
func (g *EGraph) Rebuild() int {
	n := g.processUnions()
	g.congruenceUnions += n
	g.rebuildClasses()
	g.clean = true
	return n
}

func (g *EGraph) processUnions() int {
	unions := 0
	for len(g.pending) > 0 || g.apending.len() > 0 {
		for len(g.pending) > 0 {
			p := g.pending[len(g.pending)-1]
			g.pending = g.pending[:len(g.pending)-1]
			e := g.ent.at(int(p))
			n := g.memo.entry(int(*e)).n
			g.canon(&n)
			old, ok, k := g.memo.insert(&n, p)
			*e = uint32(k)
			if ok {
				if g.union(old, p, Justification{congruence: true}) {
					unions++
				}
			}
		}
		for g.apending.len() > 0 {
			p := g.apending.pop()
			cls := g.find(p)
			if g.analysis.MergeNode(g, cls, p, g.memo.entry(int(*g.ent.at(int(p)))).n) {
				g.apending.pushAll(g.cls(cls).parents)
				g.analysis.Modify(g, cls)
			}
		}
	}
	return unions
}

func (g *EGraph) rebuildClasses() {
	for op := range g.byOp {
		g.byOp[op] = g.byOp[op][:0]
	}
	if len(g.byOp) < len(g.lang.arity) {
		g.byOp = append(g.byOp, make([][]Id, len(g.lang.arity)-len(g.byOp))...)
	}
	ar := g.lang.arity
	o := g.order
	// With egg's order on and at most 64 operators, each class's set of
	// operators is kept as a bit mask, so the passes that need egg's order
	// do not touch the classes again.
	useMask := o != nil && len(ar) <= 64
	if useMask && len(o.mask) < g.classes.len() {
		slotArrays.put(o.mask)
		mask, _ := slotArrays.getAtLeast(g.classes.len() + g.classes.len()/2)
		o.mask = mask[:cap(mask)]
	}
	if o != nil {
		o.all = o.classes.appendKeys(o.all[:0])
		for len(o.byOp) < len(g.byOp) {
			o.byOp = append(o.byOp, newHBTable(fxHash32))
		}
		for len(o.byOpIds) < len(o.byOp) {
			o.byOpIds = append(o.byOpIds, nil)
		}
		for op, t := range o.byOp {
			t.clear()
			o.byOpIds[op] = o.byOpIds[op][:0]
		}
		o.allIds = o.allIds[:0]
	}
	// Pass 1, in id order: canonicalise, sort and deduplicate each class.
	for i := 0; i < g.nIds(); i++ {
		id := Id(i)
		if g.uf[i] != id {
			continue
		}
		c := g.cls(id)
		nodes := c.Nodes
		for k := range nodes {
			n := &nodes[k]
			switch ar[n.Op] {
			case 0:
			case 1:
				n.Args[0] = g.find(n.Args[0])
			case 2:
				n.Args[0] = g.find(n.Args[0])
				n.Args[1] = g.find(n.Args[1])
			default:
				n.Args[0] = g.find(n.Args[0])
				n.Args[1] = g.find(n.Args[1])
				n.Args[2] = g.find(n.Args[2])
			}
		}
		if len(nodes) > 1 {
			sortNodes(nodes)
			k := 1
			for j := 1; j < len(nodes); j++ {
				if nodes[j] != nodes[k-1] {
					nodes[k] = nodes[j]
					k++
				}
			}
			nodes = nodes[:k]
			c.Nodes = nodes
		}
		var mask uint64
		var prev Op
		for k := range nodes {
			if op := nodes[k].Op; op != prev {
				switch {
				case useMask:
					mask |= 1 << op
				case o == nil:
					g.byOp[op] = append(g.byOp[op], id)
				}
				prev = op
			}
		}
		if useMask {
			o.mask[g.slot[id]] = mask
			o.allIds = append(idArrays.grow(o.allIds, 1, false), id)
			for m := mask; m != 0; m &= m - 1 {
				op := bits.TrailingZeros64(m)
				o.byOpIds[op] = append(idArrays.grow(o.byOpIds[op], 1, false), id)
			}
		} else if o != nil {
			o.allIds = append(o.allIds, id)
		}
	}
	if o == nil {
		return
	}
	// Pass 2, in egg's class-map order: fill the per-operator sets the
	// way egg's rebuild does, and read their iteration order.
	for _, id := range o.all {
		if useMask {
			for m := o.mask[g.slot[id]]; m != 0; m &= m - 1 {
				o.byOp[bits.TrailingZeros64(m)].insertNew(uint32(id))
			}
			continue
		}
		var prev Op
		for _, n := range g.cls(id).Nodes {
			if n.Op != prev {
				o.byOp[n.Op].insertNew(uint32(id))
				o.byOpIds[n.Op] = append(o.byOpIds[n.Op], id)
				prev = n.Op
			}
		}
	}
	for op, t := range o.byOp {
		g.byOp[op] = t.appendKeys(g.byOp[op][:0])
		if !useMask {
			slices.Sort(o.byOpIds[op])
		}
	}
	o.slot, o.nslots = g.slot, g.classes.len()
}

func cmpNode(a, b Node) int {
	if a.Op != b.Op {
		if a.Op < b.Op {
			return -1
		}
		return 1
	}
	for k := 0; k < MaxArity; k++ {
		if a.Args[k] != b.Args[k] {
			if a.Args[k] < b.Args[k] {
				return -1
			}
			return 1
		}
	}
	return 0
}

func sortNodes(nodes []Node) {
	if len(nodes) > 12 {
		slices.SortFunc(nodes, cmpNode)
		return
	}
	for i := 1; i < len(nodes); i++ {
		x := nodes[i]
		j := i
		for j > 0 && cmpNode(nodes[j-1], x) > 0 {
			nodes[j] = nodes[j-1]
			j--
		}
		nodes[j] = x
	}
}

// uniqueQueue is a FIFO that ignores pushes of ids already queued (egg's
// UniqueQueue for the analysis worklist).
type uniqueQueue struct {
	q    []Id
	head int
	in   []bool
}

func (u *uniqueQueue) len() int { return len(u.q) - u.head }

func (u *uniqueQueue) pushAll(ids []Id) {
	for _, id := range ids {
		if int(id) >= len(u.in) {
			u.in = append(u.in, make([]bool, int(id)+1-len(u.in)+len(u.in)/2)...)
		}
		if !u.in[id] {
			u.in[id] = true
			u.q = appendDoubling(u.q, id)
		}
	}
}

func (u *uniqueQueue) pop() Id {
	id := u.q[u.head]
	u.head++
	u.in[id] = false
	if u.head == len(u.q) {
		u.q = u.q[:0]
		u.head = 0
	}
	return id
}
