package symbolic

import (
	"math"
	"math/bits"
	"runtime"
	"sync"
	"sync/atomic"
	"unsafe"
	"weak"
)

// Kind is the representation class of an Expr.
type Kind uint8

// Representation classes, in canonical sort order.
const (
	KNum  Kind = iota // a constant: exact integer/rational or float
	KBool             // true or false (the result of folded comparisons)
	KSym              // a symbol
	KMul              // coefficient * Π base^exponent (polynomial form)
	KPow              // base ^ exponent (a single factor)
	KAdd              // constant + Σ coefficient*term (polynomial form)
	KCall             // a function, comparison, logical operator, ifelse or derivative
)

// Op names the operation of an Expr: for KCall the function; for the other
// kinds the kind itself, so that every term has an Op.
type Op uint8

// Operations. The order is part of the canonical sort order of calls.
const (
	OpNum Op = iota
	OpBool
	OpSym
	OpMul
	OpPow
	OpAdd
	// Functions.
	OpSin
	OpCos
	OpTan
	OpAsin
	OpAcos
	OpAtan
	OpAtan2
	OpSinh
	OpCosh
	OpTanh
	OpExp
	OpLog
	OpLog1p
	OpSqrt // only as an operation name: sqrt(x) is built as x^(1/2)
	OpCbrt
	OpAbs
	OpSign
	OpMin
	OpMax
	OpFloor
	OpCeil
	// Comparisons.
	OpLt
	OpLe
	OpGt
	OpGe
	OpEq
	OpNe
	// Logic.
	OpAnd
	OpOr
	OpNot
	OpIfElse
	// OpDiff is an unevaluated derivative: Diff(f, x).
	OpDiff
	// OpFunc is a call of a user-named function with no built-in meaning.
	OpFunc
	opCount
)

var opNames = [opCount]string{
	OpNum: "num", OpBool: "bool", OpSym: "sym", OpMul: "*", OpPow: "^", OpAdd: "+",
	OpSin: "sin", OpCos: "cos", OpTan: "tan", OpAsin: "asin", OpAcos: "acos",
	OpAtan: "atan", OpAtan2: "atan2", OpSinh: "sinh", OpCosh: "cosh", OpTanh: "tanh",
	OpExp: "exp", OpLog: "log", OpLog1p: "log1p", OpSqrt: "sqrt", OpCbrt: "cbrt",
	OpAbs: "abs", OpSign: "sign", OpMin: "min", OpMax: "max", OpFloor: "floor",
	OpCeil: "ceil", OpLt: "<", OpLe: "<=", OpGt: ">", OpGe: ">=", OpEq: "==",
	OpNe: "!=", OpAnd: "&&", OpOr: "||", OpNot: "!", OpIfElse: "ifelse",
	OpDiff: "Differential", OpFunc: "func",
}

// String returns the operator or function name.
func (o Op) String() string {
	if o < opCount {
		return opNames[o]
	}
	return "?"
}

// funcArity gives the number of arguments of each built-in function; -1 is variadic (≥ 1).
var funcArity = map[string]struct {
	op    Op
	arity int
}{
	"sin": {OpSin, 1}, "cos": {OpCos, 1}, "tan": {OpTan, 1}, "asin": {OpAsin, 1},
	"acos": {OpAcos, 1}, "atan": {OpAtan, 1}, "atan2": {OpAtan2, 2}, "sinh": {OpSinh, 1},
	"cosh": {OpCosh, 1}, "tanh": {OpTanh, 1}, "exp": {OpExp, 1}, "log": {OpLog, 1},
	"log1p": {OpLog1p, 1}, "sqrt": {OpSqrt, 1}, "cbrt": {OpCbrt, 1}, "abs": {OpAbs, 1},
	"sign": {OpSign, 1}, "min": {OpMin, -1}, "max": {OpMax, -1}, "floor": {OpFloor, 1},
	"ceil": {OpCeil, 1}, "ifelse": {OpIfElse, 3},
}

// LookupFunc returns the built-in function of that name and its arity
// (-1 for variadic), or false.
func LookupFunc(name string) (Op, int, bool) {
	f, ok := funcArity[name]
	return f.op, f.arity, ok
}

// FuncNames lists the built-in function names (sorted), for completion and hints.
func FuncNames() []string {
	return []string{"abs", "acos", "asin", "atan", "atan2", "cbrt", "ceil", "cos", "cosh",
		"exp", "floor", "ifelse", "log", "log1p", "max", "min", "sign", "sin", "sinh",
		"sqrt", "tan", "tanh"}
}

// Expr is an immutable, hash-consed symbolic term. Two structurally equal
// terms are the same pointer, so == is structural equality.
//
// Sums and products are in polynomial form:
//
//	KAdd: num + Σ coef[i]*args[i]   (args sorted, none numeric, none a sum,
//	                                  none a product with a coefficient ≠ 1)
//	KMul: num * Π args[i]^exps[i]   (args sorted, none a product)
//	KPow: args[0]^args[1]           (a single factor)
//
// Create terms only with the constructors of this package.
type Expr struct {
	hash  uint64
	kind  Kind
	op    Op
	flags uint8 // flagTwin
	// fresh is 1 while no node has this one as a child (read and cleared
	// atomically; see hasFresh). It takes padding: a node stays 64 bytes.
	fresh uint32
	num   Number  // KNum value; KAdd constant; KMul coefficient; KBool 0/1; KSym order key (symOrderKey)
	args  []*Expr // children (see above)
	// aux points at the first element of an array as long as args (the
	// coefficients, Number, of a KAdd; the exponents, *Expr, of a KMul),
	// or at the name (a string) of a symbol or a named call; nil for
	// every other node. One pointer instead of two slice headers and a
	// string makes a node 64 bytes, one cache line (it was 128): fewer
	// bytes to allocate, fault in, scan and bring into cache per term.
	// Read it only through coef, exps and name.
	aux unsafe.Pointer
}

