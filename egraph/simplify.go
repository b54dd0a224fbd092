package egraph

import (
	"context"
	"fmt"
	"math"
	"math/big"
	"strings"
	"sync"
	"time"

	"github.com/symcalc/symcalc/symbolic"
)

// This file is the bridge between symbolic terms and the e-graph; the
// engine itself does not depend on it.

var (
	evalLangOnce sync.Once
	evalLang     *Language
)

// evalOps are the operators of EvalLanguage: what the code generator
// evaluates, binary + and * included (symbolic's n-ary sums and products
// are folded left into them).
var evalOps = []OpDecl{
	{"+", 2}, {"-", 2}, {"*", 2}, {"/", 2}, {"neg", 1}, {"pow", 2}, {"sqrt", 1},
	{"exp", 1}, {"log", 1}, {"log1p", 1}, {"sin", 1}, {"cos", 1}, {"tan", 1},
	{"asin", 1}, {"acos", 1}, {"atan", 1}, {"atan2", 2}, {"sinh", 1}, {"cosh", 1},
	{"tanh", 1}, {"cbrt", 1}, {"abs", 1}, {"sign", 1}, {"floor", 1}, {"ceil", 1},
	{"min", 2}, {"max", 2}, {"<", 2}, {"<=", 2}, {">", 2}, {">=", 2}, {"==", 2},
	{"!=", 2}, {"&&", 2}, {"||", 2}, {"!", 1}, {"ifelse", 3},
	// A user function's call f(a) or f(a, b): the first argument is the
	// function's name, a symbol leaf named funcPrefix+"f", so rules see
	// (and simplify) the arguments, and a rule may name the function.
	{"fn1", 2}, {"fn2", 3},
}

// funcPrefix starts the name of the leaf that names a user function in
// fn1 and fn2 nodes; the NUL byte keeps it apart from symbols.
const funcPrefix = "\x00f:"

// EvalLanguage returns the language of symbolic terms in the e-graph
// (one shared instance, so rules and terms agree on operators).
func EvalLanguage() *Language {
	evalLangOnce.Do(func() {
		l, err := NewLanguage(evalOps...)
		if err != nil {
			panic(err) // evalOps is fixed and valid
		}
		evalLang = l
	})
	return evalLang
}

// symOps maps symbolic operations to EvalLanguage operator names.
var symOps = map[symbolic.Op]string{
	symbolic.OpSin: "sin", symbolic.OpCos: "cos", symbolic.OpTan: "tan", symbolic.OpAsin: "asin",
	symbolic.OpAcos: "acos", symbolic.OpAtan: "atan", symbolic.OpAtan2: "atan2", symbolic.OpSinh: "sinh",
	symbolic.OpCosh: "cosh", symbolic.OpTanh: "tanh", symbolic.OpExp: "exp", symbolic.OpLog: "log",
	symbolic.OpLog1p: "log1p", symbolic.OpCbrt: "cbrt", symbolic.OpAbs: "abs", symbolic.OpSign: "sign",
	symbolic.OpFloor: "floor", symbolic.OpCeil: "ceil", symbolic.OpMin: "min", symbolic.OpMax: "max",
	symbolic.OpLt: "<", symbolic.OpLe: "<=", symbolic.OpGt: ">", symbolic.OpGe: ">=", symbolic.OpEq: "==",
	symbolic.OpNe: "!=", symbolic.OpAnd: "&&", symbolic.OpOr: "||", symbolic.OpNot: "!", symbolic.OpIfElse: "ifelse",
}

// Bridge converts symbolic terms to e-graph terms and back. Numbers that
// float64 holds exactly (integers below 2^53, dyadic rationals such as
// 1/2) become constants; a user function of one or two arguments
// becomes an fn1 or fn2 node; other numbers (1/3, inexact floats, big
// integers), booleans, user functions of more arguments and unevaluated
// derivatives become opaque leaves that convert back to the same
// symbolic term.
type Bridge struct {
	lang    *Language
	opaque  map[*symbolic.Expr]string
	byName  map[string]*symbolic.Expr
	memo    map[*symbolic.Expr]Id
	toSym   map[string]symbolic.Op
	symName map[symbolic.Op]string
}

// NewBridge returns a bridge over EvalLanguage.
func NewBridge() *Bridge {
	b := &Bridge{lang: EvalLanguage(), opaque: map[*symbolic.Expr]string{}, byName: map[string]*symbolic.Expr{}, toSym: map[string]symbolic.Op{}}
	for op, name := range symOps {
		b.toSym[name] = op
	}
	return b
}

