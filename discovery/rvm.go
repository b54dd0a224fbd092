package discovery

import (
	"context"
	"fmt"
	"math"
)

// RVM is Tipping's sparse Bayesian learning (the relevance vector machine's
// regression, JMLR 2001) by the re-estimation rules α_i ← γ_i/μ_i²,
// β ← (N − Σγ)/‖y − Φμ‖², with γ_i = 1 − α_i Σ_ii, and no hyperpriors.
// Columns whose prior precision α_i exceeds PruneAlpha are removed. It
// iterates until no α changes by more than Tol in log and the support is
// stable. The result carries the posterior mean and standard deviation of
// every coefficient.
//
// Zero values mean: MaxIter 1000, Tol 1e-6, PruneAlpha 1e4 (the workload's
// threshold, for columns and target scaled to unit RMS / variance).
type RVM struct {
	MaxIter    int
	Tol        float64
	PruneAlpha float64
}

func (o RVM) withDefaults() RVM {
	if o.MaxIter == 0 {
		o.MaxIter = 1000
	}
	if o.Tol == 0 {
		o.Tol = 1e-6
	}
	if o.PruneAlpha == 0 {
		o.PruneAlpha = 1e4
	}
	return o
}

// posterior returns Σ = (diag α + β G_AA)⁻¹ and μ = β Σ b_A for the active
// indices, using Cholesky (falling back to the pseudo-inverse).
func posterior(n *Normal, idx []int, alpha []float64, beta float64) (sigma, mu []float64) {
	g, b := n.sub(idx)
	m := len(idx)
	for a := range m {
		for c := range m {
			g[a*m+c] *= beta
		}
		g[a*m+a] += alpha[idx[a]]
	}
	sigma = pinvSym(g, m)
	mu = make([]float64, m)
	for a := range m {
		var s float64
		for c := range m {
			s += sigma[a*m+c] * b[c]
		}
		mu[a] = beta * s
	}
	return sigma, mu
}

// Solve implements Solver.
func (o RVM) Solve(ctx context.Context, n *Normal, _ *Scaling) (*Fit, error) {
	o = o.withDefaults()
	if o.MaxIter < 0 || o.Tol <= 0 || o.PruneAlpha <= 0 {
		return nil, fmt.Errorf("RVM: invalid options %+v", o)
	}
	k := n.Cols
	v := n.Variance()
	if v == 0 {
		v = n.YtY / float64(n.Rows)
	}
	if v == 0 {
		v = 1
	}
	// Scale-covariant start: a weak prior (coefficient variance 1e6 × the
	// variance that would explain y alone) and noise at 10 % of y's spread.
	alpha := make([]float64, k)
	keep := make([]bool, k)
	for j := range k {
		alpha[j] = 1e-6 * (n.XtX[j*k+j] / float64(n.Rows)) / v
		keep[j] = n.XtX[j*k+j] > 0
	}
	beta := 100 / v
	fit := &Fit{Stop: "iteration limit"}
	coef := make([]float64, k)
	iter := 0
	for ; iter < o.MaxIter; iter++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("RVM: stopped after %d iterations: %w", iter, err)
		}
		idx := activeList(keep)
		if len(idx) == 0 {
			fit.Stop = "all columns pruned"
			break
		}
		sigma, mu := posterior(n, idx, alpha, beta)
		clear(coef)
		for a, j := range idx {
			coef[j] = mu[a]
		}
		rss := n.RSS(coef)
		m := len(idx)
		var gsum, maxd float64
		changed := false
		for a, j := range idx {
			gamma := 1 - alpha[j]*sigma[a*m+a]
			gsum += gamma
			na := gamma / (mu[a] * mu[a])
			if math.IsNaN(na) || na > o.PruneAlpha {
				keep[j] = false
				changed = true
				continue
			}
			maxd = math.Max(maxd, math.Abs(math.Log(na)-math.Log(alpha[j])))
			alpha[j] = na
		}
		if rss > 0 {
			beta = math.Max(float64(n.Rows)-gsum, 1e-12) / rss
		}
		if !changed && maxd < o.Tol {
			fit.Converged = true
			fit.Stop = "converged"
			break
		}
	}
	fit.Iterations = min(iter+1, o.MaxIter)
	finishBayes(fit, n, keep, alpha, beta)
	return fit, nil
}

