package egraph

import (
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"
)

// patNode is one node of a pattern AST in post-order: either a variable
// or an e-node whose Args index earlier pattern nodes.
type patNode struct {
	node  Node
	isVar bool
	v     int // variable index, if isVar
}

// Pattern is a term with ?variables, written as an s-expression such as
// "(+ ?a (* ?b 0))". It is compiled once into an e-matching program (egg's
// abstract machine: Bind, Compare and Lookup instructions) and can be used
// as a searcher (left-hand side) and an applier (right-hand side).
type Pattern struct {
	lang *Language
	src  string
	ast  []patNode
	vars []string // variable names by index
	// prog is compiled on first use as a searcher: most right-hand sides
	// are only instantiated, and compiling every pattern of a rule set was
	// the larger part of building one (a third of a small run's time).
	progOnce sync.Once
	prog     program
}

// program returns the pattern's e-matching program, compiling it once.
func (p *Pattern) program() *program {
	p.progOnce.Do(func() { p.prog = compile(p.lang, [][]patNode{p.ast}, nil, &p.vars) })
	return &p.prog
}

// ParsePattern parses and compiles a pattern.
func (l *Language) ParsePattern(src string) (*Pattern, error) {
	p := &Pattern{lang: l, src: src}
	if p.parseFast() {
		return p, nil
	}
	// The general path builds an s-expression first and reports errors.
	p.ast, p.vars = nil, nil
	s, err := parseSexp(src)
	if err != nil {
		return nil, err
	}
	if _, err := p.build(s); err != nil {
		return nil, err
	}
	return p, nil
}

// parseFast parses a well-formed pattern straight into p.ast, without the
// intermediate s-expression (building the 36 math rules spent most of its
// time allocating those). It gives up, returning false, at anything
// irregular, and ParsePattern then takes the general path, which reports
// the error.
func (p *Pattern) parseFast() bool {
	p.ast = make([]patNode, 0, len(p.src)/3+1)
	p.vars = make([]string, 0, 4)
	fp := fastParser{p: p}
	if !fp.parse(0) {
		return false
	}
	fp.skip()
	if len(p.vars) == 0 {
		p.vars = nil // as the general path leaves a ground pattern
	}
	return fp.i == len(p.src)
}

type fastParser struct {
	p *Pattern
	i int
}

func (f *fastParser) skip() {
	src := f.p.src
	for f.i < len(src) && (src[f.i] == ' ' || src[f.i] == '\t' || src[f.i] == '\r' || src[f.i] == '\n') {
		f.i++
	}
}

func (f *fastParser) atom() string {
	src := f.p.src
	start := f.i
	for f.i < len(src) {
		switch src[f.i] {
		case ' ', '\t', '\r', '\n', '(', ')':
			return src[start:f.i]
		}
		f.i++
	}
	return src[start:f.i]
}

func (f *fastParser) parse(depth int) bool {
	p, src := f.p, f.p.src
	if depth > 64 {
		return false
	}
	f.skip()
	if f.i >= len(src) || src[f.i] == ')' {
		return false
	}
	if src[f.i] != '(' {
		a := f.atom()
		if a[0] == '?' {
			if len(a) == 1 {
				return false
			}
			p.ast = append(p.ast, patNode{isVar: true, v: p.varIndex(a)})
		} else {
			p.ast = append(p.ast, patNode{node: p.lang.leafFromAtom(a)})
		}
		return true
	}
	f.i++
	f.skip()
	if f.i >= len(src) || src[f.i] == '(' || src[f.i] == ')' {
		return false
	}
	op, ok := p.lang.byName[f.atom()]
	if !ok {
		return false
	}
	n := Node{Op: op}
	k := 0
	for {
		f.skip()
		if f.i >= len(src) {
			return false
		}
		if src[f.i] == ')' {
			f.i++
			break
		}
		if k == MaxArity || !f.parse(depth+1) {
			return false
		}
		n.Args[k] = Id(len(p.ast) - 1)
		k++
	}
	if k != p.lang.Arity(op) {
		return false
	}
	p.ast = append(p.ast, patNode{node: n})
	return true
}