// NumOpaque returns how many opaque leaves (numbers without an exact
// float64 value, calls and derivatives the e-graph has no operator for)
// the bridge has named so far.
func (b *Bridge) NumOpaque() int { return len(b.opaque) }

// opaqueLeaf names an opaque subterm; the NUL prefix cannot occur in a
// user's symbol name. Numbers (inexact floats, 1/3) are named with
// numberPrefix, so costs can tell a numeric coefficient from a variable.
func (b *Bridge) opaqueLeaf(e *symbolic.Expr) Node {
	name, ok := b.opaque[e]
	if !ok {
		prefix := "\x00"
		if e.Kind() == symbolic.KNum {
			prefix = numberPrefix
		}
		name = fmt.Sprintf("%s%d", prefix, len(b.opaque))
		b.opaque[e] = name
		b.byName[name] = e
	}
	return b.lang.Symbol(name)
}

// symbolDomains copies the caller's symbol ranges into a map the bridge
// then adds its numbers' ranges to (opaque names cannot clash with a
// symbol's: they start with a NUL byte).
func symbolDomains(d map[string]Interval) map[string]Interval {
	out := make(map[string]Interval, len(d))
	for k, v := range d {
		out[k] = v
	}
	return out
}

// addNumberDomains gives each opaque number the bridge has named, and dom
// lacks, the range of its value: a point for an inexact float (1.5 is
// exactly 1.5), one float on either side of the nearest float for an
// exact number float64 cannot hold (1/3), so that the interval analysis
// can prove 1.5 + tanh(x) positive. NaN gets no range.
func (b *Bridge) addNumberDomains(dom map[string]Interval) {
	for name, e := range b.byName {
		if _, done := dom[name]; done {
			continue
		}
		n, ok := e.IsNumber()
		if !ok {
			continue
		}
		f := n.Float64()
		switch {
		case math.IsNaN(f):
		case !n.IsExact():
			dom[name] = Interval{f, f}
		default:
			dom[name] = Interval{math.Nextafter(f, math.Inf(-1)), math.Nextafter(f, math.Inf(1))}
		}
	}
}

// exactFloat returns n as a float64 if the conversion is exact.
func exactFloat(n symbolic.Number) (float64, bool) {
	if !n.IsExact() {
		return 0, false
	}
	if i, ok := n.IsSmallInt(); ok {
		if i > -(1<<53) && i < 1<<53 {
			return float64(i), true
		}
		return 0, false
	}
	f := n.Float64()
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return 0, false
	}
	r := new(big.Rat).SetFrac(n.Num(), n.Den())
	back := new(big.Rat)
	if back.SetFloat64(f) == nil || back.Cmp(r) != 0 {
		return 0, false
	}
	return f, true
}

// joinSeed records that a term's class and its expansion's are equal
// (see expandedSeed), once saturation is over, and restores congruence.
func joinSeed(g *EGraph, root, seed Id) {
	g.UnionBecause(root, seed, Justification{Rule: "expand"})
	g.Rebuild()
}

// expandedSeed returns the e-graph term of t's expansion if expanding
// changes t and the expansion is small: no intermediate sum over 64 terms
// and at most twice startNodes (t's own size) plus 16 nodes. A larger
// expansion is rarely the cheaper form and would crowd the e-graph.
func expandedSeed(ctx context.Context, b *Bridge, t *symbolic.Expr, startNodes int) (Expr, bool) {
	x, err := symbolic.ExpandContext(ctx, t, 64)
	if err != nil || x == t {
		return Expr{}, false
	}
	e := b.ToExpr(x)
	if len(e.Nodes) > 2*startNodes+16 {
		return Expr{}, false
	}
	return e, true
}

// ToExpr converts a symbolic term to an e-graph term.
func (b *Bridge) ToExpr(t *symbolic.Expr) Expr {
	var e Expr
	b.memo = map[*symbolic.Expr]Id{}
	b.add(&e, t)
	return e
}

func (b *Bridge) push(e *Expr, n Node) Id {
	e.Nodes = append(e.Nodes, n)
	return Id(len(e.Nodes) - 1)
}

func (b *Bridge) binary(e *Expr, name string, kids []*symbolic.Expr) Id {
	op, _ := b.lang.Lookup(name)
	acc := b.add(e, kids[0])
	for _, k := range kids[1:] {
		acc = b.push(e, Node{Op: op, Args: [MaxArity]Id{acc, b.add(e, k)}})
	}
	return acc
}