// finishBayes fills the posterior of the final support into fit.
func finishBayes(fit *Fit, n *Normal, keep []bool, alpha []float64, beta float64) {
	k := n.Cols
	fit.Coef = make([]float64, k)
	fit.Std = make([]float64, k)
	fit.Active = keep
	idx := activeList(keep)
	if len(idx) > 0 {
		sigma, mu := posterior(n, idx, alpha, beta)
		m := len(idx)
		for a, j := range idx {
			fit.Coef[j] = mu[a]
			fit.Std[j] = math.Sqrt(math.Max(sigma[a*m+a], 0))
		}
		fit.Cov = sigma
	}
	fit.NoisePrecision = beta
	fit.Precisions = make([]float64, k)
	for j := range k {
		if keep[j] {
			fit.Precisions[j] = alpha[j]
		} else {
			fit.Precisions[j] = math.Inf(1)
		}
	}
}

// FastRVM is the fast marginal-likelihood maximisation of Tipping & Faul
// (AISTATS 2003): starting from one column, each iteration takes the single
// action — add a column, re-estimate one α_i, or delete a column — that
// increases the log marginal likelihood most, using the sparsity and quality
// factors s_i, q_i (a column is relevant exactly when q_i² > s_i). The cost
// of an iteration grows with the active set, not with the number of
// candidates squared, which is what makes it the method of choice for large
// libraries; the noise precision β is re-estimated after every action.
//
// Zero values mean: MaxIter 10000, Tol 1e-6 (stop when the best action is a
// re-estimation changing log α by less than this and no addition or
// deletion helps), PruneAlpha 1e4 (an α above it counts as irrelevant).
type FastRVM struct {
	MaxIter    int
	Tol        float64
	PruneAlpha float64
}

