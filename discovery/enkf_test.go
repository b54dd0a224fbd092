package discovery

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/mat"
)

// randomEnsemble draws members with correlated components.
func randomEnsemble(seed uint64, members, dim int) *Ensemble {
	rng := rand.New(rand.NewPCG(seed, 3))
	e := NewEnsemble(members, dim)
	for m := range members {
		x := e.Member(m)
		var walk float64
		for i := range x {
			walk = 0.8*walk + rng.NormFloat64()
			x[i] = 1 + walk
		}
	}
	return e
}

// kalman returns the Kalman analysis mean and covariance for the ensemble's
// own sample mean and covariance: the exact answer both filters must give
// for the mean (ETKF also for the covariance) without localisation.
func kalman(e *Ensemble, obs Observation) ([]float64, *mat.Dense) {
	D, M := e.Dim, e.Members
	mean := e.Mean()
	A := mat.NewDense(D, M, nil)
	for m := range M {
		for i, v := range e.Member(m) {
			A.Set(i, m, v-mean[i])
		}
	}
	var P mat.Dense
	P.Mul(A, A.T())
	P.Scale(1/float64(M-1), &P)
	p := len(obs.Index)
	H := mat.NewDense(p, D, nil)
	R := mat.NewDense(p, p, nil)
	d := mat.NewVecDense(p, nil)
	for j, i := range obs.Index {
		H.Set(j, i, 1)
		R.Set(j, j, obs.Var[j])
		d.SetVec(j, obs.Value[j]-mean[i])
	}
	var PHt, S, Sinv, K mat.Dense
	PHt.Mul(&P, H.T())
	S.Mul(H, &PHt)
	S.Add(&S, R)
	if err := Sinv.Inverse(&S); err != nil {
		panic(err)
	}
	K.Mul(&PHt, &Sinv)
	var dx mat.VecDense
	dx.MulVec(&K, d)
	xa := make([]float64, D)
	for i := range xa {
		xa[i] = mean[i] + dx.AtVec(i)
	}
	var KH, Pa mat.Dense
	KH.Mul(&K, H)
	Pa.Mul(&KH, &P)
	Pa.Sub(&P, &Pa)
	return xa, &Pa
}

func sampleCov(e *Ensemble) *mat.Dense {
	mean := e.Mean()
	P := mat.NewDense(e.Dim, e.Dim, nil)
	for m := range e.Members {
		x := e.Member(m)
		for i := range e.Dim {
			for j := range e.Dim {
				P.Set(i, j, P.At(i, j)+(x[i]-mean[i])*(x[j]-mean[j])/float64(e.Members-1))
			}
		}
	}
	return P
}

func testObs(dim int) Observation {
	o := Observation{}
	for i := 0; i < dim; i += 2 {
		o.Index = append(o.Index, i)
		o.Value = append(o.Value, math.Sin(float64(i)))
		o.Var = append(o.Var, 0.3+0.1*float64(i%3))
	}
	return o
}

// Without localisation both filters' analysis means are exactly the Kalman
// update of the sample mean and covariance (EnKF because its perturbations
// are centred), and the ETKF's analysis covariance is exactly (I − KH)P.
func TestFiltersMatchKalmanWithoutLocalisation(t *testing.T) {
	for seed := uint64(1); seed <= 4; seed++ {
		for _, members := range []int{5, 20} {
			t.Run(fmt.Sprintf("seed%d/M%d", seed, members), func(t *testing.T) {
				const dim = 12
				obs := testObs(dim)
				want, Pa := kalman(randomEnsemble(seed, members, dim), obs)

				e := randomEnsemble(seed, members, dim)
				require.NoError(t, EnKF{Seed: seed}.Analyze(context.Background(), e, obs))
				assert.InDeltaSlice(t, want, e.Mean(), 1e-10, "EnKF mean")

				e = randomEnsemble(seed, members, dim)
				require.NoError(t, ETKF{}.Analyze(context.Background(), e, obs))
				assert.InDeltaSlice(t, want, e.Mean(), 1e-10, "ETKF mean")
				assert.True(t, mat.EqualApprox(Pa, sampleCov(e), 1e-10), "ETKF covariance")
			})
		}
	}
}

