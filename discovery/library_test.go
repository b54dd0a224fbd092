package discovery

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var ksLabels = []string{
	"u", "u^2", "u^3", "u^4",
	"u_x", "u*u_x", "u^2*u_x", "u^3*u_x", "u^4*u_x",
	"u_xx", "u*u_xx", "u^2*u_xx", "u^3*u_xx", "u^4*u_xx",
	"u_xxx", "u*u_xxx", "u^2*u_xxx", "u^3*u_xxx", "u^4*u_xxx",
	"u_xxxx", "u*u_xxxx", "u^2*u_xxxx", "u^3*u_xxxx", "u^4*u_xxxx",
}

func TestPDELibraryLabels(t *testing.T) {
	lib := ksLibrary(t, 1)
	assert.Equal(t, ksLabels, lib.Names())
	terms := lib.Terms()
	assert.Equal(t, "u", terms[0])
	assert.Equal(t, "u*dx(u, 1)", terms[5])
	assert.Equal(t, "dx(u, 4)", terms[19])
	assert.Equal(t, "u^4*dx(u, 4)", terms[23])
	require.NoError(t, lib.Validate())
}

// checkParity compares our library with the reference one, column by column.
func checkParity(t *testing.T, lib *Library, theta []float64, rows int) {
	t.Helper()
	require.Equal(t, rows, lib.Rows)
	ref := make([]float64, rows)
	for j, c := range lib.Columns {
		for i := range rows {
			ref[i] = theta[i*24+j]
		}
		e := relColErr(c.Values, ref)
		assert.Less(t, e, 1e-10, "column %d (%s): relative error %.3g", j, c.Name, e)
	}
}

// Library parity on the committed first pair: runs everywhere.
func TestPDELibraryParityPair0(t *testing.T) {
	theta := loadNPY(t, filepath.Join("testdata", "ks_theta_pair0.npy"))
	require.Equal(t, []int{1024, 24}, theta.Shape)
	checkParity(t, ksLibrary(t, 1), theta.Data, 1024)
}

// Library parity on all 20 pairs of the workload.
func TestPDELibraryParityShared(t *testing.T) {
	theta := loadNPY(t, requireShared(t, "theta_mid_clean.npy"))
	require.Equal(t, []int{20480, 24}, theta.Shape)
	checkParity(t, ksLibrary(t, 20), theta.Data, 20480)
}

func TestSpectralExactOnTrigonometric(t *testing.T) {
	const n, L = 64, 2 * math.Pi * 3
	sp, err := NewSpectral(n, L)
	require.NoError(t, err)
	u := make([]float64, n)
	x := func(i int) float64 { return L * float64(i) / n }
	k := 2 * math.Pi * 5 / L
	for i := range u {
		u[i] = math.Sin(k*x(i)) + 0.5*math.Cos(2*k*x(i))
	}
	d := [][]float64{make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)}
	sp.Derivatives(d, u)
	for i := range u {
		s, c := math.Sincos(k * x(i))
		s2, c2 := math.Sincos(2 * k * x(i))
		want := []float64{
			k*c - k*s2,
			-k*k*s - 2*k*k*c2,
			-k*k*k*c + 4*k*k*k*s2,
			k*k*k*k*s + 8*k*k*k*k*c2,
		}
		for q := range 4 {
			assert.InDelta(t, want[q], d[q][i], 1e-9*math.Pow(2*k, float64(q+1)), "q=%d i=%d", q+1, i)
		}
	}
}

// The Nyquist mode is an eigenvector of even derivatives and annihilated by
// odd ones.
func TestSpectralNyquist(t *testing.T) {
	const n = 16
	sp, err := NewSpectral(n, 2*math.Pi)
	require.NoError(t, err)
	u := make([]float64, n)
	for i := range u {
		u[i] = float64(1 - 2*(i%2))
	}
	d := [][]float64{make([]float64, n), make([]float64, n)}
	sp.Derivatives(d, u)
	for i := range u {
		assert.InDelta(t, 0, d[0][i], 1e-12)
		assert.InDelta(t, -64*u[i], d[1][i], 1e-9)
	}
}

