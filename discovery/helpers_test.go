package discovery

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/symcalc/symcalc/discovery/npy"
)

// sharedKS is the KS workload directory seen from this package; the full-data
// tests use it when present and skip, saying so, when it is absent.
const sharedKS = "../../shared/workloads/ks"

const (
	ksL  = 100.0
	ksN  = 1024
	ksDt = 1e-3
)

func loadNPY(t testing.TB, path string) *npy.Array {
	t.Helper()
	a, err := npy.ReadFile(path)
	require.NoError(t, err)
	return a
}

func requireShared(t testing.TB, file string) string {
	t.Helper()
	p := filepath.Join(sharedKS, file)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("KS workload file %s not present (needs ../shared/workloads/ks); the committed subset in testdata/ is tested instead", p)
	}
	return p
}

// ksLibrary builds the 24-term workload library from the first `pairs` pairs
// of the committed truth_pairs copy.
func ksLibrary(t testing.TB, pairs int) *Library {
	t.Helper()
	a := loadNPY(t, filepath.Join("testdata", "ks_truth_pairs.npy"))
	u0, u1, err := SplitPairs(a)
	require.NoError(t, err)
	mid, err := Midpoints(u0[:pairs], u1[:pairs])
	require.NoError(t, err)
	sp, err := NewSpectral(ksN, ksL)
	require.NoError(t, err)
	lib, err := PDELibrary(context.Background(), mid, PDEOptions{MaxP: 4, MaxQ: 4, Deriv: sp})
	require.NoError(t, err)
	return lib
}

// ksTarget returns the first `pairs` pairs of a case's committed target.
func ksTarget(t testing.TB, c string, pairs int) []float64 {
	t.Helper()
	a := loadNPY(t, filepath.Join("testdata", "ks_target_"+c+".npy"))
	return a.Data[:pairs*ksN]
}

// relColErr is ‖a−b‖/‖b‖ for one column.
func relColErr(a, b []float64) float64 {
	var num, den float64
	for i := range a {
		d := a[i] - b[i]
		num += d * d
		den += b[i] * b[i]
	}
	return math.Sqrt(num / den)
}
