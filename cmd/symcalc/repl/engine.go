package repl

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/symcalc/symcalc/egraph"
	"github.com/symcalc/symcalc/parser"
	"github.com/symcalc/symcalc/rewrite"
	"github.com/symcalc/symcalc/symbolic"
)

// ErrQuit is returned by Exec for :quit; the caller ends the session.
var ErrQuit = errors.New("quit")

// DefaultMaxOutput is the number of characters of one result printed
// before the rest is elided (`:set maxout N` changes it, 0 prints all): a
// million-term expansion should not flood the terminal by accident.
const DefaultMaxOutput = 20000

// DefaultMaxTerms bounds the terms of any sum an expansion builds (:set
// maxterms N changes it, 0 removes it), so that a mistyped exponent stops
// with a message instead of exhausting memory, which would end the
// session. (1+x+y+z)^200, 1.4 million terms, is within it.
const DefaultMaxTerms = 10_000_000

// Engine is one REPL session: the names assigned so far, the assumptions,
// the loaded model and its last simulation. Exec runs one input.
//
// An input works on a private copy of the session and the copy replaces
// the session only when the input succeeds and was not cancelled, so a
// failed or interrupted input leaves no trace, and a computation that was
// abandoned (it did not stop on cancellation in time) cannot change the
// session later. Exec may be called from several goroutines.
type Engine struct {
	mu sync.Mutex
	st *state
}

// state is the session's data. Exec clones it (maps and slices are
// copied on write; terms and results are immutable and shared).
type state struct {
	vars      map[string]value
	order     []string // assignment order, for :vars
	facts     []string // assumptions as typed, for display
	assume    *rewrite.Assumptions
	useEgraph bool              // simplify() uses the e-graph
	rules     []*rewrite.Rule   // the rules :rules loaded, for simplify()
	egRules   []*egraph.Rewrite // those the e-graph takes, for egraph() and explain()
	maxOut    int
	maxTerms  int // expansion limit (0: none)
	maxNodes  int // printing limit in tree nodes (0: by maxOut, see exprString)
	model     *model
	sol       *solution
	dir       string // directory :load resolves relative paths against ("" = cwd)
}

// New returns an empty session.
func New() *Engine {
	return &Engine{st: &state{vars: map[string]value{}, maxOut: DefaultMaxOutput, maxTerms: DefaultMaxTerms}}
}

// SetMaxOutput sets how many characters of one result are printed (0:
// all).
func (e *Engine) SetMaxOutput(n int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.st.maxOut = n
}

// SetDir sets the directory relative :load paths are resolved against
// (default: the process's working directory).
func (e *Engine) SetDir(dir string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.st.dir = dir
}

func (s *state) clone() *state {
	c := *s
	c.vars = make(map[string]value, len(s.vars))
	for k, v := range s.vars {
		c.vars[k] = v
	}
	c.order = slices.Clone(s.order)
	c.facts = slices.Clone(s.facts)
	return &c
}

// Exec runs one complete input (possibly several lines joined by
// newlines) and returns the text to print, without a final newline. Bad
// input is an error whose message says what is wrong, with a caret under
// the fault for syntax errors; a cancelled ctx gives an error wrapping
// context.Canceled. Exec never panics: a failure inside symcalc is
// reported as an internal error and the session is left as it was.
func (e *Engine) Exec(ctx context.Context, input string) (out string, err error) {
	e.mu.Lock()
	st := e.st.clone()
	e.mu.Unlock()
	defer func() {
		if r := recover(); r != nil {
			out = ""
			err = &InternalError{Value: r, Stack: string(debug.Stack())}
		}
	}()
	out, err = st.exec(ctx, input)
	if err == nil {
		err = ctx.Err()
	}
	if err != nil {
		return "", err
	}
	e.mu.Lock()
	e.st = st
	e.mu.Unlock()
	return out, nil
}

// InternalError is a panic inside symcalc caught by Exec: a bug, not bad
// input. The session survives it.
type InternalError struct {
	Value any
	Stack string
}

