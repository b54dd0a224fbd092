package discovery

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// cholesky factors the symmetric m×m matrix a (row-major) in place into its
// lower Cholesky factor. It reports false if a is not numerically positive
// definite.
func cholesky(a []float64, m int) bool {
	for j := range m {
		d := a[j*m+j]
		for k := range j {
			d -= a[j*m+k] * a[j*m+k]
		}
		if !(d > 0) {
			return false
		}
		d = math.Sqrt(d)
		a[j*m+j] = d
		for i := j + 1; i < m; i++ {
			s := a[i*m+j]
			for k := range j {
				s -= a[i*m+k] * a[j*m+k]
			}
			a[i*m+j] = s / d
		}
	}
	return true
}

// cholSolve solves L Lᵀ x = b in place in b, given the factor from cholesky.
func cholSolve(l []float64, m int, b []float64) {
	for i := range m {
		s := b[i]
		for k := range i {
			s -= l[i*m+k] * b[k]
		}
		b[i] = s / l[i*m+i]
	}
	for i := m - 1; i >= 0; i-- {
		s := b[i]
		for k := i + 1; k < m; k++ {
			s -= l[k*m+i] * b[k]
		}
		b[i] = s / l[i*m+i]
	}
}

// pinvSym returns the inverse of the symmetric positive semi-definite m×m
// matrix a (row-major) with the semantics of SciPy's pinvh: eigenvalues at
// or below m·eps times the largest are treated as zero. A well-conditioned
// matrix takes the Cholesky path (same result, much cheaper); the
// eigendecomposition is the fallback for nearly singular ones.
func pinvSym(a []float64, m int) []float64 {
	l := append([]float64(nil), a...)
	if cholesky(l, m) {
		// Pivots l_ii² lie between λ_min and λ_max, and in practice the
		// smallest pivot overestimates λ_min by a modest factor. When the
		// pivot ratio clears pinvh's cut-off (m·eps) by six orders of
		// magnitude no eigenvalue can be cut, so the plain inverse is the
		// pinvh result; otherwise take the eigendecomposition and cut.
		lo, hi := math.Inf(1), 0.0
		for i := range m {
			d := l[i*m+i] * l[i*m+i]
			lo = math.Min(lo, d)
			hi = math.Max(hi, d)
		}
		if lo > 1e6*float64(m)*eps*hi {
			inv := make([]float64, m*m)
			col := make([]float64, m)
			for j := range m {
				clear(col)
				col[j] = 1
				cholSolve(l, m, col)
				for i := range m {
					inv[i*m+j] = col[i]
				}
			}
			// Symmetrise: the two triangles differ by rounding only.
			for i := range m {
				for j := i + 1; j < m; j++ {
					v := 0.5 * (inv[i*m+j] + inv[j*m+i])
					inv[i*m+j], inv[j*m+i] = v, v
				}
			}
			return inv
		}
	}
	return pinvEig(a, m)
}

const eps = 2.220446049250313e-16

func pinvEig(a []float64, m int) []float64 {
	s := mat.NewSymDense(m, append([]float64(nil), a...))
	var e mat.EigenSym
	inv := make([]float64, m*m)
	if !e.Factorize(s, true) {
		for i := range inv {
			inv[i] = math.NaN()
		}
		return inv
	}
	w := e.Values(nil)
	var v mat.Dense
	e.VectorsTo(&v)
	maxAbs := 0.0
	for _, x := range w {
		maxAbs = math.Max(maxAbs, math.Abs(x))
	}
	cut := float64(m) * eps * maxAbs
	for k, x := range w {
		if math.Abs(x) <= cut {
			continue
		}
		for i := range m {
			vik := v.At(i, k) / x
			for j := range m {
				inv[i*m+j] += vik * v.At(j, k)
			}
		}
	}
	return inv
}
