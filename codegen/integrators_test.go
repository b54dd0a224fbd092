package codegen

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/integrators"
	"github.com/symcalc/symcalc/symbolic"
)

// TestTapePlugsIntoIntegrators solves ROBER with BDF twice: with the tape's
// RHS and sparse Jacobian, and with hand-written Go functions. The two
// runs differ only in rounding (and the linear solver), so they must agree
// to well within the requested tolerance's effect on the solution.
func TestTapePlugsIntoIntegrators(t *testing.T) {
	y1, y2, y3 := symbolic.Sym("y1"), symbolic.Sym("y2"), symbolic.Sym("y3")
	k1, k2, k3 := symbolic.Sym("k1"), symbolic.Sym("k2"), symbolic.Sym("k3")
	rhs := parseAll(t, "-k1*y1 + k3*y2*y3", "k1*y1 - k3*y2*y3 - k2*y2^2", "k2*y2^2")
	m, err := Compile(context.Background(), rhs, Vars{States: []*symbolic.Expr{y1, y2, y3}, Params: []*symbolic.Expr{k1, k2, k3}}, Options{})
	require.NoError(t, err)
	tm, err := NewTapeModel(m)
	require.NoError(t, err)
	p := []float64{0.04, 3e7, 1e4}
	u0 := []float64{1, 0, 0}
	opts := &integrators.Options{RTol: 1e-8, ATol: 1e-10, SaveAt: []float64{40}}

	tapeProb := &integrators.Problem{F: tm.RHS(), U0: u0, P: p, T0: 0, T1: 40,
		Sparse: &integrators.SparseJacobian{RowPtr: tm.RowPtr(), ColIdx: tm.ColIdx(), Fill: tm.JacFill()}}
	got, err := integrators.Solve(context.Background(), tapeProb, integrators.BDF(), opts)
	require.NoError(t, err)

	hand := &integrators.Problem{
		F: func(du, u, p []float64, t float64) {
			du[0] = -p[0]*u[0] + p[2]*u[1]*u[2]
			du[1] = p[0]*u[0] - p[2]*u[1]*u[2] - p[1]*u[1]*u[1]
			du[2] = p[1] * u[1] * u[1]
		},
		Jac: func(J, u, p []float64, t float64) {
			J[0], J[1], J[2] = -p[0], p[2]*u[2], p[2]*u[1]
			J[3], J[4], J[5] = p[0], -p[2]*u[2]-2*p[1]*u[1], -p[2]*u[1]
			J[6], J[7], J[8] = 0, 2*p[1]*u[1], 0
		},
		U0: u0, P: p, T0: 0, T1: 40}
	want, err := integrators.Solve(context.Background(), hand, integrators.BDF(), opts)
	require.NoError(t, err)
	for i, w := range want.Final() {
		assert.InDelta(t, w, got.Final()[i], 1e-5*abs(w)+1e-10, "component %d", i)
	}
	// The dense Jacobian from the tape equals the hand-written one.
	Jt, Jh := make([]float64, 9), make([]float64, 9)
	u := []float64{0.7, 2e-5, 0.3}
	tm.DenseJac()(Jt, u, p, 0)
	hand.Jac(Jh, u, p, 0)
	for i := range Jh {
		assert.InDelta(t, Jh[i], Jt[i], 1e-12*(1+abs(Jh[i])), "J[%d]", i)
	}
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}