func (b *Bridge) add(e *Expr, t *symbolic.Expr) Id {
	if id, ok := b.memo[t]; ok {
		return id
	}
	var id Id
	switch {
	case t.Kind() == symbolic.KNum:
		n, _ := t.IsNumber()
		if f, ok := exactFloat(n); ok {
			id = b.push(e, ConstNode(f))
		} else {
			id = b.push(e, b.opaqueLeaf(t))
		}
	case t.Kind() == symbolic.KSym:
		id = b.push(e, b.lang.Symbol(t.Name()))
	case t.Head() == symbolic.OpAdd:
		id = b.binary(e, "+", t.Children())
	case t.Head() == symbolic.OpMul:
		kids := t.Children()
		if _, num := kids[0].IsNumber(); num && len(kids) > 2 {
			// c·x·y as c·(x·y): the monomial x·y is then one subterm
			// shared by every sum that holds it with any coefficient, as
			// in symbolic's polynomial form and codegen's lowering.
			mul, _ := b.lang.Lookup("*")
			c := b.add(e, kids[0])
			id = b.push(e, Node{Op: mul, Args: [MaxArity]Id{c, b.binary(e, "*", kids[1:])}})
			break
		}
		id = b.binary(e, "*", kids)
	case t.Head() == symbolic.OpPow:
		base, exp := t.PowParts()
		op, _ := b.lang.Lookup("pow")
		x := b.add(e, base)
		y := b.add(e, exp)
		id = b.push(e, Node{Op: op, Args: [MaxArity]Id{x, y}})
	case t.Kind() == symbolic.KCall && t.Op() == symbolic.OpFunc && (len(t.CallArgs()) == 1 || len(t.CallArgs()) == 2):
		args := t.CallArgs()
		op, _ := b.lang.Lookup(fmt.Sprintf("fn%d", len(args)))
		n := Node{Op: op}
		n.Args[0] = b.push(e, b.lang.Symbol(funcPrefix+t.Name()))
		for i, a := range args {
			n.Args[i+1] = b.add(e, a)
		}
		id = b.push(e, n)
	default:
		name, known := symOps[t.Head()]
		args := t.CallArgs()
		op, _ := b.lang.Lookup(name)
		switch {
		case known && t.Kind() == symbolic.KCall && len(args) == b.lang.Arity(op):
			n := Node{Op: op}
			for i, a := range args {
				n.Args[i] = b.add(e, a)
			}
			id = b.push(e, n)
		case known && t.Kind() == symbolic.KCall && (name == "min" || name == "max") && len(args) > 2:
			id = b.binary(e, name, args)
		default:
			id = b.push(e, b.opaqueLeaf(t))
		}
	}
	b.memo[t] = id
	return id
}

// FromExpr converts an e-graph term back to a symbolic term.
func (b *Bridge) FromExpr(e Expr) (*symbolic.Expr, error) {
	out := make([]*symbolic.Expr, len(e.Nodes))
	for i, n := range e.Nodes {
		var kids []*symbolic.Expr
		for k := 0; k < b.lang.Arity(n.Op); k++ {
			kids = append(kids, out[n.Args[k]])
		}
		switch n.Op {
		case OpConst:
			c := ConstValue(n)
			if c == math.Trunc(c) && math.Abs(c) < 1<<53 {
				out[i] = symbolic.IntExpr(int64(c))
			} else {
				r := new(big.Rat)
				if r.SetFloat64(c) == nil {
					return nil, fmt.Errorf("egraph: constant %v has no exact value", c)
				}
				out[i] = symbolic.NumExpr(symbolic.BigRat(r))
			}
			continue
		case OpSymbol:
			name := b.lang.SymbolName(n)
			if strings.HasPrefix(name, funcPrefix) {
				continue // read by the fn1 or fn2 node above it
			}
			if t, ok := b.byName[name]; ok {
				out[i] = t
			} else {
				out[i] = symbolic.Sym(name)
			}
			continue
		}
		name := b.lang.OpName(n.Op)
		switch name {
		case "+":
			out[i] = symbolic.Add(kids...)
		case "-":
			out[i] = symbolic.Sub(kids[0], kids[1])
		case "*":
			out[i] = symbolic.Mul(kids...)
		case "/":
			out[i] = symbolic.Div(kids[0], kids[1])
		case "neg":
			out[i] = symbolic.Neg(kids[0])
		case "pow":
			out[i] = symbolic.Pow(kids[0], kids[1])
		case "sqrt":
			out[i] = symbolic.Sqrt(kids[0])
		case "fn1", "fn2":
			fname, ok := strings.CutPrefix(b.lang.SymbolName(e.Nodes[n.Args[0]]), funcPrefix)
			if e.Nodes[n.Args[0]].Op != OpSymbol || !ok {
				return nil, fmt.Errorf("egraph: %s node without a function name", name)
			}
			out[i] = symbolic.Func(fname, kids[1:]...)
		default:
			op, ok := b.toSym[name]
			if !ok {
				return nil, fmt.Errorf("egraph: operator %q has no symbolic counterpart", name)
			}
			out[i] = symbolic.Call(op, kids...)
		}
	}
	return out[len(out)-1], nil
}

