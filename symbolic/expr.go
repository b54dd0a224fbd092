package symbolic

import (
	"runtime"
	"sync"
	"sync/atomic"
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
	hash uint64
	kind Kind
	op   Op
	name string   // KSym, and OpFunc calls
	num  Number   // KNum value; KAdd constant; KMul coefficient; KBool 0/1
	args []*Expr  // children (see above)
	coef []Number // KAdd: coefficient of args[i]
	exps []*Expr  // KMul: exponent of args[i]
}

// Kind returns the representation class.
func (e *Expr) Kind() Kind { return e.kind }

// Op returns the operation.
func (e *Expr) Op() Op { return e.op }

// Hash returns the cached structural hash (deterministic across runs).
func (e *Expr) Hash() uint64 { return e.hash }

// Name returns the name of a symbol or user function, else "".
func (e *Expr) Name() string { return e.name }

// IsNumber reports whether e is a constant, and returns it.
func (e *Expr) IsNumber() (Number, bool) { return e.num, e.kind == KNum }

// IsSymbol reports whether e is a symbol.
func (e *Expr) IsSymbol() bool { return e.kind == KSym }

// IsZero reports whether e is the exact constant 0.
func (e *Expr) IsZero() bool { return e.kind == KNum && e.num.k == numInt && e.num.i == 0 }

// IsOne reports whether e is the exact constant 1.
func (e *Expr) IsOne() bool { return e.kind == KNum && e.num.IsOne() }

// BoolValue reports whether e is true or false, and which.
func (e *Expr) BoolValue() (value, ok bool) { return e.num.i == 1, e.kind == KBool }

// AddParts returns the polynomial form of a sum: constant, terms and
// their coefficients. The slices are shared: do not modify them.
func (e *Expr) AddParts() (constant Number, terms []*Expr, coefs []Number) {
	return e.num, e.args, e.coef
}

// MulParts returns the polynomial form of a product: coefficient, bases and
// exponents. The slices are shared: do not modify them.
func (e *Expr) MulParts() (coef Number, bases []*Expr, exps []*Expr) {
	return e.num, e.args, e.exps
}

// PowParts returns base and exponent of a power.
func (e *Expr) PowParts() (base, exp *Expr) { return e.args[0], e.args[1] }

// CallArgs returns the arguments of a call (shared: do not modify).
func (e *Expr) CallArgs() []*Expr { return e.args }

// ---- hash-consing -------------------------------------------------------

// The intern table maps structural hashes to weak references, so terms that
// nobody references are reclaimed by the garbage collector; dead entries
// are swept when a shard has grown enough since its last sweep.
//
// Nodes live in slabs of slabSize (8: measured best for construction;
// larger slabs cost more per allocation), and the table holds one weak pointer
// per slab rather than one per node: a weak handle costs about as much as
// the node itself, so this makes term construction markedly cheaper. The
// price is granularity: a slab, and the table entries of all its nodes,
// stays alive while any one of its nodes is referenced.
const (
	shardCount = 64
	slabSize   = 8
)

type slab [slabSize]Expr

// entry locates an interned node: slot idx of a weakly held slab.
type entry struct {
	wp  weak.Pointer[slab]
	idx int32
}

func (en entry) value() *Expr {
	sl := en.wp.Value()
	if sl == nil {
		return nil
	}
	return &sl[en.idx]
}

type shard struct {
	mu        sync.Mutex
	m         map[uint64]entry
	overflow  map[uint64][]entry // hash collisions (rare)
	lastSweep int
	cur       *slab // the slab being filled (held strongly until full)
	curWeak   weak.Pointer[slab]
	next      int
}

var table = newTable()

func newTable() *[shardCount]shard {
	var t [shardCount]shard
	for i := range t {
		t[i].m = make(map[uint64]entry, 1024)
		t[i].lastSweep = 1024
	}
	return &t
}

// place copies the candidate into the shard's current slab. Caller holds s.mu.
func (s *shard) place(e *Expr) (*Expr, entry) {
	if s.cur == nil || s.next == slabSize {
		s.cur = new(slab)
		s.curWeak = weak.Make(s.cur)
		s.next = 0
	}
	p := &s.cur[s.next]
	*p = *e
	en := entry{s.curWeak, int32(s.next)}
	s.next++
	return p, en
}

