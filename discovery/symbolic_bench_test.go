package discovery_test

import (
	"context"
	"testing"

	"github.com/symcalc/symcalc/discovery"
)

// BenchmarkFieldLibrary20Pairs: the 24-term KS library from 20 pairs as
// symbolic terms evaluated by the batched tape, beside
// BenchmarkKSLibrary20Pairs (the hand-written numeric library).
func BenchmarkFieldLibrary20Pairs(b *testing.B) {
	u0, u1 := truthPairs(b)
	sp, err := discovery.NewSpectral(tN, tL)
	if err != nil {
		b.Fatal(err)
	}
	terms := discovery.PDETerms("u", 4, 4)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		mid, err := discovery.Midpoints(u0, u1)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := discovery.FieldLibrary(ctx, mid, terms, discovery.FieldLibraryOptions{Deriv: sp}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkModelErrorTarget20Pairs: the target from 20 pairs with one
// ETDRK4 step of case A's model, from the equation file (tape VM) and from
// the hand-coded SemilinearModel.
func BenchmarkModelErrorTarget20Pairs(b *testing.B) {
	u0, u1 := truthPairs(b)
	ctx := context.Background()
	file, err := loadCase(b, "A").Stepper(ctx, tDt)
	if err != nil {
		b.Fatal(err)
	}
	hand, err := discovery.SemilinearModel{Length: tL, N: tN, Linear: map[int]float64{2: -1}, UUx: -1}.Stepper(tDt)
	if err != nil {
		b.Fatal(err)
	}
	for _, s := range []struct {
		name string
		step discovery.Stepper
	}{{"equation-file", file}, {"SemilinearModel", hand}} {
		b.Run(s.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := discovery.ModelErrorTarget(ctx, u0, u1, tDt, s.step); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkDiscoverCaseA: the whole pipeline of `symcalc discover` on case
// A's equation file and 20 pairs (step, target, symbolic library, ARD).
func BenchmarkDiscoverCaseA(b *testing.B) {
	u0, u1 := truthPairs(b)
	ctx := context.Background()
	m := loadCase(b, "A")
	sp, err := discovery.NewSpectral(tN, tL)
	if err != nil {
		b.Fatal(err)
	}
	terms := discovery.PDETerms("u", 4, 4)
	build := func(ctx context.Context, mid [][]float64) (*discovery.Library, error) {
		return discovery.FieldLibrary(ctx, mid, terms, discovery.FieldLibraryOptions{Deriv: sp})
	}
	b.ReportAllocs()
	for b.Loop() {
		step, err := m.Stepper(ctx, tDt)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := discovery.DiscoverCorrection(ctx, u0, u1, tDt, step, build, discovery.ARD{}); err != nil {
			b.Fatal(err)
		}
	}
}
