package rd_test

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/examples/tracing/autosparse"
	"github.com/symcalc/symcalc/examples/tracing/rd"
	"github.com/symcalc/symcalc/integrators"
	"github.com/symcalc/symcalc/symbolic"
)

// literal evaluates the tutorial's formulas with dense N×N matrices:
// DA = D(My·A + A·Mx) and the reaction terms, exactly as written in Julia.
func literal(N int, u []float64) []float64 {
	M := make([][]float64, N) // Mx = My before the corrections
	for i := range M {
		M[i] = make([]float64, N)
		M[i][i] = -2
		if i > 0 {
			M[i][i-1] = 1
		}
		if i < N-1 {
			M[i][i+1] = 1
		}
	}
	Mx := make([][]float64, N)
	My := make([][]float64, N)
	for i := range M {
		Mx[i] = append([]float64(nil), M[i]...)
		My[i] = append([]float64(nil), M[i]...)
	}
	Mx[1][0], Mx[N-2][N-1] = 2, 2 // 1-based Mx[2,1], Mx[N-1,N]
	My[0][1], My[N-1][N-2] = 2, 2 // 1-based My[1,2], My[N,N-1]
	at := func(r, c, s int) float64 { return u[rd.Index(N, r, c, s)] }
	du := make([]float64, rd.Size(N))
	for r := 0; r < N; r++ {
		for c := 0; c < N; c++ {
			var myA, aMx float64
			for k := 0; k < N; k++ {
				myA += My[r][k] * at(k, c, 0)
				aMx += at(r, k, 0) * Mx[k][c]
			}
			a, b, cc := at(r, c, 0), at(r, c, 1), at(r, c, 2)
			du[rd.Index(N, r, c, 0)] = rd.D*(myA+aMx) + rd.Alpha1(N, c) - rd.Beta1*a - rd.R1*a*b + rd.R2*cc
			du[rd.Index(N, r, c, 1)] = rd.Alpha2 - rd.Beta2*b - rd.R1*a*b + rd.R2*cc
			du[rd.Index(N, r, c, 2)] = rd.Alpha3 - rd.Beta3*cc + rd.R1*a*b - rd.R2*cc
		}
	}
	return du
}

func randomState(rng *rand.Rand, n int) []float64 {
	u := make([]float64, n)
	for i := range u {
		u[i] = rng.Float64()
	}
	return u
}

// TestRHSMatchesTutorial checks the generic code (on numbers), the plain
// code and the traced, compiled, parallel kernels against the literal
// matrix formula at random states.
func TestRHSMatchesTutorial(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, N := range []int{4, 7, 10} {
		n := rd.Size(N)
		tr, err := symbolic.TraceRHS(rd.RHS[symbolic.Var](N), symbolic.TraceSpec{NumStates: n})
		require.NoError(t, err)
		m, err := autosparse.FromTraced(context.Background(), tr, autosparse.Options{Workers: 3, MinParallel: 1})
		require.NoError(t, err)
		require.Equal(t, 3, m.Workers())
		impls := map[string]func(du, u, p []float64, t float64){
			"generic F64": symbolic.FloatRHS(rd.RHS[symbolic.F64](N)),
			"plain":       rd.Plain(N),
			"traced":      m.RHS(),
		}
		for trial := 0; trial < 5; trial++ {
			u := randomState(rng, n)
			want := literal(N, u)
			for name, f := range impls {
				du := make([]float64, n)
				f(du, u, nil, 0)
				for i := range du {
					require.InDelta(t, want[i], du[i], 1e-12*math.Max(1, math.Abs(want[i])), "%s N=%d du[%d]", name, N, i)
				}
			}
		}
	}
}

// TestJacobianMatchesDifferences compares the compiled sparse Jacobian
// with central differences of the plain code, and checks the pattern has
// the tutorial's nonzero count.
func TestJacobianMatchesDifferences(t *testing.T) {
	N := 6
	n := rd.Size(N)
	tr, err := symbolic.TraceRHS(rd.RHS[symbolic.Var](N), symbolic.TraceSpec{NumStates: n})
	require.NoError(t, err)
	m, err := autosparse.FromTraced(context.Background(), tr, autosparse.Options{Workers: 2, MinParallel: 1})
	require.NoError(t, err)
	// Per grid point: A has itself, 4 neighbour slots (merged at the
	// boundary), B and C; B has A, B, C; C has A, B, C.
	nbr := 0
	for r := 0; r < N; r++ {
		for c := 0; c < N; c++ {
			k := 5
			if r == 0 || r == N-1 {
				k--
			}
			if c == 0 || c == N-1 {
				k--
			}
			nbr += k + 2 + 3 + 3
		}
	}
	assert.Equal(t, nbr, m.Pattern.NNZ())
	u := randomState(rand.New(rand.NewPCG(5, 6)), n)
	vals := make([]float64, m.Pattern.NNZ())
	m.JacFill()(vals, u, nil, 0)
	f := rd.Plain(N)
	fp, fm := make([]float64, n), make([]float64, n)
	dense := make([]float64, n*n)
	for j := 0; j < n; j++ {
		h := 1e-6
		up := append([]float64(nil), u...)
		um := append([]float64(nil), u...)
		up[j] += h
		um[j] -= h
		f(fp, up, nil, 0)
		f(fm, um, nil, 0)
		for i := 0; i < n; i++ {
			dense[i*n+j] = (fp[i] - fm[i]) / (2 * h)
		}
	}
	for i := 0; i < n; i++ {
		for k := m.Pattern.RowPtr[i]; k < m.Pattern.RowPtr[i+1]; k++ {
			j := m.Pattern.ColIdx[k]
			assert.InDelta(t, dense[i*n+j], vals[k], 1e-6*math.Max(1, math.Abs(vals[k])), "J[%d,%d]", i, j)
			dense[i*n+j] = 0
		}
	}
	for i, v := range dense {
		assert.InDelta(t, 0, v, 1e-6, "entry (%d,%d) outside the pattern", i/n, i%n)
	}
}

// TestSparseSolveMatchesDenseBaseline integrates a small grid both ways.
func TestSparseSolveMatchesDenseBaseline(t *testing.T) {
	N := 8
	n := rd.Size(N)
	tr, err := symbolic.TraceRHS(rd.RHS[symbolic.Var](N), symbolic.TraceSpec{NumStates: n})
	require.NoError(t, err)
	m, err := autosparse.FromTraced(context.Background(), tr, autosparse.Options{Workers: 2, MinParallel: 1})
	require.NoError(t, err)
	opts := func(l integrators.LinearSolver) *integrators.Options {
		return &integrators.Options{RTol: 1e-8, ATol: 1e-10, SaveAt: []float64{rd.T1}, Linear: l}
	}
	sp, err := integrators.Solve(context.Background(), m.Problem(make([]float64, n), nil, rd.T0, rd.T1), integrators.BDF(), opts(integrators.LinearSparse))
	require.NoError(t, err)
	de, err := integrators.Solve(context.Background(), &integrators.Problem{F: rd.Plain(N), U0: make([]float64, n), T1: rd.T1},
		integrators.BDF(), opts(integrators.LinearDense))
	require.NoError(t, err)
	a, b := sp.U[len(sp.U)-1], de.U[len(de.U)-1]
	for i := range a {
		assert.InDelta(t, b[i], a[i], 1e-5, "u[%d]", i)
	}
	assert.Greater(t, a[rd.Index(N, 0, N-1, 0)], a[rd.Index(N, 0, 0, 0)], "A is fed on the last columns")
}
