package discovery

import (
	"context"
	"path/filepath"
	"testing"
)

// Benchmarks on the committed 20-pair KS data (20,480 × 24), the sizes the
// issue's speed targets name. bench/discovery/run.sh runs them next to
// scikit-learn and prints the ratios.

func benchProblem(b *testing.B, c string) ([][]float64, []float64) {
	lib := ksLibrary(b, 20)
	return lib.Matrix(), ksTarget(b, c, 20)
}

// BenchmarkKSLibrary20Pairs: midpoints and the 24-term spectral library from
// 20 observation pairs of 1,024 points.
func BenchmarkKSLibrary20Pairs(b *testing.B) {
	a := loadNPY(b, filepath.Join("testdata", "ks_truth_pairs.npy"))
	u0, u1, err := SplitPairs(a)
	if err != nil {
		b.Fatal(err)
	}
	sp, err := NewSpectral(ksN, ksL)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		mid, err := Midpoints(u0, u1)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := PDELibrary(ctx, mid, PDEOptions{MaxP: 4, MaxQ: 4, Deriv: sp}); err != nil {
			b.Fatal(err)
		}
	}
}

// benchRegress times a whole fit from the raw library columns: Gram
// statistics, scaling, the solver, and mapping back to physical units.
func benchRegress(b *testing.B, s Solver) {
	for _, c := range []string{"A", "B", "C"} {
		b.Run(c, func(b *testing.B) {
			X, y := benchProblem(b, c)
			ctx := context.Background()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := Regress(ctx, X, y, s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkARD20480x24(b *testing.B)     { benchRegress(b, ARD{ThresholdLambda: 1e4}) }
func BenchmarkRVM20480x24(b *testing.B)     { benchRegress(b, RVM{}) }
func BenchmarkFastRVM20480x24(b *testing.B) { benchRegress(b, FastRVM{}) }
func BenchmarkSTLSQ20480x24(b *testing.B)   { benchRegress(b, STLSQ{Threshold: 0.05}) }

// BenchmarkGram20480x24 isolates the one pass over the data.
func BenchmarkGram20480x24(b *testing.B) {
	X, y := benchProblem(b, "A")
	ctx := context.Background()
	for b.Loop() {
		if _, err := NewNormal(ctx, X, y); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRVMManyColumns compares Tipping's re-estimation with the fast
// marginal-likelihood algorithm on a wide library (2,000 rows × 200
// columns, 5 relevant), where the fast one's single-column actions pay off.
func BenchmarkRVMManyColumns(b *testing.B) {
	truth := map[int]float64{3: 1, 50: -2, 99: 0.5, 120: 1.5, 180: -0.7}
	X, y := synthetic(21, 2000, 200, truth, 0.1)
	n, err := NewNormal(context.Background(), X, y)
	if err != nil {
		b.Fatal(err)
	}
	sn, sc := n.Scaled()
	for _, s := range []struct {
		name string
		s    Solver
	}{{"RVM", RVM{}}, {"FastRVM", FastRVM{}}} {
		b.Run(s.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := s.s.Solve(context.Background(), sn, sc); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDenoiseSnapshot times estimating one 1,024-point KS state from a
// 1 %-noise observation: the exact Kalman analysis of the climatological
// prior, an LETKF (32 members) and a stochastic EnKF (64 members), both
// localised at the prior's correlation length.
func BenchmarkDenoiseSnapshot(b *testing.B) {
	a := loadNPY(b, filepath.Join("testdata", "ks_obs_noise0.01.npy"))
	u0, u1, err := SplitPairs(a)
	if err != nil {
		b.Fatal(err)
	}
	all := append(append([][]float64{}, u0...), u1...)
	nv, err := NoiseVariance(all, 0.25)
	if err != nil {
		b.Fatal(err)
	}
	prior, err := EstimateStationaryPrior(all, nv, 2)
	if err != nil {
		b.Fatal(err)
	}
	loc := PeriodicGaspariCohn(ksN, float64(prior.CorrelationLength()))
	ctx := context.Background()
	b.Run("Kalman", func(b *testing.B) {
		for b.Loop() {
			if _, err := prior.Analyze(u0[0], nv); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, f := range []struct {
		name    string
		a       Analyzer
		members int
	}{{"LETKF32", ETKF{Localize: loc, Batch: 16}, 32}, {"EnKF64", EnKF{Localize: loc, Seed: 1}, 64}} {
		b.Run(f.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := EnsembleDenoise(ctx, u0[:1], prior, nv, f.members, f.a, 1); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
