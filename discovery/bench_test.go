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