// name returns the name of a symbol or named call, else "".
func (e *Expr) name() string {
	if (e.kind == KSym || e.kind == KCall) && e.aux != nil {
		return *(*string)(e.aux)
	}
	return ""
}

// namePtr makes the aux pointer of a name ("" has none).
func namePtr(name string) unsafe.Pointer {
	if name == "" {
		return nil
	}
	p := new(string)
	*p = name
	return unsafe.Pointer(p)
}

// coef returns the coefficients of a sum's terms (nil for other kinds).
func (e *Expr) coef() []Number {
	if e.kind != KAdd || e.aux == nil {
		return nil
	}
	return unsafe.Slice((*Number)(e.aux), len(e.args))
}

// exps returns the exponents of a product's bases (nil for other kinds).
func (e *Expr) exps() []*Expr {
	if e.kind != KMul || e.aux == nil {
		return nil
	}
	return unsafe.Slice((**Expr)(e.aux), len(e.args))
}

// coefsPtr and expsPtr make the aux pointer of a node's coefficient or
// exponent slice, which must be as long as its args (checked: a shorter
// slice would let coef and exps read past its end).
func coefsPtr(args []*Expr, c []Number) unsafe.Pointer {
	if len(c) != len(args) {
		panic("symbolic: coefficients and terms differ in length")
	}
	return unsafe.Pointer(unsafe.SliceData(c))
}

func expsPtr(args, x []*Expr) unsafe.Pointer {
	if len(x) != len(args) {
		panic("symbolic: exponents and bases differ in length")
	}
	return unsafe.Pointer(unsafe.SliceData(x))
}

// Kind returns the representation class.
func (e *Expr) Kind() Kind { return e.kind }

// Op returns the operation.
func (e *Expr) Op() Op { return e.op }

// Hash returns the cached structural hash (deterministic across runs).
func (e *Expr) Hash() uint64 { return e.hash }

// Name returns the name of a symbol or user function, else "".
func (e *Expr) Name() string { return e.name() }

// IsNumber reports whether e is a constant, and returns it.
func (e *Expr) IsNumber() (Number, bool) {
	if e.kind != KNum {
		return Number{}, false
	}
	return e.num, true
}

// IsSymbol reports whether e is a symbol.
func (e *Expr) IsSymbol() bool { return e.kind == KSym }

// IsZero reports whether e is the exact constant 0.
func (e *Expr) IsZero() bool { return e.kind == KNum && e.num.k() == numInt && e.num.i == 0 }

// IsOne reports whether e is the exact constant 1.
func (e *Expr) IsOne() bool { return e.kind == KNum && e.num.IsOne() }

// BoolValue reports whether e is true or false, and which.
func (e *Expr) BoolValue() (value, ok bool) { return e.num.i == 1, e.kind == KBool }

// AddParts returns the polynomial form of a sum: constant, terms and
// their coefficients. The slices are shared: do not modify them.
func (e *Expr) AddParts() (constant Number, terms []*Expr, coefs []Number) {
	if e.kind != KAdd {
		return Number{}, e.args, e.coef()
	}
	return e.num, e.args, e.coef()
}

// MulParts returns the polynomial form of a product: coefficient, bases and
// exponents. The slices are shared: do not modify them.
func (e *Expr) MulParts() (coef Number, bases []*Expr, exps []*Expr) {
	if e.kind != KMul {
		return Number{}, e.args, e.exps()
	}
	return e.num, e.args, e.exps()
}

// PowParts returns base and exponent of a power.
func (e *Expr) PowParts() (base, exp *Expr) { return e.args[0], e.args[1] }

// CallArgs returns the arguments of a call (shared: do not modify).
func (e *Expr) CallArgs() []*Expr { return e.args }

// ---- hash-consing -------------------------------------------------------

// The intern table maps structural hashes to nodes held weakly, so terms
// that nobody references are reclaimed by the garbage collector; entries
// of dead nodes are dropped when a shard's table is rebuilt.
//
// Leaves (symbols and constants: nodes without children) live in slabs
// of slabSize, and a shard holds one weak pointer per slab rather than
// one per leaf: a weak handle costs several times what the node does. A
// slab stays alive while any one of its leaves is referenced, which keeps
// at most its other seven leaves alive too.
//
// Closed nodes, with at most flatRoom pointers of arrays, live in flat
// slabs of 16 or 32 nodes, their arrays in the slab's own room. A node is
// closed in a slab if each of its children is a leaf or a node of that
// same slab: x·y², sin(x) and the monomials of an expansion always are
// (their children are leaves), and so is sin(x)·y when sin(x) was made
// just before it, through the same cursor (see closedSlots). A live flat
// slab keeps its own nodes and their leaves alive, and nothing more, as
// leaves keep nothing alive. A node in a flat slab never points into
// another slab (it copies arrays it is given into its own).
//
// Every other node is an object of its own, with its own weak handle, and
// holds its short arrays inline. Grouping such nodes would not be sound: a
// live group is traced whole, so its dead nodes would keep their children
// alive, those children's groups theirs, and so on; with slabs of mixed
// nodes and shared arrays of children, building and dropping Σ i·x_i·y_i²
// with fresh symbols kept every generation alive (TestReclamationDeep).
// The one such group kept is a product built with a coefficient and its
// coefficient-free copy (twinPair): the two have the same children, so
// neither keeps anything alive the other would not. A flat twin takes two
// adjacent slots of a flat slab instead.
//
// Each shard's table is open addressing with linear probing over 16-byte
// entries: the hash (its low bits, which every entry of a shard shares,
// replaced by the node's slot in its object) and the weak pointer to the
// object's first node. A control byte per entry, in an array of its own,
// holds seven bits of the hash, so a lookup that misses (every new term)
// reads that array, sixteen times smaller than the entries, and no entry.
// New nodes with a fresh child need no lookup at all, and their entries
// wait in a short list to go into the table together (pend).
// It replaced a Go map of weak entries: the map's larger slots and its
// growth churn doubled the memory the table touched, and a lookup now
// touches three cache lines (entry, weak handle, node).
const (
	shardCount = 64
	shardBits  = 6 // log2(shardCount): the shard takes the hash's low bits
	slabSize   = 8
	minTable   = 1 << 6
	keyMask    = ^uint64(shardCount - 1)
)

