package symbolic

import (
	"fmt"
	"math"
	"runtime"
	"unsafe"
)

// Scalar is the numeric interface a model is written against so that the
// same Go function runs on numbers and on symbols: Go's answer to tracing
// by multiple dispatch. A right-hand side written once as
//
//	func rhs[T symbolic.Scalar[T]](du, u, p []T, t T) {
//		du[0] = p[0].Mul(u[0]).Neg()
//	}
//
// runs on float64 values as rhs[symbolic.F64] (see FloatRHS) and produces
// its equations as rhs[symbolic.Var] (see TraceRHS). Loops, slices,
// indexing and helper functions are ordinary Go and need nothing special:
// only the arithmetic goes through methods.
//
// The zero value of every Scalar is the number 0, so a fresh du slice can
// be accumulated into with Add.
//
// Control flow that depends on a value cannot be traced by running Go's if
// statement once; comparisons therefore return a Cond, and Select selects
// between two values without branching (it becomes the term ifelse). Converting a Cond to a Go bool
// (Cond.Bool) works on numbers and on conditions that fold to a constant
// while tracing; on a condition that depends on states, parameters or time
// it stops the trace, and TraceRHS reports the source line.
type Scalar[T any] interface {
	Add(T) T
	Sub(T) T
	Mul(T) T
	Div(T) T
	Neg() T
	// AddConst and Scale take a float64 so literals need no conversion.
	AddConst(float64) T
	Scale(float64) T
	Pow(T) T
	PowInt(int) T
	Sqrt() T
	Exp() T
	Log() T
	Sin() T
	Cos() T
	Tan() T
	Tanh() T
	Abs() T
	Min(T) T
	Max(T) T
	// Const returns the constant c as a T; the receiver is ignored, so
	// the zero value works (see Const).
	Const(c float64) T
	Lt(T) Cond
	Le(T) Cond
	Gt(T) Cond
	Ge(T) Cond
	// Select returns the receiver where c holds and other elsewhere.
	Select(c Cond, other T) T
}

// Const returns c as a T (Const[T](2.5)).
func Const[T Scalar[T]](c float64) T {
	var z T
	return z.Const(c)
}

// Select returns a where c holds and b elsewhere; traced, it becomes the
// term ifelse(c, a, b). It is the traceable form of an if statement on
// values.
func Select[T Scalar[T]](c Cond, a, b T) T { return a.Select(c, b) }

// Sum adds xs (0 for none).
func Sum[T Scalar[T]](xs ...T) T {
	var s T
	for _, x := range xs {
		s = s.Add(x)
	}
	return s
}

// Cond is the outcome of a comparison: a plain bool for numbers, a boolean
// term for traced values.
type Cond struct {
	e *Expr // non-nil when traced
	b bool
}

// BoolCond wraps a Go bool.
func BoolCond(b bool) Cond { return Cond{b: b} }

// Expr returns the condition as a boolean term.
func (c Cond) Expr() *Expr {
	if c.e != nil {
		return c.e
	}
	if c.b {
		return True()
	}
	return False()
}

// constant reports the condition's value when it does not depend on
// anything symbolic.
func (c Cond) constant() (value, ok bool) {
	if c.e == nil {
		return c.b, true
	}
	return c.e.BoolValue()
}

// And is c ∧ d.
func (c Cond) And(d Cond) Cond {
	if c.e == nil && d.e == nil {
		return Cond{b: c.b && d.b}
	}
	return condOf(And(c.Expr(), d.Expr()))
}

// Or is c ∨ d.
func (c Cond) Or(d Cond) Cond {
	if c.e == nil && d.e == nil {
		return Cond{b: c.b || d.b}
	}
	return condOf(Or(c.Expr(), d.Expr()))
}

// Not is ¬c.
func (c Cond) Not() Cond {
	if c.e == nil {
		return Cond{b: !c.b}
	}
	return condOf(Not(c.e))
}