// A taper that is 1 everywhere must reproduce the global analysis: the
// localised code paths are the global ones with weights.
func TestLocalisationWithUnitTaperIsGlobal(t *testing.T) {
	one := func(i, j int) float64 { return 1 }
	obs := testObs(10)
	for _, batch := range []int{1, 3} {
		g := randomEnsemble(9, 8, 10)
		require.NoError(t, ETKF{}.Analyze(context.Background(), g, obs))
		l := randomEnsemble(9, 8, 10)
		require.NoError(t, ETKF{Localize: one, Batch: batch}.Analyze(context.Background(), l, obs))
		assert.InDeltaSlice(t, g.X, l.X, 1e-10)
	}
	g := randomEnsemble(9, 8, 10)
	require.NoError(t, EnKF{Seed: 2}.Analyze(context.Background(), g, obs))
	l := randomEnsemble(9, 8, 10)
	require.NoError(t, EnKF{Seed: 2, Localize: one}.Analyze(context.Background(), l, obs))
	assert.InDeltaSlice(t, g.X, l.X, 1e-10)
}

// Localisation must stop an observation from moving components beyond the
// taper's cut-off.
func TestLocalisationCutsDistantUpdates(t *testing.T) {
	const dim = 40
	obs := Observation{Index: []int{0}, Value: []float64{5}, Var: []float64{0.1}}
	loc := PeriodicGaspariCohn(dim, 3) // zero from 6 points away
	for _, f := range []interface {
		Analyze(context.Context, *Ensemble, Observation) error
	}{EnKF{Localize: loc}, ETKF{Localize: loc}} {
		e := randomEnsemble(5, 10, dim)
		before := append([]float64(nil), e.X...)
		require.NoError(t, f.Analyze(context.Background(), e, obs))
		for m := range e.Members {
			for i := 6; i <= dim-6; i++ {
				assert.Equal(t, before[m*dim+i], e.X[m*dim+i], "%T member %d component %d", f, m, i)
			}
		}
		assert.NotEqual(t, before[0], e.X[0], "%T: observed component updated", f)
	}
}

func TestGaspariCohn(t *testing.T) {
	assert.Equal(t, 1.0, GaspariCohn(0))
	assert.InDelta(t, 0.2083333, GaspariCohn(1), 1e-6) // both branches meet at 5/24
	assert.InDelta(t, GaspariCohn(1-1e-9), GaspariCohn(1+1e-9), 1e-7)
	assert.Equal(t, 0.0, GaspariCohn(2))
	assert.Equal(t, 0.0, GaspariCohn(3))
	for z := 0.0; z < 2; z += 0.01 {
		assert.GreaterOrEqual(t, GaspariCohn(z), GaspariCohn(z+0.01))
	}
	loc := PeriodicGaspariCohn(100, 5)
	assert.Equal(t, loc(1, 99), loc(1, 3), "periodic distance")
}

func TestInflateAndSpread(t *testing.T) {
	e := randomEnsemble(2, 6, 4)
	mean, sd := e.Mean(), e.Spread()
	e.Inflate(1.5)
	assert.InDeltaSlice(t, mean, e.Mean(), 1e-12)
	for i, s := range e.Spread() {
		assert.InDelta(t, 1.5*sd[i], s, 1e-12)
	}
}

func TestFilterErrors(t *testing.T) {
	e := randomEnsemble(1, 4, 5)
	ctx := context.Background()
	for _, tc := range []struct {
		obs  Observation
		want string
	}{
		{Observation{}, "empty"},
		{Observation{Index: []int{9}, Value: []float64{1}, Var: []float64{1}}, "outside the state"},
		{Observation{Index: []int{1}, Value: []float64{1}, Var: []float64{0}}, "must be positive"},
		{Observation{Index: []int{1}, Value: []float64{1, 2}, Var: []float64{1}}, "1 indices, 2 values"},
	} {
		assert.ErrorContains(t, EnKF{}.Analyze(ctx, e, tc.obs), tc.want)
		assert.ErrorContains(t, ETKF{}.Analyze(ctx, e, tc.obs), tc.want)
	}
	one := NewEnsemble(1, 5)
	assert.ErrorContains(t, EnKF{}.Analyze(ctx, one, testObs(5)), "at least 2 members")
	c, cancel := context.WithCancel(ctx)
	cancel()
	assert.ErrorIs(t, ETKF{Localize: PeriodicGaspariCohn(5, 1)}.Analyze(c, e, testObs(5)), context.Canceled)
	assert.ErrorIs(t, e.Forecast(c, func(dst, src []float64) error { copy(dst, src); return nil }), context.Canceled)
}
