package core

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/symcalc/symcalc/parser"
	"github.com/symcalc/symcalc/symbolic"
)

const peers = "../../../shared/workloads/peers"

func BenchmarkExpandXYZ1Pow20(b *testing.B) {
	x, y, z := symbolic.Sym("x"), symbolic.Sym("y"), symbolic.Sym("z")
	p := symbolic.Pow(symbolic.Add(x, y, z, symbolic.One()), symbolic.IntExpr(20))
	for b.Loop() {
		r := symbolic.Expand(p)
		if _, ts, _ := r.AddParts(); len(ts) != 1770 {
			b.Fatalf("%d terms", len(ts))
		}
	}
}

func BenchmarkExpandXYZ1Pow100(b *testing.B) {
	x, y, z := symbolic.Sym("x"), symbolic.Sym("y"), symbolic.Sym("z")
	p := symbolic.Pow(symbolic.Add(x, y, z, symbolic.One()), symbolic.IntExpr(100))
	for b.Loop() {
		r := symbolic.Expand(p)
		if _, ts, _ := r.AddParts(); len(ts) != 176850 {
			b.Fatalf("%d terms", len(ts))
		}
	}
}

func BenchmarkFateman20(b *testing.B) {
	x, y, z, t := symbolic.Sym("x"), symbolic.Sym("y"), symbolic.Sym("z"), symbolic.Sym("t")
	for b.Loop() {
		f := symbolic.Expand(symbolic.Pow(symbolic.Add(symbolic.One(), x, y, z, t), symbolic.IntExpr(20)))
		r := symbolic.Expand(symbolic.Mul(f, symbolic.Add(f, symbolic.One())))
		if _, ts, _ := r.AddParts(); len(ts) != 135750 {
			b.Fatalf("%d terms", len(ts))
		}
	}
}

// BenchmarkSumBuild builds sum(i*x_i*y_i^2) term by term (W1 c): each
// term i*x_i*y_i^2, then one n-ary sum. As the workload defines it, the
// symbols are created beforehand and their creation is reported apart
// (BenchmarkSumSymbols); ns/term covers the terms and the sum.
func BenchmarkSumBuild(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			xs, ys := sumSymbols(n)
			two := symbolic.IntExpr(2)
			for b.Loop() {
				buildSum(b, xs, ys, two)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/term")
		})
	}
}

// BenchmarkSumBuildFresh is BenchmarkSumBuild with new symbols for every
// build (x<k>_i, y<k>_i for build k, made with the timer stopped), so
// that no term of an earlier build is found again: every term is made,
// as in a program's first build of the sum. BenchmarkSumBuild repeats
// one build, whose terms the intern table mostly still holds.
func BenchmarkSumBuildFresh(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			two := symbolic.IntExpr(2)
			gen := 0
			for b.Loop() {
				b.StopTimer()
				gen++
				xs, ys := make([]*symbolic.Expr, n), make([]*symbolic.Expr, n)
				for i := 1; i <= n; i++ {
					xs[i-1] = symbolic.Sym(fmt.Sprintf("x%d_%d", gen, i))
					ys[i-1] = symbolic.Sym(fmt.Sprintf("y%d_%d", gen, i))
				}
				b.StartTimer()
				buildSum(b, xs, ys, two)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/term")
		})
	}
}

// buildSum builds Σ i·x_i·y_i² term by term, the work both sum benchmarks
// time.
func buildSum(b *testing.B, xs, ys []*symbolic.Expr, two *symbolic.Expr) {
	sb := symbolic.NewSumBuilder()
	for i := 1; i <= len(xs); i++ {
		sb.Add(symbolic.Mul(symbolic.IntExpr(int64(i)), xs[i-1], symbolic.Pow(ys[i-1], two)))
	}
	if s := sb.Build(); s.Kind() != symbolic.KAdd {
		b.Fatal("not a sum")
	}
}

// BenchmarkSumSymbols creates the 2N symbols x_i, y_i of the sum workload.
func BenchmarkSumSymbols(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				sumSymbols(n)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*2*n), "ns/symbol")
		})
	}
}

func sumSymbols(n int) (xs, ys []*symbolic.Expr) {
	xs = make([]*symbolic.Expr, n)
	ys = make([]*symbolic.Expr, n)
	for i := 1; i <= n; i++ {
		xs[i-1] = symbolic.Sym(fmt.Sprintf("x_%d", i))
		ys[i-1] = symbolic.Sym(fmt.Sprintf("y_%d", i))
	}
	return xs, ys
}

func sparseJacobian(b *testing.B, states, rhs []*symbolic.Expr) int {
	sj, err := symbolic.SparseJacobianOf(context.Background(), rhs, states)
	if err != nil {
		b.Fatal(err)
	}
	return sj.NNZ()
}

func BenchmarkJacobianBrusselator32(b *testing.B) {
	states, rhs := Brusselator2D(32)
	for b.Loop() {
		if nnz := sparseJacobian(b, states, rhs); nnz != 12*32*32 {
			b.Fatalf("nnz %d", nnz)
		}
	}
}

// BenchmarkBuildAndJacobianBrusselator32 includes building the RHS, as the
// SymPy peer's figure for the Jacobian does not (it is reported apart).
func BenchmarkBuildAndJacobianBrusselator32(b *testing.B) {
	for b.Loop() {
		states, rhs := Brusselator2D(32)
		sparseJacobian(b, states, rhs)
	}
}

