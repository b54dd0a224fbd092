package testproblems

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The hand-written sparse Jacobian must match central differences of the
// RHS, entry by entry, and hold 12 nonzeros per grid point.
func TestBrusselatorJacobianMatchesFiniteDifferences(t *testing.T) {
	b := NewBrusselator2D(8)
	u := b.U0()
	for i := range u {
		u[i] += 0.1 * math.Sin(float64(i))
	}
	jac := b.Jacobian()
	n := len(u)
	require.Equal(t, 12*64, jac.NNZ())
	vals := make([]float64, jac.NNZ())
	jac.Fill(vals, u, nil, 2)
	dense := make([]float64, n*n)
	for r := 0; r < n; r++ {
		for q := jac.RowPtr[r]; q < jac.RowPtr[r+1]; q++ {
			dense[r*n+jac.ColIdx[q]] = vals[q]
		}
	}
	fp, fm := make([]float64, n), make([]float64, n)
	for c := 0; c < n; c++ {
		h := 1e-6
		u[c] += h
		b.RHS(fp, u, nil, 2)
		u[c] -= 2 * h
		b.RHS(fm, u, nil, 2)
		u[c] += h
		for r := 0; r < n; r++ {
			fd := (fp[r] - fm[r]) / (2 * h)
			assert.InDelta(t, fd, dense[r*n+c], 1e-5*(1+math.Abs(fd)), "J[%d,%d]", r, c)
		}
	}
}

func TestDenseJacobians(t *testing.T) {
	for _, p := range []struct {
		name string
		n    int
		f    func(du, u, p []float64, t float64)
		j    func(J, u, p []float64, t float64)
	}{
		{"lorenz", 3, Lorenz(1).F, Lorenz(1).Jac},
		{"rober", 3, Rober(1).F, Rober(1).Jac},
	} {
		u := []float64{0.7, 1e-3, 0.3}
		J := make([]float64, 9)
		p.j(J, u, nil, 0)
		fp, fm := make([]float64, 3), make([]float64, 3)
		for c := 0; c < 3; c++ {
			h := 1e-7 * math.Max(1e-3, math.Abs(u[c]))
			u[c] += h
			p.f(fp, u, nil, 0)
			u[c] -= 2 * h
			p.f(fm, u, nil, 0)
			u[c] += h
			for r := 0; r < 3; r++ {
				fd := (fp[r] - fm[r]) / (2 * h)
				assert.InDelta(t, fd, J[r*3+c], 1e-4*(1+math.Abs(fd)), "%s J[%d,%d]", p.name, r, c)
			}
		}
	}
}

func TestKSPairsShortRun(t *testing.T) {
	pairs, err := KSPairs(context.Background(), 0.025, 3, 1, 0.5, 1e-3)
	require.NoError(t, err)
	require.Len(t, pairs, 3)
	for _, pr := range pairs {
		var d, m float64
		for i := range pr[0] {
			d = math.Max(d, math.Abs(pr[1][i]-pr[0][i]))
			m = math.Max(m, math.Abs(pr[0][i]))
		}
		assert.Greater(t, m, 0.1)
		assert.Less(t, m, 10.0)
		assert.Greater(t, d, 0.0)
		assert.Less(t, d, 0.05*m)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = KSPairs(ctx, 0.025, 3, 10, 1, 1e-3)
	assert.ErrorIs(t, err, context.Canceled)
}
