package symbolic

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Field is a periodic one-dimensional field u(x, t) on [X0, X1), sampled
// at the N points x_j = X0 + (X1-X0)·j/N, j = 0..N-1, with spatial
// derivatives taken spectrally. Its equation du/dt = RHS is written
// pointwise in terms of u, the derivative symbols dx(u), dx(u,2), … (see
// FieldDerivSym), parameters, t and x.
//
// For exponential integrators (ETDRK4 and friends) the equation is split
// as du/dt = L u + N(u): Linear lists the linear constant-coefficient
// terms c_q·∂^q u/∂x^q, which are diagonal in Fourier space with symbol
// Σ c_q (ik)^q (see LinearSymbol); Nonlinear is everything else, so that
// RHS = Σ c_q dx(u,q) + Nonlinear holds exactly. Coefficients may depend
// on parameters but not on u, x or t.
type Field struct {
	Name string
	// Sym is the symbol of the field's value at a point (u).
	Sym *Expr
	// X is the spatial coordinate symbol (x).
	X      *Expr
	X0, X1 float64
	N      int
	// Init is the initial profile, in X and parameters.
	Init *Expr
	// RHS is du/dt, pointwise.
	RHS *Expr
	// Derivs are the derivative symbols RHS uses, by ascending order.
	Derivs []FieldDeriv
	// Linear is the linear constant-coefficient part, by ascending order
	// (order 0 is u itself).
	Linear []SpectralTerm
	// Nonlinear is RHS minus the linear part.
	Nonlinear *Expr
}

// FieldDeriv is the symbol standing for ∂^Order u/∂x^Order.
type FieldDeriv struct {
	Order int
	Sym   *Expr
}

// SpectralTerm is one linear term Coef·∂^Order u/∂x^Order.
type SpectralTerm struct {
	Order int
	Coef  *Expr
}

// FieldDerivSym returns the symbol for the q-th spatial derivative of the
// field named u: u itself for q = 0, "dx(u)" for q = 1, "dx(u,q)" above.
// The names print as the equation-file notation.
func FieldDerivSym(u string, q int) *Expr {
	switch q {
	case 0:
		return Sym(u)
	case 1:
		return Sym("dx(" + u + ")")
	}
	return Sym("dx(" + u + "," + strconv.Itoa(q) + ")")
}

// AddField adds a periodic field u on [x0, x1) with n grid points and
// coordinate symbol x (shared by every field of the system), and returns
// the field's symbol.
func (s *System) AddField(name, x string, x0, x1 float64, n int, init *Expr) (*Expr, error) {
	if n < 2 || n%2 != 0 {
		return nil, fmt.Errorf("field %q: N = %d, want an even number of points ≥ 2", name, n)
	}
	if !(x1 > x0) || math.IsInf(x1-x0, 0) {
		return nil, fmt.Errorf("field %q: the domain %g..%g is empty or infinite", name, x0, x1)
	}
	if err := s.claim(name, nameField, len(s.Fields)); err != nil {
		return nil, err
	}
	if r, ok := s.names[x]; !ok {
		s.names[x] = nameRef{kind: nameIndep, pos: -1}
	} else if r.kind != nameIndep {
		return nil, fmt.Errorf("coordinate %q is already a %s", x, r.kind)
	}
	f := Field{Name: name, Sym: Sym(name), X: Sym(x), X0: x0, X1: x1, N: n, Init: init}
	s.Fields = append(s.Fields, f)
	return f.Sym, nil
}

// SetFieldInit sets the initial profile of the named field.
func (s *System) SetFieldInit(name string, init *Expr) error {
	r, ok := s.names[name]
	if !ok || r.kind != nameField {
		return fmt.Errorf("%q is not a field", name)
	}
	s.Fields[r.pos].Init = init
	return nil
}

// SetFieldRHS sets du/dt of the named field and splits it into its linear
// constant-coefficient part and the rest.
func (s *System) SetFieldRHS(name string, rhs *Expr) error {
	r, ok := s.names[name]
	if !ok || r.kind != nameField {
		return fmt.Errorf("%q is not a field", name)
	}
	f := &s.Fields[r.pos]
	if f.RHS != nil {
		return fmt.Errorf("field %q already has an equation", name)
	}
	f.RHS = rhs
	f.split(s)
	return nil
}

