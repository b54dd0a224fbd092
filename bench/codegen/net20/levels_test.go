//go:build amd64 && !purego

package net20

// Hand-written (not generated): benchmarks and a check of the one-point
// assembly at each CPU level, which only code inside the package can
// select (pointLevel, declared in the amd64 file; elsewhere there is only
// the Go code).

import (
	"math"
	"testing"
	"time"

	"golang.org/x/sys/cpu"
)

func levels() []int {
	l := []int{0}
	if cpu.X86.HasAVX && cpu.X86.HasFMA {
		l = append(l, 1)
	}
	if pointLevel == 2 {
		l = append(l, 2)
	}
	return l
}

func point() []float64 {
	u := make([]float64, NumStates)
	for i := range u {
		u[i] = 1 + 0.01*float64(i) // the C reference's point
	}
	return u
}

// TestLevelsAgree checks RHS and JacSparse at the benchmark point at
// every level the CPU has: the same bits as the Go code.
func TestLevelsAgree(t *testing.T) {
	saved := pointLevel
	defer func() { pointLevel = saved }()
	u := point()
	var ref, refJ []float64
	for _, lv := range levels() {
		pointLevel = lv
		du, vals := make([]float64, NumStates), make([]float64, len(JacColIdx))
		RHS(du, u, nil, 0)
		JacSparse(vals, u, nil, 0)
		if lv == 0 {
			ref, refJ = du, vals
			continue
		}
		for i := range du {
			if math.Float64bits(du[i]) != math.Float64bits(ref[i]) {
				t.Fatalf("level %d: du[%d] = %v, Go %v", lv, i, du[i], ref[i])
			}
		}
		for i := range vals {
			if math.Float64bits(vals[i]) != math.Float64bits(refJ[i]) {
				t.Fatalf("level %d: vals[%d] = %v, Go %v", lv, i, vals[i], refJ[i])
			}
		}
	}
}

// BenchmarkLevels times RHS and JacSparse at each level (2: AVX-512, 32
// registers; 1: AVX/FMA, 16 registers; 0: the generated Go) and reports
// the best ns per evaluation over 2,000 samples of about 20 µs, as
// bench/codegen's cpuLoop and c/ref.c do.
func BenchmarkLevels(b *testing.B) {
	saved := pointLevel
	defer func() { pointLevel = saved }()
	u := point()
	du, vals := make([]float64, NumStates), make([]float64, len(JacColIdx))
	names := []string{"go", "avx", "avx512"}
	for _, lv := range levels() {
		for _, f := range []struct {
			name string
			fn   func()
		}{
			{"rhs", func() { RHS(du, u, nil, 0) }},
			{"jac", func() { JacSparse(vals, u, nil, 0) }},
		} {
			b.Run(f.name+"-"+names[lv], func(b *testing.B) {
				pointLevel = lv
				for b.Loop() {
					f.fn()
				}
				b.StopTimer()
				reps := max(1, int(20e3/(float64(b.Elapsed().Nanoseconds())/float64(b.N))))
				best := math.Inf(1)
				for range 2000 {
					t0 := time.Now()
					for range reps {
						f.fn()
					}
					best = min(best, float64(time.Since(t0).Nanoseconds())/float64(reps))
				}
				b.ReportMetric(best, "best-ns/eval")
			})
		}
	}
}
