// Package testproblems holds the reference ODE problems that the
// integrators are tested and benchmarked on, written by hand exactly as
// ../shared/workloads/peers/DEFINITIONS.md defines them (the symbolic
// pipeline generates the same functions from model files). Each is plain Go
// in the form the integrators take, so tests, benchmarks and examples share
// one definition.
package testproblems

import (
	"context"
	"math"
	"sort"

	"github.com/symcalc/symcalc/integrators"
)

// Lorenz returns the Lorenz system σ=10, ρ=28, β=8/3 from (1, 0, 0) on
// [0, t1], with its analytic Jacobian.
func Lorenz(t1 float64) *integrators.Problem {
	return &integrators.Problem{
		F: func(du, u, _ []float64, _ float64) {
			du[0] = 10 * (u[1] - u[0])
			du[1] = u[0]*(28-u[2]) - u[1]
			du[2] = u[0]*u[1] - (8.0/3.0)*u[2]
		},
		Jac: func(J, u, _ []float64, _ float64) {
			J[0], J[1], J[2] = -10, 10, 0
			J[3], J[4], J[5] = 28-u[2], -1, -u[0]
			J[6], J[7], J[8] = u[1], u[0], -8.0/3.0
		},
		U0: []float64{1, 0, 0}, T1: t1, Autonomous: true,
	}
}

// Rober returns Robertson's stiff chemical kinetics problem from (1, 0, 0)
// on [0, t1], with its analytic Jacobian.
func Rober(t1 float64) *integrators.Problem {
	return &integrators.Problem{
		F: func(du, u, _ []float64, _ float64) {
			du[0] = -0.04*u[0] + 1e4*u[1]*u[2]
			du[1] = 0.04*u[0] - 1e4*u[1]*u[2] - 3e7*u[1]*u[1]
			du[2] = 3e7 * u[1] * u[1]
		},
		Jac: func(J, u, _ []float64, _ float64) {
			J[0], J[1], J[2] = -0.04, 1e4*u[2], 1e4*u[1]
			J[3], J[4], J[5] = 0.04, -1e4*u[2]-6e7*u[1], -1e4*u[1]
			J[6], J[7], J[8] = 0, 6e7*u[1], 0
		},
		U0: []float64{1, 0, 0}, T1: t1, Autonomous: true,
	}
}

// Brusselator2D is the 2-D Brusselator of SciMLBenchmarks on an N×N
// periodic grid (2N² states; u(i,j) at i+N·j, v(i,j) at N²+i+N·j).
type Brusselator2D struct {
	N     int
	alpha float64 // 10/dx²
	force []bool  // forcing disc, over i+N·j
}

// NewBrusselator2D precomputes the grid constants.
func NewBrusselator2D(N int) *Brusselator2D {
	b := &Brusselator2D{N: N, force: make([]bool, N*N)}
	dx := 1 / float64(N-1)
	b.alpha = 10 / (dx * dx)
	for j := 0; j < N; j++ {
		for i := 0; i < N; i++ {
			x, y := float64(i)/float64(N-1), float64(j)/float64(N-1)
			b.force[i+N*j] = (x-0.3)*(x-0.3)+(y-0.6)*(y-0.6) <= 0.1*0.1
		}
	}
	return b
}

// U0 is the initial state u = 22(y(1−y))^1.5, v = 27(x(1−x))^1.5.
func (b *Brusselator2D) U0() []float64 {
	N, NN := b.N, b.N*b.N
	u := make([]float64, 2*NN)
	for j := 0; j < N; j++ {
		for i := 0; i < N; i++ {
			x, y := float64(i)/float64(N-1), float64(j)/float64(N-1)
			u[i+N*j] = 22 * math.Pow(y*(1-y), 1.5)
			u[NN+i+N*j] = 27 * math.Pow(x*(1-x), 1.5)
		}
	}
	return u
}

// RHS is the right-hand side.
func (b *Brusselator2D) RHS(dy, y, _ []float64, t float64) {
	N, NN := b.N, b.N*b.N
	a := b.alpha
	F := 0.0
	if t >= 1.1 {
		F = 5
	}
	u, v := y[:NN], y[NN:2*NN]
	du, dv := dy[:NN], dy[NN:2*NN]
	for j := 0; j < N; j++ {
		jp, jm := j+1, j-1
		if jp == N {
			jp = 0
		}
		if jm < 0 {
			jm = N - 1
		}
		row, rn, rs := N*j, N*jp, N*jm
		for i := 0; i < N; i++ {
			ip, im := i+1, i-1
			if ip == N {
				ip = 0
			}
			if im < 0 {
				im = N - 1
			}
			k := row + i
			uu, vv := u[k], v[k]
			u2v := uu * uu * vv
			f := 0.0
			if b.force[k] {
				f = F
			}
			du[k] = a*(u[row+im]+u[row+ip]+u[rn+i]+u[rs+i]-4*uu) + 1 + u2v - 4.4*uu + f
			dv[k] = a*(v[row+im]+v[row+ip]+v[rn+i]+v[rs+i]-4*vv) + 3.4*uu - u2v
		}
	}
}

