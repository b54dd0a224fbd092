package integrators

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/lapack/lapack64"

	"github.com/symcalc/symcalc/integrators/sparse"
)

// newtonLinear is the linear algebra of an implicit method: it keeps a
// Jacobian, factorises M = I - γJ, and solves with M.
type newtonLinear interface {
	// jac evaluates J at (u, t); f0 = f(u, t) is given for finite
	// differences, w are the inverse error weights.
	jac(u []float64, t float64, f0, w []float64, st *Stats) error
	// factor forms and factorises M = I - γJ with the current J.
	factor(gamma float64, st *Stats) error
	// solve overwrites b with M⁻¹b; w are the error weights (GMRES uses
	// them for its stopping test).
	solve(b, w []float64, st *Stats) error
	// jacNorm is ‖J‖∞ of the current Jacobian (NaN when unknown).
	jacNorm() float64
}

func newLinear(p *Problem, opt *Options) (newtonLinear, error) {
	kind := opt.Linear
	if kind == LinearAuto {
		if p.Sparse != nil {
			kind = LinearSparse
		} else {
			kind = LinearDense
		}
	}
	n := len(p.U0)
	switch kind {
	case LinearDense:
		return &denseLinear{p: p, n: n, J: make([]float64, n*n), M: make([]float64, n*n), ipiv: make([]int, n),
			tmp: make([]float64, n), f1: make([]float64, n)}, nil
	case LinearSparse:
		if p.Sparse == nil {
			return nil, fmt.Errorf("integrators: the sparse linear solver needs Problem.Sparse")
		}
		lu, err := sparse.NewLU(n, p.Sparse.RowPtr, p.Sparse.ColIdx)
		if err != nil {
			return nil, fmt.Errorf("integrators: analysing the sparse Jacobian: %w", err)
		}
		return &sparseLinear{p: p, lu: lu, vals: make([]float64, p.Sparse.NNZ())}, nil
	case LinearGMRES:
		return newGMRESLinear(p, opt), nil
	}
	return nil, fmt.Errorf("integrators: unknown linear solver %v", kind)
}

// denseLinear: dense J (analytic or finite differences) and LAPACK LU.
type denseLinear struct {
	p       *Problem
	n       int
	J, M    []float64
	ipiv    []int
	tmp, f1 []float64
	norm    float64
}

func (d *denseLinear) jac(u []float64, t float64, f0, w []float64, st *Stats) error {
	st.JacEvals++
	n := d.n
	if d.p.Jac != nil {
		d.p.Jac(d.J, u, d.p.P, t)
	} else {
		// Forward differences, one column at a time (CVODE's increment).
		srur := math.Sqrt(2.220446049250313e-16)
		copy(d.tmp, u)
		for j := 0; j < n; j++ {
			inc := srur * math.Max(math.Abs(u[j]), 1/w[j])
			d.tmp[j] = u[j] + inc
			inc = d.tmp[j] - u[j]
			d.p.F(d.f1, d.tmp, d.p.P, t)
			st.RHSEvals++
			for i := 0; i < n; i++ {
				d.J[i*n+j] = (d.f1[i] - f0[i]) / inc
			}
			d.tmp[j] = u[j]
		}
	}
	d.norm = 0
	for i := 0; i < n; i++ {
		var s float64
		for _, v := range d.J[i*n : i*n+n] {
			s += math.Abs(v)
		}
		d.norm = math.Max(d.norm, s)
	}
	if math.IsNaN(d.norm) || math.IsInf(d.norm, 0) {
		return fmt.Errorf("Jacobian is not finite")
	}
	return nil
}

func (d *denseLinear) factor(gamma float64, st *Stats) error {
	st.LUFactorisations++
	n := d.n
	for k, v := range d.J {
		d.M[k] = -gamma * v
	}
	for i := 0; i < n; i++ {
		d.M[i*n+i] += 1
	}
	a := blas64.General{Rows: n, Cols: n, Stride: n, Data: d.M}
	if ok := lapack64.Getrf(a, d.ipiv); !ok {
		return fmt.Errorf("%w (dense LU)", sparse.ErrSingular)
	}
	return nil
}

func (d *denseLinear) solve(b, _ []float64, st *Stats) error {
	st.LinearSolves++
	// Apply LAPACK's factors (P·M = L·U, row-major, 0-based ipiv of
	// sequential row swaps) directly: for one right-hand side this loop is
	// several times cheaper than Dgetrs' general blocked path at small n.
	n, a := d.n, d.M
	for i, p := range d.ipiv {
		if p != i {
			b[i], b[p] = b[p], b[i]
		}
	}
	for i := 1; i < n; i++ {
		row := a[i*n : i*n+i]
		s := b[i]
		for j, l := range row {
			s -= l * b[j]
		}
		b[i] = s
	}
	for i := n - 1; i >= 0; i-- {
		row := a[i*n : i*n+n]
		s := b[i]
		for j := i + 1; j < n; j++ {
			s -= row[j] * b[j]
		}
		b[i] = s / row[i]
	}
	return nil
}

func (d *denseLinear) jacNorm() float64 { return d.norm }

// sparseLinear: the problem's sparse Jacobian and the sparse LU.
type sparseLinear struct {
	p    *Problem
	lu   *sparse.LU
	vals []float64
	norm float64
}

func (s *sparseLinear) jac(u []float64, t float64, _, _ []float64, st *Stats) error {
	st.JacEvals++
	s.p.Sparse.Fill(s.vals, u, s.p.P, t)
	rp := s.p.Sparse.RowPtr
	s.norm = 0
	for i := 0; i+1 < len(rp); i++ {
		var r float64
		for k := rp[i]; k < rp[i+1]; k++ {
			r += math.Abs(s.vals[k])
		}
		s.norm = math.Max(s.norm, r)
	}
	if math.IsNaN(s.norm) || math.IsInf(s.norm, 0) {
		return fmt.Errorf("Jacobian is not finite")
	}
	// Gathered into the factorisation's order once per Jacobian; BDF
	// refactors I − γJ for several γ with the same J.
	return s.lu.Load(s.vals)
}

func (s *sparseLinear) factor(gamma float64, st *Stats) error {
	st.LUFactorisations++
	return s.lu.Refactor(1, -gamma)
}

func (s *sparseLinear) solve(b, _ []float64, st *Stats) error {
	st.LinearSolves++
	s.lu.Solve(b)
	return nil
}

func (s *sparseLinear) jacNorm() float64 { return s.norm }
