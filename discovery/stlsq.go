package discovery

import (
	"context"
	"fmt"
	"math"
)

// STLSQ is sequentially thresholded least squares (SINDy): solve a ridge
// regression, zero every coefficient whose magnitude is below Threshold,
// re-solve on the survivors, and repeat until the support stops changing;
// then refit the survivors by ordinary least squares so the reported
// coefficients carry no ridge shrinkage (the unbiased refit).
//
// Threshold applies to physical coefficients when the problem was scaled
// (Regress passes the scaling), which is how the workload states it (0.05).
// Ridge is relative: the penalty is Ridge × mean(diag XᵀX), so it means the
// same on any scale. Std holds the ordinary-least-squares standard errors of
// the refit, σ̂ √((XᵀX)⁻¹)_jj with σ̂² = RSS/(rows − active).
//
// Zero values mean: Ridge 0 (plain least squares), MaxIter 20.
type STLSQ struct {
	Threshold float64
	Ridge     float64
	MaxIter   int
	NoRefit   bool
}

// Solve implements Solver.
func (o STLSQ) Solve(ctx context.Context, n *Normal, sc *Scaling) (*Fit, error) {
	if o.MaxIter == 0 {
		o.MaxIter = 20
	}
	if o.Threshold < 0 || o.Ridge < 0 || o.MaxIter < 0 {
		return nil, fmt.Errorf("STLSQ: invalid options %+v", o)
	}
	k := n.Cols
	var meanDiag float64
	for j := range k {
		meanDiag += n.XtX[j*k+j]
	}
	meanDiag /= float64(k)
	ridge := o.Ridge * meanDiag

	keep := make([]bool, k)
	for j := range k {
		keep[j] = n.XtX[j*k+j] > 0
	}
	coef := make([]float64, k)
	fit := &Fit{Stop: "iteration limit"}
	iter := 0
	for ; iter < o.MaxIter; iter++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("STLSQ: stopped after %d iterations: %w", iter, err)
		}
		idx := activeList(keep)
		if len(idx) == 0 {
			fit.Stop = "all columns below threshold"
			fit.Converged = true
			break
		}
		if err := lstsq(n, idx, ridge, coef); err != nil {
			return nil, fmt.Errorf("STLSQ: %w", err)
		}
		changed := false
		for _, j := range idx {
			if math.Abs(sc.Physical(j, coef[j])) < o.Threshold {
				keep[j] = false
				coef[j] = 0
				changed = true
			}
		}
		if !changed {
			fit.Converged = true
			fit.Stop = "support stable"
			break
		}
	}
	fit.Iterations = min(iter+1, o.MaxIter)
	idx := activeList(keep)
	fit.Std = make([]float64, k)
	if len(idx) > 0 {
		r := ridge
		if !o.NoRefit {
			r = 0
		}
		if err := lstsq(n, idx, r, coef); err != nil {
			return nil, fmt.Errorf("STLSQ refit: %w", err)
		}
		// OLS standard errors of the refit.
		if dof := n.Rows - len(idx); dof > 0 {
			s2 := n.RSS(coef) / float64(dof)
			g, _ := n.sub(idx)
			inv := pinvSym(g, len(idx))
			m := len(idx)
			for a, j := range idx {
				fit.Std[j] = math.Sqrt(math.Max(s2*inv[a*m+a], 0))
			}
			for i := range inv {
				inv[i] *= s2
			}
			fit.Cov = inv
			if s2 > 0 {
				fit.NoisePrecision = 1 / s2
			}
		}
	}
	fit.Coef = coef
	fit.Active = keep
	return fit, nil
}

// lstsq solves (G_AA + ridge·I) c_A = b_A into coef (zeroing other entries).
func lstsq(n *Normal, idx []int, ridge float64, coef []float64) error {
	g, b := n.sub(idx)
	m := len(idx)
	for a := range m {
		g[a*m+a] += ridge
	}
	l := append([]float64(nil), g...)
	clear(coef)
	if cholesky(l, m) {
		cholSolve(l, m, b)
	} else {
		// Rank-deficient: minimum-norm solution via the pseudo-inverse.
		inv := pinvEig(g, m)
		x := make([]float64, m)
		for a := range m {
			for c := range m {
				x[a] += inv[a*m+c] * b[c]
			}
		}
		b = x
	}
	for a, j := range idx {
		if math.IsNaN(b[a]) {
			return fmt.Errorf("least squares on %d columns produced NaN", m)
		}
		coef[j] = b[a]
	}
	return nil
}