type slab [slabSize]Expr

// flatRoom is the number of array pointers a node of a flat slab holds
// inline.
const flatRoom = 8

// A flat slab holds nodes and room for their arrays, taken in order (a
// twin pair's copy and product share theirs). It comes in two shapes, each
// filling a size class of the allocator exactly with its 8-byte type
// header: roomy, 16 nodes and 95 pointers (1,792 bytes), where fifteen
// monomials in x, y, z (three factors and exponents each) fit; and dense,
// 32 nodes and 79 pointers (2,688 bytes), for nodes with short arrays
// (x_i^2, then i·x_i·y_i^2 and its copy, two pointers a node): 84 bytes a
// node rather than 112, and one weak handle for twice the nodes. A cursor
// takes a dense slab next when the nodes of its last one took no more
// room each than a dense slab has, else a roomy one.
type (
	flatSlab struct {
		n [16]Expr
		a [95]*Expr
	}
	denseSlab struct {
		n [32]Expr
		a [79]*Expr
	}
)

// tabEntry locates an interned node; a zero wp marks an empty entry.
type tabEntry struct {
	key uint64             // hash&keyMask | slot of the node in its object
	wp  weak.Pointer[Expr] // the object's first node
}

// Interior nodes with their arrays inline (nodeN holds N pointers:
// children, then exponents), and a twin pair: a coefficient-free product
// and the same product with a coefficient, sharing the arrays.
type (
	node2 struct {
		e Expr
		a [2]*Expr
	}
	node4 struct {
		e Expr
		a [4]*Expr
	}
	node8 struct {
		e Expr
		a [8]*Expr
	}
	twinPair struct {
		c, p Expr
		a    [4]*Expr
	}
)

type shard struct {
	mu    sync.Mutex
	tab   []tabEntry // power-of-two length
	ctrl  []uint8    // per entry of tab: 0 if empty, else fingerprint(key)
	used  int        // non-empty entries, live or dead
	c     cursor     // for nodes made while another goroutine holds the shared cursor
	epoch uint64     // gcEpoch at the last rebuild

	// New nodes with a fresh child wait here, up to pendCap of them,
	// before their entries go into tab (see pend).
	npend int
	pmask uint64 // bit h>>58 set for the hash h of every waiting node
	ph    [pendCap]uint64
	pe    [pendCap]tabEntry
}

// pendCap is how many new nodes a shard keeps waiting for their entries.
const pendCap = 16

// pendIdx is the table index lookup returns for a candidate with a
// fresh child: its entry is to wait (pend), not go to an index.
const pendIdx = ^uint64(0)

var table = newTable()

func newTable() *[shardCount]shard {
	var t [shardCount]shard
	for i := range t {
		t[i].tab = make([]tabEntry, minTable)
		t[i].ctrl = make([]uint8, minTable)
	}
	return &t
}

// node returns the node of a table entry, or nil if its object was
// collected. The slot is within the object (a slab or a twin pair).
func (en tabEntry) node() *Expr {
	p := en.wp.Value()
	if p == nil {
		return nil
	}
	return (*Expr)(unsafe.Add(unsafe.Pointer(p), uintptr(en.key&^keyMask)*unsafe.Sizeof(Expr{})))
}

// A cursor is where new nodes go: the leaf slab and the flat slab being
// filled (held strongly until full). Nodes go through one shared cursor,
// in the order they are made, whatever their shards: nodes made one after
// the other (a power, the product holding its base, a sum's next term)
// then sit side by side, and later passes over them read memory in order
// (measured: the repeated 10^5 sum build and ^100 cold 10-30 % faster
// than with a cursor per shard; a sync.Pool of cursors gave half that).
// When another goroutine holds the shared cursor, a node goes through its
// shard's own cursor instead, under the shard's lock, so parallel
// construction never waits for it; while this package builds a result on
// several cores (parallelBuilds > 0) every node does, as workers taking
// turns at one cursor would pass its cache lines between cores at every
// node (measured: ^100 cold 5-10 % slower, 1k more page faults).
type cursor struct {
	leaf   *slab
	leafWP weak.Pointer[Expr]
	next   int
	flat   []Expr  // the nodes of the flat slab being filled
	room   []*Expr // its room for arrays
	flWP   weak.Pointer[Expr]
	flNxt  int
	flA    int // room taken
}

// newFlat starts a flat slab, dense or roomy by how the last one filled.
func (c *cursor) newFlat() {
	// Dense if the last slab's nodes took no more room a node than a dense
	// slab has.
	if c.flat != nil && c.flA*32 <= 79*c.flNxt {
		sl := new(denseSlab)
		c.flat, c.room = sl.n[:], sl.a[:]
	} else {
		sl := new(flatSlab)
		c.flat, c.room = sl.n[:], sl.a[:]
	}
	c.flWP = weak.Make(&c.flat[0])
	c.flNxt, c.flA = 0, 0
}

var shared struct {
	mu sync.Mutex
	c  cursor
}

// parallelBuilds counts this package's constructions running on several
// goroutines (see cursor).
var parallelBuilds atomic.Int32

