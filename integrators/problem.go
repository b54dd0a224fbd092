package integrators

import (
	"errors"
	"fmt"
	"math"
)

// RHS evaluates the right-hand side du = f(u, p, t) into du. It must not
// retain du or u: the solvers reuse both buffers.
type RHS func(du, u, p []float64, t float64)

// DenseJacobian fills J (row-major, n*n, J[i*n+j] = ∂f_i/∂u_j) at (u, p, t).
// Every entry must be written: the buffer is reused between calls.
type DenseJacobian func(J []float64, u, p []float64, t float64)

// JVP computes Jv = J(u, p, t) v without forming J; Newton–Krylov uses it
// instead of a finite difference when given.
type JVP func(Jv, v, u, p []float64, t float64)

// SparseJacobian is a Jacobian with a fixed compressed-sparse-row pattern:
// row i holds the column indices ColIdx[RowPtr[i]:RowPtr[i+1]] (sorted or
// not; duplicate entries are summed). Fill writes the values in that same
// order, so a
// generated kernel can write vals[k] for its k-th nonzero without any index
// arithmetic. The pattern is analysed once (ordering, symbolic
// factorisation) and reused for every factorisation of the run.
type SparseJacobian struct {
	RowPtr []int
	ColIdx []int
	Fill   func(vals []float64, u, p []float64, t float64)
}

// NNZ is the number of stored nonzeros.
func (s *SparseJacobian) NNZ() int { return len(s.ColIdx) }

func (s *SparseJacobian) validate(n int) error {
	if len(s.RowPtr) != n+1 {
		return fmt.Errorf("sparse Jacobian: RowPtr has %d entries, want n+1 = %d", len(s.RowPtr), n+1)
	}
	if s.RowPtr[0] != 0 || s.RowPtr[n] != len(s.ColIdx) {
		return fmt.Errorf("sparse Jacobian: RowPtr must start at 0 and end at len(ColIdx) = %d", len(s.ColIdx))
	}
	for i := 0; i < n; i++ {
		if s.RowPtr[i+1] < s.RowPtr[i] {
			return fmt.Errorf("sparse Jacobian: RowPtr decreases at row %d", i)
		}
		for k := s.RowPtr[i]; k < s.RowPtr[i+1]; k++ {
			if c := s.ColIdx[k]; c < 0 || c >= n {
				return fmt.Errorf("sparse Jacobian: row %d has column %d outside [0,%d)", i, c, n)
			}
		}
	}
	if s.Fill == nil {
		return errors.New("sparse Jacobian: Fill is nil")
	}
	return nil
}

// Problem is an initial-value problem u' = F(u, P, t), u(T0) = U0, on
// [T0, T1]. Only F and U0 are required; the Jacobian forms are optional and
// are used by the implicit methods in this order of preference: Sparse,
// Jac (dense), then a finite-difference dense Jacobian.
type Problem struct {
	F      RHS
	U0     []float64
	P      []float64
	T0, T1 float64

	Jac    DenseJacobian
	Sparse *SparseJacobian
	JVP    JVP

	// TGrad fills ∂f/∂t for the Rosenbrock methods. When nil the methods
	// use a forward difference, unless Autonomous says f does not depend
	// on t at all.
	TGrad      func(dt, u, p []float64, t float64)
	Autonomous bool
}

func (p *Problem) validate() error {
	if p == nil {
		return errors.New("integrators: nil problem")
	}
	if p.F == nil {
		return errors.New("integrators: problem has no right-hand side F")
	}
	if len(p.U0) == 0 {
		return errors.New("integrators: problem has an empty initial state U0")
	}
	if math.IsNaN(p.T0) || math.IsNaN(p.T1) || math.IsInf(p.T0, 0) || math.IsInf(p.T1, 0) {
		return fmt.Errorf("integrators: time span [%g, %g] is not finite", p.T0, p.T1)
	}
	if p.T1 < p.T0 {
		return fmt.Errorf("integrators: T1 = %g is before T0 = %g (backward integration is not supported)", p.T1, p.T0)
	}
	for i, v := range p.U0 {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("integrators: initial state component %d is %g", i, v)
		}
	}
	if p.Sparse != nil {
		if err := p.Sparse.validate(len(p.U0)); err != nil {
			return err
		}
	}
	return nil
}