// Jacobian returns the sparse Jacobian (12 nonzeros per grid point, CSR
// with sorted columns) for integrators.Problem.Sparse.
func (b *Brusselator2D) Jacobian() *integrators.SparseJacobian {
	N, NN := b.N, b.N*b.N
	n := 2 * NN
	type ent struct{ col, kind int }
	// kind: 0 diagonal-u (du/du), 1 neighbour (a), 2 du/dv, 3 dv/du, 4 diagonal-v.
	rows := make([][]ent, n)
	for j := 0; j < N; j++ {
		for i := 0; i < N; i++ {
			k := i + N*j
			nb := []int{(i+N-1)%N + N*j, (i+1)%N + N*j, i + N*((j+1)%N), i + N*((j+N-1)%N)}
			rows[k] = append(rows[k], ent{k, 0}, ent{NN + k, 2})
			rows[NN+k] = append(rows[NN+k], ent{k, 3}, ent{NN + k, 4})
			for _, m := range nb {
				rows[k] = append(rows[k], ent{m, 1})
				rows[NN+k] = append(rows[NN+k], ent{NN + m, 1})
			}
		}
	}
	rowPtr := make([]int, n+1)
	var colIdx, kinds []int
	for r := 0; r < n; r++ {
		sort.Slice(rows[r], func(x, y int) bool { return rows[r][x].col < rows[r][y].col })
		for _, e := range rows[r] {
			colIdx = append(colIdx, e.col)
			kinds = append(kinds, e.kind)
		}
		rowPtr[r+1] = len(colIdx)
	}
	a := b.alpha
	fill := func(vals, y, _ []float64, _ float64) {
		for r := 0; r < n; r++ {
			k := r
			if k >= NN {
				k -= NN
			}
			uu, vv := y[k], y[NN+k]
			for q := rowPtr[r]; q < rowPtr[r+1]; q++ {
				switch kinds[q] {
				case 0:
					vals[q] = -4*a + 2*uu*vv - 4.4
				case 1:
					vals[q] = a
				case 2:
					vals[q] = uu * uu
				case 3:
					vals[q] = 3.4 - 2*uu*vv
				case 4:
					vals[q] = -4*a - uu*uu
				}
			}
		}
	}
	return &integrators.SparseJacobian{RowPtr: rowPtr, ColIdx: colIdx, Fill: fill}
}

// Problem returns the Brusselator on [0, t1] with its sparse Jacobian.
func (b *Brusselator2D) Problem(t1 float64) *integrators.Problem {
	return &integrators.Problem{F: b.RHS, U0: b.U0(), T1: t1, Sparse: b.Jacobian()}
}

// KSInitial is the Kuramoto–Sivashinsky initial condition of DESIGN.md,
// u = −cos(2πx/L)(1 + sin(−2πx/L)) on x_j = L·j/n.
func KSInitial(n int, length float64) []float64 {
	u := make([]float64, n)
	for j := range u {
		x := length * float64(j) / float64(n)
		u[j] = -math.Cos(2*math.Pi*x/length) * (1 + math.Sin(-2*math.Pi*x/length))
	}
	return u
}

// KSPairs generates observation pairs of Kuramoto–Sivashinsky (L = 100,
// N = 1024, the workload of ../shared/workloads/ks) the way the workload
// describes them: from KSInitial, ETDRK4 with step dt through a spin-up of
// `spinup` time units, then npairs pairs (u(t_n), u(t_n + dtObs)) every
// `gap` time units, the second state of each pair by one ETDRK4 step of
// dtObs. It returns pairs[p][0] = u(t_n), pairs[p][1] = u(t_n + dtObs).
func KSPairs(ctx context.Context, dt float64, npairs int, spinup, gap, dtObs float64) ([][2][]float64, error) {
	const n, length = 1024, 100.0
	g, err := integrators.NewPeriodic1D(n, length)
	if err != nil {
		return nil, err
	}
	L, N := integrators.KuramotoSivashinsky(g)
	main, err := integrators.NewETDRK4(L, N, dt)
	if err != nil {
		return nil, err
	}
	obs, err := integrators.NewETDRK4(L, N, dtObs)
	if err != nil {
		return nil, err
	}
	v := make([]complex128, n/2+1)
	w := make([]complex128, n/2+1)
	g.Forward(v, KSInitial(n, length))
	t, err := main.Integrate(ctx, v, 0, int(math.Round(spinup/dt)))
	if err != nil {
		return nil, err
	}
	steps := int(math.Round(gap / dt))
	out := make([][2][]float64, npairs)
	for p := 0; p < npairs; p++ {
		if p > 0 {
			if t, err = main.Integrate(ctx, v, t, steps); err != nil {
				return out[:p], err
			}
		}
		u0 := make([]float64, n)
		u1 := make([]float64, n)
		g.Inverse(u0, v)
		copy(w, v)
		if err := obs.Step(w, t); err != nil {
			return out[:p], err
		}
		g.Inverse(u1, w)
		out[p] = [2][]float64{u0, u1}
	}
	return out, nil
}