// intern returns the canonical pointer for the structure of e. The
// candidate e itself is never retained (it may live on the caller's stack).
func intern(e *Expr) *Expr {
	s := &table[e.hash%shardCount]
	s.mu.Lock()
	if en, ok := s.m[e.hash]; ok {
		if v := en.value(); v != nil {
			if structEqual(v, e) {
				s.mu.Unlock()
				return v
			}
			// True collision: look in the overflow list.
			for _, w := range s.overflow[e.hash] {
				if v := w.value(); v != nil && structEqual(v, e) {
					s.mu.Unlock()
					return v
				}
			}
			if s.overflow == nil {
				s.overflow = make(map[uint64][]entry)
			}
			p, en := s.place(e)
			s.overflow[e.hash] = append(s.overflow[e.hash], en)
			s.mu.Unlock()
			return p
		}
	}
	p, en := s.place(e)
	s.m[e.hash] = en
	if len(s.m) > 2*s.lastSweep {
		s.sweep()
	}
	s.mu.Unlock()
	return p
}

// sweep drops entries whose slabs have been collected. Caller holds s.mu.
func (s *shard) sweep() {
	for h, en := range s.m {
		if en.wp.Value() == nil {
			delete(s.m, h)
		}
	}
	for h, ws := range s.overflow {
		live := ws[:0]
		for _, w := range ws {
			if w.wp.Value() != nil {
				live = append(live, w)
			}
		}
		if len(live) == 0 {
			delete(s.overflow, h)
		} else {
			s.overflow[h] = live
		}
	}
	s.lastSweep = max(len(s.m), 1024)
}

// TableSize returns the number of live entries in the intern table (for
// tests of reclamation and for diagnostics). It sweeps dead entries first.
func TableSize() int {
	n := 0
	for i := range table {
		s := &table[i]
		s.mu.Lock()
		s.sweep()
		n += len(s.m)
		for _, ws := range s.overflow {
			n += len(ws)
		}
		s.mu.Unlock()
	}
	return n
}

// structEqual compares two nodes whose children are already interned.
func structEqual(a, b *Expr) bool {
	if a.hash != b.hash || a.kind != b.kind || a.op != b.op || a.name != b.name ||
		len(a.args) != len(b.args) || len(a.coef) != len(b.coef) || len(a.exps) != len(b.exps) {
		return false
	}
	if (a.kind == KNum || a.kind == KAdd || a.kind == KMul || a.kind == KBool) && !a.num.Equal(b.num) {
		return false
	}
	for i := range a.args {
		if a.args[i] != b.args[i] {
			return false
		}
	}
	for i := range a.coef {
		if !a.coef[i].Equal(b.coef[i]) {
			return false
		}
	}
	for i := range a.exps {
		if a.exps[i] != b.exps[i] {
			return false
		}
	}
	return true
}

// computeHash fills e.hash from its fields (children must be interned).
func computeHash(e *Expr) {
	h := mix(uint64(e.kind)<<8 | uint64(e.op) | 0x1234567800000000)
	if e.name != "" {
		h = mix(h ^ strHash(e.name))
	}
	if e.kind == KNum || e.kind == KAdd || e.kind == KMul || e.kind == KBool {
		h = mix(h ^ e.num.hash())
	}
	for i, a := range e.args {
		h = mix(h*31 ^ a.hash)
		if e.coef != nil {
			h = mix(h ^ e.coef[i].hash())
		}
		if e.exps != nil {
			h = mix(h ^ (e.exps[i].hash * 0x9e3779b97f4a7c15))
		}
	}
	e.hash = h
}

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

var recent [recentSize]atomic.Pointer[Expr]

// The cache is emptied after every garbage collection (a cleanup on a
// sentinel object re-arms itself each cycle), so its strong references
// delay the reclamation of a term, and of its slab, by one cycle at most.
type gcSentinel struct{ _ [16]byte }

func armRecentClearing() {
	s := new(gcSentinel)
	runtime.AddCleanup(s, func(struct{}) {
		for i := range recent {
			recent[i].Store(nil)
		}
		armRecentClearing()
	}, struct{}{})
}

func init() { armRecentClearing() }

func newNode(e *Expr) *Expr {
	computeHash(e)
	slot := &recent[(e.hash^e.hash>>29)&(recentSize-1)]
	if c := slot.Load(); c != nil && c.hash == e.hash && structEqual(c, e) {
		return c
	}
	r := intern(e)
	slot.Store(r)
	return r
}