// Finite differences must converge to the exact derivative at their stated
// order: halving h divides the error by 2^order.
func TestFiniteDifferenceOrder(t *testing.T) {
	const L = 2 * math.Pi
	errAt := func(n, order, q int) float64 {
		fd, err := NewFiniteDifference(n, L, order)
		require.NoError(t, err)
		u := make([]float64, n)
		for i := range u {
			u[i] = math.Sin(L * float64(i) / float64(n))
		}
		d := make([][]float64, 4)
		for j := range d {
			d[j] = make([]float64, n)
		}
		fd.Derivatives(d, u)
		var m float64
		for i := range u {
			x := L * float64(i) / float64(n)
			want := []float64{math.Cos(x), -math.Sin(x), -math.Cos(x), math.Sin(x)}[q-1]
			m = math.Max(m, math.Abs(d[q-1][i]-want))
		}
		return m
	}
	for _, order := range []int{2, 4} {
		for q := 1; q <= 4; q++ {
			t.Run(fmt.Sprintf("order%d_q%d", order, q), func(t *testing.T) {
				e1, e2 := errAt(32, order, q), errAt(64, order, q)
				rate := math.Log2(e1 / e2)
				assert.InDelta(t, float64(order), rate, 0.15, "errors %g, %g", e1, e2)
			})
		}
	}
}

func TestDifferentiatorErrors(t *testing.T) {
	_, err := NewSpectral(1, 1)
	assert.ErrorContains(t, err, "at least 2 points")
	_, err = NewSpectral(8, -1)
	assert.ErrorContains(t, err, "positive period")
	_, err = NewFiniteDifference(64, 1, 3)
	assert.ErrorContains(t, err, "must be 2 or 4")
	_, err = NewFiniteDifference(4, 1, 2)
	assert.ErrorContains(t, err, "at least 7")
	sp, _ := NewSpectral(8, 1)
	_, err = PDELibrary(context.Background(), [][]float64{make([]float64, 9)}, PDEOptions{MaxP: 1, MaxQ: 1, Deriv: sp})
	assert.ErrorContains(t, err, "snapshot 0 has 9 points")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = PDELibrary(ctx, [][]float64{make([]float64, 8)}, PDEOptions{MaxP: 1, MaxQ: 1, Deriv: sp})
	assert.ErrorIs(t, err, context.Canceled)
}

func TestPolynomialLibrary(t *testing.T) {
	x := []float64{1, 2, 3}
	y := []float64{-1, 0, 2}
	lib, err := PolynomialLibrary(context.Background(), []string{"x", "y"}, [][]float64{x, y}, 2, true)
	require.NoError(t, err)
	assert.Equal(t, []string{"1", "x", "y", "x^2", "x*y", "y^2"}, lib.Names())
	assert.Equal(t, []float64{-1, 0, 6}, lib.Columns[4].Values)
	assert.Equal(t, []float64{1, 0, 4}, lib.Columns[5].Values)
	_, err = PolynomialLibrary(context.Background(), []string{"x"}, [][]float64{x, y}, 2, false)
	assert.Error(t, err)
}

func TestFourierLibrary(t *testing.T) {
	lib, err := FourierLibrary([]string{"t"}, [][]float64{{0, math.Pi / 2}}, 2)
	require.NoError(t, err)
	assert.Equal(t, []string{"sin(t)", "cos(t)", "sin(2*t)", "cos(2*t)"}, lib.Names())
	assert.InDelta(t, 1, lib.Columns[0].Values[1], 1e-15)
	assert.InDelta(t, -1, lib.Columns[3].Values[1], 1e-15)
}

func TestNormalized(t *testing.T) {
	lib := &Library{Rows: 2, Columns: []Column{{Name: "a", Values: []float64{3, 4}}, {Name: "z", Values: []float64{0, 0}}}}
	n, rms := lib.Normalized()
	assert.InDelta(t, math.Sqrt(12.5), rms[0], 1e-15)
	assert.Equal(t, 1.0, rms[1])
	assert.InDelta(t, 1, ColumnRMS(n.Matrix())[0], 1e-15)
	assert.Equal(t, []float64{3, 4}, lib.Columns[0].Values, "original untouched")
}