// SimplifyOptions bound a Simplify run.
type SimplifyOptions struct {
	IterLimit int           // default 30
	NodeLimit int           // default 20 000 (hashcons entries)
	TimeLimit time.Duration // default 2 s
	// DAG extracts with shared subterms counted once (the code generator
	// emits each once); otherwise the tree cost is minimised.
	DAG bool
	// Domains gives symbols, by name, the closed ranges of their values
	// (x > 0 as [math.SmallestNonzeroFloat64, +Inf]); the interval
	// analysis starts from them, so conditional rules such as
	// exp(log(x)) = x for positive x can fire. Symbols not in it range
	// over all reals.
	Domains map[string]Interval
	// Explain records why every merge happened and returns, in
	// SimplifyResult.Proof, the rule applications that turn the input
	// into the result. Recording changes how terms are added (each
	// distinct term gets an id, as in egg), so the node limit is reached
	// at a slightly different point than without it. A proof over
	// ProofLimit steps is not written out: SimplifyContext then returns
	// the result with an error wrapping ErrProofTooLong.
	Explain bool
	// ProofLimit is the most steps a proof may have (0:
	// DefaultProofLimit); see EGraph.SetProofLimit.
	ProofLimit int
	// Seeds are other forms of the input that the caller knows to be
	// equal to it, such as a factorisation this package cannot find by
	// rewriting. Each is saturated with the input and joined to it
	// before extraction; a proof through one names its Why as the rule.
	// A seed must be defined exactly where the input is (the interval
	// analysis takes the two to have one range); SimplifyContext does
	// not check that.
	Seeds []Seed
}

// Seed is a form of a term that its caller knows to be equal to it, and
// why (the rule name a proof gives the step).
type Seed struct {
	Term *symbolic.Expr
	Why  string
}

// SimplifyStep is one step of a simplification's proof: the term after a
// rule application (the first step is the input, with no rule), as a
// symbolic term. Backward means the rule was applied right to left.
// Consecutive steps may print alike: rules such as commutativity change
// the e-graph's term but not its canonical symbolic form.
type SimplifyStep struct {
	Term     *symbolic.Expr
	Rule     string
	Backward bool
}

// SimplifyResult is the outcome of SimplifyContext.
type SimplifyResult struct {
	Term       *symbolic.Expr
	Expr       Expr // the extracted e-graph term (before symbolic canonicalisation)
	Cost       float64
	StartCost  float64
	Report     Report
	Extraction string // "tree" or "dag"
	// Bridge interprets Expr's leaves (opaque leaves are per bridge).
	Bridge *Bridge
	// Proof, with SimplifyOptions.Explain, leads from the input to Term.
	Proof []SimplifyStep
}

// SystemResult is the outcome of SimplifySystem.
type SystemResult struct {
	Terms []*symbolic.Expr
	// Expr holds all outputs as one shared term list; Roots[i] is the
	// index of output i in it.
	Expr            Expr
	Roots           []int
	Cost, StartCost float64
	Report          Report
	Bridge          *Bridge
}

