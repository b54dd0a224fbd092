package codegen

import (
	"context"
	"fmt"
	"go/format"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/symbolic"
)

// gridSystem is a 2-D Brusselator on an n×n periodic grid, written with
// the symbolic constructors as the DSL would produce it: two fields, a
// five-point Laplacian, and a forcing switched on at t = 1.1 inside a
// disc.
func gridSystem(n int) ([]*symbolic.Expr, Vars) {
	u := make([]*symbolic.Expr, n*n)
	v := make([]*symbolic.Expr, n*n)
	var states []*symbolic.Expr
	for i := range n {
		for j := range n {
			u[i*n+j] = symbolic.Sym(fmt.Sprintf("u[%d,%d]", i+1, j+1))
		}
	}
	for i := range n {
		for j := range n {
			v[i*n+j] = symbolic.Sym(fmt.Sprintf("v[%d,%d]", i+1, j+1))
		}
	}
	states = append(append(states, u...), v...)
	alpha, t := symbolic.Sym("alpha"), symbolic.Sym("t")
	dx := 1 / float64(n-1)
	at := func(f []*symbolic.Expr, i, j int) *symbolic.Expr { return f[((i+n)%n)*n+(j+n)%n] }
	lap := func(f []*symbolic.Expr, i, j int) *symbolic.Expr {
		return symbolic.Add(at(f, i+1, j), at(f, i-1, j), at(f, i, j+1), at(f, i, j-1),
			symbolic.Mul(symbolic.IntExpr(-4), at(f, i, j)))
	}
	k := symbolic.Mul(alpha, symbolic.FloatExpr(1/(dx*dx)))
	var rhs []*symbolic.Expr
	for i := range n {
		for j := range n {
			x, y := float64(i)*dx, float64(j)*dx
			in := (x-0.3)*(x-0.3)+(y-0.6)*(y-0.6) <= 0.1*0.1
			var cond *symbolic.Expr
			if in {
				cond = symbolic.Ge(t, symbolic.FloatExpr(1.1))
			} else {
				cond = symbolic.And(symbolic.Lt(symbolic.One(), symbolic.Zero()), symbolic.Ge(t, symbolic.FloatExpr(1.1)))
			}
			uu, vv := at(u, i, j), at(v, i, j)
			u2v := symbolic.Mul(uu, uu, vv)
			rhs = append(rhs, symbolic.Add(symbolic.One(), u2v, symbolic.Mul(symbolic.FloatExpr(-4.4), uu),
				symbolic.Mul(k, lap(u, i, j)), symbolic.IfElse(cond, symbolic.IntExpr(5), symbolic.Zero())))
		}
	}
	for i := range n {
		for j := range n {
			uu, vv := at(u, i, j), at(v, i, j)
			rhs = append(rhs, symbolic.Add(symbolic.Mul(symbolic.FloatExpr(3.4), uu),
				symbolic.Neg(symbolic.Mul(uu, uu, vv)), symbolic.Mul(k, lap(v, i, j))))
		}
	}
	return rhs, Vars{States: states, Params: []*symbolic.Expr{alpha}}
}

// evalPlan runs a re-roll plan with the scalar semantics of Apply: the
// rest first (filling the inputs), then every instance of every template.
func evalPlan(p *Program, plan *rerollPlan, du, u, par []float64, t float64) {
	val := make([]float64, p.NumValues)
	copy(val, p.Consts)
	copy(val[p.StateBase():], u)
	copy(val[p.ParamBase():], par)
	val[p.TimeReg()] = t
	for _, in := range plan.rest {
		if in.Op == OpStore {
			du[in.Dst] = val[in.A]
			continue
		}
		val[in.Dst] = Apply(in.Op, val[in.A], val[in.B], val[in.C])
	}
	for _, tg := range plan.groups {
		tp := tg.prog
		wd := tg.width()
		for i := 0; i < tg.instances(); i++ {
			x := tg.idx[i*wd : (i+1)*wd]
			tv := make([]float64, tp.NumValues)
			copy(tv, tp.Consts)
			for s := range tp.NumStates {
				tv[int(tp.StateBase())+s] = u[x[s]]
			}
			for q, v := range plan.inputs {
				tv[int(tp.ParamBase())+q] = val[v]
			}
			tv[tp.TimeReg()] = t
			for _, in := range tp.Code {
				if in.Op == OpStore {
					du[x[tp.NumStates+int(in.Dst)]] = tv[in.A]
					continue
				}
				tv[in.Dst] = Apply(in.Op, tv[in.A], tv[in.B], tv[in.C])
			}
		}
	}
}

// TestRerollGrid checks the re-roll plan of a grid system: every output
// is written exactly once, by a template instance or the rest; most of
// them by templates; and the plan computes the tape's bits.
func TestRerollGrid(t *testing.T) {
	for _, n := range []int{5, 8, 12} {
		rhs, vars := gridSystem(n)
		p, err := Lower(context.Background(), rhs, vars, Options{})
		require.NoError(t, err)
		plan := planReroll(p)
		require.NotNil(t, plan, "n=%d: no template found", n)
		written := make([]int, p.NumOutputs)
		templated := 0
		for _, tg := range plan.groups {
			require.NoError(t, tg.prog.Validate())
			wd := tg.width()
			for i := 0; i < tg.instances(); i++ {
				for o := range tg.prog.NumOutputs {
					written[tg.idx[i*wd+tg.prog.NumStates+o]]++
					templated++
				}
			}
		}
		for _, in := range plan.rest {
			if in.Op == OpStore {
				written[in.Dst]++
			}
		}
		for k, c := range written {
			require.Equal(t, 1, c, "n=%d: output %d written %d times", n, k, c)
		}
		if n >= 8 { // on small grids the boundary classes have too few cells
			assert.Greater(t, templated, p.NumOutputs*3/4, "n=%d: %d groups", n, len(plan.groups))
		}
		t.Logf("n=%d: %d of %d outputs in %d templates, %d instructions left straight-line (of %d)",
			n, templated, p.NumOutputs, len(plan.groups), len(plan.rest), len(p.Code))

		tape, err := NewTape(p)
		require.NoError(t, err)
		r := rand.New(rand.NewPCG(uint64(n), 1))
		for _, tt := range []float64{0.5, 2.0} {
			u := make([]float64, p.NumStates)
			for i := range u {
				u[i] = r.Float64() * 3
			}
			par := []float64{0.02}
			want, got := make([]float64, p.NumOutputs), make([]float64, p.NumOutputs)
			tape.NewEvaluator().Eval(want, u, par, tt)
			evalPlan(p, plan, got, u, par, tt)
			for k := range want {
				require.Equal(t, math.Float64bits(want[k]), math.Float64bits(got[k]), "n=%d t=%v output %d", n, tt, k)
			}
		}
	}
}

