package discovery

import (
	"context"
	"fmt"
	"math"
)

// ARD is automatic relevance determination with exactly the semantics of
// scikit-learn's ARDRegression(fit_intercept=False): the same evidence
// updates with Gamma hyperpriors, the same order of operations, the same
// pruning (a column whose precision λ_j reaches ThresholdLambda is dropped
// for good) and the same convergence test (Σ|Δcoef| < Tol after the first
// iteration), followed by the same final refit of Σ and the coefficients.
// The difference is cost: the Gram matrix is formed once (Normal), so an
// iteration is O(cols³) instead of O(rows·cols²).
//
// The zero value means scikit-learn's defaults: MaxIter 300, Tol 1e-3,
// Alpha1 = Alpha2 = Lambda1 = Lambda2 = 1e-6, ThresholdLambda 1e4. Set
// NoHyperprior to use 0 for the four Gamma parameters.
type ARD struct {
	MaxIter         int
	Tol             float64
	Alpha1, Alpha2  float64
	Lambda1         float64
	Lambda2         float64
	ThresholdLambda float64
	NoHyperprior    bool
}

func (o ARD) withDefaults() ARD {
	if o.MaxIter == 0 {
		o.MaxIter = 300
	}
	if o.Tol == 0 {
		o.Tol = 1e-3
	}
	if o.ThresholdLambda == 0 {
		o.ThresholdLambda = 1e4
	}
	if !o.NoHyperprior {
		for _, p := range []*float64{&o.Alpha1, &o.Alpha2, &o.Lambda1, &o.Lambda2} {
			if *p == 0 {
				*p = 1e-6
			}
		}
	}
	return o
}

// Solve implements Solver.
func (o ARD) Solve(ctx context.Context, n *Normal, _ *Scaling) (*Fit, error) {
	o = o.withDefaults()
	if o.MaxIter < 0 || o.Tol < 0 || o.ThresholdLambda <= 0 {
		return nil, fmt.Errorf("ARD: invalid options %+v", o)
	}
	if n.Rows < 2 {
		return nil, fmt.Errorf("ARD: need at least 2 rows, got %d", n.Rows)
	}
	k := n.Cols
	coef := make([]float64, k)
	coefOld := make([]float64, k)
	keep := make([]bool, k)
	lambda := make([]float64, k)
	for j := range k {
		keep[j] = true
		lambda[j] = 1
	}
	alpha := 1 / (n.Variance() + eps)
	fit := &Fit{Stop: "iteration limit"}

	// update computes Σ and the coefficients of the active columns.
	update := func(idx []int) []float64 {
		g, b := n.sub(idx)
		m := len(idx)
		for a := range m {
			for c := range m {
				g[a*m+c] *= alpha
			}
			g[a*m+a] += lambda[idx[a]]
		}
		sigma := pinvSym(g, m)
		for a, j := range idx {
			var s float64
			for c := range m {
				s += sigma[a*m+c] * b[c]
			}
			coef[j] = alpha * s
		}
		return sigma
	}

	iter := 0
	for ; iter < o.MaxIter; iter++ {
		if err := ctx.Err(); err != nil {
			fit.Stop = "cancelled"
			return nil, fmt.Errorf("ARD: stopped after %d iterations: %w", iter, err)
		}
		idx := activeList(keep)
		sigma := update(idx)
		rss := n.RSS(coef)
		m := len(idx)
		var gsum float64
		for a, j := range idx {
			gamma := 1 - lambda[j]*sigma[a*m+a]
			gsum += gamma
			lambda[j] = (gamma + 2*o.Lambda1) / (coef[j]*coef[j] + 2*o.Lambda2)
		}
		alpha = (float64(n.Rows) - gsum + 2*o.Alpha1) / (rss + 2*o.Alpha2)
		for j := range k {
			keep[j] = lambda[j] < o.ThresholdLambda
			if !keep[j] {
				coef[j] = 0
			}
		}
		if iter > 0 {
			var d float64
			for j := range k {
				d += math.Abs(coefOld[j] - coef[j])
			}
			if d < o.Tol {
				fit.Converged = true
				fit.Stop = "converged"
				break
			}
		}
		copy(coefOld, coef)
		if !anyTrue(keep) {
			fit.Stop = "all columns pruned"
			break
		}
	}
	fit.Iterations = min(iter+1, o.MaxIter)
	fit.Std = make([]float64, k)
	if anyTrue(keep) {
		idx := activeList(keep)
		sigma := update(idx)
		m := len(idx)
		for a, j := range idx {
			fit.Std[j] = math.Sqrt(math.Max(sigma[a*m+a], 0))
		}
		fit.Cov = sigma
	}
	fit.Coef = coef
	fit.Active = keep
	fit.NoisePrecision = alpha
	fit.Precisions = lambda
	return fit, nil
}