// derivOrder reports whether e is the field's own symbol or one of its
// derivative symbols, and the order.
func (f *Field) derivOrder(e *Expr, orders map[*Expr]int) (int, bool) {
	q, ok := orders[e]
	return q, ok
}

func (f *Field) split(s *System) {
	// Every symbol that varies in space or time: all fields' values and
	// derivatives, x and t. Derivative symbols are recognised by name.
	orders := map[*Expr]int{f.Sym: 0}
	varying := map[*Expr]bool{s.T: true, f.X: true}
	for _, g := range s.Fields {
		varying[g.Sym] = true
	}
	used := map[int]bool{}
	for _, v := range FreeSymbols(f.RHS) {
		for _, g := range s.Fields {
			if q, ok := parseDerivName(v.Name(), g.Name); ok {
				varying[v] = true
				if g.Name == f.Name {
					orders[v] = q
					if q > 0 {
						used[q] = true
					}
				}
			}
		}
	}
	f.Derivs = f.Derivs[:0]
	for q := range used {
		f.Derivs = append(f.Derivs, FieldDeriv{Order: q, Sym: FieldDerivSym(f.Name, q)})
	}
	sort.Slice(f.Derivs, func(i, j int) bool { return f.Derivs[i].Order < f.Derivs[j].Order })

	constant := func(e *Expr) bool {
		for _, v := range FreeSymbols(e) {
			if varying[v] {
				return false
			}
		}
		return true
	}
	coef := map[int]*SumBuilder{}
	// term classifies c·t: linear when t is a derivative symbol times
	// space- and time-independent factors.
	term := func(c Number, t *Expr) {
		if q, ok := f.derivOrder(t, orders); ok {
			if coef[q] == nil {
				coef[q] = NewSumBuilder()
			}
			coef[q].AddScaled(c, One())
			return
		}
		if t.kind != KMul {
			return
		}
		lin := -1
		var rest []*Expr
		for i, b := range t.args {
			if q, ok := f.derivOrder(b, orders); ok && t.exps()[i].IsOne() && lin < 0 {
				lin = q
				continue
			}
			p := Pow(b, t.exps()[i])
			if !constant(p) {
				return
			}
			rest = append(rest, p)
		}
		if lin < 0 {
			return
		}
		if coef[lin] == nil {
			coef[lin] = NewSumBuilder()
		}
		coef[lin].AddScaled(c.Mul(t.num), Mul(rest...))
	}
	switch f.RHS.kind {
	case KAdd:
		for i, t := range f.RHS.args {
			term(f.RHS.coef()[i], t)
		}
	default:
		term(Int(1), f.RHS)
	}
	f.Linear = f.Linear[:0]
	lin := NewSumBuilder()
	for q, sb := range coef {
		c := sb.Build()
		if c.IsZero() {
			continue
		}
		f.Linear = append(f.Linear, SpectralTerm{Order: q, Coef: c})
		lin.Add(Mul(c, FieldDerivSym(f.Name, q)))
	}
	sort.Slice(f.Linear, func(i, j int) bool { return f.Linear[i].Order < f.Linear[j].Order })
	f.Nonlinear = Sub(f.RHS, lin.Build())
}

// parseDerivName recognises "dx(u)" and "dx(u,q)" for field u.
func parseDerivName(name, u string) (int, bool) {
	pre := "dx(" + u
	if len(name) < len(pre)+1 || name[:len(pre)] != pre || name[len(name)-1] != ')' {
		return 0, false
	}
	rest := name[len(pre) : len(name)-1]
	if rest == "" {
		return 1, true
	}
	if rest[0] != ',' {
		return 0, false
	}
	q, err := strconv.Atoi(rest[1:])
	if err != nil || q < 1 {
		return 0, false
	}
	return q, true
}

// Grid returns the sample points x_j = X0 + (X1-X0)·j/N.
func (f *Field) Grid() []float64 {
	xs := make([]float64, f.N)
	h := (f.X1 - f.X0) / float64(f.N)
	for j := range xs {
		xs[j] = f.X0 + h*float64(j)
	}
	return xs
}