// Bool converts the condition to a Go bool for an if statement. While
// tracing, a condition that depends on states, parameters or time has no
// single value: Bool then stops the trace, and TraceRHS returns a
// *BranchError naming the condition and the line of the if. Use Select
// there instead.
func (c Cond) Bool() bool {
	if v, ok := c.constant(); ok {
		return v
	}
	err := &BranchError{Cond: c.e}
	if _, file, line, ok := runtime.Caller(1); ok {
		err.File, err.Line = file, line
	}
	panic(err)
}

func condOf(e *Expr) Cond {
	if v, ok := e.BoolValue(); ok {
		return Cond{b: v}
	}
	return Cond{e: e}
}

// BranchError reports Go control flow on a traced condition.
type BranchError struct {
	Cond       *Expr
	File       string
	Line       int
	NumOutputs int
}

func (e *BranchError) Error() string {
	loc := ""
	if e.File != "" {
		loc = fmt.Sprintf(" at %s:%d", e.File, e.Line)
	}
	return fmt.Sprintf("trace: the function branches on %s%s, which depends on the traced values; write symbolic.Select(cond, a, b) instead of an if statement", e.Cond, loc)
}

// ---- float64 --------------------------------------------------------------

// F64 is float64 as a Scalar. Its methods are the plain float64
// operations (math.Pow for Pow and so on).
type F64 float64

func (x F64) Add(y F64) F64          { return x + y }
func (x F64) Sub(y F64) F64          { return x - y }
func (x F64) Mul(y F64) F64          { return x * y }
func (x F64) Div(y F64) F64          { return x / y }
func (x F64) Neg() F64               { return -x }
func (x F64) AddConst(c float64) F64 { return x + F64(c) }
func (x F64) Scale(c float64) F64    { return x * F64(c) }
func (x F64) Pow(y F64) F64          { return F64(math.Pow(float64(x), float64(y))) }
func (x F64) Sqrt() F64              { return F64(math.Sqrt(float64(x))) }
func (x F64) Exp() F64               { return F64(math.Exp(float64(x))) }
func (x F64) Log() F64               { return F64(math.Log(float64(x))) }
func (x F64) Sin() F64               { return F64(math.Sin(float64(x))) }
func (x F64) Cos() F64               { return F64(math.Cos(float64(x))) }
func (x F64) Tan() F64               { return F64(math.Tan(float64(x))) }
func (x F64) Tanh() F64              { return F64(math.Tanh(float64(x))) }
func (x F64) Abs() F64               { return F64(math.Abs(float64(x))) }
func (x F64) Min(y F64) F64          { return F64(math.Min(float64(x), float64(y))) }
func (x F64) Max(y F64) F64          { return F64(math.Max(float64(x), float64(y))) }
func (F64) Const(c float64) F64      { return F64(c) }
func (x F64) Lt(y F64) Cond          { return Cond{b: x < y} }
func (x F64) Le(y F64) Cond          { return Cond{b: x <= y} }
func (x F64) Gt(y F64) Cond          { return Cond{b: x > y} }
func (x F64) Ge(y F64) Cond          { return Cond{b: x >= y} }

// PowInt is x^n by repeated squaring (exact for small n, like the
// multiplication chains the code generator emits).
func (x F64) PowInt(n int) F64 {
	if n < 0 {
		return 1 / x.PowInt(-n)
	}
	r := F64(1)
	for n > 0 {
		if n&1 == 1 {
			r *= x
		}
		x *= x
		n >>= 1
	}
	return r
}

// Select returns x where c holds and other elsewhere.
func (x F64) Select(c Cond, other F64) F64 {
	if c.b {
		return x
	}
	return other
}

// F64s views a []float64 as a []F64 without copying (the types share their
// memory layout).
func F64s(x []float64) []F64 {
	if x == nil {
		return nil
	}
	return unsafe.Slice((*F64)(unsafe.SliceData(x)), len(x))
}

