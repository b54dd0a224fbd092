package codegen

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/symbolic"
)

// evalOrder evaluates code (any order in which every temporary is
// defined before use) with Apply and returns the outputs.
func evalOrder(p *Program, code []Instr, u, par []float64, t float64) []float64 {
	vals := make([]float64, p.NumValues)
	copy(vals, p.Consts)
	copy(vals[p.StateBase():], u)
	copy(vals[p.ParamBase():], par)
	vals[p.TimeReg()] = t
	out := make([]float64, p.NumOutputs)
	for _, in := range code {
		if in.Op == OpStore {
			out[in.Dst] = vals[in.A]
			continue
		}
		vals[in.Dst] = Apply(in.Op, vals[in.A], vals[in.B], vals[in.C])
	}
	return out
}

// randomArith compiles a random n-state system of add, sub, mul, div,
// powers and square roots (what the one-point functions lower).
func randomArith(t *testing.T, seed uint64, n, depth int) (*Model, []genExpr) {
	t.Helper()
	g := newExprGen(seed, n, 2)
	g.arith = true
	es := make([]genExpr, n)
	outs := make([]*symbolic.Expr, n)
	for i := range es {
		es[i] = g.gen(depth)
		outs[i] = es[i].sym
	}
	names := make([]string, n)
	for i := range names {
		names[i] = "x" + strconv.Itoa(i)
	}
	m, err := Compile(context.Background(), outs, Vars{States: symbolic.Syms(names...), Params: symbolic.Syms("k0", "k1")}, Options{})
	require.NoError(t, err)
	return m, es
}

// TestSchedulePoint checks that the scheduled code is a permutation of
// the program in which every value is defined before it is read, and
// that it computes the same bits, for both register sets.
func TestSchedulePoint(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		m, _ := randomArith(t, seed, 10, 4)
		for _, prog := range []*Program{m.RHS, m.Jac} {
			r := rand.New(rand.NewPCG(seed, 9))
			u, p := randomPoint(r, prog.NumStates), randomPoint(r, prog.NumParams)
			want := evalOrder(prog, prog.Code, u, p, 0.3)
			for _, regs := range []pointRegSet{pointAVX, pointAVX512} {
				code := schedulePoint(prog, regs.maxLive())
				require.Len(t, code, len(prog.Code))
				sorted := func(c []Instr) string {
					s := make([]string, len(c))
					for i, in := range c {
						s[i] = fmt.Sprint(in)
					}
					return strings.Join(sortedCopy(s), ";")
				}
				require.Equal(t, sorted(prog.Code), sorted(code), "not a permutation")
				sp := *prog
				sp.Code = code
				// Validate wants stores in output order; check def-before-use
				// directly instead.
				defined := make([]bool, prog.NumValues)
				for v := int32(0); v < prog.TempBase(); v++ {
					defined[v] = true
				}
				for i, in := range code {
					args := [3]int32{in.A, in.B, in.C}
					for k := 0; k < in.Op.Arity(); k++ {
						require.True(t, defined[args[k]], "seed %d: instr %d reads value %d before its definition", seed, i, args[k])
					}
					if in.Op != OpStore {
						defined[in.Dst] = true
					}
				}
				got := evalOrder(&sp, code, u, p, 0.3)
				for i := range want {
					require.True(t, sameBits(want[i], got[i]), "seed %d out %d: %v vs %v", seed, i, got[i], want[i])
				}
			}
		}
	}
}

func sortedCopy(s []string) []string {
	c := append([]string(nil), s...)
	for i := 1; i < len(c); i++ {
		for j := i; j > 0 && c[j] < c[j-1]; j-- {
			c[j], c[j-1] = c[j-1], c[j]
		}
	}
	return c
}

