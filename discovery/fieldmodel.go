package discovery

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/symcalc/symcalc/codegen"
	"github.com/symcalc/symcalc/integrators"
	"github.com/symcalc/symcalc/symbolic"
)

// FieldModel is the equation du/dt = L u + N(u) of one periodic field of a
// symbolic.System (an equation file's `field u on a..b periodic` with its
// der(u)), ready for numerics: the linear constant-coefficient part as a
// Fourier symbol (Field.LinearSymbolReal) and everything else, N, lowered
// to a tape and evaluated batched over the grid. It generalises
// SemilinearModel to any model the equation file can state.
type FieldModel struct {
	Sys    *symbolic.System
	Field  *symbolic.Field
	Params []float64 // parameter values, in Sys.ParamSyms() order
}

// NewFieldModel selects the named field of sys ("" picks the only one) and
// fixes the parameters at their defaults, overridden by params.
func NewFieldModel(sys *symbolic.System, field string, params map[string]float64) (*FieldModel, error) {
	if sys == nil {
		return nil, errors.New("field model: no system")
	}
	var f *symbolic.Field
	switch {
	case field == "" && len(sys.Fields) == 1:
		f = &sys.Fields[0]
	case field == "":
		return nil, fmt.Errorf("field model: the model has %d periodic fields; discovery needs exactly one (or a name)", len(sys.Fields))
	default:
		for i := range sys.Fields {
			if sys.Fields[i].Name == field {
				f = &sys.Fields[i]
			}
		}
		if f == nil {
			return nil, fmt.Errorf("field model: the model has no periodic field %q", field)
		}
	}
	if f.RHS == nil {
		return nil, fmt.Errorf("field model: field %q has no equation der(%s) = ...", f.Name, f.Name)
	}
	p, err := sys.ParamValues(params)
	if err != nil {
		return nil, fmt.Errorf("field model: %w", err)
	}
	return &FieldModel{Sys: sys, Field: f, Params: p}, nil
}

// Length is the period X1 − X0 of the field's domain.
func (m *FieldModel) Length() float64 { return m.Field.X1 - m.Field.X0 }

// allowed is the set of symbols a model term may use besides the field,
// its derivatives and x: parameters and time.
func (m *FieldModel) allowed() map[*symbolic.Expr]bool {
	a := map[*symbolic.Expr]bool{m.Sys.T: true}
	for _, p := range m.Sys.ParamSyms() {
		a[p] = true
	}
	return a
}

// fieldKernel evaluates one pointwise term of the model over the grid:
// derivatives of the state come from the caller, x from the field's grid.
type fieldKernel struct {
	k      *pointKernel
	be     *codegen.BatchEvaluator
	in     []float64
	grid   []float64
	params []float64
}

func (m *FieldModel) kernel(ctx context.Context, e *symbolic.Expr) (*fieldKernel, error) {
	pv, err := classify([]*symbolic.Expr{e}, m.Field.Name, m.Field.X, m.allowed())
	if err != nil {
		return nil, err
	}
	k, err := compileKernel(ctx, []*symbolic.Expr{e}, pv, m.Sys.ParamSyms(), m.Sys.T)
	if err != nil {
		return nil, err
	}
	fk := &fieldKernel{k: k, be: k.tape.NewBatchEvaluator(0), in: make([]float64, len(pv.states())*m.Field.N),
		grid: m.Field.Grid(), params: m.Params}
	if pv.x != nil {
		copy(fk.in[len(pv.orders)*m.Field.N:], fk.grid)
	}
	return fk, nil
}

// input returns the slice the caller fills with derivative order
// k.pv.orders[i] at every grid point.
func (fk *fieldKernel) input(i, n int) []float64 { return fk.in[i*n : (i+1)*n] }

func (fk *fieldKernel) eval(dst []float64, t float64) error {
	return fk.be.Eval(dst, fk.in, fk.params, t, len(dst))
}

// Stepper returns one ETDRK4 step of size dt of the model (package
// integrators' one-step API) from a real state at time 0: L from
// Field.LinearSymbolReal, N(v) by transforming v's derivatives to the grid,
// evaluating the nonlinear part with the tape, and transforming back. The
// stepper keeps scratch space and is not safe for concurrent use.
func (m *FieldModel) Stepper(ctx context.Context, dt float64) (Stepper, error) {
	f := m.Field
	g, err := integrators.NewPeriodic1D(f.N, m.Length())
	if err != nil {
		return nil, err
	}
	L, err := f.LinearSymbolReal(m.Sys.Env(m.Params, 0))
	if err != nil {
		return nil, fmt.Errorf("model step: %w", err)
	}
	fk, err := m.kernel(ctx, f.Nonlinear)
	if err != nil {
		return nil, fmt.Errorf("model step: nonlinear part: %w", err)
	}
	orders := fk.k.pv.orders
	syms := make([][]complex128, len(orders))
	for i, q := range orders {
		syms[i] = g.DerivativeSymbol(q)
	}
	nc := f.N/2 + 1
	tmp := make([]complex128, nc)
	nl := make([]float64, f.N)
	var evalErr error
	N := func(dst, v []complex128, t float64) {
		for i := range orders {
			for j := range tmp {
				tmp[j] = v[j] * syms[i][j]
			}
			g.Inverse(fk.input(i, f.N), tmp)
		}
		if err := fk.eval(nl, t); err != nil && evalErr == nil {
			evalErr = err
		}
		g.Forward(dst, nl)
	}
	e, err := integrators.NewETDRK4(L, N, dt)
	if err != nil {
		return nil, fmt.Errorf("model step: %w", err)
	}
	v := make([]complex128, nc)
	return func(dst, src []float64) error {
		if len(src) != f.N || len(dst) != f.N {
			return fmt.Errorf("model step: state has %d points, field %s has %d", len(src), f.Name, f.N)
		}
		g.Forward(v, src)
		if err := e.Step(v, 0); err != nil {
			return err
		}
		if evalErr != nil {
			return fmt.Errorf("model step: %w", evalErr)
		}
		g.Inverse(dst, v)
		for _, x := range dst {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("model step: state became non-finite (dt = %g too large?)", dt)
			}
		}
		return nil
	}, nil
}

// RHS returns a function evaluating the model's whole right-hand side f(u)
// at time 0 on the grid, derivatives taken spectrally: the form
// MidpointModelErrorTarget takes. It keeps scratch space and is not safe
// for concurrent use.
func (m *FieldModel) RHS(ctx context.Context) (func(dst, u []float64) error, error) {
	f := m.Field
	fk, err := m.kernel(ctx, f.RHS)
	if err != nil {
		return nil, fmt.Errorf("model RHS: %w", err)
	}
	sp, err := NewSpectral(f.N, m.Length())
	if err != nil {
		return nil, err
	}
	orders := fk.k.pv.orders
	derivs := make([][]float64, orders[len(orders)-1])
	for q := range derivs {
		derivs[q] = make([]float64, f.N)
	}
	return func(dst, u []float64) error {
		if len(u) != f.N || len(dst) != f.N {
			return fmt.Errorf("model RHS: state has %d points, field %s has %d", len(u), f.Name, f.N)
		}
		sp.Derivatives(derivs, u)
		for i, q := range orders {
			src := u
			if q > 0 {
				src = derivs[q-1]
			}
			copy(fk.input(i, f.N), src)
		}
		return fk.eval(dst, 0)
	}, nil
}
