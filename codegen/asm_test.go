package codegen

import (
	"context"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/expr-lang/expr/vm"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"golang.org/x/sys/cpu"

	"github.com/symcalc/symcalc/symbolic"
)

// TestAsmKernel generates a package with the AVX2/FMA batch kernel for a
// random arithmetic system, builds it twice in a temporary module (default
// and -tags purego), and runs RHSBatch for 0 through 67 lanes with guard
// cells around du: the guards must survive, the assembly and pure-Go
// builds must agree bit for bit, and both must equal the tape.
func TestAsmKernel(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles generated packages with the go tool")
	}
	const n = 16
	g := newExprGen(21, n, 2)
	g.arith = true
	es := make([]genExpr, n)
	for i := range es {
		es[i] = g.gen(4)
	}
	asmKernelCase(t, es, false)
}

// TestAsmKernelExtended is TestAsmKernel on a random system that uses
// every opcode the kernel gained beyond arithmetic (exp, log, sin, cos,
// tan, sinh, cosh, tanh, pow, abs, sign, min, max, floor, ceil, the six
// comparisons, and, or, not, select), with
// lanes whose arguments leave the vector-math ranges (|x| > 2^19 for sin
// and cos, pow overflowing) so that blocks are handed back to Go. The
// assembly and pure-Go builds must agree bit for bit on every lane; with
// the tape and the expr-lang oracle they agree to rounding on the lanes
// with moderate arguments (the kernel's exp, log, sin, cos and pow are
// polynomials within an ulp or so of the math package's).
func TestAsmKernelExtended(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles generated packages with the go tool")
	}
	const n = 40
	g := newExprGen(37, n, 2)
	g.kernel = true
	es := make([]genExpr, n)
	for i := range es {
		es[i] = g.gen(4)
	}
	// (Seed 37: the first of 33–44 whose system has every opcode.) The
	// last expressions apply each function the random ones may miss
	// (the symbolic core simplifies some away, abs of a square say) to a
	// random expression plus a state.
	un := func(name string, f func(*symbolic.Expr) *symbolic.Expr) func(a, b genExpr) genExpr {
		return func(a, b genExpr) genExpr {
			return genExpr{name + "(" + a.src + " + " + b.src + ")", f(symbolic.Add(a.sym, b.sym))}
		}
	}
	bin := func(name string, f func(...*symbolic.Expr) *symbolic.Expr) func(a, b genExpr) genExpr {
		return func(a, b genExpr) genExpr {
			return genExpr{name + "(" + a.src + ", " + b.src + ")", f(a.sym, b.sym)}
		}
	}
	for k, f := range []func(a, b genExpr) genExpr{
		un("tan", symbolic.Tan), un("sinh", symbolic.Sinh), un("cosh", symbolic.Cosh), un("tanh", symbolic.Tanh),
		un("sgn", symbolic.Sign), un("abs", symbolic.Abs), bin("fmin", symbolic.Min), bin("fmax", symbolic.Max),
		un("floor", symbolic.Floor), un("ceil", symbolic.Ceil),
		// The fallback calls (math.Asin … math.Cbrt lane by lane), on
		// arguments in their domains.
		func(a, b genExpr) genExpr {
			return genExpr{"asin(tanh(" + a.src + "))", symbolic.Asin(symbolic.Tanh(a.sym))}
		},
		func(a, b genExpr) genExpr {
			return genExpr{"acos(tanh(" + a.src + " - " + b.src + "))", symbolic.Acos(symbolic.Tanh(symbolic.Sub(a.sym, b.sym)))}
		},
		un("atan", symbolic.Atan), bin("atan2", func(x ...*symbolic.Expr) *symbolic.Expr { return symbolic.Atan2(x[0], x[1]) }),
		func(a, b genExpr) genExpr {
			return genExpr{"log1p(" + a.src + " * " + a.src + ")", symbolic.Log1p(symbolic.Mul(a.sym, a.sym))}
		},
		un("cbrt", symbolic.Cbrt),
	} {
		es[n-1-k] = f(es[n-1-k], g.leaves[k])
	}
	asmKernelCase(t, es, true)
}