// cursorFor returns the cursor to use and whether it is the shared one
// (to be released with shared.mu.Unlock). Caller holds s.mu.
func (s *shard) cursorFor() (*cursor, bool) {
	if parallelBuilds.Load() == 0 && shared.mu.TryLock() {
		return &shared.c, true
	}
	return &s.c, false
}

// leafSlot returns a fresh leaf slot and its table entry. Caller holds
// s.mu.
func (s *shard) leafSlot(hash uint64) (*Expr, tabEntry) {
	c, sh := s.cursorFor()
	if c.leaf == nil || c.next == slabSize {
		c.leaf = new(slab)
		c.leafWP = weak.Make(&c.leaf[0])
		c.next = 0
	}
	p := &c.leaf[c.next]
	en := tabEntry{hash&keyMask | uint64(c.next), c.leafWP}
	c.next++
	if sh {
		shared.mu.Unlock()
	}
	return p, en
}

// closedSlots returns k (1 or 2) fresh adjacent slots of a flat slab,
// the first one's table entry, and room for n array pointers (n ≤
// flatRoom), if every node of args and exps is a leaf or a node of that
// same slab; else ok is false and nothing is taken. Caller holds s.mu.
//
// A slab whose nodes have no children but leaves and nodes of the slab
// itself keeps nothing alive beyond itself and leaves, so grouping its
// nodes under one weak handle is sound. Nodes made bottom-up, one after
// the other through the shared cursor (sin(x), then sin(x)*y, then a sum
// of such terms), land in one slab.
func (s *shard) closedSlots(hash uint64, k, n int, args, exps []*Expr) (p *Expr, en tabEntry, room []*Expr, ok bool) {
	c, sh := s.cursorFor()
	full := c.flat == nil || c.flNxt+k > len(c.flat) || c.flA+n > len(c.room)
	if ok = closedIn(c.flat, full, args) && closedIn(c.flat, full, exps); ok {
		if full {
			c.newFlat()
		}
		i, a := c.flNxt, c.flA
		c.flNxt += k
		c.flA += n
		p, en, room = &c.flat[i], tabEntry{hash&keyMask | uint64(i), c.flWP}, c.room[a:a+n:a+n]
	}
	if sh {
		shared.mu.Unlock()
	}
	return p, en, room, ok
}

// closedIn reports whether every node of xs is a leaf or, unless the slab
// is full (the node will go into a new one), a node of sl.
func closedIn(sl []Expr, full bool, xs []*Expr) bool {
	for _, a := range xs {
		if len(a.args) == 0 {
			continue
		}
		if full || sl == nil {
			return false
		}
		off := uintptr(unsafe.Pointer(a)) - uintptr(unsafe.Pointer(&sl[0]))
		if off >= uintptr(len(sl))*unsafe.Sizeof(Expr{}) {
			return false
		}
	}
	return true
}

// store writes e into a new node (a slot of a leaf or flat slab, or an
// object of its own taking e's slices) and returns it with its table
// entry. A node put in a flat slab copies its arrays into the slab: they
// may be another node's (a product shares its coefficient-free copy's),
// and a slab must not point into another slab, or a live one would keep
// that one's other nodes alive, and so on. Caller holds s.mu.
func (s *shard) store(e *Expr) (*Expr, tabEntry) {
	p, en := s.place(e)
	markNew(p)
	return p, en
}

func (s *shard) place(e *Expr) (*Expr, tabEntry) {
	if len(e.args) == 0 {
		p, en := s.leafSlot(e.hash)
		*p = *e
		return p, en
	}
	if exps := e.exps(); len(e.args)+len(exps) <= flatRoom {
		if p, en, room, ok := s.closedSlots(e.hash, 1, len(e.args)+len(exps), e.args, exps); ok {
			*p = *e
			fillArrays(p, room, e.args, exps)
			return p, en
		}
	}
	p := new(Expr)
	*p = *e
	return p, tabEntry{e.hash & keyMask, weak.Make(p)}
}

// markNew marks the new node p fresh and its children no longer fresh
// (see hasFresh). Caller holds the lock of p's shard.
func markNew(p *Expr) {
	p.fresh = 1
	adopt(p.args, p.exps())
}

// inline returns a new interior node with room for n pointers of arrays
// inline (none if n is large: the caller allocates them), and the room.
func inline(n int) (*Expr, []*Expr) {
	switch {
	case n <= 2:
		o := new(node2)
		return &o.e, o.a[:]
	case n <= 4:
		o := new(node4)
		return &o.e, o.a[:]
	case n <= 8:
		o := new(node8)
		return &o.e, o.a[:]
	}
	return new(Expr), make([]*Expr, n)
}

// fillArrays copies the scratch slices args and exps (exps may be nil)
// into room and points p's arrays there.
func fillArrays(p *Expr, room, args, exps []*Expr) {
	n := len(args)
	p.args = room[:n:n]
	copy(p.args, args)
	if exps != nil {
		x := room[n : 2*n : 2*n]
		copy(x, exps)
		p.aux = expsPtr(p.args, x)
	}
}

// find locks the shard of e and looks e up. It returns the node, or nil
// and the table index where e belongs; the shard stays locked only in
// the second case. The index is that of a dead entry with e's hash when
// there is one (a term rebuilt after its predecessor was collected takes
// its old entry back), else the empty entry ending the probe. It only
// reads e.
func find(e *Expr) (*Expr, *shard, uint64, bool) {
	s := &table[e.hash&(shardCount-1)]
	s.mu.Lock()
	v, i, reuse := s.lookup(e)
	if v != nil {
		s.mu.Unlock()
		return v, nil, 0, false
	}
	return nil, s, i, reuse
}