// Solve implements Solver.
func (o FastRVM) Solve(ctx context.Context, n *Normal, _ *Scaling) (*Fit, error) {
	if o.MaxIter == 0 {
		o.MaxIter = 10000
	}
	if o.Tol == 0 {
		o.Tol = 1e-6
	}
	if o.PruneAlpha == 0 {
		o.PruneAlpha = 1e4
	}
	if o.MaxIter < 0 || o.Tol <= 0 || o.PruneAlpha <= 0 {
		return nil, fmt.Errorf("fast RVM: invalid options %+v", o)
	}
	k := n.Cols
	v := n.Variance()
	if v == 0 {
		v = n.YtY / float64(n.Rows)
	}
	if v == 0 {
		v = 1
	}
	beta := 100 / v
	alpha := make([]float64, k)
	keep := make([]bool, k)
	// Start with the column best aligned with y.
	best, bestScore := -1, 0.0
	for j := range k {
		if d := n.XtX[j*k+j]; d > 0 {
			if s := n.Xty[j] * n.Xty[j] / d; s > bestScore {
				best, bestScore = j, s
			}
		}
	}
	fit := &Fit{Stop: "iteration limit"}
	if best < 0 {
		fit.Stop = "no column correlates with y"
		finishBayes(fit, n, keep, alpha, beta)
		return fit, nil
	}
	// α = ‖φ‖²/((φᵀy)²/‖φ‖² − 1/β), the evidence-optimal precision of a
	// lone column (Tipping & Faul eq. 26 with S = β‖φ‖², Q = βφᵀy).
	d := n.XtX[best*k+best]
	alpha[best] = d / (bestScore/d - 1/beta)
	if !(alpha[best] > 0) || math.IsInf(alpha[best], 0) {
		alpha[best] = d / (bestScore / d)
	}
	keep[best] = true

	S := make([]float64, k)
	Q := make([]float64, k)
	coef := make([]float64, k)
	iter := 0
	for ; iter < o.MaxIter; iter++ {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("fast RVM: stopped after %d iterations: %w", iter, err)
		}
		idx := activeList(keep)
		sigma, mu := posterior(n, idx, alpha, beta)
		m := len(idx)
		// S_i = β G_ii − β² G_iA Σ G_Ai,  Q_i = β b_i − β² G_iA Σ b_A = β b_i − β G_iA μ.
		t := make([]float64, m)
		for i := range k {
			var gmu float64
			for a, j := range idx {
				gmu += n.XtX[i*k+j] * mu[a]
			}
			for a := range m {
				var s float64
				for c, j := range idx {
					s += sigma[a*m+c] * n.XtX[i*k+j]
				}
				t[a] = s
			}
			var quad float64
			for a, j := range idx {
				quad += n.XtX[i*k+j] * t[a]
			}
			S[i] = beta*n.XtX[i*k+i] - beta*beta*quad
			Q[i] = beta*n.Xty[i] - beta*gmu
		}
		bestJ, bestAction, bestDL, bestAlpha := -1, "", 0.0, 0.0
		var reestDelta float64
		for i := range k {
			if n.XtX[i*k+i] <= 0 {
				continue
			}
			s, q := S[i], Q[i]
			if keep[i] {
				s = alpha[i] * S[i] / (alpha[i] - S[i])
				q = alpha[i] * Q[i] / (alpha[i] - S[i])
			}
			theta := q*q - s
			var dl, na float64
			var action string
			switch {
			case keep[i] && theta > 0 && s*s/theta <= o.PruneAlpha:
				na = s * s / theta
				di := 1/na - 1/alpha[i]
				dl = 0.5 * (Q[i]*Q[i]/(S[i]+1/di) - math.Log1p(S[i]*di))
				action = "reestimate"
			case keep[i] && len(idx) > 1:
				dl = 0.5 * (Q[i]*Q[i]/(S[i]-alpha[i]) - math.Log(1-S[i]/alpha[i]))
				if theta > 0 {
					// Relevant in the evidence sense, but its optimal
					// precision is past PruneAlpha: our rule says drop it,
					// and that takes priority over any other action.
					dl = math.MaxFloat64
				}
				action = "delete"
			case !keep[i] && theta > 0 && s*s/theta <= o.PruneAlpha:
				na = s * s / theta
				r := Q[i] * Q[i] / S[i]
				dl = 0.5 * (r - 1 - math.Log(r))
				action = "add"
			default:
				continue
			}
			if math.IsNaN(dl) {
				continue
			}
			if bestJ < 0 || dl > bestDL {
				bestJ, bestAction, bestDL, bestAlpha = i, action, dl, na
				if action == "reestimate" {
					reestDelta = math.Abs(math.Log(na) - math.Log(alpha[i]))
				}
			}
		}
		if bestJ < 0 || bestDL <= 0 {
			fit.Stop = "no action improves the evidence"
			fit.Converged = true
			break
		}
		if bestAction == "reestimate" && reestDelta < o.Tol {
			fit.Converged = true
			fit.Stop = "converged"
			break
		}
		switch bestAction {
		case "add", "reestimate":
			alpha[bestJ] = bestAlpha
			keep[bestJ] = true
		case "delete":
			keep[bestJ] = false
			alpha[bestJ] = 0
		}
		// Re-estimate the noise precision from the updated posterior.
		idx = activeList(keep)
		sigma, mu = posterior(n, idx, alpha, beta)
		m = len(idx)
		clear(coef)
		var gsum float64
		for a, j := range idx {
			coef[j] = mu[a]
			gsum += 1 - alpha[j]*sigma[a*m+a]
		}
		if rss := n.RSS(coef); rss > 0 {
			beta = math.Max(float64(n.Rows)-gsum, 1e-12) / rss
		}
	}
	fit.Iterations = min(iter+1, o.MaxIter)
	finishBayes(fit, n, keep, alpha, beta)
	return fit, nil
}