// MustParsePattern is ParsePattern for patterns known at compile time; it
// panics on a syntax error.
func (l *Language) MustParsePattern(src string) *Pattern {
	p, err := l.ParsePattern(src)
	if err != nil {
		panic(err)
	}
	return p
}

func (p *Pattern) String() string { return p.src }

// Vars returns the pattern's variable names.
func (p *Pattern) Vars() []string { return p.vars }

func (p *Pattern) varIndex(name string) int {
	for i, v := range p.vars {
		if v == name {
			return i
		}
	}
	p.vars = append(p.vars, name)
	return len(p.vars) - 1
}

func (p *Pattern) build(s sexp) (int, error) {
	if !s.isList {
		if strings.HasPrefix(s.atom, "?") {
			if len(s.atom) == 1 {
				return 0, fmt.Errorf("egraph: empty variable name at offset %d of %q", s.pos, p.src)
			}
			p.ast = append(p.ast, patNode{isVar: true, v: p.varIndex(s.atom)})
		} else {
			p.ast = append(p.ast, patNode{node: p.lang.leafFromAtom(s.atom)})
		}
		return len(p.ast) - 1, nil
	}
	op, err := p.lang.opFor(s, p.src)
	if err != nil {
		return 0, err
	}
	n := Node{Op: op}
	for i, c := range s.list[1:] {
		k, err := p.build(c)
		if err != nil {
			return 0, err
		}
		n.Args[i] = Id(k)
	}
	p.ast = append(p.ast, patNode{node: n})
	return len(p.ast) - 1, nil
}

// ---- compiled e-matching program ----

type instrKind uint8

const (
	iBind instrKind = iota
	iCompare
	iLookup
	iScan
)

// instr is one machine instruction. Bind iterates the nodes of class
// reg[i] whose op is node.Op (and, for leaves, equal to node), writing the
// children to reg[out...]. Compare continues only if reg[i] == reg[j].
// Lookup looks a ground term (leaves and bound registers) up in the
// hashcons and continues only if it is class reg[i]. Scan iterates all
// classes into reg[out] (for the second and later patterns of a
// multi-pattern).
type instr struct {
	kind  instrKind
	leaf  bool
	arity uint8
	i, j  int32
	out   int32
	node  Node
	term  []lookupNode
}

// lookupNode is a node of a Lookup term: either a register (isReg) or a
// node whose children index earlier lookup nodes.
type lookupNode struct {
	isReg bool
	reg   int32
	node  Node
}

type program struct {
	instrs  []instr
	nregs   int
	varRegs []int32 // register of each variable
	rootOp  Op      // op of the first pattern's root, 0 if a variable or ground
}