// SimplifySystem simplifies several terms in one e-graph and extracts them
// together with DAG cost (cost must be a DagCost; CPUCost() if nil), so a
// subterm shared between outputs is paid for once. This is the form a
// code generator evaluating a whole right-hand side wants; InstrCost
// follows what codegen emits. The result is never dearer than the input
// under cost: if extraction finds nothing cheaper, the input terms are
// returned unchanged.
func SimplifySystem(ctx context.Context, terms []*symbolic.Expr, rules []*Rewrite, cost DagCost, opts SimplifyOptions) (SystemResult, error) {
	if rules == nil {
		rules = DefaultRules()
	}
	if cost == nil {
		cost = CPUCost()
	}
	b := NewBridge()
	l := b.lang
	cf := NewConstFold(l)
	cf.ExactIntegers = true
	ivs := NewIntervals(l, symbolDomains(opts.Domains))
	g := New(l, Product{cf, ivs})
	run := NewRunner(g)
	run.IterLimit, run.NodeLimit, run.TimeLimit = 30, 20000*len(terms), 10*time.Second
	if opts.IterLimit > 0 {
		run.IterLimit = opts.IterLimit
	}
	if opts.NodeLimit > 0 {
		run.NodeLimit = opts.NodeLimit
	}
	if opts.TimeLimit > 0 {
		run.TimeLimit = opts.TimeLimit
	}
	res := SystemResult{Bridge: b}
	var start Expr
	var startRoots []int
	var seeds [][2]Id // (root, its expansion's class)
	for _, t := range terms {
		e := b.ToExpr(t)
		seed, seeded := expandedSeed(ctx, b, t, len(e.Nodes))
		b.addNumberDomains(ivs.Domains)
		root := run.AddExpr(e)
		if seeded {
			seeds = append(seeds, [2]Id{root, g.AddExpr(seed)})
		}
		// One list of all start terms, to cost them with sharing.
		off := Id(len(start.Nodes))
		for _, n := range e.Nodes {
			for k := 0; k < l.Arity(n.Op); k++ {
				n.Args[k] += off
			}
			start.Nodes = append(start.Nodes, n)
		}
		startRoots = append(startRoots, len(start.Nodes)-1)
	}
	g.Rebuild()
	res.StartCost = DagCostOf(l, start, cost, g)
	stop := run.Run(ctx, applicableRules(g, rules))
	if stop.Kind == StopCanceled {
		return res, fmt.Errorf("egraph: simplify canceled: %w", stop.Err)
	}
	for _, sd := range seeds {
		joinSeed(g, sd[0], sd[1])
	}
	res.Report = run.Report()
	res.Expr, res.Roots, res.Cost = ExtractDAGMulti(g, run.Roots, cost, 0)
	if !(res.Cost < res.StartCost) {
		// Greedy DAG extraction starts from the tree-optimal choice,
		// which ignores sharing, and can end above the input (on the
		// 20-species network under InstrCost it did). The input is then
		// the best term known, and is returned as it was.
		res.Terms, res.Expr, res.Roots, res.Cost = terms, start, startRoots, res.StartCost
		return res, nil
	}
	for _, r := range res.Roots {
		sub := Expr{Nodes: res.Expr.Nodes[:r+1]}
		t, err := b.FromExpr(sub)
		if err != nil {
			return res, err
		}
		res.Terms = append(res.Terms, t)
	}
	return res, nil
}

// Simplify rewrites term with rules (DefaultRules() if nil) by equality
// saturation and extracts the cheapest equivalent under cost (CPUCost() if
// nil). The result is as cheap as the input or cheaper under cost. The
// e-graph holds term and, when it is small, its expansion
// (symbolic.Expand) too, so the rules need not rediscover what
// polynomial arithmetic knows ((a+b)*(a-b) + b^2 is a^2). Both are
// saturated, and their classes are joined as equal before extraction:
// joined from the start, a term such as sin(x)*(1+y) - sin(x)*y, equal
// to its own subterm sin(x), made the rules build ever larger terms
// until the node limit.
// Symbolic constructors re-canonicalise the result (numeric factors
// distribute over sums), so the printed form can differ from the
// extracted e-graph term; SimplifyContext returns both.
func Simplify(term *symbolic.Expr, rules []*Rewrite, cost CostFunction) (*symbolic.Expr, error) {
	r, err := SimplifyContext(context.Background(), term, rules, cost, SimplifyOptions{})
	if err != nil {
		return nil, err
	}
	return r.Term, nil
}