func BenchmarkJacobianNetwork20(b *testing.B) {
	states, rhs, err := Network20(filepath.Join(peers, "network20.txt"))
	if err != nil {
		b.Skipf("peer workload not available: %v", err)
	}
	for b.Loop() {
		sparseJacobian(b, states, rhs)
	}
}

func BenchmarkSparsityBrusselator158(b *testing.B) {
	states, rhs := Brusselator2D(158)
	b.ResetTimer()
	for b.Loop() {
		p := symbolic.Sparsity(rhs, states)
		if p.NNZ() != 12*158*158 {
			b.Fatalf("nnz %d", p.NNZ())
		}
	}
}

// generatedExprFile returns about size bytes of random expressions, one per line.
func generatedExprFile(size int) string {
	r := rand.New(rand.NewPCG(1, 2))
	names := []string{"x", "y", "z", "k1", "k2", "alpha", "u[1,2]", "v[3,4]"}
	funcs := []string{"sin", "cos", "exp", "log", "sqrt", "tanh"}
	var gen func(d int) string
	gen = func(d int) string {
		if d == 0 || r.IntN(3) == 0 {
			if r.IntN(3) == 0 {
				return fmt.Sprintf("%.4g", r.Float64()*10)
			}
			return names[r.IntN(len(names))]
		}
		switch r.IntN(6) {
		case 0:
			return gen(d-1) + " + " + gen(d-1)
		case 1:
			return gen(d-1) + " - " + gen(d-1)
		case 2:
			return gen(d-1) + "*" + gen(d-1)
		case 3:
			return "(" + gen(d-1) + ")/(" + gen(d-1) + ")"
		case 4:
			return "(" + gen(d-1) + ")^" + fmt.Sprint(r.IntN(4)+1)
		}
		return funcs[r.IntN(len(funcs))] + "(" + gen(d-1) + ")"
	}
	var sb strings.Builder
	for sb.Len() < size {
		sb.WriteString(gen(5))
		sb.WriteByte('\n')
	}
	return sb.String()
}

func BenchmarkParse1MB(b *testing.B) {
	src := generatedExprFile(1 << 20)
	lines := strings.Split(strings.TrimSpace(src), "\n")
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		for _, l := range lines {
			if _, err := parser.ParseExpr(l); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func TestGeneratedFileParses(t *testing.T) {
	src := generatedExprFile(1 << 14)
	for _, l := range strings.Split(strings.TrimSpace(src), "\n") {
		if _, err := parser.ParseExpr(l); err != nil {
			t.Fatal(err)
		}
	}
}

func TestBrusselatorShape(t *testing.T) {
	states, rhs := Brusselator2D(8)
	if len(states) != 128 || len(rhs) != 128 {
		t.Fatalf("got %d states, %d equations", len(states), len(rhs))
	}
	if p := symbolic.Sparsity(rhs, states); p.NNZ() != 12*64 {
		t.Fatalf("nnz %d, want %d", p.NNZ(), 12*64)
	}
}

// TestNetwork20Shape reads the committed copy of the peer network
// (testdata/network20.txt, identical to ../shared's peers/network20.txt).
func TestNetwork20Shape(t *testing.T) {
	states, rhs, err := Network20("testdata/network20.txt")
	if err != nil {
		t.Fatal(err)
	}
	if len(states) != 20 || len(rhs) != 20 {
		t.Fatalf("got %d states", len(states))
	}
	// Mass is conserved, so the sum of the species' rates weighted by mass
	// (1 for S0..S9, 2 above) vanishes, up to the rounding of the float
	// rate constants (at most 1e3).
	mass := symbolic.NewSumBuilder()
	for i, f := range rhs {
		w := int64(1)
		if i >= 10 {
			w = 2
		}
		mass.AddScaled(symbolic.Int(w), f)
	}
	m := mass.Build()
	c, _, coefs := m.AddParts()
	for _, k := range append(coefs, c) {
		if math.Abs(k.Float64()) > 1e-12 {
			t.Fatalf("mass is not conserved: %s", m)
		}
	}
}

func loadBCR(b *testing.B) *symbolic.System {
	path := filepath.Join(peers, "..", "bionetgen", "bcr", "bcr.net")
	src, err := os.ReadFile(path)
	if err != nil {
		b.Skipf("BCR network not available: %v", err)
	}
	sys, err := parser.ParseBioNetGen(context.Background(), path, string(src))
	if err != nil {
		b.Fatal(err)
	}
	return sys
}

func BenchmarkImportBCR(b *testing.B) {
	path := filepath.Join(peers, "..", "bionetgen", "bcr", "bcr.net")
	src, err := os.ReadFile(path)
	if err != nil {
		b.Skipf("BCR network not available: %v", err)
	}
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := parser.ParseBioNetGen(context.Background(), path, string(src)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSparsityBCR(b *testing.B) {
	sys := loadBCR(b)
	rhs, states := sys.RHS(), sys.StateSyms()
	for b.Loop() {
		p := symbolic.Sparsity(rhs, states)
		if p.NNZ() == 0 {
			b.Fatal("empty pattern")
		}
	}
}

func BenchmarkJacobianBCR(b *testing.B) {
	sys := loadBCR(b)
	rhs, states := sys.RHS(), sys.StateSyms()
	for b.Loop() {
		sparseJacobian(b, states, rhs)
	}
}