// compile builds one program for a list of patterns (more than one for a
// multi-pattern, where binders[k] >= 0 names the variable the k-th pattern's
// root is bound to). It follows egg's compiler: pending pattern nodes are
// taken most-constrained first (ground, then most free variables, then
// smallest), variables bind on first sight and compare afterwards, and
// non-leaf subterms whose variables are all bound become hashcons lookups.
func compile(l *Language, pats [][]patNode, binders []int, vars *[]string) program {
	// The working arrays come from a pool: building a rule set compiles
	// thirty-odd patterns, and their scratch was a third of the
	// allocations of a small math-suite run.
	sc := compileScratch.Get().(*compileState)
	defer compileScratch.Put(sc)
	var prog program
	total := 0
	for _, ast := range pats {
		total += len(ast)
	}
	prog.instrs = make([]instr, 0, total+len(pats)) // at most one per node, plus a scan per pattern
	// v2r is the register bound to each variable, -1 while unbound.
	v2r := grown(&sc.v2r, len(*vars))
	for v := range v2r {
		v2r[v] = -1
	}
	nextReg := int32(0)
	order := sc.order[:0] // pending todos in egg's iteration order
	defer func() { sc.order = order }()
	for pi, ast := range pats {
		freeVars := grown(&sc.freeVars, len(ast))
		// One backing array holds every node's variable list (a node has
		// at most all of the pattern's variables).
		nv := len(*vars)
		backing := grown(&sc.backing, len(ast)*nv)[:0]
		size := grown(&sc.size, len(ast))
		clear(size)
		for i, pn := range ast {
			freeVars[i] = backing[len(backing) : len(backing) : len(backing)+nv]
			backing = backing[:len(backing)+nv]
			if pn.isVar {
				freeVars[i] = append(freeVars[i], pn.v)
				continue
			}
			size[i] = 1
			for k := 0; k < l.Arity(pn.node.Op); k++ {
				c := pn.node.Args[k]
				for _, v := range freeVars[c] {
					if !slices.Contains(freeVars[i], v) {
						freeVars[i] = append(freeVars[i], v)
					}
				}
				size[i] += size[c]
			}
		}
		sc.todos = sc.todos[:0]
		// A fresh table each time, as egg's compiler has: its iteration
		// order depends on how it grew.
		tbl := &sc.tbl
		*tbl = hbTable{mask: -1, hash: sc.hash}
		addTodo := func(node int, reg int32) {
			pn := ast[node]
			if pn.isVar {
				if j := v2r[pn.v]; j >= 0 {
					prog.instrs = append(prog.instrs, instr{kind: iCompare, i: reg, j: j})
				} else {
					v2r[pn.v] = reg
				}
				return
			}
			sc.todos = append(sc.todos, todo{pi, node, reg, false})
			tbl.insert(uint32(len(sc.todos) - 1))
		}
		root := len(ast) - 1
		nextOut := nextReg
		bound := -1
		if binders != nil && binders[pi] >= 0 {
			if r := v2r[binders[pi]]; r >= 0 {
				bound = int(r)
			}
		}
		if bound >= 0 {
			addTodo(root, int32(bound))
		} else {
			if len(prog.instrs) > 0 || pi > 0 {
				prog.instrs = append(prog.instrs, instr{kind: iScan, out: nextReg})
			}
			nextOut++
			addTodo(root, nextReg)
			if binders != nil && binders[pi] >= 0 {
				v2r[binders[pi]] = nextReg
			}
		}
		if pi == 0 && !ast[root].isVar {
			prog.rootOp = ast[root].node.Op
		}
		for tbl.items > 0 {
			// egg keeps pending pattern nodes in a hash map and takes the
			// last maximum in its iteration order; the same order here
			// gives the same nesting of loops, hence the same match order.
			order = tbl.appendKeys(order[:0])
			best := -1
			bestKey := [3]int{}
			for _, k := range order {
				ti := int(k)
				t := sc.todos[ti]
				nFree := 0
				for _, v := range freeVars[t.node] {
					if v2r[v] < 0 {
						nFree++
					}
				}
				g := 0
				if nFree == 0 {
					g = 1
				}
				key := [3]int{g, nFree, -size[t.node]}
				if best < 0 || key[0] > bestKey[0] || (key[0] == bestKey[0] && (key[1] > bestKey[1] || (key[1] == bestKey[1] && key[2] >= bestKey[2]))) {
					best, bestKey = ti, key
				}
			}
			t := sc.todos[best]
			tbl.remove(uint32(best))
			sc.todos[best].gone = true
			pn := ast[t.node]
			ar := l.Arity(pn.node.Op)
			if bestKey[0] == 1 && ar > 0 {
				prog.instrs = append(prog.instrs, instr{kind: iLookup, i: t.reg, term: lookupTerm(l, ast, t.node, v2r)})
				if t.node == root && pi == 0 {
					prog.rootOp = 0
				}
				continue
			}
			out := nextOut
			nextOut += int32(ar)
			in := instr{kind: iBind, i: t.reg, out: out, arity: uint8(ar), node: Node{Op: pn.node.Op}}
			if ar == 0 {
				in.leaf = true
				in.node = pn.node
			}
			prog.instrs = append(prog.instrs, in)
			for k := 0; k < ar; k++ {
				addTodo(int(pn.node.Args[k]), out+int32(k))
			}
		}
		nextReg = nextOut
	}
	prog.nregs = int(nextReg)
	prog.varRegs = make([]int32, len(*vars))
	for v := range *vars {
		prog.varRegs[v] = max(v2r[v], 0)
	}
	return prog
}