// lookup is find in shard s, whose lock the caller holds (and keeps).
func (s *shard) lookup(e *Expr) (*Expr, uint64, bool) {
	if hasFresh(e) {
		return nil, pendIdx, false
	}
	if s.pmask&(1<<(e.hash>>58)) != 0 {
		for k := range s.npend {
			if s.ph[k] == e.hash {
				if v := s.pe[k].node(); v != nil && structEqual(v, e) {
					return v, 0, false
				}
			}
		}
	}
	mask := uint64(len(s.tab) - 1)
	ctrl := s.ctrl[:mask+1]
	key := e.hash & keyMask
	fp := fingerprint(e.hash)
	i := (e.hash >> shardBits) & mask
	dead, reuse := uint64(0), false
	for {
		c := ctrl[i]
		if c == 0 {
			if reuse {
				return nil, dead, true
			}
			// The caller is about to make the node and store its entry
			// here: have the entry's line on its way meanwhile.
			prefetch(unsafe.Pointer(&s.tab[i]))
			return nil, i, false
		}
		if c == fp {
			if en := s.tab[i]; en.key&keyMask == key {
				v := en.node()
				if v == nil && !reuse {
					dead, reuse = i, true
				} else if v != nil && structEqual(v, e) {
					return v, 0, false
				}
			}
		}
		i = (i + 1) & mask
	}
}

// fingerprint is the control byte of an entry whose key (or hash) is h:
// its top seven bits, with the low bit set (0 marks an empty entry).
func fingerprint(h uint64) uint8 {
	return uint8(h>>56) | 1
}

// add records entry en of the new node p at table index i (replacing a
// dead entry if reuse; or among the waiting entries if i is pendIdx) and
// unlocks the shard.
func (s *shard) add(i uint64, en tabEntry, reuse bool, p *Expr) {
	s.insert(i, en, reuse, p)
	s.mu.Unlock()
}

// insert is add without the unlock.
func (s *shard) insert(i uint64, en tabEntry, reuse bool, p *Expr) {
	if i == pendIdx {
		s.pend(en, p)
		return
	}
	s.tab[i] = en
	s.ctrl[i] = fingerprint(en.key)
	if !reuse {
		s.used++
		if s.used*4 > len(s.tab)*3 {
			s.rebuild(false)
		}
	}
}

// hasFresh reports whether a child of the candidate e is fresh: a node
// that no node has as a child yet. Then e cannot be in the table, and a
// lookup need not search it. Every new node is fresh (markNew) until a
// node is made with it as a child (adopt); integers from their slabs are
// never marked, which only costs lookups. Caller holds the lock of e's
// shard: a node equal to e would be made under that lock, after adopt
// cleared its children's marks, so the marks read here are current for
// every node that could equal e; marks of other nodes' children may be
// stale, which only costs a lookup.
func hasFresh(e *Expr) bool {
	for _, a := range e.args {
		if atomic.LoadUint32(&a.fresh) != 0 {
			return true
		}
	}
	for _, a := range e.exps() {
		if atomic.LoadUint32(&a.fresh) != 0 {
			return true
		}
	}
	return false
}

// adopt clears the fresh marks of args and exps, the children of a node
// being made. Caller holds the lock of the new node's shard.
func adopt(args, exps []*Expr) {
	for _, a := range args {
		if atomic.LoadUint32(&a.fresh) != 0 {
			atomic.StoreUint32(&a.fresh, 0)
		}
	}
	for _, a := range exps {
		if atomic.LoadUint32(&a.fresh) != 0 {
			atomic.StoreUint32(&a.fresh, 0)
		}
	}
}

// pend keeps the entry en of the new node p among the shard's waiting
// entries (weakly, as the table does: a waiting entry never keeps a
// node alive), and moves them all into the table when there are
// pendCap of them.
//
// A new term of a large build usually has a fresh child (Σ i·x_i·y_i²:
// y_i², then i·x_i·y_i² and x_i·y_i² over it), so it needs no lookup,
// but its entry still needs a slot of the table, which is not in cache:
// a read from memory takes about 190 ns on the machine the package is
// measured on. Entries moved sixteen at a time have their slots' lines
// fetched together, in about the time of one. Lookups search the waiting
// entries first, behind a 64-bit filter of their hashes.
func (s *shard) pend(en tabEntry, p *Expr) {
	k := s.npend
	s.ph[k], s.pe[k] = p.hash, en
	s.pmask |= 1 << (p.hash >> 58)
	s.npend++
	if s.npend == pendCap {
		if (s.used+s.npend)*4 > len(s.tab)*3 {
			s.rebuild(false) // which moves the waiting entries
		} else {
			s.drain()
		}
	}
}

// drain moves the waiting entries into the table, which has room for
// them. Caller holds s.mu.
func (s *shard) drain() {
	mask := uint64(len(s.tab) - 1)
	for k := range s.npend {
		i := (s.ph[k] >> shardBits) & mask
		prefetch(unsafe.Pointer(&s.ctrl[i]))
		prefetch(unsafe.Pointer(&s.tab[i]))
	}
	for k := range s.npend {
		i := (s.ph[k] >> shardBits) & mask
		for s.ctrl[i] != 0 {
			i = (i + 1) & mask
		}
		en := s.pe[k]
		s.tab[i], s.ctrl[i] = en, fingerprint(en.key)
		s.pe[k] = tabEntry{}
	}
	s.used += s.npend
	s.npend, s.pmask = 0, 0
}

// twinOf returns the coefficient-free copy of the product p if p is the
// second node of a twin pair, else nil. The copy was written before p
// was, and lives as long as p does (they are one object).
func twinOf(p *Expr) *Expr {
	if p.flags&flagTwin == 0 {
		return nil
	}
	return (*Expr)(unsafe.Add(unsafe.Pointer(p), -int(unsafe.Sizeof(Expr{}))))
}

