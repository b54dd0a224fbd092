package codegen

import (
	"bufio"
	"context"
	"fmt"
	"go/format"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/symbolic"
)

// randomSystem builds an n-state system whose right-hand sides are random
// expression DAGs, with the expr-lang oracle for each.
func randomSystem(t *testing.T, seed uint64, n int) ([]genExpr, Vars) {
	t.Helper()
	g := newExprGen(seed, n, 2)
	es := make([]genExpr, n)
	for i := range es {
		es[i] = g.gen(4)
	}
	names := make([]string, n)
	for i := range names {
		names[i] = "x" + strconv.Itoa(i)
	}
	return es, Vars{States: symbolic.Syms(names...), Params: symbolic.Syms("k0", "k1")}
}

// TestGeneratedGo generates packages (whole and split into small
// functions), compiles them with go build in a temporary module, runs
// them, and compares with the tape (bit for bit: same operations, same
// rounding) and with the expr-lang oracle.
func TestGeneratedGo(t *testing.T) {
	if testing.Short() {
		t.Skip("compiles generated packages with the go tool")
	}
	goTool := goToolPath(t)
	const n, lanes = 12, 5
	es, vars := randomSystem(t, 11, n)
	outs := make([]*symbolic.Expr, n)
	for i := range es {
		outs[i] = es[i].sym
	}
	m, err := Compile(context.Background(), outs, vars, Options{})
	require.NoError(t, err)
	tm, err := NewTapeModel(m)
	require.NoError(t, err)

	r := rand.New(rand.NewPCG(3, 4))
	u, p := randomPoint(r, n), randomPoint(r, 2)
	const tt = 0.7
	wantF := make([]float64, n)
	tm.RHS()(wantF, u, p, tt)
	wantJ := make([]float64, m.Pattern.NNZ())
	tm.JacFill()(wantJ, u, p, tt)
	wantD := make([]float64, n*n)
	tm.DenseJac()(wantD, u, p, tt)
	ub := make([]float64, n*lanes)
	for i := range n {
		for l := range lanes {
			ub[i*lanes+l] = u[i] + 0.01*float64(l)
		}
	}
	wantB := make([]float64, n*lanes)
	be := tm.RHSTape.NewBatchEvaluator(0)
	require.NoError(t, be.Eval(wantB, ub, p, tt, lanes))
	oracleF := runOracle(t, oracle(t, es, n, 2), u, p, tt)
	for i := range n {
		assert.True(t, agree(wantF[i], oracleF[i]), "tape vs oracle, out %d\n%s", i, describe(es, i))
	}

	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module gentest\n\ngo 1.26\n"), 0o644))
	main := fmt.Sprintf(`package main

import (
	"fmt"

	whole "gentest/whole"
	split "gentest/split"
)

func main() {
	u := %#v
	p := %#v
	ub := %#v
	for _, f := range []struct {
		rhs, jac, dense func(a, u, p []float64, t float64)
		batch           func(du, u, p []float64, t float64, lanes int)
		n, nnz          int
	}{{whole.RHS, whole.JacSparse, whole.JacDense, whole.RHSBatch, whole.NumStates, len(whole.JacColIdx)},
		{split.RHS, split.JacSparse, split.JacDense, split.RHSBatch, split.NumStates, len(split.JacColIdx)}} {
		du := make([]float64, f.n)
		f.rhs(du, u, p, %v)
		vals := make([]float64, f.nnz)
		f.jac(vals, u, p, %v)
		J := make([]float64, f.n*f.n)
		for i := range J {
			J[i] = 99 // JacDense must overwrite every entry
		}
		f.dense(J, u, p, %v)
		db := make([]float64, len(ub))
		f.batch(db, ub, p, %v, %d)
		for _, s := range [][]float64{du, vals, J, db} {
			for _, v := range s {
				fmt.Printf("%%x\n", v)
			}
		}
	}
}
`, u, p, ub, tt, tt, tt, tt, lanes)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte(main), 0o644))
	for _, pkg := range []struct {
		name string
		max  int
	}{{"whole", 0}, {"split", 7}} {
		src, err := GenerateGo(m, GoOptions{Package: pkg.name, MaxFuncInstrs: pkg.max})
		require.NoError(t, err)
		formatted, err := format.Source(src)
		require.NoError(t, err, "generated code does not parse")
		assert.Equal(t, string(formatted), string(src), "generated code is not gofmt-formatted")
		require.NoError(t, os.MkdirAll(filepath.Join(dir, pkg.name), 0o755))
		require.NoError(t, WriteFileAtomic(filepath.Join(dir, pkg.name, "model.go"), src))
		if pkg.max > 0 {
			assert.Contains(t, string(src), "func RHS0(", "small MaxFuncInstrs should split RHS")
		}
	}
	cmd := exec.Command(goTool, "run", ".")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOWORK=off", "GOFLAGS=")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)

	var got []float64
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	for sc.Scan() {
		v, err := strconv.ParseFloat(sc.Text(), 64)
		require.NoError(t, err)
		got = append(got, v)
	}
	want := append(append(append(append([]float64{}, wantF...), wantJ...), wantD...), wantB...)
	require.Len(t, got, 2*len(want))
	for half := range 2 {
		for i, w := range want {
			g := got[half*len(want)+i]
			assert.True(t, math.Float64bits(g) == math.Float64bits(w) || (math.IsNaN(g) && math.IsNaN(w)),
				"package %d value %d: generated %v, tape %v", half, i, g, w)
		}
	}
}

func TestWriteFileAtomicRefusesHandWritten(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.go")
	gen := []byte(Header + "\n\npackage m\n")
	require.NoError(t, WriteFileAtomic(path, gen), "new file")
	require.NoError(t, WriteFileAtomic(path, gen), "replacing a generated file")
	require.NoError(t, os.WriteFile(path, []byte("package m // hand-written\n"), 0o644))
	err := WriteFileAtomic(path, gen)
	require.ErrorIs(t, err, ErrNotGenerated)
	b, _ := os.ReadFile(path)
	assert.Equal(t, "package m // hand-written\n", string(b), "hand-written file was modified")
	require.Error(t, WriteFileAtomic(filepath.Join(dir, "x.go"), []byte("package m\n")), "data without header")
	entries, _ := os.ReadDir(dir)
	assert.Len(t, entries, 1, "temporary files left behind")
}

// goToolPath finds the go command. `go test` puts its own toolchain's bin
// directory on the PATH of the tests it runs, so a missing go tool is a
// broken environment: the test fails rather than skipping.
func goToolPath(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("go")
	if err != nil {
		t.Fatalf("the go command is not on PATH (go test puts it there): %v", err)
	}
	return p
}