// todo is a pattern node waiting to be matched in a register.
type todo struct {
	pat, node int
	reg       int32
	gone      bool
}

// compileState is compile's scratch, kept in compileScratch between
// compilations.
type compileState struct {
	v2r      []int32
	freeVars [][]int
	backing  []int
	size     []int
	todos    []todo
	order    []Id
	tbl      hbTable

	hash func(uint32) uint64 // hashes a todo index as egg does
}

var compileScratch = sync.Pool{New: func() any {
	sc := new(compileState)
	sc.hash = func(k uint32) uint64 { return fxHashPair(uint32(sc.todos[k].node), uint32(sc.todos[k].reg)) }
	return sc
}}

// grown returns (*s)[:n], growing *s if needed; the contents are not
// cleared.
func grown[T any](s *[]T, n int) []T {
	if cap(*s) < n {
		*s = make([]T, n, 2*n)
	}
	return (*s)[:n]
}

func lookupTerm(l *Language, ast []patNode, root int, v2r []int32) []lookupNode {
	var out []lookupNode
	var rec func(i int) int
	rec = func(i int) int {
		pn := ast[i]
		if pn.isVar {
			out = append(out, lookupNode{isReg: true, reg: v2r[pn.v]})
			return len(out) - 1
		}
		n := pn.node
		for k := 0; k < l.Arity(n.Op); k++ {
			n.Args[k] = Id(rec(int(n.Args[k])))
		}
		out = append(out, lookupNode{node: n})
		return len(out) - 1
	}
	rec(root)
	return out
}

// Matches holds the matches of one searcher, each the matched class
// followed by the ids of the searcher's variables, back to back.
//
// A Searcher appends its matches to Data. The searches of this package's
// patterns run by a Runner may instead fill several segments (a search
// that outgrows its buffer continues in another rather than copying what
// it found), of which Data is the last: read matches with Len and At, and
// empty a Matches with Reset.
type Matches struct {
	Stride int
	Data   []Id
	// segs are the segments before Data, each whole matches.
	segs  [][]Id
	order []Id // if set, the class order the matches must be applied in
	// arena, if set, is where a search that outgrows Data moves to: the
	// runner gives every rule's search the free tail of one shared
	// buffer, so the matches of all rules grow one array instead of
	// thirty-six.
	arena *matchArena
	// spare, if set, is the runner's arena, whose free space inEggOrder
	// borrows as scratch (see matchArena.spare).
	spare *matchArena
	// groups, if set by inEggOrder, is the order the matches are applied
	// in: pairs of a class group's start and its length, counted in ids
	// over the segments and Data in turn.
	groups []Id
}

// Reset empties m.
func (m *Matches) Reset() {
	m.Data = m.Data[:0]
	clear(m.segs)
	m.segs = m.segs[:0]
	m.order, m.groups = nil, nil
}

// ids returns how many ids the matches take.
func (m *Matches) ids() int {
	n := len(m.Data)
	for _, s := range m.segs {
		n += len(s)
	}
	return n
}

// span calls f with the matches whose ids are at [lo, hi) over the
// segments and Data in turn, one match at a time.
func (m *Matches) span(lo, hi int, f func([]Id)) {
	st := m.Stride
	for k := 0; k <= len(m.segs) && lo < hi; k++ {
		seg := m.Data
		if k < len(m.segs) {
			seg = m.segs[k]
		}
		if lo >= len(seg) {
			lo, hi = lo-len(seg), hi-len(seg)
			continue
		}
		e := min(hi, len(seg))
		for j := lo; j+st <= e; j += st {
			f(seg[j : j+st])
		}
		lo, hi = 0, hi-len(seg)
	}
}

