package egraph

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"
)

// Id names an e-class (or, before canonicalisation, any id ever handed out by
// the union-find). Ids are dense small integers so per-class tables are plain
// slices.
type Id uint32

// Op is an operator of a Language. The first two values are reserved for the
// two kinds of leaf every language has: numeric constants and symbols.
type Op uint32

const (
	opInvalid Op = iota
	// OpConst is the operator of a numeric constant leaf; the value is
	// stored in the node's argument slots (see ConstNode).
	OpConst
	// OpSymbol is the operator of a symbol leaf; Args[0] is the symbol's
	// index in its Language.
	OpSymbol
	firstUserOp
)

// MaxArity is the largest number of children an e-node can have. A fixed,
// small arity keeps nodes as 16-byte values with no pointers: the hashcons
// and class node lists are flat arrays the garbage collector never scans.
// N-ary sums and products are binarised by the term bridge.
const MaxArity = 3

// Node is an e-node: an operator and up to MaxArity child class ids.
// Unused argument slots are zero, so == on Node is structural equality.
type Node struct {
	Op   Op
	Args [MaxArity]Id
}

// Language is the operator table of an e-graph: names and arities of
// operators, and the interned symbol names. It is safe for concurrent use.
type Language struct {
	mu      sync.RWMutex
	names   []string // by Op
	arity   []uint8  // by Op
	byName  map[string]Op
	symbols []string
	symIdx  map[string]uint32
}

// NewLanguage returns a language with the given operators, each written
// "name/arity" or as a name with the arity given by arities.
func NewLanguage(ops ...OpDecl) (*Language, error) {
	l := &Language{
		names:  []string{"<invalid>", "<const>", "<symbol>"},
		arity:  []uint8{0, 0, 0},
		byName: map[string]Op{},
		symIdx: map[string]uint32{},
	}
	for _, d := range ops {
		if d.Arity < 0 || d.Arity > MaxArity {
			return nil, fmt.Errorf("egraph: operator %q has arity %d; arities 0..%d are supported", d.Name, d.Arity, MaxArity)
		}
		if _, dup := l.byName[d.Name]; dup {
			return nil, fmt.Errorf("egraph: operator %q declared twice", d.Name)
		}
		if _, err := strconv.ParseFloat(d.Name, 64); err == nil || d.Name == "" || d.Name[0] == '?' {
			return nil, fmt.Errorf("egraph: %q cannot be an operator name", d.Name)
		}
		op := Op(len(l.names))
		l.names = append(l.names, d.Name)
		l.arity = append(l.arity, uint8(d.Arity))
		l.byName[d.Name] = op
	}
	return l, nil
}

// OpDecl declares one operator of a Language.
type OpDecl struct {
	Name  string
	Arity int
}

// Arity returns the number of children of op.
func (l *Language) Arity(op Op) int { return int(l.arity[op]) }

// OpName returns the printed name of an operator.
func (l *Language) OpName(op Op) string { return l.names[op] }

// Lookup returns the operator with the given name.
func (l *Language) Lookup(name string) (Op, bool) {
	op, ok := l.byName[name]
	return op, ok
}

// Symbol returns the leaf node for the symbol name, interning it.
func (l *Language) Symbol(name string) Node {
	l.mu.RLock()
	i, ok := l.symIdx[name]
	l.mu.RUnlock()
	if !ok {
		l.mu.Lock()
		i, ok = l.symIdx[name]
		if !ok {
			i = uint32(len(l.symbols))
			l.symbols = append(l.symbols, name)
			l.symIdx[name] = i
		}
		l.mu.Unlock()
	}
	return Node{Op: OpSymbol, Args: [MaxArity]Id{Id(i)}}
}

// SymbolName returns the name of a symbol leaf.
func (l *Language) SymbolName(n Node) string {
	l.mu.RLock()
	defer l.mu.RUnlock()
	return l.symbols[n.Args[0]]
}

// ConstNode returns the leaf node for the constant c. Negative zero is
// stored as zero, since the two compare equal (as in egg's NotNan keys).
func ConstNode(c float64) Node {
	if c == 0 {
		c = 0
	}
	b := math.Float64bits(c)
	return Node{Op: OpConst, Args: [MaxArity]Id{Id(b), Id(b >> 32)}}
}

// ConstValue returns the value of a constant leaf.
func ConstValue(n Node) float64 {
	return math.Float64frombits(uint64(n.Args[0]) | uint64(n.Args[1])<<32)
}

// IsLeaf reports whether n has no children.
func (l *Language) IsLeaf(n Node) bool { return l.arity[n.Op] == 0 }

// NodeString prints a node with its children as class ids.
func (l *Language) NodeString(n Node) string {
	switch n.Op {
	case OpConst:
		return FormatConst(ConstValue(n))
	case OpSymbol:
		return l.SymbolName(n)
	}
	s := "(" + l.names[n.Op]
	for i := 0; i < l.Arity(n.Op); i++ {
		s += fmt.Sprintf(" #%d", n.Args[i])
	}
	return s + ")"
}

// FormatConst prints a constant the way the s-expression parser reads it.
func FormatConst(c float64) string {
	return strconv.FormatFloat(c, 'g', -1, 64)
}

// leafFromAtom turns an atom of an s-expression into a leaf node: an
// operator of arity zero, a number, or a symbol.
func (l *Language) leafFromAtom(a string) Node {
	if op, ok := l.byName[a]; ok && l.arity[op] == 0 {
		return Node{Op: op}
	}
	// Only text that can start a number is tried as one (a failed
	// ParseFloat allocates its error).
	if a != "" && strings.IndexByte("0123456789+-.iInN", a[0]) >= 0 {
		if c, err := strconv.ParseFloat(a, 64); err == nil && !math.IsNaN(c) {
			return ConstNode(c)
		}
	}
	return l.Symbol(a)
}
