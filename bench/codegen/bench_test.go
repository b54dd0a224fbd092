package codegenbench

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/bench/codegen/bruss32"
	"github.com/symcalc/symcalc/bench/codegen/net20"
	"github.com/symcalc/symcalc/codegen"
	"github.com/symcalc/symcalc/parser"
)

const lanes = 1024

// sharedBCR is the BioNetGen BCR network in the shared workloads.
const sharedBCR = "../../../shared/workloads/bionetgen/bcr/bcr.net"

// TestGeneratedMatchesTape checks that the committed generated packages
// are current: they must agree bit for bit with the tape on the same model.
func TestGeneratedMatchesTape(t *testing.T) {
	ctx := context.Background()
	nm, err := Network20(ctx, "../core/testdata/network20.txt")
	require.NoError(t, err)
	tm, err := codegen.NewTapeModel(nm)
	require.NoError(t, err)
	u := net20Point()
	want, got := make([]float64, 20), make([]float64, 20)
	tm.RHS()(want, u, nil, 0)
	net20.RHS(got, u, nil, 0)
	require.Equal(t, want, got, "net20 RHS: regenerate with go test -run TestRegenerate -regen")
	wj, gj := make([]float64, len(net20.JacColIdx)), make([]float64, len(net20.JacColIdx))
	tm.JacFill()(wj, u, nil, 0)
	net20.JacSparse(gj, u, nil, 0)
	require.Equal(t, wj, gj, "net20 Jacobian")

	bm, sys, err := Brusselator(ctx, "../..")
	require.NoError(t, err)
	bt, err := codegen.NewTapeModel(bm)
	require.NoError(t, err)
	p, err := sys.ParamValues(nil)
	require.NoError(t, err)
	u0, err := sys.InitialState(p)
	require.NoError(t, err)
	wb, gb := make([]float64, len(u0)), make([]float64, len(u0))
	bt.RHS()(wb, u0, p, 2.0)
	bruss32.RHS(gb, u0, p, 2.0)
	require.Equal(t, wb, gb, "bruss32 RHS: regenerate with go test -run TestRegenerate -regen")

	// The batched RHS (the AVX2 kernel with its ifelse where the CPU has
	// it) against the batched tape, bit for bit, before and after the
	// forcing switches on at t = 1.1.
	const bl = 7
	ub := perVariable(u0, bl)
	for _, tt := range []float64{0.5, 2.0} {
		wb, gb := make([]float64, len(ub)), make([]float64, len(ub))
		require.NoError(t, bt.RHSTape.NewBatchEvaluator(0).Eval(wb, ub, p, tt, bl))
		bruss32.RHSBatch(gb, ub, p, tt, bl)
		require.Equal(t, wb, gb, "bruss32 RHSBatch at t=%v (assembly: %v)", tt, bruss32.BatchUsesAsm())
	}
}

func net20Point() []float64 {
	u := make([]float64, 20)
	for i := range u {
		u[i] = 1 + 0.01*float64(i) // the C reference's point
	}
	return u
}

func perVariable(u []float64, n int) []float64 {
	out := make([]float64, len(u)*n)
	for i, v := range u {
		for l := 0; l < n; l++ {
			out[i*n+l] = v * (1 + 1e-3*float64(l%7))
		}
	}
	return out
}

func BenchmarkNet20RHS(b *testing.B) {
	ctx := context.Background()
	nm, err := Network20(ctx, "../core/testdata/network20.txt")
	require.NoError(b, err)
	tm, err := codegen.NewTapeModel(nm)
	require.NoError(b, err)
	u := net20Point()
	du := make([]float64, 20)
	b.Run("generated", func(b *testing.B) {
		cpuLoop(b, 1, func() { net20.RHS(du, u, nil, 0) })
	})
	b.Run("tape", func(b *testing.B) {
		f := tm.RHS()
		cpuLoop(b, 1, func() { f(du, u, nil, 0) })
	})
	ub, dub := perVariable(u, lanes), make([]float64, 20*lanes)
	b.Run("tape-batch1024", func(b *testing.B) {
		be := tm.RHSTape.NewBatchEvaluator(0)
		cpuLoop(b, lanes, func() { _ = be.Eval(dub, ub, nil, 0, lanes) })
	})
	b.Run("generated-batch1024", func(b *testing.B) {
		cpuLoop(b, lanes, func() { net20.RHSBatch(dub, ub, nil, 0, lanes) })
	})
}

func BenchmarkNet20Jac(b *testing.B) {
	ctx := context.Background()
	nm, err := Network20(ctx, "../core/testdata/network20.txt")
	require.NoError(b, err)
	tm, err := codegen.NewTapeModel(nm)
	require.NoError(b, err)
	u := net20Point()
	vals := make([]float64, len(net20.JacColIdx))
	J := make([]float64, 400)
	b.Run("generated-sparse", func(b *testing.B) {
		cpuLoop(b, 1, func() { net20.JacSparse(vals, u, nil, 0) })
	})
	b.Run("generated-dense", func(b *testing.B) {
		cpuLoop(b, 1, func() { net20.JacDense(J, u, nil, 0) })
	})
	b.Run("tape-sparse", func(b *testing.B) {
		f := tm.JacFill()
		cpuLoop(b, 1, func() { f(vals, u, nil, 0) })
	})
}