// matchArena holds the matches of all rules of an iteration back to
// back, in chunks that are kept from one iteration to the next. Each
// search fills the free tail of a chunk: the smallest one with room for
// as many matches as the rule had the last time it was searched (and a
// quarter more), else the one with the most room. A search that
// outgrows its tail leaves what it found there, as a segment of its
// matches, and goes on in another chunk's tail with room for as many
// again, or in a new chunk at least half as large as all the chunks
// together. So nothing is copied, and a chunk's space is lost to an
// iteration only where searches did not fill it. (Before, searches
// filled the chunks in order and one that moved on left the rest of the
// chunk it passed empty: on poly8 with backoff the chunks reached 2.1M
// ids, 8.4 MB, for at most 0.49M ids of matches in an iteration.)
type matchArena struct {
	chunks [][]Id // their length is the part taken this iteration
	cur    int    // chunk the current search fills, -1 if none
	// segs are the chunks and former lengths of the segments the current
	// search has filled and left, taken at once so that it does not move
	// into them; keep gives them back if the search is discarded.
	segs []segTaken
}

// segTaken is a segment a search filled and left: chunk k, which was of
// length from before it.
type segTaken struct{ k, from int }

// reset starts an iteration: the previous matches are applied.
func (a *matchArena) reset() {
	for k := range a.chunks {
		a.chunks[k] = a.chunks[k][:0]
	}
}

// pick returns the chunk other than skip with the least room of at least
// n ids, or if there is none and most is set, the chunk with the most
// room; -1 if there is no such chunk.
func (a *matchArena) pick(n, skip int, most bool) int {
	fit, big := -1, -1
	for k, c := range a.chunks {
		if k == skip {
			continue
		}
		f := cap(c) - len(c)
		if f >= n && (fit < 0 || f < cap(a.chunks[fit])-len(a.chunks[fit])) {
			fit = k
		}
		if big < 0 || f > cap(a.chunks[big])-len(a.chunks[big]) {
			big = k
		}
	}
	if fit >= 0 || !most {
		return fit
	}
	return big
}

// take gives m the free tail of a chunk to search into; hint is how many
// ids the rule's matches took the last time.
func (a *matchArena) take(m *Matches, hint int) {
	m.arena, m.spare = a, a
	m.Reset()
	m.Data = nil
	a.cur = a.pick(max(hint+hint/4, 64), -1, true)
	if a.cur >= 0 {
		c := a.chunks[a.cur]
		m.Data = c[len(c):len(c)]
	}
}

// keep records m's matches as taken, if they are in the current chunk's
// tail.
func (a *matchArena) keep(m *Matches) {
	m.arena = nil
	segs := a.segs
	a.segs = a.segs[:0]
	if m.ids() == 0 {
		// Discarded (a backoff scheduler's threshold): the segments it
		// left are free again. Nothing was taken after them.
		for i := len(segs) - 1; i >= 0; i-- {
			a.chunks[segs[i].k] = a.chunks[segs[i].k][:segs[i].from]
		}
		return
	}
	if len(m.Data) == 0 || a.cur < 0 {
		return
	}
	if c := a.chunks[a.cur]; len(c) < cap(c) && &m.Data[0] == &c[len(c) : len(c)+1][0] {
		a.chunks[a.cur] = c[:len(c)+len(m.Data)]
	}
}

// leave marks seg, the matches the current search put in the current
// chunk's free tail, as taken: the search continues elsewhere.
func (a *matchArena) leave(seg []Id) {
	if a.cur < 0 || len(seg) == 0 {
		return
	}
	c := a.chunks[a.cur]
	a.segs = append(a.segs, segTaken{a.cur, len(c)})
	a.chunks[a.cur] = c[:len(c)+len(seg)]
}

// next makes another chunk with room for n ids current, adding one if
// none has room, and returns its free tail, empty.
func (a *matchArena) next(n int) []Id {
	k := a.pick(n, a.cur, false)
	if k < 0 {
		total := 0
		for _, c := range a.chunks {
			total += cap(c)
		}
		c, _ := matchChunks.getAtLeast(max(n, total/2))
		a.chunks = append(a.chunks, c)
		k = len(a.chunks) - 1
	}
	a.cur = k
	c := a.chunks[k]
	return c[len(c):len(c)]
}