// TestRerollNone checks that a system without repeats is left alone.
func TestRerollNone(t *testing.T) {
	es, vars := randomSystem(t, 5, 10)
	outs := make([]*symbolic.Expr, len(es))
	for i := range es {
		outs[i] = es[i].sym
	}
	p, err := Lower(context.Background(), outs, vars, Options{})
	require.NoError(t, err)
	assert.Nil(t, planReroll(p))
}

// TestRerollGenerated generates the package of a 12×12 grid system with
// the assembly (whose re-rolled RHS runs templates in AVX2 kernels over
// runs of instances), builds it in a temporary module by default and with
// -tags purego, and checks that RHS gives the tape's bits in both, before
// and after the forcing switches on, without writing to guard cells
// around du.
func TestRerollGenerated(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles generated packages with the go tool")
	}
	goTool := goToolPath(t)
	rhs, vars := gridSystem(12)
	m, err := Compile(context.Background(), rhs, vars, Options{})
	require.NoError(t, err)
	dir := t.TempDir()
	// Three packages: the default thresholds (kernels with fixed offsets),
	// every pattern its own kernel (strided kernels for the columns too),
	// and none (one kernel for all runs of stride 1, reading every offset
	// from the run records).
	variants := []struct {
		pkg       string
		minBlocks int
		table     bool
		want      string
	}{{"grid", 8, false, "rhsTmpl"}, {"gridstrided", 1, false, "VINSERTF128"}, {"gridtable", 1 << 30, true, "(BX), R10\n\tVMOVUPD (SI)(R10*8)"}}
	defer func(v int, b bool) { minKernelBlocks, tableEveryEntry = v, b }(minKernelBlocks, tableEveryEntry)
	var files map[string][]byte
	for _, v := range variants {
		minKernelBlocks, tableEveryEntry = v.minBlocks, v.table
		files, err = GenerateGoFiles(m, GoOptions{Package: v.pkg, Asm: true, NoDense: true})
		require.NoError(t, err)
		require.Contains(t, string(files["model.go"]), "rhsLoops(du, u, q[:], t)")
		require.Contains(t, string(files["model_amd64.s"]), v.want, v.pkg)
		for _, name := range []string{"model.go", "model_amd64.go", "model_other.go"} {
			formatted, err := format.Source(files[name])
			require.NoError(t, err, name)
			require.Equal(t, string(formatted), string(files[name]), "%s/%s is not gofmt-formatted", v.pkg, name)
		}
		writeKernelModule(t, dir, v.pkg, files)
	}
	n := m.RHS.NumStates
	main := fmt.Sprintf(`package main

import (
	"fmt"
	"math"

	"kerntest/grid"
	"kerntest/gridstrided"
	"kerntest/gridtable"
)

func main() {
	u := make([]float64, %d)
	for i := range u {
		u[i] = 1 + math.Sin(float64(i)*0.71)
	}
	p := []float64{0.02}
	const guard = 8
	for _, rhs := range []func(du, u, p []float64, t float64){grid.RHS, gridstrided.RHS, gridtable.RHS} {
		for _, t := range []float64{0.5, 2.0} {
			buf := make([]float64, len(u)+2*guard)
			for i := range buf {
				buf[i] = -12345
			}
			du := buf[guard : guard+len(u)]
			rhs(du, u, p, t)
			for i := 0; i < guard; i++ {
				if buf[i] != -12345 || buf[len(buf)-1-i] != -12345 {
					fmt.Println("guard overwritten")
				}
			}
			for _, v := range du {
				fmt.Printf("%%x\n", v)
			}
		}
	}
}
`, n)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte(main), 0o644))
	tape, err := NewTape(m.RHS)
	require.NoError(t, err)
	u := make([]float64, n)
	for i := range u {
		u[i] = 1 + math.Sin(float64(i)*0.71)
	}
	var want []string
	for range variants {
		for _, tt := range []float64{0.5, 2.0} {
			du := make([]float64, n)
			tape.NewEvaluator().Eval(du, u, []float64{0.02}, tt)
			for _, v := range du {
				want = append(want, strconv.FormatFloat(v, 'x', -1, 64))
			}
		}
	}
	for _, tags := range []string{"", "purego"} {
		got := runKernelModule(t, goTool, dir, tags)
		require.Len(t, got, len(want))
		for i := range want {
			g, err := strconv.ParseFloat(got[i], 64)
			require.NoError(t, err)
			require.Equal(t, want[i], strconv.FormatFloat(g, 'x', -1, 64), "tags %q value %d (package %d)", tags, i, i/(2*n))
		}
	}
}
