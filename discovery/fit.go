package discovery

import (
	"context"
	"fmt"
	"math"
	"strings"
)

// Fit is the result of a sparse regression.
type Fit struct {
	Coef   []float64 // coefficients, zero for pruned columns
	Std    []float64 // posterior standard deviations (Bayesian solvers), zero for pruned columns; nil for STLSQ
	Active []bool    // columns kept in the model

	// Bayesian solvers only.
	NoisePrecision float64   // α in scikit-learn's notation, β in Tipping's
	Precisions     []float64 // per-column prior precision (λ / α_i); +Inf for never-added columns of the fast RVM
	Cov            []float64 // posterior covariance over the active columns, row-major, in ActiveIndex order

	Iterations int
	Converged  bool
	Stop       string // why iteration stopped
}

// ActiveIndex returns the indices of the active columns in increasing order.
func (f *Fit) ActiveIndex() []int {
	var out []int
	for j, a := range f.Active {
		if a {
			out = append(out, j)
		}
	}
	return out
}

// Support returns the active column indices (an alias of ActiveIndex that
// reads better in tests about recovered support).
func (f *Fit) Support() []int { return f.ActiveIndex() }

// Format prints the active terms as a sum, e.g. "-1.0017*dx(u, 4)", with
// the standard deviation in brackets when known.
func (f *Fit) Format(terms []string) string {
	var b strings.Builder
	for _, j := range f.ActiveIndex() {
		c := f.Coef[j]
		if b.Len() > 0 {
			if c < 0 {
				b.WriteString(" - ")
				c = -c
			} else {
				b.WriteString(" + ")
			}
		}
		fmt.Fprintf(&b, "%.6g*%s", c, terms[j])
		if f.Std != nil && f.Std[j] > 0 {
			fmt.Fprintf(&b, " (±%.2g)", f.Std[j])
		}
	}
	if b.Len() == 0 {
		return "0"
	}
	return b.String()
}

// Solver is a sparse regression method. Solve fits the problem whose
// statistics are n. When the problem was rescaled, s says how (physical
// coefficient = c·s.Y/s.Col[j]); a solver whose rule is stated in physical
// units, like STLSQ's threshold, needs it; it is nil otherwise.
type Solver interface {
	Solve(ctx context.Context, n *Normal, s *Scaling) (*Fit, error)
}

// Regress fits y ≈ Σ c_j X_j with the solver on the problem scaled to unit
// RMS columns and unit-variance y, and returns the fit in physical units
// (coefficients, standard deviations and covariance mapped back).
func Regress(ctx context.Context, X [][]float64, y []float64, solver Solver) (*Fit, error) {
	n, err := NewNormal(ctx, X, y)
	if err != nil {
		return nil, err
	}
	return RegressNormal(ctx, n, solver)
}

// RegressNormal is Regress on precomputed statistics.
func RegressNormal(ctx context.Context, n *Normal, solver Solver) (*Fit, error) {
	sn, sc := n.Scaled()
	f, err := solver.Solve(ctx, sn, sc)
	if err != nil {
		return f, err
	}
	f.ToPhysical(sc)
	return f, nil
}

// ToPhysical maps a fit on a scaled problem back to physical units in place.
func (f *Fit) ToPhysical(s *Scaling) {
	if s == nil {
		return
	}
	for j := range f.Coef {
		f.Coef[j] = s.Physical(j, f.Coef[j])
		if f.Std != nil {
			f.Std[j] = math.Abs(s.Physical(j, f.Std[j]))
		}
		if f.Precisions != nil {
			g := s.Y / s.Col[j]
			f.Precisions[j] /= g * g
		}
	}
	if f.Cov != nil {
		idx := f.ActiveIndex()
		m := len(idx)
		for a, i := range idx {
			for b, j := range idx {
				f.Cov[a*m+b] *= (s.Y / s.Col[i]) * (s.Y / s.Col[j])
			}
		}
	}
	f.NoisePrecision /= s.Y * s.Y
}

func activeList(keep []bool) []int {
	var idx []int
	for j, k := range keep {
		if k {
			idx = append(idx, j)
		}
	}
	return idx
}

func anyTrue(b []bool) bool {
	for _, v := range b {
		if v {
			return true
		}
	}
	return false
}