// release hands the chunks to the package's pool: every match in them
// has been applied, and the next run (of any runner) reuses them.
func (a *matchArena) release() {
	for _, c := range a.chunks {
		matchChunks.put(c)
	}
	a.chunks = nil
}

// free drops the chunks, releasing those mapped by hand (manualFree; the
// others are left to the collector): a large run's buffers, pooled, would
// only raise the next large run's peak.
func (a *matchArena) free() {
	for _, c := range a.chunks {
		manualFree(c)
	}
	*a = matchArena{}
}

// spare returns n ids of scratch from the arena's free space (the tail
// of a chunk), adding a chunk of n if none has room. It is for
// ordering matches (inEggOrder) while they are applied, when no search is filling the
// arena: the space stays free for the next iteration's searches, so the
// scratch costs no memory of its own.
func (a *matchArena) spare(n int) []Id {
	if k := a.pick(n, -1, false); k >= 0 {
		c := a.chunks[k]
		return c[len(c):len(c)]
	}
	c, _ := matchChunks.getAtLeast(n)
	a.chunks = append(a.chunks, c)
	return c
}

// Len returns the number of matches.
func (m *Matches) Len() int {
	if m.Stride == 0 {
		return 0
	}
	return m.ids() / m.Stride
}

// At returns the class and the variable ids of match k.
func (m *Matches) At(k int) (Id, []Id) {
	i := k * m.Stride
	for _, seg := range m.segs {
		if i < len(seg) {
			return seg[i], seg[i+1 : i+m.Stride]
		}
		i -= len(seg)
	}
	s := m.Data[i : i+m.Stride]
	return s[0], s[1:]
}

// machine runs a program against a clean e-graph.
type machine struct {
	g      *EGraph
	prog   *program
	reg    []Id
	lookup []Id
	out    []Id
	segs   [][]Id // with an arena: the segments out filled before
	arena  *matchArena
	limit  int
}

func (m *machine) run(pc int) bool {
	instrs := m.prog.instrs
	for ; pc < len(instrs); pc++ {
		in := &instrs[pc]
		switch in.kind {
		case iBind:
			nodes := m.g.cls(m.reg[in.i]).Nodes
			op := in.node.Op
			lo := 0
			if len(nodes) > 16 {
				lo = sort.Search(len(nodes), func(k int) bool { return nodes[k].Op >= op })
			} else {
				for lo < len(nodes) && nodes[lo].Op < op {
					lo++
				}
			}
			for k := lo; k < len(nodes); k++ {
				nd := &nodes[k]
				if nd.Op != op {
					break
				}
				if in.leaf {
					if *nd != in.node {
						continue
					}
				} else {
					// Explicit stores: copy() of two or three ids is a
					// memmove call.
					r := m.reg[in.out:]
					switch in.arity {
					case 1:
						r[0] = nd.Args[0]
					case 2:
						r[0], r[1] = nd.Args[0], nd.Args[1]
					default:
						r[0], r[1], r[2] = nd.Args[0], nd.Args[1], nd.Args[2]
					}
				}
				if !m.run(pc + 1) {
					return false
				}
			}
			return true
		case iCompare:
			if m.reg[in.i] != m.reg[in.j] {
				return true
			}
		case iLookup:
			m.lookup = m.lookup[:0]
			for _, ln := range in.term {
				if ln.isReg {
					m.lookup = append(m.lookup, m.g.find(m.reg[ln.reg]))
					continue
				}
				n := ln.node
				for k := 0; k < int(m.g.lang.arity[n.Op]); k++ {
					n.Args[k] = m.lookup[n.Args[k]]
				}
				id, ok := m.g.Lookup(n)
				if !ok {
					return true
				}
				m.lookup = append(m.lookup, id)
			}
			if m.lookup[len(m.lookup)-1] != m.g.find(m.reg[in.i]) {
				return true
			}
		case iScan:
			for id := 0; id < m.g.nIds(); id++ {
				if m.g.uf[id] != Id(id) {
					continue
				}
				m.reg[in.out] = Id(id)
				if !m.run(pc + 1) {
					return false
				}
			}
			return true
		}
	}
	if len(m.out)+1+len(m.prog.varRegs) > cap(m.out) {
		m.grow()
	}
	m.out = append(m.out, m.reg[0])
	for _, r := range m.prog.varRegs {
		m.out = append(m.out, m.reg[r])
	}
	m.limit--
	return m.limit != 0
}