func (e *InternalError) Error() string {
	return fmt.Sprintf("internal error: %v (the session is unchanged; please report the input that caused this)", e.Value)
}

// Names lists every name completion offers: assigned names, model
// names, functions and commands, sorted.
func (e *Engine) Names() []string {
	e.mu.Lock()
	st := e.st
	e.mu.Unlock()
	set := map[string]bool{"assume": true, "pi": true}
	for n := range st.vars {
		set[n] = true
	}
	for _, n := range symbolic.FuncNames() {
		set[n] = true
	}
	for n := range replFuncs {
		set[n] = true
	}
	for _, c := range commands {
		set[c.name] = true
	}
	if st.model != nil {
		for _, n := range st.model.sys.Names() {
			set[n] = true
		}
	}
	if st.sol != nil {
		set["sol"] = true
		for _, n := range st.sol.names {
			set["sol."+n] = true
		}
	}
	out := make([]string, 0, len(set))
	for n := range set {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

func (s *state) exec(ctx context.Context, input string) (string, error) {
	src := strings.TrimSpace(input)
	switch {
	case src == "":
		return "", nil
	case strings.HasPrefix(src, ":"):
		return s.command(ctx, src)
	case (src == "help" || src == "quit" || src == "exit") && s.vars[src] == nil:
		// What a user of other REPLs types first: the commands, unless
		// the name has been given a value.
		return s.command(ctx, ":"+src)
	case src == "assume" || strings.HasPrefix(src, "assume ") || strings.HasPrefix(src, "assume\t") || strings.HasPrefix(src, "assume\n"):
		return s.assumeCmd(src[len("assume"):])
	}
	if name, rhs, ok := splitAssignment(src); ok && mentionsSol(rhs) {
		return s.assignQuery(ctx, name, rhs)
	}
	if mentionsSol(src) {
		v, err := s.query(ctx, src)
		if err != nil {
			return "", err
		}
		return s.truncate(formatQuery(v)), nil
	}
	sp, err := tokenize(src)
	if err != nil {
		// Let the expression parser report the bad character with a caret.
		_, perr := parser.ParseExpr(src)
		if perr != nil {
			return "", perr
		}
		return "", err
	}
	if params, body, ok := splitDefinition(sp); ok {
		name := sp.tok(0).Text
		if err := checkAssignable(name); err != nil {
			return "", parser.ErrorAt("", src, sp.tok(0).Off, "%v", err)
		}
		if body.len() == 0 {
			return "", parser.ErrorAt("", src, len(src), "expected the function's body after \"=\"")
		}
		local := map[string]bool{}
		for _, p := range params {
			if local[p] {
				return "", parser.ErrorAt("", src, sp.tok(0).Off, "%s: parameter %s appears twice", name, p)
			}
			local[p] = true
		}
		e, err := s.parseLocal(ctx, body, local)
		if err != nil {
			return "", err
		}
		fv := funcVal{params: params, body: e}
		s.setVar(name, fv)
		return s.truncate(name + "(" + strings.Join(params, ", ") + ") = " + s.exprString(e)), nil
	}
	if sp.len() >= 2 && sp.tok(0).Kind == parser.TIdent && sp.isOp(1, "=") {
		name := sp.tok(0).Text
		if err := checkAssignable(name); err != nil {
			return "", parser.ErrorAt("", src, sp.tok(0).Off, "%v", err)
		}
		if sp.len() == 2 {
			return "", parser.ErrorAt("", src, len(src), "expected an expression after %q", name+" =")
		}
		v, err := s.value(ctx, sp.sub(2, sp.len()))
		if err != nil {
			return "", err
		}
		if err := s.assign(name, v); err != nil {
			return "", parser.ErrorAt("", src, sp.tok(0).Off, "%v", err)
		}
		return s.truncate(name + " = " + s.format(v)), nil
	}
	v, err := s.value(ctx, sp)
	if err == nil {
		err = ctx.Err() // do not print a result nobody waits for
	}
	if err != nil {
		return "", err
	}
	switch v.(type) {
	case exprVal, listVal, matrixVal, numVal:
		s.setVar("ans", v)
	}
	return s.truncate(s.format(v)), nil
}

// splitDefinition recognises a function definition "NAME(A, B) = body"
// and returns the parameter names and the body's span.
func splitDefinition(sp span) (params []string, body span, ok bool) {
	if sp.len() < 4 || sp.tok(0).Kind != parser.TIdent || !sp.isOp(1, "(") {
		return nil, span{}, false
	}
	closeAt := sp.matching(1)
	if closeAt < 0 || !sp.isOp(closeAt+1, "=") {
		return nil, span{}, false
	}
	for i := 2; i < closeAt; i++ {
		t := sp.tok(i)
		if (i-2)%2 == 0 && t.Kind != parser.TIdent || (i-2)%2 == 1 && !sp.isOp(i, ",") {
			return nil, span{}, false
		}
		if t.Kind == parser.TIdent {
			params = append(params, t.Text)
		}
	}
	if len(params) == 0 || sp.isOp(closeAt-1, ",") {
		return nil, span{}, false
	}
	return params, sp.sub(closeAt+2, sp.len()), true
}

// splitAssignment recognises "NAME = rest" (not "NAME == rest").
func splitAssignment(src string) (name, rest string, ok bool) {
	i := 0
	for i < len(src) && (src[i] == '_' || src[i] >= 'a' && src[i] <= 'z' || src[i] >= 'A' && src[i] <= 'Z' || (i > 0 && src[i] >= '0' && src[i] <= '9')) {
		i++
	}
	if i == 0 {
		return "", "", false
	}
	name = src[:i]
	r := strings.TrimLeft(src[i:], " \t")
	if !strings.HasPrefix(r, "=") || strings.HasPrefix(r, "==") {
		return "", "", false
	}
	return name, strings.TrimSpace(r[1:]), true
}

// reservedNames cannot be assigned: they mean something else at the prompt.
var reservedNames = map[string]string{
	"sol":    "the simulation result",
	"assume": "the assume command",
	"true":   "a constant", "false": "a constant", "Inf": "a constant", "NaN": "a constant",
	"Derivative": "the unevaluated derivative",
}

func checkAssignable(name string) error {
	if what, ok := reservedNames[name]; ok {
		return fmt.Errorf("cannot assign to %s: it is %s", name, what)
	}
	if _, _, ok := symbolic.LookupFunc(name); ok {
		return fmt.Errorf("cannot assign to %s: it is a built-in function", name)
	}
	if _, ok := replFuncs[name]; ok {
		return fmt.Errorf("cannot assign to %s: it is a REPL function", name)
	}
	return nil
}

func (s *state) setVar(name string, v value) {
	if _, ok := s.vars[name]; !ok {
		s.order = append(s.order, name)
	}
	s.vars[name] = v
}

func (s *state) assign(name string, v value) error {
	switch v.(type) {
	case exprVal, listVal, matrixVal, numVal:
		s.setVar(name, v)
		return nil
	}
	return fmt.Errorf("cannot assign %s to %s: only expressions, numbers, lists and matrices can be named", v.kind(), name)
}

// truncate elides the middle of very long output.
func (s *state) truncate(out string) string {
	if s.maxOut <= 0 || len(out) <= s.maxOut {
		return out
	}
	cut := s.maxOut
	for cut > 0 && !utf8.RuneStart(out[cut]) {
		cut--
	}
	return out[:cut] + fmt.Sprintf(" ... (%d more characters; assign the result to a name to keep it, :set maxout 0 to print everything)", len(out)-cut)
}

// value evaluates a span: a REPL function call used whole, a list
// literal, a name bound to a list, or an expression.
func (s *state) value(ctx context.Context, sp span) (value, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if sp.len() == 0 {
		return nil, parser.ErrorAt("", sp.src, sp.start(), "expected an expression")
	}
	n := sp.len()
	if sp.tok(0).Kind == parser.TIdent && sp.isOp(1, "(") && sp.matching(1) == n-1 {
		if f, ok := replFuncs[sp.tok(0).Text]; ok {
			return s.callSpan(ctx, f, sp)
		}
	}
	if sp.isOp(0, "[") && sp.matching(0) == n-1 {
		return s.listLiteral(ctx, sp)
	}
	if sp.isOp(0, "(") && sp.matching(0) == n-1 && n > 2 {
		inner := sp.sub(1, n-1)
		if inner.tok(0).Kind == parser.TIdent && inner.isOp(1, "(") {
			if _, ok := replFuncs[inner.tok(0).Text]; ok {
				return s.value(ctx, inner)
			}
		}
	}
	if n == 1 && sp.tok(0).Kind == parser.TIdent {
		if v, ok := s.vars[sp.tok(0).Text]; ok {
			return v, nil
		}
	}
	e, err := s.parse(ctx, sp)
	if err != nil {
		return nil, err
	}
	return exprVal{e: e}, nil
}

// parse parses a span as an expression, substituting assigned names and
// running nested REPL function calls.
func (s *state) parse(ctx context.Context, sp span) (*symbolic.Expr, error) {
	return s.parseLocal(ctx, sp, nil)
}

// parseLocal is parse with some names kept as symbols (the parameters of
// a function being defined).
func (s *state) parseLocal(ctx context.Context, sp span, local map[string]bool) (*symbolic.Expr, error) {
	opts := parser.Options{
		Ident: func(name string, off int) (*symbolic.Expr, error) {
			v, ok := s.vars[name]
			if !ok || local[name] {
				return symbolic.Sym(name), nil
			}
			return v.asExpr(name)
		},
		Call: func(name string, args []*symbolic.Expr, off int) (*symbolic.Expr, error) {
			if fv, ok := s.vars[name].(funcVal); ok && !local[name] {
				return fv.apply(args)
			}
			f, ok := replFuncs[name]
			if !ok {
				if what, ok := notProvided[name]; ok {
					return nil, fmt.Errorf("unknown function %s: %s", name, what)
				}
				if w, ok := symbolic.ForeignFunc(name); ok {
					return nil, fmt.Errorf("unknown function %s: %s", name, w)
				}
				if hint := symbolic.DidYouMean(name, replFuncNames()); hint != "" {
					return nil, fmt.Errorf("unknown function %s%s", name, hint)
				}
				return symbolic.Func(name, args...), nil
			}
			vals := make([]value, len(args))
			for i, a := range args {
				vals[i] = exprVal{e: a}
			}
			v, err := s.call(ctx, f, vals)
			if err != nil {
				return nil, err
			}
			return v.asExpr(name + "(...)")
		},
	}
	return opts.ParseRange(sp.src, sp.start(), sp.end())
}

// callSpan runs a REPL function whose call is the whole span, so its
// arguments may be lists, matrices and name=value bindings.
func (s *state) callSpan(ctx context.Context, f *replFunc, sp span) (value, error) {
	inner := sp.sub(2, sp.len()-1)
	var args []value
	if inner.len() > 0 {
		for _, a := range inner.splitCommas() {
			if a.len() == 0 {
				return nil, parser.ErrorAt("", sp.src, a.start(), "empty argument to %s", f.name)
			}
			if a.len() >= 2 && a.tok(0).Kind == parser.TIdent && a.isOp(1, "=") {
				if a.len() == 2 {
					return nil, parser.ErrorAt("", sp.src, a.end(), "expected a value after %q", a.tok(0).Text+"=")
				}
				e, err := s.parse(ctx, a.sub(2, a.len()))
				if err != nil {
					return nil, err
				}
				args = append(args, bindingVal{name: a.tok(0).Text, e: e})
				continue
			}
			v, err := s.value(ctx, a)
			if err != nil {
				return nil, err
			}
			args = append(args, v)
		}
	}
	v, err := s.call(ctx, f, args)
	if err != nil {
		var pe *parser.Error
		if errors.As(err, &pe) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return nil, err
		}
		return nil, parser.ErrorAt("", sp.src, sp.start(), "%v", err)
	}
	return v, nil
}

// call checks the argument count and runs f.
func (s *state) call(ctx context.Context, f *replFunc, args []value) (value, error) {
	if len(args) < f.minArgs || (f.maxArgs >= 0 && len(args) > f.maxArgs) {
		return nil, fmt.Errorf("%s: wrong number of arguments (%d); usage: %s", f.name, len(args), f.usage)
	}
	for i, a := range args {
		if _, ok := a.(bindingVal); ok && !f.bindings {
			return nil, fmt.Errorf("%s: argument %d is a binding (name=value), which %s does not take; usage: %s", f.name, i+1, f.name, f.usage)
		}
	}
	return f.run(ctx, s, args)
}

// listLiteral evaluates [a, b, ...]: a list of expressions, or a matrix
// when every element is a list of the same length.
func (s *state) listLiteral(ctx context.Context, sp span) (value, error) {
	inner := sp.sub(1, sp.len()-1)
	if inner.len() == 0 {
		return nil, parser.ErrorAt("", sp.src, sp.start(), "empty list")
	}
	var elems []value
	for _, a := range inner.splitCommas() {
		if a.len() == 0 {
			return nil, parser.ErrorAt("", sp.src, a.start(), "empty list element")
		}
		v, err := s.value(ctx, a)
		if err != nil {
			return nil, err
		}
		elems = append(elems, v)
	}
	if _, ok := elems[0].(listVal); ok {
		var m matrixVal
		for i, el := range elems {
			row, ok := el.(listVal)
			if !ok || len(row) != len(elems[0].(listVal)) {
				return nil, parser.ErrorAt("", sp.src, sp.start(), "matrix rows must all be lists of %d elements (row %d is not)", len(elems[0].(listVal)), i+1)
			}
			m = append(m, row)
		}
		return m, nil
	}
	l := make(listVal, len(elems))
	for i, el := range elems {
		e, err := el.asExpr(fmt.Sprintf("list element %d", i+1))
		if err != nil {
			return nil, parser.ErrorAt("", sp.src, sp.start(), "%v", err)
		}
		l[i] = e
	}
	return l, nil
}

// assumeCmd handles `assume FACT`, `assume` (list) and `assume none`.
func (s *state) assumeCmd(rest string) (string, error) {
	rest = strings.TrimSpace(rest)
	switch rest {
	case "":
		if len(s.facts) == 0 {
			return "no assumptions (symbols are real); e.g. assume x > 0", nil
		}
		return "assuming " + strings.Join(s.facts, ", "), nil
	case "none":
		s.facts, s.assume = nil, nil
		return "assumptions cleared", nil
	}
	facts := append(slices.Clone(s.facts), rest)
	a, err := buildAssumptions(facts)
	if err != nil {
		return "", err
	}
	s.facts, s.assume = facts, a
	return "assuming " + strings.Join(s.facts, ", "), nil
}

// buildAssumptions turns typed facts into rewrite.Assumptions: "x > 0",
// "x >= 0 && y != 0", "n integer".
func buildAssumptions(facts []string) (*rewrite.Assumptions, error) {
	a := rewrite.NewAssumptions()
	for _, f := range facts {
		if name, ok := strings.CutSuffix(f, " integer"); ok {
			name = strings.TrimSpace(name)
			if !isName(name) {
				return nil, fmt.Errorf("assume %s: %q is not a name", f, name)
			}
			a.Integer(name)
			continue
		}
		e, err := parser.ParseExpr(f)
		if err != nil {
			return nil, fmt.Errorf("assume: %w", err)
		}
		if err := a.Assume(e); err != nil {
			return nil, fmt.Errorf("assume: %v", err)
		}
	}
	return a, nil
}

func isName(s string) bool {
	toks, err := parser.Tokenize(s)
	return err == nil && len(toks) == 1 && toks[0].Kind == parser.TIdent
}

// format prints a value for the terminal.
func (s *state) format(v value) string {
	switch v := v.(type) {
	case exprVal:
		out := s.exprString(v.e)
		if len(v.conds) > 0 {
			cs := make([]string, len(v.conds))
			for i, c := range v.conds {
				cs[i] = c.String()
			}
			out += "    if " + strings.Join(cs, " && ")
		}
		return out
	case numVal:
		return formatFloat(float64(v))
	case listVal:
		return s.formatList(v)
	case matrixVal:
		if sparse := s.formatSparse(v); sparse != "" {
			return sparse
		}
		rows := make([]string, len(v))
		for i, r := range v {
			rows[i] = s.formatList(r)
		}
		return "[" + strings.Join(rows, ",\n ") + "]"
	case numListVal:
		parts := make([]string, len(v))
		for i, x := range v {
			parts[i] = formatFloat(x)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case textVal:
		return string(v)
	case funcVal:
		return "(" + strings.Join(v.params, ", ") + ") -> " + s.exprString(v.body)
	}
	return fmt.Sprint(v)
}

// formatSparse prints a large, mostly zero matrix as its nonzero entries
// (1-based [row, column] = value); "" when the dense form is better.
func (s *state) formatSparse(m matrixVal) string {
	cols := 0
	if len(m) > 0 {
		cols = len(m[0])
	}
	if len(m)*cols <= 100 {
		return ""
	}
	nnz := 0
	for _, r := range m {
		for _, e := range r {
			if e != symbolic.Zero() {
				nnz++
			}
		}
	}
	if 2*nnz > len(m)*cols {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%d×%d matrix, %d nonzero entries:", len(m), cols, nnz)
	for i, r := range m {
		for j, e := range r {
			if e != symbolic.Zero() {
				fmt.Fprintf(&b, "\n[%d, %d] = %s", i+1, j+1, s.exprString(e))
				if s.maxOut > 0 && b.Len() > s.maxOut {
					return b.String() // truncate adds the note
				}
			}
		}
	}
	return b.String()
}

func (s *state) formatList(l []*symbolic.Expr) string {
	parts := make([]string, len(l))
	for i, e := range l {
		parts[i] = s.exprString(e)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}

func formatFloat(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// Printing limits, in nodes of the term as a tree (shared subterms
// counted at every use). A term built by repeated assignment
// (a = a^2 + a, forty times) is small as a DAG but exponential as text,
// and even a million-term polynomial takes seconds to print and is of no
// use on a terminal: such terms are described instead.
const (
	maxPrintNodes    = 1 << 22 // with the default output limit
	maxPrintNodesAll = 1 << 26 // with :set maxout 0
)

// exprString prints a term unless it is too large to print.
func (s *state) exprString(e *symbolic.Expr) string {
	limit := maxPrintNodes
	if s.maxOut <= 0 {
		limit = maxPrintNodesAll
	}
	if s.maxNodes > 0 {
		limit = s.maxNodes
	}
	n := treeSize(e, limit)
	if n <= limit {
		return e.String()
	}
	what := "an expression"
	if e.Kind() == symbolic.KAdd {
		_, terms, _ := e.AddParts()
		what = fmt.Sprintf("a sum of %d terms", len(terms))
	}
	return fmt.Sprintf("<%s (%d distinct subterms, over %d nodes written out): too large to print; name it and use eval, diff, ...>",
		what, symbolic.Size(e), limit)
}

// treeSize counts the nodes of e as a tree, stopping above limit.
func treeSize(e *symbolic.Expr, limit int) int {
	memo := map[*symbolic.Expr]int{}
	var walk func(*symbolic.Expr) int
	walk = func(e *symbolic.Expr) int {
		if n, ok := memo[e]; ok {
			return n
		}
		n := 1
		for _, c := range e.Children() {
			n += walk(c)
			if n > limit {
				n = limit + 1
				break
			}
		}
		memo[e] = n
		return n
	}
	return walk(e)
}
