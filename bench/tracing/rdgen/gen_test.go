package rdgen

import (
	"context"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/codegen"
	"github.com/symcalc/symcalc/examples/tracing/autosparse"
	"github.com/symcalc/symcalc/examples/tracing/rd"
	"github.com/symcalc/symcalc/symbolic"
)

var update = flag.Bool("update", false, "regenerate the packages n32, n64, n128")

// Sizes are the grids bench/tracing compares with CVODE.
var Sizes = []int{32, 64, 128}

// generate traces rd.RHS on an N×N grid and returns the Go source codegen
// writes for it.
func generate(N int) ([]byte, error) {
	tr, err := trace(N)
	if err != nil {
		return nil, err
	}
	vars := codegen.Vars{States: tr.States, Params: tr.Params, Time: tr.Time}
	ctx := context.Background()
	rhs, err := codegen.Lower(ctx, tr.RHS, vars, codegen.Options{})
	if err != nil {
		return nil, err
	}
	// The right-hand side only: BDF evaluates the Jacobian two or three
	// times per solve (the tape serves it), while its straight-line Go
	// would be 9 MB at N = 128.
	jac, err := codegen.Lower(ctx, nil, vars, codegen.Options{})
	if err != nil {
		return nil, err
	}
	n := len(tr.States)
	m := &codegen.Model{Vars: vars, RHS: rhs, Jac: jac,
		Pattern: symbolic.Pattern{NRows: n, NCols: n, RowPtr: make([]int, n+1)}}
	return codegen.GenerateGo(m, codegen.GoOptions{Package: fmt.Sprintf("n%d", N), NoDense: true, NoBatch: true,
		Source: fmt.Sprintf("examples/tracing/rd.RHS traced on a %d×%d grid", N, N)})
}

var traces = map[int]*symbolic.Traced{}

// trace traces rd.RHS on an N×N grid once per test binary (both tests
// need it, and N = 128 takes seconds).
func trace(N int) (*symbolic.Traced, error) {
	if tr, ok := traces[N]; ok {
		return tr, nil
	}
	tr, err := symbolic.TraceRHS(rd.RHS[symbolic.Var](N), symbolic.TraceSpec{NumStates: rd.Size(N)})
	if err != nil {
		return nil, err
	}
	traces[N] = tr
	return tr, nil
}

// The committed packages are exactly what the tracer and codegen produce
// today (go test ./bench/tracing/rdgen -update rewrites them).
func TestGeneratedPackagesAreCurrent(t *testing.T) {
	for _, N := range Sizes {
		if N > 32 && testing.Short() && !*update {
			continue
		}
		src, err := generate(N)
		require.NoError(t, err)
		path := filepath.Join(fmt.Sprintf("n%d", N), "rd.go")
		if *update {
			require.NoError(t, os.MkdirAll(filepath.Dir(path), 0o755))
			require.NoError(t, codegen.WriteFileAtomic(path, src))
			continue
		}
		have, err := os.ReadFile(path)
		require.NoError(t, err)
		if line, want, got, differ := firstDiff(string(src), string(have)); differ {
			t.Errorf("%s is stale (line %d: generated %q, committed %q): go test ./bench/tracing/rdgen -update", path, line, want, got)
		}
	}
}

// firstDiff returns the first line (1-based) where a and b differ, with
// both versions of it, so that a stale 2 MB file is reported in one line.
func firstDiff(a, b string) (int, string, string, bool) {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < max(len(la), len(lb)); i++ {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y || i >= len(la) || i >= len(lb) {
			return i + 1, trim(x), trim(y), true
		}
	}
	return 0, "", "", false
}

func trim(s string) string {
	if len(s) > 120 {
		return s[:120] + "…"
	}
	return s
}

// The generated right-hand side gives the same bits as the tape VM that
// autosparse compiles from the same trace, and agrees with the plain Go
// array code to rounding, at random states.
func TestGeneratedRHSMatchesTapeAndPlain(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for _, N := range Sizes {
		if N > 32 && testing.Short() {
			continue
		}
		tr, err := trace(N)
		require.NoError(t, err)
		m, err := autosparse.FromTraced(context.Background(), tr, autosparse.Options{Workers: 1})
		require.NoError(t, err)
		n := rd.Size(N)
		u := make([]float64, n)
		for i := range u {
			u[i] = rng.Float64() * 3
		}
		gen, tape, plain := make([]float64, n), make([]float64, n), make([]float64, n)
		require.NotNil(t, RHS(N))
		RHS(N)(gen, u, nil, 0)
		m.RHS()(tape, u, nil, 0)
		rd.Plain(N)(plain, u, nil, 0)
		for i := range gen {
			require.Equal(t, math.Float64bits(tape[i]), math.Float64bits(gen[i]), "N=%d i=%d: gen %v tape %v", N, i, gen[i], tape[i])
			require.InDelta(t, plain[i], gen[i], 1e-11*(1+math.Abs(plain[i])), "N=%d i=%d", N, i)
		}
	}
	assert.Nil(t, RHS(7))
}
