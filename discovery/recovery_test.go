package discovery

import (
	"context"
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// ksCases are the workload's three imperfect models and the structural error
// each must discover (column index → coefficient), with the tolerance the
// issue sets on the relative coefficient error.
var ksCases = []struct {
	name string
	want map[int]float64
	tol  float64
}{
	{"A", map[int]float64{19: -1.0}, 0.01},
	{"B", map[int]float64{5: -0.5, 9: -1.0}, 0.02},
	{"C", map[int]float64{14: 0.5}, 0.01},
}

// The solvers under test, each with its documented defaults or the
// workload's stated settings; nothing here is tuned to the three cases.
var ksSolvers = []struct {
	name   string
	solver Solver
}{
	{"ARD", ARD{ThresholdLambda: 1e4}},
	{"RVM", RVM{}},
	{"FastRVM", FastRVM{}},
	{"STLSQ", STLSQ{Threshold: 0.05}},
	{"BestSubset", BestSubset{Threshold: 0.05}},
}

func checkRecovery(t *testing.T, f *Fit, want map[int]float64, tol float64, names []string) {
	t.Helper()
	var support []int
	for j := range f.Coef {
		if _, ok := want[j]; ok {
			support = append(support, j)
		}
	}
	require.Equal(t, support, f.Support(), "support: got %s", f.Format(names))
	for j, w := range want {
		e := math.Abs(f.Coef[j]-w) / math.Abs(w)
		assert.Less(t, e, tol, "%s: got %.6g want %g (relative error %.3g)", names[j], f.Coef[j], w, e)
	}
}

// Noise-free recovery from the committed data: 1 pair (1,024 rows) and all
// 20 pairs (20,480 rows).
func TestKSRecovery(t *testing.T) {
	for _, pairs := range []int{1, 20} {
		lib := ksLibrary(t, pairs)
		for _, c := range ksCases {
			n, err := NewNormal(context.Background(), lib.Matrix(), ksTarget(t, c.name, pairs))
			require.NoError(t, err)
			for _, s := range ksSolvers {
				t.Run(fmt.Sprintf("%s/%dpair/%s", c.name, pairs, s.name), func(t *testing.T) {
					f, err := RegressNormal(context.Background(), n, s.solver)
					require.NoError(t, err)
					t.Logf("%s (%s, %d iterations)", f.Format(lib.Names()), f.Stop, f.Iterations)
					checkRecovery(t, f, c.want, c.tol, lib.Names())
					if s.name != "STLSQ" && s.name != "BestSubset" {
						for j := range c.want {
							assert.Greater(t, f.Std[j], 0.0, "posterior std of %s", lib.Names()[j])
						}
					}
				})
			}
		}
	}
}

// The finite-difference library (4th-order stencils) also recovers the
// three errors from the 20 clean pairs; its truncation error (h ≈ 0.1)
// stays inside the tolerances.
func TestKSRecoveryFiniteDifference(t *testing.T) {
	a := loadNPY(t, "testdata/ks_truth_pairs.npy")
	u0, u1, err := SplitPairs(a)
	require.NoError(t, err)
	mid, err := Midpoints(u0, u1)
	require.NoError(t, err)
	fd, err := NewFiniteDifference(ksN, ksL, 4)
	require.NoError(t, err)
	lib, err := PDELibrary(context.Background(), mid, PDEOptions{MaxP: 4, MaxQ: 4, Deriv: fd})
	require.NoError(t, err)
	for _, c := range ksCases {
		for _, s := range []Solver{ARD{}, STLSQ{Threshold: 0.05}} {
			f, err := Regress(context.Background(), lib.Matrix(), ksTarget(t, c.name, 20), s)
			require.NoError(t, err)
			t.Logf("%s %T: %s", c.name, s, f.Format(lib.Names()))
			checkRecovery(t, f, c.want, c.tol, lib.Names())
		}
	}
	_, err = PDELibrary(context.Background(), mid, PDEOptions{MaxP: 1, MaxQ: 5, Deriv: fd})
	assert.ErrorContains(t, err, "up to order 5 requested")
}
