package discovery

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Integration by parts: the weak column (−1)^q ∫φ^{(q)} u^p equals the
// projection ∫φ ∂^q(u^p) of the pointwise derivative, computed spectrally.
func TestWeakFormIntegrationByParts(t *testing.T) {
	a := loadNPY(t, "testdata/ks_truth_pairs.npy")
	u0, _, err := SplitPairs(a)
	require.NoError(t, err)
	snaps := u0[:2]
	w, err := NewWeakForm(ksN, ksL, 64, 3, 8, 4)
	require.NoError(t, err)
	lib, err := w.Library(context.Background(), snaps, 3, 4)
	require.NoError(t, err)
	sp, _ := NewSpectral(ksN, ksL)
	d := make([][]float64, 4)
	for q := range d {
		d[q] = make([]float64, ksN)
	}
	col := 0
	for q := 0; q <= 4; q++ {
		for p := 1; p <= 3; p++ {
			var field []float64
			for _, u := range snaps {
				f := make([]float64, ksN)
				for i := range f {
					f[i] = ipow(u[i], p)
				}
				if q > 0 {
					sp.Derivatives(d[:q], f)
					copy(f, d[q-1])
				}
				field = append(field, f...)
			}
			want, err := w.Project(field)
			require.NoError(t, err)
			e := relColErr(lib.Columns[col].Values, want)
			// The test function is only C^(Degree-1) at the edge of its
			// support, so the grid quadrature of its 4th derivative is
			// accurate to a few 1e-6.
			assert.Less(t, e, 1e-5, "%s: relative difference %.3g", lib.Columns[col].Name, e)
			col++
		}
	}
	assert.Equal(t, []string{"u", "u^2", "u^3", "u_x", "(u^2)_x"}, lib.Names()[:5])
	assert.Equal(t, "dx(u^2, 1)", lib.Columns[4].Term)
}

// Noise-free, the weak library recovers each case's error (in the
// conservative basis: -0.5 u u_x is -0.25 dx(u^2, 1)).
func TestWeakFormRecoveryClean(t *testing.T) {
	a := loadNPY(t, "testdata/ks_truth_pairs.npy")
	u0, u1, err := SplitPairs(a)
	require.NoError(t, err)
	mid, err := Midpoints(u0, u1)
	require.NoError(t, err)
	w, err := NewWeakForm(ksN, ksL, 128, 2.5, 8, 4)
	require.NoError(t, err)
	lib, err := w.Library(context.Background(), mid, 4, 4)
	require.NoError(t, err)
	// Column indices in the weak basis: (p, q) → 4q + p − 1.
	want := map[string]map[int]float64{
		"A": {16: -1},
		"B": {5: -0.25, 8: -1},
		"C": {12: 0.5},
	}
	for _, c := range []string{"A", "B", "C"} {
		y, err := w.Project(ksTarget(t, c, 20))
		require.NoError(t, err)
		f, err := Regress(context.Background(), lib.Matrix(), y, ARD{})
		require.NoError(t, err)
		t.Logf("%s: %s", c, f.Format(lib.Names()))
		checkRecovery(t, f, want[c], 0.02, lib.Names())
	}
}

func TestWeakFormErrors(t *testing.T) {
	_, err := NewWeakForm(64, 1, 4, 0.1, 3, 4)
	assert.ErrorContains(t, err, "degree 3 must exceed")
	_, err = NewWeakForm(64, 1, 4, 0.001, 8, 4)
	assert.ErrorContains(t, err, "radius")
	_, err = NewWeakForm(64, 1, 0, 0.1, 8, 4)
	assert.Error(t, err)
	w, err := NewWeakForm(64, 1, 4, 0.1, 8, 2)
	require.NoError(t, err)
	_, err = w.Library(context.Background(), [][]float64{make([]float64, 64)}, 2, 3)
	assert.ErrorContains(t, err, "prepared for derivatives up to 2")
	_, err = w.Project(make([]float64, 65))
	assert.Error(t, err)
	// φ integrates to the Beta-function value ∫(1−s²)^m ds · r.
	ones := make([]float64, 64)
	for i := range ones {
		ones[i] = 1
	}
	p, err := w.Project(ones)
	require.NoError(t, err)
	want := 0.1 * math.Sqrt(math.Pi) * math.Gamma(9) / math.Gamma(9.5)
	assert.InDelta(t, want, p[0], 2e-3*want)
}