// TestPointPrepare checks the constant table of the one-point functions:
// fma(-k, b, c) reads k (shared with a +k already there, appended
// otherwise) and is marked for VFNMADD; -0, -Inf and NaN multipliers and
// non-fma uses are left alone; the sign mask follows prog.Consts.
func TestPointPrepare(t *testing.T) {
	negZero := math.Copysign(0, -1)
	p := &Program{
		Consts:     []float64{2.5, -2.5, -3, negZero, math.Inf(-1), math.NaN()},
		NumStates:  2,
		NumOutputs: 5,
	}
	u0, u1 := p.StateBase(), p.StateBase()+1
	tb := p.TempBase()
	p.Code = []Instr{
		{Op: OpFMA, Dst: tb, A: 1, B: u0, C: u1},     // fma(-2.5, u0, u1): shares 2.5
		{Op: OpFMA, Dst: tb + 1, A: 2, B: u0, C: tb}, // fma(-3, …): 3 appended
		{Op: OpFMA, Dst: tb + 2, A: 3, B: u1, C: tb}, // -0: unchanged
		{Op: OpFMA, Dst: tb + 3, A: 4, B: u1, C: tb}, // -Inf: unchanged
		{Op: OpMul, Dst: tb + 4, A: 1, B: u1},        // not an fma: unchanged
		{Op: OpStore, Dst: 0, A: tb + 1},
		{Op: OpStore, Dst: 1, A: tb + 2},
		{Op: OpStore, Dst: 2, A: tb + 3},
		{Op: OpStore, Dst: 3, A: tb + 4},
		{Op: OpStore, Dst: 4, A: 5},
	}
	p.NumValues = int(tb) + 5
	require.NoError(t, p.Validate())
	prep, fnma, table := pointPrepare(p)
	require.Len(t, table, 8)
	assert.Equal(t, p.Consts[:5], table[:5])
	assert.True(t, math.IsNaN(table[5]))
	assert.Equal(t, math.Float64bits(negZero), math.Float64bits(table[6]), "sign mask after the constants")
	assert.Equal(t, 3.0, table[7])
	assert.Equal(t, table, prep.Consts)
	shift := int32(2)
	assert.Equal(t, Instr{Op: OpFMA, Dst: tb + shift, A: 0, B: u0 + shift, C: u1 + shift}, prep.Code[0])
	assert.Equal(t, int32(7), prep.Code[1].A)
	assert.Equal(t, int32(3), prep.Code[2].A)
	assert.Equal(t, int32(4), prep.Code[3].A)
	assert.Equal(t, int32(1), prep.Code[4].A)
	assert.Equal(t, []bool{true, true, false, false, false}, fnma[tb+shift:tb+shift+5])
	assert.Equal(t, Instr{Op: OpStore, Dst: 4, A: 5}, prep.Code[9], "a constant output keeps its number")
	r := rand.New(rand.NewPCG(1, 2))
	for range 20 {
		u := randomPoint(r, 2)
		want := evalOrder(p, p.Code, u, nil, 0)
		// The prepared program with fnma applied as -(a·b)+c.
		vals := make([]float64, prep.NumValues)
		copy(vals, prep.Consts)
		copy(vals[prep.StateBase():], u)
		got := make([]float64, prep.NumOutputs)
		for _, in := range prep.Code {
			switch {
			case in.Op == OpStore:
				got[in.Dst] = vals[in.A]
			case fnma[in.Dst]:
				vals[in.Dst] = math.FMA(-vals[in.A], vals[in.B], vals[in.C])
			default:
				vals[in.Dst] = Apply(in.Op, vals[in.A], vals[in.B], vals[in.C])
			}
		}
		for i := range want {
			require.True(t, sameBits(want[i], got[i]), "out %d", i)
		}
	}
}

// TestPointAsmGolden compares the one-point functions of a small model
// with testdata/point/*.s (go test -run TestPointAsmGolden -update
// rewrites them): register allocation, scheduling and the fnmadd rewrite
// show up as readable diffs.
func TestPointAsmGolden(t *testing.T) {
	x, y, z := symbolic.Sym("x"), symbolic.Sym("y"), symbolic.Sym("z")
	s, r, b := symbolic.Sym("sigma"), symbolic.Sym("rho"), symbolic.Sym("beta")
	rhs := []*symbolic.Expr{
		symbolic.Mul(s, symbolic.Sub(y, x)),
		symbolic.Sub(symbolic.Mul(x, symbolic.Sub(r, z)), y),
		symbolic.Sub(symbolic.Mul(x, y), symbolic.Mul(b, z)),
	}
	m, err := Compile(context.Background(), rhs, Vars{States: []*symbolic.Expr{x, y, z}, Params: []*symbolic.Expr{s, r, b}}, Options{})
	require.NoError(t, err)
	for _, regs := range []pointRegSet{pointAVX, pointAVX512} {
		src, table := generatePointAsm(m.RHS, "rhsPoint", "du", nil, regs)
		got := fmt.Sprintf("// table %v\n%s", table, src)
		golden(t, filepath.Join("point", fmt.Sprintf("lorenz_%d.s", regs.n())), got)
	}
}

