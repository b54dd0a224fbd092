package discovery

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDiscoverCorrectionKS(t *testing.T) {
	a := loadNPY(t, filepath.Join("testdata", "ks_truth_pairs.npy"))
	u0, u1, err := SplitPairs(a)
	require.NoError(t, err)
	sp, err := NewSpectral(ksN, ksL)
	require.NoError(t, err)
	build := func(ctx context.Context, mid [][]float64) (*Library, error) {
		return PDELibrary(ctx, mid, PDEOptions{MaxP: 4, MaxQ: 4, Deriv: sp})
	}
	want := map[string]string{
		"A": "-1.00172*dx(u, 4)",
		"B": "-0.494644*u*dx(u, 1) - 0.999504*dx(u, 2)",
		"C": "0.499147*dx(u, 3)",
	}
	for _, c := range []string{"A", "B", "C"} {
		step, err := ksModels[c].Stepper(ksDt)
		require.NoError(t, err)
		corr, err := DiscoverCorrection(context.Background(), u0, u1, ksDt, step, build, ARD{})
		require.NoError(t, err)
		assert.Equal(t, want[c], corr.String(), "case %s", c)
		assert.Contains(t, corr.Uncertainties(), "±")
		for _, term := range corr.Terms {
			assert.Greater(t, term.Std, 0.0)
		}
	}
	_, err = DiscoverCorrection(context.Background(), u0, u1, ksDt, nil, build, ARD{})
	assert.Error(t, err)
	bad := func(ctx context.Context, mid [][]float64) (*Library, error) {
		return &Library{Rows: 3}, nil
	}
	step, _ := ksModels["A"].Stepper(ksDt)
	_, err = DiscoverCorrection(context.Background(), u0[:1], u1[:1], ksDt, step, bad, ARD{})
	assert.ErrorContains(t, err, "library has 3 rows")
}

func TestCorrectionString(t *testing.T) {
	c := &Correction{Terms: []Term{{Term: "u", Coef: -2}, {Term: "dx(u, 2)", Coef: 0.5}, {Term: "u^2", Coef: -1e-7}}}
	assert.Equal(t, "-2*u + 0.5*dx(u, 2) - 1e-07*u^2", c.String())
	assert.Equal(t, "0", (&Correction{}).String())
}