// flagTwin marks the product of a twin pair (Expr.flags): its copy is
// the node before it, in a twinPair or a flat slab. Flags take no part
// in hashing or equality.
const flagTwin = 1

// intern returns the canonical pointer for the structure of e; a new
// node takes e's slices. The candidate e itself is never retained (it may
// live on the caller's stack).
func intern(e *Expr) *Expr {
	v, s, i, reuse := find(e)
	if v != nil {
		return v
	}
	p, en := s.store(e)
	s.add(i, en, reuse, p)
	return p
}

// internCopy is intern for a candidate (without a name or coefficients)
// whose slices are scratch space: a new node gets copies of them, so
// nothing of e is retained. The number and slices come as arguments, not
// through e, so that the compiler can keep the candidate and its slices on
// the caller's stack (escape analysis does not tell the fields of e apart).
func internCopy(e *Expr, num Number, args, exps []*Expr) *Expr {
	v, s, i, reuse := find(e)
	if v != nil {
		return v
	}
	p, en := s.newCopy(e, num, args, exps)
	s.add(i, en, reuse, p)
	return p
}

// newCopy makes a node of the candidate e (without a name or
// coefficients), its number num and copies of the scratch slices args and
// exps, and returns it with its table entry. Caller holds s.mu.
func (s *shard) newCopy(e *Expr, num Number, args, exps []*Expr) (*Expr, tabEntry) {
	var p *Expr
	var en tabEntry
	n := len(args) + len(exps)
	ok := false
	if len(args) == 0 {
		p, en = s.leafSlot(e.hash)
		ok = true
	} else if n <= flatRoom {
		var room []*Expr
		if p, en, room, ok = s.closedSlots(e.hash, 1, n, args, exps); ok {
			fillArrays(p, room, args, exps)
		}
	}
	if !ok {
		var room []*Expr
		p, room = inline(n)
		fillArrays(p, room, args, exps)
		en = tabEntry{e.hash & keyMask, weak.Make(p)}
	}
	p.hash, p.kind, p.op, p.num = e.hash, e.kind, e.op, num
	markNew(p)
	return p, en
}

// rebuild drops the entries of collected slabs (when a collection may have
// happened since the last rebuild, or if force) and resizes the table so
// that it is at most half full. Caller holds s.mu.
func (s *shard) rebuild(force bool) { s.rebuildFor(force, 0) }

// reserveNodes grows the intern table ahead of a construction that is
// about to intern about n new nodes (spread over the shards by hash), so
// that it is rebuilt once rather than at every doubling: each doubling
// allocates a table and moves every entry of the last one.
func reserveNodes(n int) {
	// Hashes spread the nodes binomially over the shards: mean plus four
	// standard deviations covers every shard but rarely.
	mean := float64(n) / shardCount
	per := int(mean + 4*math.Sqrt(mean) + 16)
	for i := range table {
		s := &table[i]
		s.mu.Lock()
		if (s.used+per)*4 > len(s.tab)*3 {
			s.rebuildFor(false, per)
		}
		s.mu.Unlock()
	}
}

// rebuildFor is rebuild leaving room for extra more entries.
// sampleDead reports whether any of up to deadSamples entries spread over
// the table is of a collected object. A table that grows while its terms
// are all alive (a large construction) then skips the sweep, which
// follows every entry's weak handle; if some are dead but none was
// sampled, they stay until a later rebuild finds them, which costs room,
// never correctness. Caller holds s.mu.
func (s *shard) sampleDead() bool {
	mask := uint64(len(s.tab) - 1)
	seen := 0
	for k := uint64(0); k <= mask && seen < deadSamples; k++ {
		en := s.tab[(k*0x9e3779b97f4a7c15>>17)&mask]
		if en.wp == (weak.Pointer[Expr]{}) {
			continue
		}
		seen++
		if handleCleared(en.wp) {
			return true
		}
	}
	return false
}

// deadSamples is how many entries sampleDead looks at: if a tenth of the
// entries are dead, it misses them all once in 800.
const deadSamples = 64

func (s *shard) rebuildFor(force bool, extra int) {
	live := 0
	epoch := gcEpoch.Load()
	sweep := force || (epoch != s.epoch && s.sampleDead())
	s.epoch = epoch
	if sweep {
		live = s.sweep()
	} else {
		for _, c := range s.ctrl {
			if c != 0 {
				live++
			}
		}
	}
	size := minTable
	for size < 2*(live+s.npend) || 4*(live+s.npend+extra) > 3*size {
		size *= 2
	}
	if size < len(s.tab) && 4*size > len(s.tab) {
		// Keep the size unless it is four times what the live entries
		// need: a program that builds and drops terms in turns would
		// otherwise shrink and grow the table at every turn.
		size = len(s.tab)
	}
	if size == len(s.tab) {
		s.compact()
		s.used = live
		s.drain()
		return
	}
	old, oldCtrl := s.tab, s.ctrl
	s.tab, s.ctrl = make([]tabEntry, size), make([]uint8, size)
	mask := uint64(size - 1)
	for k, c := range oldCtrl {
		if c == 0 || c == tombstone {
			continue
		}
		en := old[k]
		i := (en.key >> shardBits) & mask
		for s.ctrl[i] != 0 {
			i = (i + 1) & mask
		}
		s.tab[i], s.ctrl[i] = en, c
	}
	s.used = live
	s.drain()
}