// Wavenumbers returns the angular wavenumbers k_m in FFT order
// (0, 1, …, N/2-1, -N/2, …, -1)·2π/(X1-X0), as a complex-to-complex FFT
// of length N lays them out.
func (f *Field) Wavenumbers() []float64 {
	ks := make([]float64, f.N)
	scale := 2 * math.Pi / (f.X1 - f.X0)
	for m := range ks {
		j := m
		if m >= f.N/2 {
			j = m - f.N
		}
		ks[m] = scale * float64(j)
	}
	return ks
}

// LinearSymbol returns the Fourier symbol of the linear part,
// L(k_m) = Σ c_q (i k_m)^q, for each wavenumber of Wavenumbers, with the
// coefficients evaluated at the parameter values in env. For odd q the
// Nyquist mode (m = N/2) contributes 0, as a real spectral derivative of
// odd order must. For Kuramoto–Sivashinsky, -dx(u,2) - dx(u,4) gives
// L(k) = k² - k⁴.
func (f *Field) LinearSymbol(env map[string]float64) ([]complex128, error) {
	ks := f.Wavenumbers()
	out := make([]complex128, f.N)
	for _, lt := range f.Linear {
		c, err := Eval(lt.Coef, env)
		if err != nil {
			return nil, fmt.Errorf("field %q: coefficient of dx(%s,%d): %w", f.Name, f.Name, lt.Order, err)
		}
		for m, k := range ks {
			if lt.Order%2 == 1 && m == f.N/2 {
				continue
			}
			out[m] += complex(c, 0) * ipow(complex(0, k), lt.Order)
		}
	}
	return out, nil
}

func ipow(z complex128, q int) complex128 {
	r := complex(1, 0)
	for range q {
		r *= z
	}
	return r
}

// LinearCoefficients returns c_q, indexed by the derivative order q, of
// the linear part Σ c_q ∂^q u/∂x^q, evaluated at the parameter values in
// env. It is the form integrators.Semilinear1D takes.
func (f *Field) LinearCoefficients(env map[string]float64) ([]float64, error) {
	maxQ := 0
	for _, lt := range f.Linear {
		maxQ = max(maxQ, lt.Order)
	}
	out := make([]float64, maxQ+1)
	for _, lt := range f.Linear {
		c, err := Eval(lt.Coef, env)
		if err != nil {
			return nil, fmt.Errorf("field %q: coefficient of dx(%s,%d): %w", f.Name, f.Name, lt.Order, err)
		}
		out[lt.Order] = c
	}
	return out, nil
}

// LinearSymbolReal returns the Fourier symbol of the linear part in the
// layout of a real FFT: N/2+1 coefficients for k_j = 2πj/(X1-X0),
// j = 0..N/2, the Nyquist mode zeroed for odd orders (the layout of
// integrators.Periodic1D).
func (f *Field) LinearSymbolReal(env map[string]float64) ([]complex128, error) {
	cs, err := f.LinearCoefficients(env)
	if err != nil {
		return nil, err
	}
	n := f.N/2 + 1
	out := make([]complex128, n)
	scale := 2 * math.Pi / (f.X1 - f.X0)
	for q, c := range cs {
		if c == 0 {
			continue
		}
		for j := range out {
			if q%2 == 1 && j == n-1 {
				continue
			}
			out[j] += complex(c, 0) * ipow(complex(0, scale*float64(j)), q)
		}
	}
	return out, nil
}

// Advection reports whether the nonlinear part is a·u·dx(u) with a
// constant a (Burgers, Kuramoto–Sivashinsky), and returns a evaluated at
// env; the integrators evaluate such a term as a/2·dx(u²) in one FFT pair.
func (f *Field) Advection(env map[string]float64) (a float64, ok bool, err error) {
	if f.Nonlinear == nil {
		return 0, false, nil
	}
	q := Div(f.Nonlinear, Mul(f.Sym, FieldDerivSym(f.Name, 1)))
	for _, v := range FreeSymbols(q) {
		if v == f.Sym || v == f.X || strings.HasPrefix(v.Name(), "dx(") || v.Name() == "t" {
			return 0, false, nil
		}
	}
	a, err = Eval(q, env)
	if err != nil {
		return 0, false, err
	}
	return a, true, nil
}