// FloatRHS adapts a generic right-hand side instantiated at F64 to the
// plain func(du, u, p []float64, t float64) that the integrators take.
// No data is copied.
func FloatRHS(f func(du, u, p []F64, t F64)) func(du, u, p []float64, t float64) {
	return func(du, u, p []float64, t float64) {
		f(F64s(du), F64s(u), F64s(p), F64(t))
	}
}

// ---- symbolic -------------------------------------------------------------

// Var is a traced value: a term. The zero Var is the number 0.
type Var struct{ e *Expr }

// NewVar wraps a term.
func NewVar(e *Expr) Var { return Var{e: e} }

// Expr returns the term (0 for the zero Var).
func (x Var) Expr() *Expr {
	if x.e == nil {
		return Zero()
	}
	return x.e
}

// String prints the term.
func (x Var) String() string { return x.Expr().String() }

func (x Var) Add(y Var) Var {
	switch {
	case x.e == nil:
		return Var{e: y.Expr()}
	case y.e == nil:
		return x
	}
	return Var{e: Add(x.e, y.e)}
}
func (x Var) Sub(y Var) Var          { return Var{e: Sub(x.Expr(), y.Expr())} }
func (x Var) Mul(y Var) Var          { return Var{e: Mul(x.Expr(), y.Expr())} }
func (x Var) Div(y Var) Var          { return Var{e: Div(x.Expr(), y.Expr())} }
func (x Var) Neg() Var               { return Var{e: Neg(x.Expr())} }
func (x Var) AddConst(c float64) Var { return Var{e: Add(x.Expr(), constExpr(c))} }
func (x Var) Scale(c float64) Var    { return Var{e: Mul(constExpr(c), x.Expr())} }
func (x Var) Pow(y Var) Var          { return Var{e: Pow(x.Expr(), y.Expr())} }
func (x Var) PowInt(n int) Var       { return Var{e: Pow(x.Expr(), IntExpr(int64(n)))} }
func (x Var) Sqrt() Var              { return Var{e: Sqrt(x.Expr())} }
func (x Var) Exp() Var               { return Var{e: Exp(x.Expr())} }
func (x Var) Log() Var               { return Var{e: Log(x.Expr())} }
func (x Var) Sin() Var               { return Var{e: Sin(x.Expr())} }
func (x Var) Cos() Var               { return Var{e: Cos(x.Expr())} }
func (x Var) Tan() Var               { return Var{e: Tan(x.Expr())} }
func (x Var) Tanh() Var              { return Var{e: Tanh(x.Expr())} }
func (x Var) Abs() Var               { return Var{e: Abs(x.Expr())} }
func (x Var) Min(y Var) Var          { return Var{e: Min(x.Expr(), y.Expr())} }
func (x Var) Max(y Var) Var          { return Var{e: Max(x.Expr(), y.Expr())} }
func (Var) Const(c float64) Var      { return Var{e: constExpr(c)} }
func (x Var) Lt(y Var) Cond          { return condOf(Lt(x.Expr(), y.Expr())) }
func (x Var) Le(y Var) Cond          { return condOf(Le(x.Expr(), y.Expr())) }
func (x Var) Gt(y Var) Cond          { return condOf(Gt(x.Expr(), y.Expr())) }
func (x Var) Ge(y Var) Cond          { return condOf(Ge(x.Expr(), y.Expr())) }

// Select is ifelse(c, x, other), folded when c is constant.
func (x Var) Select(c Cond, other Var) Var {
	if v, ok := c.constant(); ok {
		if v {
			return Var{e: x.Expr()}
		}
		return Var{e: other.Expr()}
	}
	return Var{e: IfElse(c.e, x.Expr(), other.Expr())}
}

// constExpr keeps integral constants exact (2.0 becomes the integer 2), so
// traced code writes the same terms as hand-built ones; other values stay
// inexact floats.
func constExpr(c float64) *Expr {
	if c == math.Trunc(c) && math.Abs(c) < 1<<53 {
		return IntExpr(int64(c))
	}
	return FloatExpr(c)
}

// ---- tracing ----------------------------------------------------------------