// grow gives the search more room. With an arena, the matches found so
// far stay where they are, as a segment, and the search goes on in
// another chunk's free tail with room for as many again; else they move
// to an array twice as large.
//
// Copying was a search's whole output again for every doubling: on
// sum20 simple 1M one rule's search found 84M ids, and copying it into
// new chunks was 3.3 s of the run (most of it the first touch of the
// new memory) and left the arena twice the size of its matches.
func (m *machine) grow() {
	if m.arena == nil {
		m.out = appendChunked(make([]Id, 0, 2*len(m.out)+256), m.out)
		return
	}
	n := len(m.out)
	for _, s := range m.segs {
		n += len(s)
	}
	if len(m.out) > 0 {
		m.arena.leave(m.out)
		m.segs = append(m.segs, m.out)
	}
	m.out = m.arena.next(n + 256)
}

// directOrderMax is the largest candidate set searched in egg's class
// order directly rather than in id order and regrouped.
const directOrderMax = 8192

// searchProgram runs prog on the candidate classes, appending at most
// limit matches to out. Candidates are the classes holding the root's op,
// or every class.
func searchProgram(g *EGraph, prog *program, limit int, out *Matches) {
	out.Stride = 1 + len(prog.varRegs)
	out.Reset()
	if limit <= 0 {
		return
	}
	// The registers are scratch space kept on the e-graph: a run searches
	// every rule every iteration, and a fresh slice each time was a fifth
	// of a small run's allocations.
	if cap(g.searchRegs) < prog.nregs+1 {
		g.searchRegs = make([]Id, prog.nregs+1+8)
	}
	m := machine{g: g, prog: prog, reg: g.searchRegs[:prog.nregs+1], out: out.Data, segs: out.segs, arena: out.arena, limit: limit}
	defer func() { out.Data, out.segs = m.out, m.segs }()
	var cands, order []Id
	switch {
	case prog.rootOp != 0 && int(prog.rootOp) >= len(g.byOp):
		return
	case prog.rootOp != 0 && g.order != nil:
		cands, order = g.order.byOpIds[prog.rootOp], g.byOp[prog.rootOp]
	case prog.rootOp != 0:
		cands = g.byOp[prog.rootOp]
	case g.order != nil:
		cands, order = g.order.allIds, g.order.all
	default:
		for id := 0; id < g.nIds(); id++ {
			if g.uf[id] != Id(id) {
				continue
			}
			m.reg[0] = Id(id)
			if !m.run(0) {
				break
			}
		}
		return
	}
	// Large candidate sets are visited in increasing id order, which walks
	// the class table sequentially; with egg's order on, the matches are
	// then applied class group by class group in egg's class order (see
	// inEggOrder). Small ones fit in cache either way and are visited in
	// egg's order directly, which needs no group list.
	// (A search limit only decides whether a rule is banned, so visiting
	// order does not change which matches survive.)
	if order != nil && len(order) <= directOrderMax {
		cands, order = order, nil
	}
	for _, id := range cands {
		m.reg[0] = id
		if !m.run(0) {
			break
		}
	}
	out.order = nil
	if order != nil && (len(m.out) > 0 || len(m.segs) > 0) {
		// Regrouping waits until the matches are applied: a backoff
		// scheduler discards searches that exceed its threshold.
		out.order = order
	}
}