// SimplifyContext is Simplify with limits and a context.
func SimplifyContext(ctx context.Context, term *symbolic.Expr, rules []*Rewrite, cost CostFunction, opts SimplifyOptions) (SimplifyResult, error) {
	if rules == nil {
		rules = DefaultRules()
	}
	if cost == nil {
		cost = CPUCost()
	}
	b := NewBridge()
	l := b.lang
	cf := NewConstFold(l)
	cf.ExactIntegers = true
	ivs := NewIntervals(l, symbolDomains(opts.Domains))
	g := New(l, Product{cf, ivs})
	run := NewRunner(g)
	run.IterLimit, run.NodeLimit, run.TimeLimit = 30, 20000, 2*time.Second
	res := SimplifyResult{Bridge: b}
	if opts.IterLimit > 0 {
		run.IterLimit = opts.IterLimit
	}
	if opts.NodeLimit > 0 {
		run.NodeLimit = opts.NodeLimit
	}
	if opts.TimeLimit > 0 {
		run.TimeLimit = opts.TimeLimit
	}
	if opts.Explain {
		if err := g.EnableExplanations(); err != nil {
			return res, err
		}
		g.SetProofLimit(opts.ProofLimit)
	}
	start := b.ToExpr(term)
	seed, seeded := expandedSeed(ctx, b, term, len(start.Nodes))
	seeds := make([]Expr, len(opts.Seeds))
	for i, sd := range opts.Seeds {
		seeds[i] = b.ToExpr(sd.Term)
	}
	b.addNumberDomains(ivs.Domains)
	root := run.AddExpr(start)
	var seedRoot Id
	if seeded {
		seedRoot = g.AddExpr(seed)
	}
	given := make([]Id, len(seeds))
	for i, sd := range seeds {
		given[i] = g.AddExpr(sd)
	}
	g.Rebuild()
	res.StartCost = treeCost(g, cost, start)
	stop := run.Run(ctx, applicableRules(g, rules))
	if stop.Kind == StopCanceled {
		return res, fmt.Errorf("egraph: simplify canceled: %w", stop.Err)
	}
	if seeded {
		joinSeed(g, root, seedRoot)
	}
	for i, id := range given {
		g.UnionBecause(root, id, Justification{Rule: opts.Seeds[i].Why})
		g.Rebuild()
	}
	res.Report = run.Report()
	var best Expr
	if dc, ok := cost.(DagCost); ok && opts.DAG {
		best, res.Cost = ExtractDAG(g, root, dc, 0)
		res.Extraction = "dag"
		res.StartCost = DagCostOf(l, start, dc, g)
	} else {
		best, res.Cost = NewExtractor(g, cost).Best(root)
		res.Extraction = "tree"
	}
	res.Expr = best
	t, err := b.FromExpr(best)
	if err != nil {
		return res, err
	}
	res.Term = t
	if opts.Explain {
		steps, err := g.explainSteps(start, best)
		if err != nil {
			return res, fmt.Errorf("egraph: explaining the simplification: %w", err)
		}
		res.Proof = make([]SimplifyStep, len(steps))
		for i, st := range steps {
			pt, err := b.FromExpr(ptermExpr(st.t))
			if err != nil {
				return res, fmt.Errorf("egraph: explaining the simplification: step %d: %w", i, err)
			}
			res.Proof[i] = SimplifyStep{Term: pt, Rule: st.rule, Backward: st.backward}
		}
	}
	return res, nil
}

// treeCost returns the tree cost of a term.
func treeCost(g *EGraph, cost CostFunction, e Expr) float64 {
	cs := make([]float64, len(e.Nodes))
	for i, n := range e.Nodes {
		cs[i] = cost.NodeCost(g, n, func(id Id) float64 { return cs[id] })
	}
	return cs[len(cs)-1]
}

// FormatProof prints a simplification's proof (SimplifyResult.Proof):
// the input indented by two spaces, then a line "= TERM    by RULES" for
// each change in the printed term, RULES being the rule applications
// that led there from the line above, in order ("RULE, right to left"
// for one applied backwards). Several applications often print as one
// change: commutativity, say, changes the e-graph's term but not its
// printed form. The last line has no newline.
func FormatProof(steps []SimplifyStep) string {
	type line struct {
		term  string
		rules []string
	}
	var lines []line
	var pending []string
	for i, st := range steps {
		term := st.Term.String()
		if i == 0 {
			lines = append(lines, line{term: term})
			continue
		}
		rule := st.Rule
		if st.Backward {
			rule += ", right to left"
		}
		pending = append(pending, rule)
		if term != lines[len(lines)-1].term {
			lines = append(lines, line{term: term, rules: pending})
			pending = nil
		}
	}
	if len(pending) > 0 {
		if len(lines) == 1 {
			lines = append(lines, line{term: lines[0].term})
		}
		last := &lines[len(lines)-1]
		last.rules = append(last.rules, pending...)
	}
	width := 0
	for _, l := range lines {
		width = max(width, len(l.term))
	}
	var b strings.Builder
	for i, l := range lines {
		if i == 0 {
			b.WriteString("  " + l.term)
			continue
		}
		b.WriteString("\n= " + l.term + strings.Repeat(" ", width-len(l.term)) + "    by " + strings.Join(l.rules, "; "))
	}
	return b.String()
}