func BenchmarkBruss32RHS(b *testing.B) {
	ctx := context.Background()
	bm, sys, err := Brusselator(ctx, "../..")
	require.NoError(b, err)
	tm, err := codegen.NewTapeModel(bm)
	require.NoError(b, err)
	p, err := sys.ParamValues(nil)
	require.NoError(b, err)
	u0, err := sys.InitialState(p)
	require.NoError(b, err)
	du := make([]float64, len(u0))
	b.Run("generated", func(b *testing.B) {
		cpuLoop(b, 1, func() { bruss32.RHS(du, u0, p, 2.0) })
	})
	b.Run("tape", func(b *testing.B) {
		f := tm.RHS()
		cpuLoop(b, 1, func() { f(du, u0, p, 2.0) })
	})
	const bl = 64 // 2,048 states × 64 lanes = 1 MiB per array
	ub, dub := perVariable(u0, bl), make([]float64, len(u0)*bl)
	b.Run("tape-batch64", func(b *testing.B) {
		be := tm.RHSTape.NewBatchEvaluator(0)
		cpuLoop(b, bl, func() { _ = be.Eval(dub, ub, p, 2.0, bl) })
	})
	b.Run("generated-batch64", func(b *testing.B) {
		cpuLoop(b, bl, func() { bruss32.RHSBatch(dub, ub, p, 2.0, bl) })
	})
}

// BenchmarkBCRCompileAndGenerate times, on the BCR network (1,122
// species, 24,388 reactions): the sparse Jacobian, lowering of the RHS and
// Jacobian, and Go generation. The .net import is reported separately.
func BenchmarkBCRCompileAndGenerate(b *testing.B) {
	if _, err := os.Stat(sharedBCR); err != nil {
		b.Skip("shared workloads not present: ", err)
	}
	ctx := context.Background()
	t0 := time.Now()
	sys, err := parser.LoadModel(ctx, sharedBCR)
	require.NoError(b, err)
	b.Logf("import %s: %v", filepath.Base(sharedBCR), time.Since(t0))
	t1 := time.Now()
	sj, err := sys.Jacobian(ctx)
	require.NoError(b, err)
	t2 := time.Now()
	m, err := codegen.CompileSystem(ctx, sys, codegen.Options{})
	require.NoError(b, err)
	t3 := time.Now()
	_, err = codegen.GenerateGo(m, codegen.GoOptions{Package: "bcr", NoDense: true})
	require.NoError(b, err)
	b.Logf("sparse Jacobian (%d nonzeros) %v; CompileSystem (Jacobian + lowering %d + %d instrs) %v; GenerateGo %v",
		sj.NNZ(), t2.Sub(t1), len(m.RHS.Code), len(m.Jac.Code), t3.Sub(t2), time.Since(t3))
	var size int
	for b.Loop() {
		m, err := codegen.CompileSystem(ctx, sys, codegen.Options{})
		require.NoError(b, err)
		src, err := codegen.GenerateGo(m, codegen.GoOptions{Package: "bcr", NoDense: true})
		require.NoError(b, err)
		size = len(src)
	}
	b.ReportMetric(float64(size), "bytes")
}

// cpuLoop runs f in the benchmark loop and reports, besides the wall time,
// the thread's CPU time per evaluation (an evaluation is f divided by
// perOp lanes), which is what the README quotes: the shared host is busy.
// It then reports best-ns/eval, the minimum wall time per evaluation over
// 2,000 samples of about 20 µs (as c/ref.c does): the figure least
// disturbed by the neighbours' load.
func cpuLoop(b *testing.B, perOp float64, f func()) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	c0 := threadCPU()
	for b.Loop() {
		f()
	}
	n := float64(b.N) * perOp
	b.ReportMetric(float64(threadCPU()-c0)/n, "cpu-ns/eval")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "wall-ns/eval")
	b.StopTimer()
	reps := max(1, int(20e3/(float64(b.Elapsed().Nanoseconds())/float64(b.N))))
	best := math.Inf(1)
	for range 2000 {
		t0 := time.Now()
		for range reps {
			f()
		}
		best = min(best, float64(time.Since(t0).Nanoseconds())/float64(reps))
	}
	b.ReportMetric(best/perOp, "best-ns/eval")
}

// BenchmarkBCRTape times preparing the BCR network for the tape VM
// (NewTapeModel: register allocation, fusion, chain analysis, the
// re-roll plan) and one one-point evaluation of its RHS.
func BenchmarkBCRTape(b *testing.B) {
	if _, err := os.Stat(sharedBCR); err != nil {
		b.Skip("shared workloads not present: ", err)
	}
	ctx := context.Background()
	sys, err := parser.LoadModel(ctx, sharedBCR)
	require.NoError(b, err)
	m, err := codegen.CompileSystem(ctx, sys, codegen.Options{})
	require.NoError(b, err)
	p, err := sys.ParamValues(nil)
	require.NoError(b, err)
	u := make([]float64, len(m.Vars.States))
	for i := range u {
		u[i] = 1 + 0.001*float64(i%17)
	}
	b.Run("NewTapeModel", func(b *testing.B) {
		for b.Loop() {
			_, err := codegen.NewTapeModel(m)
			require.NoError(b, err)
		}
	})
	tm, err := codegen.NewTapeModel(m)
	require.NoError(b, err)
	du := make([]float64, len(u))
	b.Run("rhs-one-point", func(b *testing.B) {
		f := tm.RHS()
		cpuLoop(b, 1, func() { f(du, u, p, 0) })
	})
}