// sweep turns the entries of collected objects into tombstones and
// returns the number of entries left. It reads each entry's weak handle
// word directly (cleared reports dead; see handleCleared) rather than
// through Value, which also finds the object's span and makes sure it is
// swept: two reads from memory an entry, at about 190 ns each on the
// machine this is measured on, where the table holds hundreds of
// thousands of entries. The handles of the entries sweepAhead places on
// are prefetched, so their reads overlap. Caller holds s.mu.
func (s *shard) sweep() int {
	live := 0
	n := len(s.ctrl)
	for k := 0; k < n; k++ {
		if j := k + sweepAhead; j < n && s.ctrl[j] != 0 {
			prefetch(handleOf(s.tab[j].wp))
		}
		c := s.ctrl[k]
		if c == 0 || c == tombstone {
			continue
		}
		if handleCleared(s.tab[k].wp) {
			s.tab[k], s.ctrl[k] = tabEntry{}, tombstone
			continue
		}
		live++
	}
	return live
}

// sweepAhead is how many entries ahead sweep prefetches a weak handle.
const sweepAhead = 16

// handleOf returns the address of the handle word of wp: a
// weak.Pointer is a pointer to a word that holds the object's address
// and that the collector clears when it frees the object (the runtime's
// layout since Go 1.24; TestWeakHandleLayout checks it).
func handleOf(wp weak.Pointer[Expr]) unsafe.Pointer {
	return *(*unsafe.Pointer)(unsafe.Pointer(&wp))
}

// handleCleared reports whether the object of wp has been collected, by
// reading its handle word. A freed object's handle is cleared when the
// collector sweeps its span, so an object collected in a cycle whose
// sweep is not finished may still read as alive: the entry then stays
// until a later sweep, which costs room, never correctness. A cleared
// handle is never set again, so "dead" is always right. If the runtime's
// layout is not the one handleOf expects (rawHandles), it asks Value.
func handleCleared(wp weak.Pointer[Expr]) bool {
	if !rawHandles {
		return wp.Value() == nil
	}
	h := handleOf(wp)
	return h == nil || atomic.LoadUintptr((*uintptr)(h)) == 0
}

// rawHandles reports whether a weak.Pointer is laid out as handleOf
// expects, checked once on a live object: one pointer, to a word holding
// the object's address. A runtime that lays it out otherwise makes the
// sweep use Value, slower and as correct.
var rawHandles = func() bool {
	if unsafe.Sizeof(weak.Pointer[Expr]{}) != unsafe.Sizeof(unsafe.Pointer(nil)) {
		return false
	}
	p := new(Expr)
	wp := weak.Make(p)
	h := handleOf(wp)
	ok := h != nil && atomic.LoadUintptr((*uintptr)(h)) == uintptr(unsafe.Pointer(p))
	runtime.KeepAlive(p)
	return ok
}()

// compact removes the tombstones rebuildFor left for the entries of
// collected objects, in place: a table that keeps its size (a program
// that builds and drops terms over and over) is not made anew, which would
// allocate and fault in 17 bytes per entry again. Going round once from
// an empty entry (no probe path crosses one: tombstones keep the paths
// whole), it empties each tombstone and takes every entry out and puts it
// back at the first empty entry from its home, which is never past where
// it was; an entry placed is never cut off later, since the entries
// still to come are all after it on the way round. Caller holds s.mu.
func (s *shard) compact() {
	mask := uint64(len(s.tab) - 1)
	start := uint64(0)
	for s.ctrl[start] != 0 {
		start++
	}
	for n := uint64(1); n <= mask+1; n++ {
		k := (start + n) & mask
		c := s.ctrl[k]
		if c == 0 {
			continue
		}
		s.ctrl[k] = 0
		if c == tombstone {
			continue
		}
		en := s.tab[k]
		i := (en.key >> shardBits) & mask
		for s.ctrl[i] != 0 {
			i = (i + 1) & mask
		}
		if i != k {
			s.tab[k] = tabEntry{}
		}
		s.tab[i], s.ctrl[i] = en, c
	}
}

// tombstone is the control byte of a dead entry's slot between the sweep
// in rebuildFor and the compaction or resize that follows it. The slot
// must not read as empty until then: a live entry whose probe path runs
// through it would be cut off from its home, and compact, which reinserts
// each entry from its home, relies on every path being unbroken (with an
// empty slot there, an entry that wrapped around the table's end was
// lost, and the table made a second copy of a live node). Fingerprints
// are odd, so a tombstone never matches one.
const tombstone = 2

// TableSize returns the number of live entries in the intern table (for
// tests of reclamation and for diagnostics). It drops dead entries first.
func TableSize() int {
	n := 0
	for i := range table {
		s := &table[i]
		s.mu.Lock()
		s.rebuild(true)
		n += s.used
		s.mu.Unlock()
	}
	return n
}

// structEqual compares two nodes whose children are already interned.
func structEqual(a, b *Expr) bool {
	if a.hash != b.hash || a.kind != b.kind || a.op != b.op || len(a.args) != len(b.args) ||
		(a.aux == nil) != (b.aux == nil) {
		return false
	}
	if (a.kind == KSym || a.kind == KCall) && a.name() != b.name() {
		return false
	}
	if (a.kind == KNum || a.kind == KAdd || a.kind == KMul || a.kind == KBool) && !a.num.Equal(b.num) {
		return false
	}
	if len(a.args) > 0 && &a.args[0] == &b.args[0] && a.aux == b.aux {
		// The same arrays: a twin pair's product and copy share them, as
		// does a product outside the slabs with the copy whose arrays it
		// took (withCoef), so a lookup of the one from the other needs
		// not read them.
		return true
	}
	for i := range a.args {
		if a.args[i] != b.args[i] {
			return false
		}
	}
	switch a.kind {
	case KAdd:
		ac, bc := a.coef(), b.coef()
		for i := range ac {
			if !ac[i].Equal(bc[i]) {
				return false
			}
		}
	case KMul:
		ax, bx := a.exps(), b.exps()
		for i := range ax {
			if ax[i] != bx[i] {
				return false
			}
		}
	}
	return true
}