// asmKernelCase runs the kernel checks on the system es; extended
// compares with the tape and the oracle to rounding and requires every
// extended opcode to occur.
func asmKernelCase(t *testing.T, es []genExpr, extended bool) {
	// Off amd64 (or without AVX2/FMA) both builds take the pure-Go twin;
	// the comparisons below still hold and check it against the tape.
	goTool := goToolPath(t)
	n := len(es)
	outs := make([]*symbolic.Expr, n)
	for i := range outs {
		outs[i] = es[i].sym
	}
	names := make([]string, n)
	for i := range names {
		names[i] = "x" + strconv.Itoa(i)
	}
	vars := Vars{States: symbolic.Syms(names...), Params: symbolic.Syms("k0", "k1")}
	m, err := Compile(context.Background(), outs, vars, Options{})
	require.NoError(t, err)
	require.True(t, asmSupported(m.RHS), "system must have an assembly kernel")
	if extended {
		have := m.RHS.Stats()
		for op := OpInvalid + 1; op < opcodeCount; op++ {
			if asmExtended(op) {
				require.Positive(t, have[op], "the random system lacks %s", op)
			}
		}
	}
	files, err := GenerateGoFiles(m, GoOptions{Package: "kern", Asm: true})
	require.NoError(t, err)
	require.Contains(t, files, "model_amd64.s")
	// Spills must be exercised: more live values than registers.
	require.Contains(t, string(files["model_amd64.s"]), "(SP)", "kernel should spill on this system")

	dir := t.TempDir()
	writeKernelModule(t, dir, "kern", files)
	main := fmt.Sprintf(`package main

import (
	"fmt"
	"math"

	"kerntest/kern"
)

func main() {
	const n, guard = %d, 8
	const wild = %v // some lanes far out of the vector-math ranges
	p := []float64{0.7, -1.3}
	fmt.Println(kern.BatchUsesAsm())
	for lanes := 0; lanes <= 67; lanes++ {
		u := make([]float64, n*lanes)
		for i := range u {
			u[i] = 0.25 + 1.5*math.Sin(float64(i)*0.37)
			if wild && (i%%lanes)%%8 == 5 && (i/lanes)%%3 == 0 {
				u[i] *= 3e6
			}
		}
		buf := make([]float64, n*lanes+2*guard)
		for i := range buf {
			buf[i] = -12345
		}
		du := buf[guard : guard+n*lanes]
		kern.RHSBatch(du, u, p, 0.9, lanes)
		for i := 0; i < guard; i++ {
			if buf[i] != -12345 || buf[len(buf)-1-i] != -12345 {
				fmt.Println("guard overwritten at lanes", lanes)
			}
		}
		for _, v := range du {
			fmt.Printf("%%x\n", v)
		}
		if lanes == 8 {
			// The same lanes with du on the goroutine stack, at depths
			// where a call out of the kernel (the fallback functions)
			// may have to grow and so move the stack under it.
			// Each depth in a new goroutine, whose stack starts small.
			for depth := 0; depth < 400; depth++ {
				ch := make(chan []float64)
				go func() { ch <- deep(depth, u, p) }()
				got := <-ch
				for i := range got {
					if math.Float64bits(got[i]) != math.Float64bits(du[i]) && !(got[i] != got[i] && du[i] != du[i]) {
						fmt.Println("guard: stack-held du differs at depth", depth)
						break
					}
				}
			}
		}
	}
}

func deep(k int, u, p []float64) []float64 {
	if k > 0 {
		var pad [2]float64
		pad[k%%2] = float64(k)
		r := deep(k-1, u, p)
		if pad[k%%2] != float64(k) {
			panic("stack")
		}
		return r
	}
	var buf [%d * 8]float64
	kern.RHSBatch(buf[:], u, p, 0.9, 8)
	return append([]float64(nil), buf[:]...)
}
`, n, extended, n)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte(main), 0o644))
	run := func(tags string) []string { return runKernelModule(t, goTool, dir, tags) }
	asm, pure := run(""), run("purego")
	assert.Equal(t, "false", pure[0], "purego build must not use the kernel")
	assert.Equal(t, strconv.FormatBool(cpu.X86.HasAVX2 && cpu.X86.HasFMA), asm[0], "default build uses the kernel exactly when the CPU has AVX2 and FMA")
	if !cpu.X86.HasAVX2 || !cpu.X86.HasFMA {
		t.Log("no AVX2/FMA on this CPU: only the pure-Go path was exercised")
	}
	asm, pure = asm[1:], pure[1:]
	require.Equal(t, len(pure), len(asm))
	for i := range asm {
		require.NotContains(t, asm[i], "guard")
		if asm[i] != pure[i] {
			t.Fatalf("line %d: assembly %s, pure Go %s", i, asm[i], pure[i])
		}
	}
	// The last block (67 lanes) against the tape.
	tape, err := NewTape(m.RHS)
	require.NoError(t, err)
	const lanes = 67
	u := make([]float64, n*lanes)
	for i := range u {
		u[i] = 0.25 + 1.5*mathSin(float64(i)*0.37)
		if extended && (i%lanes)%8 == 5 && (i/lanes)%3 == 0 {
			u[i] *= 3e6
		}
	}
	want := make([]float64, n*lanes)
	p := []float64{0.7, -1.3}
	require.NoError(t, tape.NewBatchEvaluator(0).Eval(want, u, p, 0.9, lanes))
	got := asm[len(asm)-n*lanes:]
	var progs []*vm.Program
	if extended {
		progs = oracle(t, es, n, 2)
	}
	for l := 0; l < lanes; l++ {
		var orc []float64
		if extended {
			ul := make([]float64, n)
			for i := range ul {
				ul[i] = u[i*lanes+l]
			}
			orc = runOracle(t, progs, ul, p, 0.9)
		}
		for i := 0; i < n; i++ {
			w := want[i*lanes+l]
			g, err := strconv.ParseFloat(got[i*lanes+l], 64)
			require.NoError(t, err)
			if !extended {
				assert.Equal(t, w, g, "value %d lane %d", i, l)
				continue
			}
			if l%8 == 5 {
				// Arguments near 10^6 make a one-ulp difference in sin
				// or exp grow without bound (cos(x²·…)): these lanes
				// test the fallback, bit for bit against pure Go above.
				continue
			}
			assert.True(t, agree(g, w), "lane %d out %d: kernel %v, tape %v\n%s", l, i, g, w, describe(es, i))
			assert.True(t, agree(g, orc[i]), "lane %d out %d: kernel %v, oracle %v\n%s", l, i, g, orc[i], describe(es, i))
		}
	}
}

