package symbolic

import (
	"context"
	"fmt"
	"math"
	"sort"
	"strings"
)

// System is a model of ordinary differential equations
//
//	du/dt = f(u, p, t),   u(t0) = u0(p)
//
// with named states u, parameters p with default values, the independent
// variable t, algebraic definitions (observed variables) and named outputs.
// It is what the equation-file parser and the BioNetGen importer build, and
// what code generation and the integrators consume: a System is the single
// hand-off point between "a model somebody wrote" and "numbers".
//
// States are kept in a stable order: the order they were added in (an
// indexed state u[i,j] adds its cells in row-major order, the last index
// fastest). RHS, StateSyms, Jacobian and InitialState all use that order.
//
// A System may instead hold periodic one-dimensional fields (see Field),
// whose spatial derivatives are spectral; such a system has no scalar
// states and its linear constant-coefficient part is exposed separately
// for exponential integrators.
//
// Build one with NewSystem and the Add methods, which reject duplicate
// names and keep the name index; then call Validate. A builder may set the
// Init, RHS, Label and Fixed fields of States in place (the parsers do, to
// fill 32,768 cells without a name lookup each), but must add, remove or
// rename states, parameters and outputs only through the methods.
type System struct {
	// Name is the model's name ("" when it has none).
	Name string
	// T is the independent variable (the symbol t unless set otherwise).
	T *Expr
	// States are the differential variables, in state-vector order.
	States []State
	// Params are the parameters, in declaration order. A default may refer
	// to earlier parameters (BioNetGen's derived rate constants do).
	Params []Param
	// Consts are named exact constants. They are substituted wherever
	// used, and kept here only so a model can be printed back.
	Consts []Binding
	// Observed are algebraic definitions that depend on the states or t.
	// They have been substituted into the equations already; they are kept
	// (expressed in states, params and t) so that solvers can report them.
	Observed []Binding
	// Outputs are named quantities to report (BioNetGen groups, `output`
	// statements), expressed in states, params and t.
	Outputs []Binding
	// Fields are periodic one-dimensional fields with spectral derivatives.
	Fields []Field
	// Sim holds the simulation settings written in the model, if any.
	Sim *Simulation
	// Assumptions are facts the model states about its symbols (assume
	// k > 0): comparisons that simplification may rely on.
	Assumptions []*Expr

	names map[string]nameRef
}

// State is one differential variable.
type State struct {
	Name string
	Sym  *Expr
	// Init is the initial value, in parameters (and exact constants).
	Init *Expr
	// RHS is du/dt (nil until set).
	RHS *Expr
	// Label describes the state for people (e.g. a BioNetGen species
	// pattern); it is not an identifier.
	Label string
	// Fixed marks a state held constant (RHS is 0): BioNetGen's $species.
	Fixed bool
}

// Param is a parameter with a default value, which may be an expression
// in constants and earlier parameters.
type Param struct {
	Name    string
	Sym     *Expr
	Default *Expr
}

// Binding is a named expression.
type Binding struct {
	Name string
	Expr *Expr
}

// Simulation holds the settings of an equation file's simulate block.
// Zero values mean "not given": the caller picks its defaults.
type Simulation struct {
	T0, T1     float64
	Solver     string
	RTol, ATol float64
	// SaveAt is the spacing of saved output times (0: solver steps).
	SaveAt float64
	// Dt is a fixed step size (fixed-step and exponential methods).
	Dt float64
}

type nameKind uint8

const (
	nameState nameKind = iota + 1
	nameParam
	nameConst
	nameObserved
	nameOutput
	nameField
	nameIndep
)

func (k nameKind) String() string {
	return [...]string{"", "state", "parameter", "constant", "observed variable", "output", "field", "independent variable"}[k]
}

type nameRef struct {
	kind nameKind
	pos  int
}

// NewSystem returns an empty system with independent variable t.
func NewSystem(name string) *System {
	s := &System{Name: name, T: Sym("t"), names: map[string]nameRef{}}
	s.names["t"] = nameRef{kind: nameIndep}
	return s
}

// SetIndependent renames the independent variable (default t).
func (s *System) SetIndependent(name string) error {
	if r, ok := s.names[name]; ok && r.kind != nameIndep {
		return fmt.Errorf("%q is already a %s", name, r.kind)
	}
	delete(s.names, s.T.Name())
	s.T = Sym(name)
	s.names[name] = nameRef{kind: nameIndep}
	return nil
}

