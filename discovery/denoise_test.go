package discovery

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// noisyKS adds white noise of standard deviation sd to the committed clean
// KS snapshots.
func noisyKS(t *testing.T, sd float64, seed uint64) (clean, noisy [][]float64) {
	a := loadNPY(t, "testdata/ks_truth_pairs.npy")
	u0, u1, err := SplitPairs(a)
	require.NoError(t, err)
	clean = append(append([][]float64{}, u0...), u1...)
	rng := rand.New(rand.NewPCG(seed, 1))
	for _, u := range clean {
		v := make([]float64, len(u))
		for i := range v {
			v[i] = u[i] + sd*rng.NormFloat64()
		}
		noisy = append(noisy, v)
	}
	return clean, noisy
}

func TestNoiseVarianceEstimate(t *testing.T) {
	for _, sd := range []float64{0.001, 0.013, 0.1} {
		_, noisy := noisyKS(t, sd, 2)
		v, err := NoiseVariance(noisy, 0.25)
		require.NoError(t, err)
		assert.InDelta(t, 1, math.Sqrt(v)/sd, 0.02, "sd %g", sd)
	}
	_, err := NoiseVariance(nil, 0.25)
	assert.Error(t, err)
	_, err = NoiseVariance([][]float64{make([]float64, 8)}, 0)
	assert.Error(t, err)
}

// The prior's Kalman (Wiener) analysis and an LETKF from the prior both
// reduce the error of noisy KS states, the LETKF coming close to the exact
// analysis it approximates.
func TestDenoiseKS(t *testing.T) {
	clean, noisy := noisyKS(t, 0.013, 3)
	nv, err := NoiseVariance(noisy, 0.25)
	require.NoError(t, err)
	prior, err := EstimateStationaryPrior(noisy, nv, 2)
	require.NoError(t, err)
	cl := prior.CorrelationLength()
	assert.Greater(t, cl, 5)
	assert.Less(t, cl, 100)
	ens, err := EnsembleDenoise(context.Background(), noisy[:2], prior, nv, 32,
		ETKF{Localize: PeriodicGaspariCohn(ksN, float64(cl)), Batch: 16}, 1)
	require.NoError(t, err)
	for s := range 2 {
		exact, err := prior.Analyze(noisy[s], nv)
		require.NoError(t, err)
		raw := relColErr(noisy[s], clean[s])
		ek := relColErr(exact, clean[s])
		el := relColErr(ens[s], clean[s])
		t.Logf("snapshot %d: relative error raw %.4f, Kalman %.4f, LETKF %.4f", s, raw, ek, el)
		assert.Less(t, ek, raw/2)
		assert.Less(t, el, raw/2)
		assert.Less(t, el, 1.5*ek)
	}
}

func TestStationaryPriorSample(t *testing.T) {
	_, noisy := noisyKS(t, 0.01, 4)
	prior, err := EstimateStationaryPrior(noisy, 1e-4, 2)
	require.NoError(t, err)
	e := prior.Sample(rand.New(rand.NewPCG(1, 2)), 400)
	// The ensemble's pointwise variance matches the prior's total power.
	var want float64
	for m, p := range prior.Power {
		w := 2.0
		if m == 0 || m == len(prior.Power)-1 {
			w = 1
		}
		want += w * p
	}
	want /= float64(ksN * ksN)
	var got float64
	for _, s := range e.Spread() {
		got += s * s
	}
	got /= float64(ksN)
	assert.InDelta(t, 1, got/want, 0.05)
	_, err = prior.Analyze(make([]float64, 3), 1)
	assert.Error(t, err)
	_, err = EstimateStationaryPrior(nil, 1, 2)
	assert.Error(t, err)
}

// A clone gives the same analysis and can be used beside the original.
func TestStationaryPriorClone(t *testing.T) {
	a := loadNPY(t, "testdata/ks_obs_noise0.01.npy")
	u0, _, err := SplitPairs(a)
	require.NoError(t, err)
	p, err := EstimateStationaryPrior(u0[:4], 1e-4, 2)
	require.NoError(t, err)
	c := p.Clone()
	want, err := p.Analyze(u0[0], 1e-4)
	require.NoError(t, err)
	done := make(chan []float64)
	go func() {
		v, _ := c.Analyze(u0[0], 1e-4)
		done <- v
	}()
	_, err = p.Analyze(u0[1], 1e-4)
	require.NoError(t, err)
	assert.Equal(t, want, <-done)
	c.Power[0] = -1
	assert.NotEqual(t, -1.0, p.Power[0], "the clone shares Power")
}