func mathSin(x float64) float64 { return math.Sin(x) }

// writeKernelModule writes a module kerntest in dir (requiring only
// golang.org/x/sys, with the sums of the repository's go.sum) and the
// generated files as its package pkg.
func writeKernelModule(t *testing.T, dir, pkg string, files map[string][]byte) {
	t.Helper()
	sum, err := os.ReadFile("../go.sum")
	require.NoError(t, err)
	var sysSum []string
	for _, line := range strings.Split(string(sum), "\n") {
		if strings.HasPrefix(line, "golang.org/x/sys v0.50.0") {
			sysSum = append(sysSum, line)
		}
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module kerntest\n\ngo 1.26\n\nrequire golang.org/x/sys v0.50.0\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.sum"), []byte(strings.Join(sysSum, "\n")+"\n"), 0o644))
	require.NoError(t, os.MkdirAll(filepath.Join(dir, pkg), 0o755))
	for name, src := range files {
		require.NoError(t, WriteFileAtomic(filepath.Join(dir, pkg, name), src))
	}
}

// runKernelModule runs the module's main package with the build tags and
// returns its output lines.
func runKernelModule(t *testing.T, goTool, dir, tags string) []string {
	t.Helper()
	args := []string{"run"}
	if tags != "" {
		args = append(args, "-tags", tags)
	}
	cmd := exec.Command(goTool, append(args, ".")...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOPROXY=off")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	return strings.Split(strings.TrimSpace(string(out)), "\n")
}
