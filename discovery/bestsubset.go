package discovery

import (
	"context"
	"fmt"
	"math"
)

// BestSubset is exhaustive L0 regression: it fits every support of at most
// MaxTerms columns by least squares and keeps the one with the lowest
// Bayesian information criterion, n·log(RSS/n) + |S|·log(n).
//
// Where the columns are strongly correlated and the data noisy, L1- and
// ARD-type shrinkage let many small spurious terms through, while the
// information criterion charges every term the same price; the cap on the
// number of terms is the user's prior that a correction is short. The work
// is Σ_{s≤MaxTerms} C(cols, s) small solves on the Gram statistics (2,324
// for 24 columns and 3 terms), bounded by MaxSubsets.
//
// A support with a coefficient below Threshold in magnitude (in physical
// units when the problem was scaled, as for STLSQ) is not considered: on
// clean data the residual is the estimator's systematic truncation error,
// not noise, and the criterion alone would admit negligible terms that
// absorb it.
//
// Std holds the least-squares standard errors of the chosen fit. Zero
// values mean MaxTerms 3, MaxSubsets 1e6, Threshold 0.
type BestSubset struct {
	MaxTerms   int
	MaxSubsets int
	Threshold  float64
	// Gamma ≥ 0 selects the extended BIC of Chen & Chen (2008), which adds
	// 2γ·log C(cols, |S|): the price of having searched that many supports
	// of that size. 0 is the plain BIC.
	Gamma float64
}

// Solve implements Solver.
func (o BestSubset) Solve(ctx context.Context, n *Normal, sc *Scaling) (*Fit, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("best subset: %w", err)
	}
	if o.MaxTerms == 0 {
		o.MaxTerms = 3
	}
	if o.MaxSubsets == 0 {
		o.MaxSubsets = 1_000_000
	}
	if o.MaxTerms < 0 || o.MaxSubsets < 0 || o.Threshold < 0 || o.Gamma < 0 {
		return nil, fmt.Errorf("best subset: invalid options %+v", o)
	}
	k := n.Cols
	rows := float64(n.Rows)
	if n.Rows < 2 {
		return nil, fmt.Errorf("best subset: need at least 2 rows, got %d", n.Rows)
	}
	var usable []int
	for j := range k {
		if n.XtX[j*k+j] > 0 {
			usable = append(usable, j)
		}
	}
	// The empty model is the baseline every support must beat.
	bestScore := rows * math.Log(math.Max(n.YtY, math.SmallestNonzeroFloat64)/rows)
	var best []int
	fit := &Fit{Stop: "all supports searched", Converged: true}
	coef := make([]float64, k)
	cur := make([]int, 0, o.MaxTerms)
	visited := 0
	var err error
	var rec func(start int) bool
	rec = func(start int) bool {
		if len(cur) > 0 {
			visited++
			if visited%4096 == 0 {
				if err = ctx.Err(); err != nil {
					return false
				}
			}
			if visited > o.MaxSubsets {
				fit.Stop = fmt.Sprintf("subset limit %d reached", o.MaxSubsets)
				fit.Converged = false
				return false
			}
			if lstsq(n, cur, 0, coef) == nil && o.aboveThreshold(cur, coef, sc) {
				rss := n.RSS(coef)
				score := rows*math.Log(math.Max(rss, math.SmallestNonzeroFloat64)/rows) + float64(len(cur))*math.Log(rows) +
					2*o.Gamma*logBinomial(len(usable), len(cur))
				if score < bestScore {
					bestScore = score
					best = append(best[:0], cur...)
				}
			}
		}
		if len(cur) == o.MaxTerms {
			return true
		}
		for a := start; a < len(usable); a++ {
			cur = append(cur, usable[a])
			ok := rec(a + 1)
			cur = cur[:len(cur)-1]
			if !ok {
				return false
			}
		}
		return true
	}
	rec(0)
	if err != nil {
		return nil, fmt.Errorf("best subset: stopped after %d supports: %w", visited, err)
	}
	fit.Iterations = visited
	fit.Coef = make([]float64, k)
	fit.Std = make([]float64, k)
	fit.Active = make([]bool, k)
	if len(best) > 0 {
		if err := lstsq(n, best, 0, fit.Coef); err != nil {
			return nil, fmt.Errorf("best subset: refit: %w", err)
		}
		for _, j := range best {
			fit.Active[j] = true
		}
		if dof := n.Rows - len(best); dof > 0 {
			s2 := n.RSS(fit.Coef) / float64(dof)
			g, _ := n.sub(best)
			inv := pinvSym(g, len(best))
			m := len(best)
			for a, j := range best {
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
	return fit, nil
}

func (o BestSubset) aboveThreshold(support []int, coef []float64, sc *Scaling) bool {
	for _, j := range support {
		if math.Abs(sc.Physical(j, coef[j])) < o.Threshold {
			return false
		}
	}
	return true
}

// logBinomial returns log C(n, k).
func logBinomial(n, k int) float64 {
	a, _ := math.Lgamma(float64(n + 1))
	b, _ := math.Lgamma(float64(k + 1))
	c, _ := math.Lgamma(float64(n - k + 1))
	return a - b - c
}
