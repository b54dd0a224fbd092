package codegen

import (
	"context"
	"fmt"

	"github.com/symcalc/symcalc/symbolic"
)

// Model is an ODE right-hand side and its sparse Jacobian, lowered: the
// form every backend (tape, Go source, assembly) starts from.
type Model struct {
	Vars Vars
	// RHS computes du[i] = f_i(u, p, t).
	RHS *Program
	// Jac computes the structurally nonzero Jacobian entries in CSR order:
	// output k is ∂f_i/∂u_j for the k-th entry of Pattern.
	Jac     *Program
	Pattern symbolic.Pattern
}

// Compile differentiates the right-hand side rhs (one term per state, in
// the order of vars.States) over its sparsity pattern and lowers both the
// right-hand side and the Jacobian values.
func Compile(ctx context.Context, rhs []*symbolic.Expr, vars Vars, opts Options) (*Model, error) {
	if len(rhs) != len(vars.States) {
		return nil, fmt.Errorf("codegen: %d right-hand sides for %d states", len(rhs), len(vars.States))
	}
	f, err := Lower(ctx, rhs, vars, opts)
	if err != nil {
		return nil, err
	}
	sj, err := symbolic.SparseJacobianOf(ctx, rhs, vars.States)
	if err != nil {
		return nil, fmt.Errorf("codegen: Jacobian: %w", err)
	}
	j, err := Lower(ctx, sj.Values, vars, opts)
	if err != nil {
		return nil, fmt.Errorf("codegen: Jacobian: %w", err)
	}
	return &Model{Vars: vars, RHS: f, Jac: j, Pattern: sj.Pattern}, nil
}

// TapeModel runs a Model on the tape VM, with the function shapes the
// integrators take.
type TapeModel struct {
	RHSTape, JacTape *Tape
	Pattern          symbolic.Pattern
}

// NewTapeModel prepares both programs of m for the VM.
func NewTapeModel(m *Model) (*TapeModel, error) {
	f, err := NewTape(m.RHS)
	if err != nil {
		return nil, err
	}
	j, err := NewTape(m.Jac)
	if err != nil {
		return nil, err
	}
	return &TapeModel{RHSTape: f, JacTape: j, Pattern: m.Pattern}, nil
}

// RHS returns a func(du, u, p, t) with its own evaluator (assignable to
// integrators.RHS). Make one per goroutine.
func (m *TapeModel) RHS() func(du, u, p []float64, t float64) { return m.RHSTape.RHS() }

// JacFill returns a func(vals, u, p, t) that writes the Jacobian values in
// the CSR order of RowPtr and ColIdx (the Fill of integrators.SparseJacobian).
func (m *TapeModel) JacFill() func(vals, u, p []float64, t float64) { return m.JacTape.RHS() }

// RowPtr and ColIdx return the fixed CSR pattern of the Jacobian.
func (m *TapeModel) RowPtr() []int { return m.Pattern.RowPtr }

// ColIdx returns the column indices of the CSR pattern.
func (m *TapeModel) ColIdx() []int { return m.Pattern.ColIdx }

// DenseJac returns a func(J, u, p, t) that fills the row-major n×n
// Jacobian (every entry written, zeros included).
func (m *TapeModel) DenseJac() func(J, u, p []float64, t float64) {
	fill := m.JacFill()
	vals := make([]float64, m.Pattern.NNZ())
	n := m.Pattern.NCols
	pat := m.Pattern
	return func(J, u, p []float64, t float64) {
		fill(vals, u, p, t)
		clear(J[:pat.NRows*n])
		for i := 0; i < pat.NRows; i++ {
			for k := pat.RowPtr[i]; k < pat.RowPtr[i+1]; k++ {
				J[i*n+pat.ColIdx[k]] = vals[k]
			}
		}
	}
}

// CompileSystem compiles an ODE system: its right-hand side and sparse
// Jacobian (System.Jacobian, which differentiates sums term by term), with
// the states, parameters and independent variable of sys as inputs.
// Field systems (spectral derivatives) have no pointwise right-hand side
// and are not supported.
func CompileSystem(ctx context.Context, sys *symbolic.System, opts Options) (*Model, error) {
	if len(sys.Fields) > 0 {
		return nil, fmt.Errorf("codegen: model %q has fields with spectral derivatives; only pointwise ODE systems can be compiled", sys.Name)
	}
	if len(sys.States) == 0 {
		return nil, fmt.Errorf("codegen: model %q has no states", sys.Name)
	}
	vars := Vars{States: sys.StateSyms(), Params: sys.ParamSyms(), Time: sys.T}
	f, err := Lower(ctx, sys.RHS(), vars, opts)
	if err != nil {
		return nil, err
	}
	sj, err := sys.Jacobian(ctx)
	if err != nil {
		return nil, fmt.Errorf("codegen: Jacobian: %w", err)
	}
	j, err := Lower(ctx, sj.Values, vars, opts)
	if err != nil {
		return nil, fmt.Errorf("codegen: Jacobian: %w", err)
	}
	return &Model{Vars: vars, RHS: f, Jac: j, Pattern: sj.Pattern}, nil
}