func (s *System) claim(name string, kind nameKind, pos int) error {
	if name == "" {
		return fmt.Errorf("empty %s name", kind)
	}
	if r, ok := s.names[name]; ok {
		return fmt.Errorf("%q is already defined as a %s", name, r.kind)
	}
	s.names[name] = nameRef{kind: kind, pos: pos}
	return nil
}

// Lookup reports what a name denotes in the system: "state", "parameter",
// "constant", "observed variable", "output", "field", "independent
// variable", or "" when it is not defined.
func (s *System) Lookup(name string) string {
	if r, ok := s.names[name]; ok {
		return r.kind.String()
	}
	return ""
}

// Names returns every defined name, sorted; for "did you mean" hints.
func (s *System) Names() []string {
	out := make([]string, 0, len(s.names))
	for n := range s.names {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// AddState adds a state with its initial value and returns its symbol.
func (s *System) AddState(name string, init *Expr) (*Expr, error) {
	if err := s.claim(name, nameState, len(s.States)); err != nil {
		return nil, err
	}
	sym := Sym(name)
	s.States = append(s.States, State{Name: name, Sym: sym, Init: init})
	return sym, nil
}

// StateIndex returns the position of the named state in the state vector.
func (s *System) StateIndex(name string) (int, bool) {
	r, ok := s.names[name]
	if !ok || r.kind != nameState {
		return 0, false
	}
	return r.pos, true
}

// SetRHS sets du/dt of the named state. Setting it twice is an error, so
// that a model cannot silently give two equations for one state.
func (s *System) SetRHS(name string, f *Expr) error {
	i, ok := s.StateIndex(name)
	if !ok {
		return fmt.Errorf("%q is not a state", name)
	}
	if s.States[i].RHS != nil {
		return fmt.Errorf("state %q already has an equation", name)
	}
	s.States[i].RHS = f
	return nil
}

// AddParam adds a parameter with its default value and returns its symbol.
func (s *System) AddParam(name string, def *Expr) (*Expr, error) {
	if err := s.claim(name, nameParam, len(s.Params)); err != nil {
		return nil, err
	}
	sym := Sym(name)
	s.Params = append(s.Params, Param{Name: name, Sym: sym, Default: def})
	return sym, nil
}

// ParamIndex returns the position of the named parameter.
func (s *System) ParamIndex(name string) (int, bool) {
	r, ok := s.names[name]
	if !ok || r.kind != nameParam {
		return 0, false
	}
	return r.pos, true
}

// AddConst records a named constant. Constants are values, not symbols:
// the caller substitutes value wherever the name is used.
func (s *System) AddConst(name string, value *Expr) error {
	if err := s.claim(name, nameConst, len(s.Consts)); err != nil {
		return err
	}
	s.Consts = append(s.Consts, Binding{name, value})
	return nil
}

// AddObserved records an algebraic definition kept for output.
func (s *System) AddObserved(name string, e *Expr) error {
	if err := s.claim(name, nameObserved, len(s.Observed)); err != nil {
		return err
	}
	s.Observed = append(s.Observed, Binding{name, e})
	return nil
}

// AddOutput adds a named output. Outputs live in their own namespace
// only in the sense that BioNetGen may reuse a parameter's name for a
// group; two outputs may not share a name.
func (s *System) AddOutput(name string, e *Expr) error {
	for _, o := range s.Outputs {
		if o.Name == name {
			return fmt.Errorf("output %q is defined twice", name)
		}
	}
	if r, ok := s.names[name]; ok && r.kind != nameParam {
		return fmt.Errorf("%q is already defined as a %s", name, r.kind)
	}
	if _, ok := s.names[name]; !ok {
		s.names[name] = nameRef{kind: nameOutput, pos: len(s.Outputs)}
	}
	s.Outputs = append(s.Outputs, Binding{name, e})
	return nil
}

// NumStates returns the length of the state vector: the scalar states,
// or for a field system the total number of grid points.
func (s *System) NumStates() int {
	if len(s.Fields) > 0 {
		n := 0
		for _, f := range s.Fields {
			n += f.N
		}
		return n
	}
	return len(s.States)
}

// StateSyms returns the state symbols in state-vector order.
func (s *System) StateSyms() []*Expr {
	out := make([]*Expr, len(s.States))
	for i, st := range s.States {
		out[i] = st.Sym
	}
	return out
}

// ParamSyms returns the parameter symbols in order.
func (s *System) ParamSyms() []*Expr {
	out := make([]*Expr, len(s.Params))
	for i, p := range s.Params {
		out[i] = p.Sym
	}
	return out
}

// RHS returns f, aligned with StateSyms. Fixed states and states without
// an equation give 0 (Validate reports the latter).
func (s *System) RHS() []*Expr {
	out := make([]*Expr, len(s.States))
	for i, st := range s.States {
		if st.RHS == nil || st.Fixed {
			out[i] = Zero()
		} else {
			out[i] = st.RHS
		}
	}
	return out
}

// Sparsity returns the structural pattern of ∂f/∂u without differentiating.
func (s *System) Sparsity() Pattern { return Sparsity(s.RHS(), s.StateSyms()) }

// Jacobian returns the sparse Jacobian ∂f/∂u (SparseJacobianOf of the
// right-hand side: only structurally nonzero entries are differentiated,
// a sum term by term); ctx cancels a long run.
func (s *System) Jacobian(ctx context.Context) (*SparseJacobian, error) {
	return SparseJacobianOf(ctx, s.RHS(), s.StateSyms())
}

// DenseJacobian returns ∂f/∂u as a dense matrix; for small systems.
func (s *System) DenseJacobian() [][]*Expr { return Jacobian(s.RHS(), s.StateSyms()) }

// ParamValues evaluates the parameter defaults in order, each seeing the
// earlier values, with the values in override taking precedence.
func (s *System) ParamValues(override map[string]float64) ([]float64, error) {
	env := make(map[string]float64, len(s.Params))
	out := make([]float64, len(s.Params))
	for i, p := range s.Params {
		if v, ok := override[p.Name]; ok {
			out[i] = v
			env[p.Name] = v
			continue
		}
		if p.Default == nil {
			return nil, fmt.Errorf("parameter %q has no default value", p.Name)
		}
		v, err := Eval(p.Default, env)
		if err != nil {
			return nil, fmt.Errorf("parameter %q: %w", p.Name, err)
		}
		out[i] = v
		env[p.Name] = v
	}
	for name := range override {
		if _, ok := s.ParamIndex(name); !ok {
			return nil, fmt.Errorf("%q is not a parameter%s", name, DidYouMean(name, s.paramNames()))
		}
	}
	return out, nil
}

func (s *System) paramNames() []string {
	out := make([]string, len(s.Params))
	for i, p := range s.Params {
		out[i] = p.Name
	}
	return out
}

// Env returns the name → value map of the parameters p (as ParamValues
// gives them) plus t.
func (s *System) Env(p []float64, t float64) map[string]float64 {
	env := make(map[string]float64, len(p)+len(s.States)+1)
	for i, q := range s.Params {
		if i < len(p) {
			env[q.Name] = p[i]
		}
	}
	env[s.T.Name()] = t
	return env
}

// InitialState evaluates the initial values at parameter values p. For a
// field system it samples each field's initial profile on its grid.
func (s *System) InitialState(p []float64) ([]float64, error) {
	env := s.Env(p, 0)
	if s.Sim != nil {
		env[s.T.Name()] = s.Sim.T0
	}
	if len(s.Fields) > 0 {
		var out []float64
		for _, f := range s.Fields {
			xs := f.Grid()
			for _, x := range xs {
				env[f.X.Name()] = x
				v, err := Eval(f.Init, env)
				if err != nil {
					return nil, fmt.Errorf("initial value of field %q: %w", f.Name, err)
				}
				out = append(out, v)
			}
		}
		return out, nil
	}
	out := make([]float64, len(s.States))
	for i, st := range s.States {
		if st.Init == nil {
			return nil, fmt.Errorf("state %q has no initial value", st.Name)
		}
		v, err := Eval(st.Init, env)
		if err != nil {
			return nil, fmt.Errorf("initial value of %q: %w", st.Name, err)
		}
		out[i] = v
	}
	return out, nil
}

// CheckComplete checks that every state and field has an initial value
// and an equation, without looking inside the expressions. A builder that
// resolves every name as it parses (the equation-file parser) needs no
// more; Validate does the full check.
func (s *System) CheckComplete() error {
	if len(s.Fields) > 0 && len(s.States) > 0 {
		return fmt.Errorf("a model cannot mix fields and scalar states yet")
	}
	for _, st := range s.States {
		if st.Init == nil {
			return fmt.Errorf("state %q has no initial value", st.Name)
		}
		if st.RHS == nil && !st.Fixed {
			return fmt.Errorf("state %q has no equation der(%s) = ...", st.Name, st.Name)
		}
	}
	for _, f := range s.Fields {
		if f.RHS == nil {
			return fmt.Errorf("field %q has no equation der(%s) = ...", f.Name, f.Name)
		}
		if f.Init == nil {
			return fmt.Errorf("field %q has no initial value", f.Name)
		}
	}
	return nil
}

// Reserve makes room for n more states, so that adding the cells of a
// large grid does not regrow the state slice and the name table.
func (s *System) Reserve(n int) {
	if n <= 0 {
		return
	}
	s.States = append(make([]State, 0, len(s.States)+n), s.States...)
	names := make(map[string]nameRef, len(s.names)+n)
	for k, v := range s.names {
		names[k] = v
	}
	s.names = names
}

// Validate checks that every state has an initial value and an equation
// and that every equation, output and initial value uses only names the
// system defines. It returns the first problem found.
func (s *System) Validate() error {
	known := map[*Expr]bool{s.T: true}
	for _, p := range s.Params {
		known[p.Sym] = true
	}
	paramsOnly := make(map[*Expr]bool, len(known))
	for k := range known {
		paramsOnly[k] = true
	}
	delete(paramsOnly, s.T)
	for _, st := range s.States {
		known[st.Sym] = true
	}
	for _, f := range s.Fields {
		known[f.Sym] = true
		known[f.X] = true
		for _, d := range f.Derivs {
			known[d.Sym] = true
		}
	}
	// One walk per set of allowed names over the shared DAG of all
	// equations: a subterm common to many equations (a grid's
	// coefficients) is checked once.
	type checker struct {
		ok   map[*Expr]bool
		seen map[*Expr]bool
	}
	var walk func(c *checker, e *Expr) *Expr
	walk = func(c *checker, e *Expr) *Expr {
		if e.kind == KSym {
			if !c.ok[e] {
				return e
			}
			return nil
		}
		if len(e.args) == 0 || c.seen[e] {
			return nil
		}
		for _, a := range e.args {
			if bad := walk(c, a); bad != nil {
				return bad
			}
		}
		for _, a := range e.exps() {
			if bad := walk(c, a); bad != nil {
				return bad
			}
		}
		c.seen[e] = true
		return nil
	}
	newChecker := func(ok map[*Expr]bool) *checker { return &checker{ok: ok, seen: map[*Expr]bool{}} }
	checkAll, checkParams := newChecker(known), newChecker(paramsOnly)
	check := func(what func() string, e *Expr, c *checker) error {
		if bad := walk(c, e); bad != nil {
			return fmt.Errorf("%s uses %q, which is not defined", what(), bad.Name())
		}
		return nil
	}
	for i, p := range s.Params {
		if p.Default == nil {
			continue
		}
		earlier := map[*Expr]bool{}
		for _, q := range s.Params[:i] {
			earlier[q.Sym] = true
		}
		if err := check(func() string { return fmt.Sprintf("the default of parameter %q", p.Name) }, p.Default, newChecker(earlier)); err != nil {
			return err
		}
	}
	for _, st := range s.States {
		if st.Init == nil {
			return fmt.Errorf("state %q has no initial value", st.Name)
		}
		if st.RHS == nil && !st.Fixed {
			return fmt.Errorf("state %q has no equation der(%s) = ...", st.Name, st.Name)
		}
		if err := check(func() string { return fmt.Sprintf("the initial value of %q", st.Name) }, st.Init, checkParams); err != nil {
			return err
		}
		if st.RHS != nil {
			if err := check(func() string { return fmt.Sprintf("der(%s)", st.Name) }, st.RHS, checkAll); err != nil {
				return err
			}
		}
	}
	for _, o := range s.Observed {
		if err := check(func() string { return fmt.Sprintf("observed %q", o.Name) }, o.Expr, checkAll); err != nil {
			return err
		}
	}
	for _, o := range s.Outputs {
		if err := check(func() string { return fmt.Sprintf("output %q", o.Name) }, o.Expr, checkAll); err != nil {
			return err
		}
	}
	if len(s.Fields) > 0 && len(s.States) > 0 {
		return fmt.Errorf("a model cannot mix fields and scalar states yet")
	}
	for _, f := range s.Fields {
		if f.RHS == nil {
			return fmt.Errorf("field %q has no equation der(%s) = ...", f.Name, f.Name)
		}
		if f.Init == nil {
			return fmt.Errorf("field %q has no initial value", f.Name)
		}
		xok := map[*Expr]bool{f.X: true}
		for k := range paramsOnly {
			xok[k] = true
		}
		if err := check(func() string { return fmt.Sprintf("the initial value of field %q", f.Name) }, f.Init, newChecker(xok)); err != nil {
			return err
		}
	}
	return nil
}

// DidYouMean returns ` (did you mean "x"?)` when a candidate is within a
// small edit distance of name, else "". Ties go to the longer common
// prefix, then to the first candidate in sorted order, so hints are
// deterministic.
func DidYouMean(name string, candidates []string) string {
	best, bestD, bestP := "", math.MaxInt, -1
	limit := 2
	if len(name) <= 3 {
		limit = 1
	}
	sorted := append([]string(nil), candidates...)
	sort.Strings(sorted)
	lname := strings.ToLower(name)
	for _, c := range sorted {
		if c == name {
			continue
		}
		lc := strings.ToLower(c)
		d := sysEditDistance(lname, lc)
		// Ties go to the longer common prefix (sinn: sin, not sign).
		p := 0
		for p < len(lname) && p < len(lc) && lname[p] == lc[p] {
			p++
		}
		if d < bestD || (d == bestD && p > bestP) {
			best, bestD, bestP = c, d, p
		}
	}
	if best == "" || bestD > limit {
		return ""
	}
	return fmt.Sprintf(" (did you mean %q?)", best)
}

// ForeignFunc returns, for a function that other languages and algebra
// systems have and symcalc spells differently or builds from others
// (pow, ln, arctan, log10, sec, asinh, hypot, ...), what to write
// instead, and whether name is one of them. Callers put it in their
// message about an unknown function: unlike a misspelling, such a name
// is too far from a built-in one for DidYouMean to find.
func ForeignFunc(name string) (string, bool) {
	w, ok := foreignFuncs[name]
	return w, ok
}

// ForeignFuncNames lists the names ForeignFunc knows, sorted.
func ForeignFuncNames() []string {
	out := make([]string, 0, len(foreignFuncs))
	for n := range foreignFuncs {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

var foreignFuncs = map[string]string{
	"pow":       "write x^y",
	"power":     "write x^y",
	"sqr":       "write x^2",
	"ln":        "log is the natural logarithm",
	"log10":     "write log(x)/log(10)",
	"log2":      "write log(x)/log(2)",
	"exp2":      "write 2^x",
	"expm1":     "write exp(x) - 1",
	"arcsin":    "write asin",
	"arccos":    "write acos",
	"arctan":    "write atan",
	"arctan2":   "write atan2",
	"sec":       "write 1/cos(x)",
	"csc":       "write 1/sin(x)",
	"cot":       "write 1/tan(x)",
	"asinh":     "write log(x + sqrt(x^2 + 1))",
	"acosh":     "write log(x + sqrt(x^2 - 1))",
	"atanh":     "write log((1 + x)/(1 - x))/2",
	"arcsinh":   "write log(x + sqrt(x^2 + 1))",
	"arccosh":   "write log(x + sqrt(x^2 - 1))",
	"arctanh":   "write log((1 + x)/(1 - x))/2",
	"hypot":     "write sqrt(x^2 + y^2)",
	"fabs":      "write abs",
	"fmin":      "write min",
	"fmax":      "write max",
	"ceiling":   "write ceil",
	"sgn":       "write sign",
	"signum":    "write sign",
	"heaviside": "write ifelse(x > 0, 1, 0)",
	"piecewise": "write ifelse(cond, a, b)",
	"Piecewise": "write ifelse(cond, a, b)",
	"Heaviside": "write ifelse(x > 0, 1, 0)",
}

func sysEditDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