// TraceSpec names the inputs of a traced right-hand side. Empty name
// lists mean u[0], u[1], … and p[0], p[1], …; an empty Time means t.
type TraceSpec struct {
	NumStates, NumParams   int
	StateNames, ParamNames []string
	Time                   string
}

// Traced is a right-hand side in symbolic form: RHS[i] is du[i] as a term
// of States, Params and Time.
type Traced struct {
	States, Params []*Expr
	Time           *Expr
	RHS            []*Expr
}

// TraceRHS runs f once on symbolic inputs and returns its equations. A
// component f never assigns is 0. If f branches on a traced condition the
// result is a *BranchError; any other panic in f is returned as an error
// too, so a mistake in user code does not bring the program down.
func TraceRHS(f func(du, u, p []Var, t Var), spec TraceSpec) (tr *Traced, err error) {
	ns, np := spec.NumStates, spec.NumParams
	if spec.StateNames != nil {
		ns = len(spec.StateNames)
	}
	if spec.ParamNames != nil {
		np = len(spec.ParamNames)
	}
	if ns <= 0 {
		return nil, fmt.Errorf("trace: %d states; need at least one", ns)
	}
	if np < 0 {
		return nil, fmt.Errorf("trace: %d parameters", np)
	}
	tr = &Traced{States: make([]*Expr, ns), Params: make([]*Expr, np), Time: Sym("t")}
	if spec.Time != "" {
		tr.Time = Sym(spec.Time)
	}
	seen := map[string]bool{tr.Time.Name(): true}
	name := func(names []string, prefix string, i int) (*Expr, error) {
		n := fmt.Sprintf("%s[%d]", prefix, i)
		if names != nil {
			n = names[i]
		}
		if n == "" || seen[n] {
			return nil, fmt.Errorf("trace: input name %q is empty or used twice", n)
		}
		seen[n] = true
		return Sym(n), nil
	}
	u := make([]Var, ns)
	for i := range u {
		if tr.States[i], err = name(spec.StateNames, "u", i); err != nil {
			return nil, err
		}
		u[i] = Var{e: tr.States[i]}
	}
	p := make([]Var, np)
	for i := range p {
		if tr.Params[i], err = name(spec.ParamNames, "p", i); err != nil {
			return nil, err
		}
		p[i] = Var{e: tr.Params[i]}
	}
	du := make([]Var, ns)
	defer func() {
		if r := recover(); r != nil {
			tr = nil
			if be, ok := r.(*BranchError); ok {
				be.NumOutputs = ns
				err = be
				return
			}
			err = fmt.Errorf("trace: the traced function panicked: %v", r)
		}
	}()
	f(du, u, p, Var{e: tr.Time})
	tr.RHS = make([]*Expr, ns)
	for i, d := range du {
		tr.RHS[i] = d.Expr()
	}
	return tr, nil
}

// System packages the traced equations as a System named name, with
// initial values u0 and parameter values p (nil means zeros).
func (tr *Traced) System(name string, u0, p []float64) (*System, error) {
	if u0 != nil && len(u0) != len(tr.States) {
		return nil, fmt.Errorf("trace: %d initial values for %d states", len(u0), len(tr.States))
	}
	if p != nil && len(p) != len(tr.Params) {
		return nil, fmt.Errorf("trace: %d parameter values for %d parameters", len(p), len(tr.Params))
	}
	s := NewSystem(name)
	if err := s.SetIndependent(tr.Time.Name()); err != nil {
		return nil, err
	}
	for i, q := range tr.Params {
		v := 0.0
		if p != nil {
			v = p[i]
		}
		if _, err := s.AddParam(q.Name(), constExpr(v)); err != nil {
			return nil, err
		}
	}
	for i, x := range tr.States {
		v := 0.0
		if u0 != nil {
			v = u0[i]
		}
		if _, err := s.AddState(x.Name(), constExpr(v)); err != nil {
			return nil, err
		}
	}
	for i, x := range tr.States {
		if err := s.SetRHS(x.Name(), tr.RHS[i]); err != nil {
			return nil, err
		}
	}
	return s, nil
}