// inEggOrder sets the order the matches are applied in to egg's class
// order, if the search left that pending. The matches stay where they
// are: ms.groups lists their class groups in that order.
func (ms *Matches) inEggOrder(g *EGraph) {
	ms.groups = nil
	if ms.order == nil || g.order == nil || ms.ids() > math.MaxInt32 {
		// (The group list counts in 32 bits: matches of more than 8 GB
		// are applied in the order they were found.)
		return
	}
	// The group list is scratch: from the arena's free space if the
	// runner has one, else kept on the e-graph.
	buf := func(n int) []Id {
		if ms.spare != nil {
			return ms.spare.spare(n)
		}
		if cap(g.order.scratch) < n {
			g.order.scratch = make([]Id, 0, n+n/2)
		}
		return g.order.scratch[:0]
	}
	ms.groups = g.order.groups(ms, ms.order, buf)
	ms.order = nil
}

// groups returns where the class groups of flat matches (grouped by
// class, classes in increasing id order) are, in the class order given by
// order: pairs of the group's start in data and its length, both in ids.
// It returns nil if there is one group. buf returns scratch with room for
// n ids.
//
// Before, the matches themselves were regrouped into a scratch buffer as
// large as they were and copied back: on sum20 with the simple scheduler
// and a million nodes, one rule's matches were 84M ids, so the scratch
// was 336 MB of new memory (and 1.7 s of copying into it, mostly page
// faults), where the groups take at most two ids a class.
func (o *eggOrder) groups(ms *Matches, order []Id, buf func(n int) []Id) []Id {
	// Per class (by slot, which every root has and which is dense):
	// where its group starts and how many matches it has. Only searches
	// over many classes regroup, so small e-graphs never allocate these.
	if len(o.cnt) < o.nslots {
		o.cnt = make([]int32, o.nslots+o.nslots/2)
		o.start = make([]int32, len(o.cnt))
	}
	groups, base, stride := 0, 0, ms.Stride
	for i := 0; i <= len(ms.segs); i++ {
		data := ms.Data
		if i < len(ms.segs) {
			data = ms.segs[i]
		}
		for k := 0; k < len(data); k += stride {
			sl := o.slot[data[k]]
			if o.cnt[sl] == 0 {
				o.start[sl] = int32(base + k)
				groups++
			}
			o.cnt[sl]++
		}
		base += len(data)
	}
	if groups == 1 {
		id, _ := ms.At(0)
		o.cnt[o.slot[id]] = 0
		return nil
	}
	res := buf(2 * groups)
	for _, id := range order {
		sl := o.slot[id]
		if c := o.cnt[sl]; c > 0 {
			res = append(res, Id(o.start[sl]), Id(int(c)*stride))
			o.cnt[sl] = 0
		}
	}
	return res
}

// Search appends to out the matches of p in g (at most limit of them;
// limit <= 0 means no limit). g must be clean (rebuilt).
func (p *Pattern) Search(g *EGraph, limit int, out *Matches) {
	if limit <= 0 {
		limit = int(^uint(0) >> 1)
	}
	searchProgram(g, p.program(), limit, out)
}

// SearchClass returns the substitutions (one []Id of variable ids each)
// under which p matches class id.
func (p *Pattern) SearchClass(g *EGraph, id Id) [][]Id {
	prog := p.program()
	m := machine{g: g, prog: prog, reg: make([]Id, prog.nregs+1), limit: int(^uint(0) >> 1)}
	m.reg[0] = g.Find(id)
	m.run(0)
	var res [][]Id
	stride := 1 + len(prog.varRegs)
	for k := 0; k+stride <= len(m.out); k += stride {
		res = append(res, m.out[k+1:k+stride])
	}
	return res
}

// instantiate adds the pattern's term with variables replaced by subst
// (indexed as vars) and returns its class. buf is scratch space.
func (p *Pattern) instantiate(g *EGraph, subst []Id, varMap []int, buf []Id) (Id, []Id) {
	buf = buf[:0]
	for _, pn := range p.ast {
		if pn.isVar {
			buf = append(buf, subst[varMap[pn.v]])
			continue
		}
		n := pn.node
		for k := 0; k < int(g.lang.arity[n.Op]); k++ {
			n.Args[k] = buf[n.Args[k]]
		}
		buf = append(buf, g.Add(n))
	}
	return buf[len(buf)-1], buf
}