// computeHash fills e.hash from its fields (children must be interned).
func computeHash(e *Expr) {
	if e.kind == KMul && !e.num.IsOne() {
		e.hash = scaledHash(partsHash(e, Int(1)), e.num)
		return
	}
	e.hash = partsHash(e, e.num)
}

// partsHash is the hash of e with number num. Each part is folded in with
// a rotate, an xor and one multiply by an odd constant (a bijection of the
// running value for a fixed part, so distinct sequences of child hashes
// rarely meet), and the result is mixed once at the end. Children's hashes
// are already mixed; mixing after every part, as this did before, made a
// product's hash a chain of six dependent mixes, 8 % of a build of new
// terms.
func partsHash(e *Expr, num Number) uint64 {
	h := (uint64(e.kind)<<8 | uint64(e.op) | 0x1234567800000000) * hashMul
	if e.name() != "" {
		h = fold(h, strHash(e.name()))
	}
	if e.kind == KNum || e.kind == KAdd || e.kind == KMul || e.kind == KBool {
		h = fold(h, num.hash())
	}
	for i, a := range e.args {
		h = fold(h, a.hash)
		if e.coef() != nil {
			h = fold(h, e.coef()[i].hash())
		}
		if e.exps() != nil {
			h = fold(h, e.exps()[i].hash*0x9e3779b97f4a7c15)
		}
	}
	return mix(h)
}

// scaledHash is the hash of the product c·t, where ch is the hash of its
// coefficient-free copy t (partsHash with the number 1). It keeps ch's
// low bits, which choose the shard, so that a product and its copy share
// a shard: scaledProduct makes a new pair under one lock instead of two.
func scaledHash(ch uint64, c Number) uint64 {
	return mix(fold(ch, c.hash()))&^(shardCount-1) | ch&(shardCount-1)
}

// hashMul is the odd multiplier of fold.
const hashMul = 0xff51afd7ed558ccd

// fold adds the part x to the running hash h.
func fold(h, x uint64) uint64 { return (bits.RotateLeft64(h, 27) ^ x) * hashMul }

func strHash(s string) uint64 {
	// FNV-1a, deterministic.
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// recent is a small direct-mapped cache of recently interned terms, read
// without locks: a hit skips the shard lock and the weak-pointer lookup.
// It holds at most recentSize terms strongly, so unreferenced terms are
// still reclaimed once they are evicted.
const recentSize = 1 << 12

// A slot is the term and its hash, kept apart so that a miss (the slot
// holds another term) is decided without touching that term's memory.
// The two are not updated together: a hash that matches only sends the
// lookup on to the full comparison, so a torn pair costs a lookup, never
// a wrong term.
type recentSlot struct {
	hash atomic.Uint64
	term atomic.Pointer[Expr]
}

var recent [recentSize]recentSlot

// cached returns the term of e's slot if it is e.
func (sl *recentSlot) cached(e *Expr) *Expr {
	if sl.hash.Load() != e.hash {
		return nil
	}
	if c := sl.term.Load(); c != nil && c.hash == e.hash && structEqual(c, e) {
		return c
	}
	return nil
}

func (sl *recentSlot) store(r *Expr) {
	sl.term.Store(r)
	sl.hash.Store(r.hash)
}

// The cache is emptied after every garbage collection (a cleanup on a
// sentinel object re-arms itself each cycle), so its strong references
// delay the reclamation of a term, and of its slab, by one cycle at most.
type gcSentinel struct{ _ [16]byte }

func armRecentClearing() {
	s := new(gcSentinel)
	runtime.AddCleanup(s, func(struct{}) {
		for i := range recent {
			recent[i].term.Store(nil)
		}
		clearIntCache()
		gcEpoch.Add(1)
		armRecentClearing()
	}, struct{}{})
}

// gcEpoch counts garbage collections (as seen by the sentinel's cleanup,
// which runs some time after each cycle). A slab can only die in a
// collection, so a shard whose table grows with no collection since its
// last rebuild has no dead entries to look for. The cleanup may lag its
// cycle; a rebuild in that window keeps dead entries for the next one,
// which costs space, never correctness.
var gcEpoch atomic.Uint64

func init() { armRecentClearing() }

// newNode returns the canonical node for the candidate e, whose slices
// become the node's if it is new.
//
// A candidate with a fresh child (see hasFresh) cannot be in the recent
// cache, and the node made for it is kept out of the cache: it is the
// common case of a large build of new terms, where the two atomic stores
// of a cache entry each wait for the new node's own stores to reach
// memory, and the node is seldom asked for again at once (when it is, its
// entry is among its shard's waiting ones).
func newNode(e *Expr) *Expr {
	computeHash(e)
	if hasFresh(e) {
		return intern(e)
	}
	slot := &recent[(e.hash^e.hash>>29)&(recentSize-1)]
	if c := slot.cached(e); c != nil {
		return c
	}
	r := intern(e)
	slot.store(r)
	return r
}

// newNodeCopy returns the canonical node of that kind, operation, number
// and slices (no name, no coefficients), where args and exps are scratch
// space (often on the caller's stack): a new node gets copies of them.
func newNodeCopy(kind Kind, op Op, num Number, args, exps []*Expr) *Expr {
	e := Expr{kind: kind, op: op, num: num, args: args}
	if exps != nil {
		e.aux = expsPtr(args, exps)
	}
	computeHash(&e)
	if hasFresh(&e) {
		return internCopy(&e, num, args, exps) // as in newNode
	}
	slot := &recent[(e.hash^e.hash>>29)&(recentSize-1)]
	if c := slot.cached(&e); c != nil {
		return c
	}
	r := internCopy(&e, num, args, exps)
	slot.store(r)
	return r
}

// Sizes the layout comments above rely on (a test pins them).
const (
	sizeofExpr   = unsafe.Sizeof(Expr{})
	sizeofNumber = unsafe.Sizeof(Number{})
)