// TestPointAsm generates packages with the one-point functions for random
// arithmetic systems, builds them in a temporary module and runs a test
// inside the package that calls RHS and JacSparse with every level the
// CPU has (AVX-512, AVX/FMA, Go) at ordinary and special points (signed
// zeros, infinities, NaN, overflow, subnormals), with guard cells around
// the outputs: the levels must agree bit for bit (NaN-aware), guards must
// survive, an output overlapping u must fall back to Go, and a short
// output slice must panic as Go code does. The package's outputs, from
// the default build and from -tags purego, must equal the tape's.
func TestPointAsm(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles generated packages with the go tool")
	}
	goTool := goToolPath(t)
	const n = 24
	m, _ := randomArith(t, 41, n, 5)
	require.True(t, pointAsmSupported(m.RHS) && pointAsmSupported(m.Jac))
	files, err := GenerateGoFiles(m, GoOptions{Package: "kern", Asm: true, NoBatch: true})
	require.NoError(t, err)
	s := string(files["model_amd64.s"])
	// jacPoint (16 registers) only when the Jacobian has at least two
	// arithmetic instructions per output.
	for _, fn := range []string{"rhsPoint", "rhsPoint512", "jacPoint512"} {
		require.True(t, strings.Contains(s, "TEXT ·"+fn+"(SB)"), "no function %s", fn)
	}
	avx := s[strings.Index(s, "TEXT ·rhsPoint(SB)"):strings.Index(s, "TEXT ·rhsPoint512(SB)")]
	require.True(t, strings.Contains(avx, "(SP)"), "the 16-register function should spill on this system")
	require.True(t, strings.Contains(s, "VFNMADD231SD"), "the system should have fma by a negative constant")
	avx512 := s[strings.Index(s, "TEXT ·rhsPoint512(SB)"):]
	require.True(t, regexp.MustCompile(`X(1[6-9]|2[0-9]|3[01])\b`).MatchString(avx512), "the AVX-512 function should use X16–X31")

	dir := t.TempDir()
	writeKernelModule(t, dir, "kern", files)
	points := specialPoints(n)
	// The package test: levels against each other, guards, aliasing.
	ptest := fmt.Sprintf(`package kern

import (
	"math"
	"testing"

	"golang.org/x/sys/cpu"
)

var points = %#v

func same(a, b float64) bool {
	return math.Float64bits(a) == math.Float64bits(b) || (math.IsNaN(a) && math.IsNaN(b))
}

func TestLevels(t *testing.T) {
	p := []float64{0.7, -1.3}
	saved := pointLevel
	defer func() { pointLevel = saved }()
	levels := []int{0}
	if cpu.X86.HasAVX && cpu.X86.HasFMA {
		levels = append(levels, 1)
	}
	if saved == 2 {
		levels = append(levels, 2)
	}
	t.Logf("levels %%v", levels)
	const guard = 5
	for pi, bits := range points {
		u := make([]float64, len(bits))
		for i, b := range bits {
			u[i] = math.Float64frombits(b)
		}
		var ref [2][]float64
		for _, lv := range levels {
			pointLevel = lv
			for f, size := range []int{NumStates, len(JacColIdx)} {
				buf := make([]float64, size+2*guard)
				for i := range buf {
					buf[i] = -777
				}
				out := buf[guard : guard+size]
				if f == 0 {
					RHS(out, u, p, 0.3)
				} else {
					JacSparse(out, u, p, 0.3)
				}
				for i := 0; i < guard; i++ {
					if buf[i] != -777 || buf[len(buf)-1-i] != -777 {
						t.Fatalf("point %%d level %%d f %%d: guard cell overwritten", pi, lv, f)
					}
				}
				if lv == 0 {
					ref[f] = out
					continue
				}
				for i := range out {
					if !same(out[i], ref[f][i]) {
						t.Errorf("point %%d level %%d f %%d out %%d: %%x, Go %%x", pi, lv, f, i, out[i], ref[f][i])
					}
				}
			}
		}
	}
	// du overlapping u: the assembly must not run (it reads inputs
	// after stores); RHS gives what the Go code gives on the same slices.
	for _, lv := range levels {
		pointLevel = lv
		a := make([]float64, NumStates+3)
		b := make([]float64, NumStates+3)
		for i := range a {
			a[i] = 0.5 + 0.01*float64(i)
			b[i] = a[i]
		}
		RHS(a[3:], a[:NumStates], p, 0.3)
		rhsGo(b[3:], b[:NumStates], p, 0.3)
		for i := range a {
			if !same(a[i], b[i]) {
				t.Errorf("level %%d: aliased RHS differs from Go at %%d", lv, i)
			}
		}
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("level %%d: RHS with a short du did not panic", lv)
				}
			}()
			RHS(make([]float64, NumStates-1), a[:NumStates], p, 0.3)
		}()
	}
}
`, points)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "kern", "levels_test.go"), []byte(ptest), 0o644))
	cmd := exec.Command(goTool, "test", "-count=1", "-v", "./kern")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=mod", "GOPROXY=off")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	t.Logf("%s", strings.TrimSpace(string(out)))

	main := fmt.Sprintf(`package main

import (
	"fmt"
	"math"

	"kerntest/kern"
)

var points = %#v

func main() {
	p := []float64{0.7, -1.3}
	for _, bits := range points {
		u := make([]float64, len(bits))
		for i, b := range bits {
			u[i] = math.Float64frombits(b)
		}
		du := make([]float64, kern.NumStates)
		kern.RHS(du, u, p, 0.3)
		vals := make([]float64, len(kern.JacColIdx))
		kern.JacSparse(vals, u, p, 0.3)
		for _, v := range append(du, vals...) {
			fmt.Printf("%%x\n", math.Float64bits(v))
		}
	}
}
`, points)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte(main), 0o644))
	asm, pure := runKernelModule(t, goTool, dir, ""), runKernelModule(t, goTool, dir, "purego")
	tm, err := NewTapeModel(m)
	require.NoError(t, err)
	p := []float64{0.7, -1.3}
	var want []string
	for _, bits := range points {
		u := make([]float64, n)
		for i, b := range bits {
			u[i] = math.Float64frombits(b)
		}
		du := make([]float64, n)
		tm.RHS()(du, u, p, 0.3)
		vals := make([]float64, m.Pattern.NNZ())
		tm.JacFill()(vals, u, p, 0.3)
		for _, v := range append(du, vals...) {
			want = append(want, fmt.Sprintf("%x", math.Float64bits(v)))
		}
	}
	require.Len(t, asm, len(want))
	require.Len(t, pure, len(want))
	for i := range want {
		w, _ := strconv.ParseUint(want[i], 16, 64)
		a, _ := strconv.ParseUint(asm[i], 16, 64)
		g, _ := strconv.ParseUint(pure[i], 16, 64)
		wf, af, gf := math.Float64frombits(w), math.Float64frombits(a), math.Float64frombits(g)
		require.True(t, sameBits(af, wf), "value %d: default build %v, tape %v", i, af, wf)
		require.True(t, sameBits(gf, wf), "value %d: purego build %v, tape %v", i, gf, wf)
	}
}

// specialPoints returns points (as float64 bits) for n states: ordinary
// random values, then points with signed zeros, infinities, NaN, values
// that overflow when multiplied, and subnormals mixed in.
func specialPoints(n int) [][]uint64 {
	r := rand.New(rand.NewPCG(5, 6))
	specials := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), 1e300, -1e300, 5e-324, -2.2e-308, 1, -1}
	var pts [][]uint64
	for k := range 8 {
		pt := make([]uint64, n)
		for i := range pt {
			v := 2*r.Float64() - 1
			if k >= 2 && r.IntN(3) == 0 {
				v = specials[r.IntN(len(specials))]
			}
			if k == 7 {
				v = specials[(i+k)%len(specials)]
			}
			pt[i] = math.Float64bits(v)
		}
		pts = append(pts, pt)
	}
	return pts
}
