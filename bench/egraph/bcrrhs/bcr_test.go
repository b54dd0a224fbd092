package main

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/codegen"
	"github.com/symcalc/symcalc/egraph"
	"github.com/symcalc/symcalc/symbolic"
)

func testNetwork(tb testing.TB) *netForms {
	tb.Helper()
	net, err := loadNetwork(context.Background(), testdataNet)
	require.NoError(tb, err)
	return net
}

// TestBCRFactored checks the claims the benchmark's figures rest on: the
// factored RHS lowers to at most half the instructions of the plain one,
// and evaluates to the same values up to rounding — to 1e-12 relative to
// dx_i away from equilibrium, and to 1e-14 of the sum of the terms' sizes
// at the file's pre-equilibrated state, where dx_i is a near-cancelling sum
// and no reordering of it can keep 1e-12 relative to dx_i itself.
func TestBCRFactored(t *testing.T) {
	if testing.Short() {
		t.Skip("imports and lowers the 1,122-species BCR network twice (about 2 s)")
	}
	ctx := context.Background()
	net := testNetwork(t)
	require.Len(t, net.states, 1122)
	assert.Equal(t, 42044, net.report.Terms)
	pp, err := net.lower(ctx, net.plain)
	require.NoError(t, err)
	pf, err := net.lower(ctx, net.factored)
	require.NoError(t, err)
	t.Logf("instructions: plain %d, factored %d; %v", len(pp.Code), len(pf.Code), net.report)
	assert.LessOrEqual(t, 2*len(pf.Code), len(pp.Code))
	// FactorSums picks its variant with an estimate of the code
	// generator's output; judged by the real instruction count it must
	// pick the same one.
	byCodegen, _, err := egraph.FactorSums(ctx, net.plain, egraph.FactorOptions{Cost: func(eqs []*symbolic.Expr) float64 {
		p, err := net.lower(ctx, eqs)
		require.NoError(t, err)
		return float64(len(p.Code))
	}})
	require.NoError(t, err)
	pc, err := net.lower(ctx, byCodegen)
	require.NoError(t, err)
	assert.Equal(t, len(pc.Code), len(pf.Code))

	tp, err := codegen.NewTape(pp)
	require.NoError(t, err)
	tf, err := codegen.NewTape(pf)
	require.NoError(t, err)
	fp, ff := tp.RHS(), tf.RHS()
	n := len(net.states)
	rng := rand.New(rand.NewPCG(7, 8))
	for trial := 0; trial < 4; trial++ {
		x := net.u0
		if trial > 0 {
			x = make([]float64, n)
			for i, v := range net.u0 {
				x[i] = v * (0.5 + rng.Float64())
			}
		}
		dp, df := make([]float64, n), make([]float64, n)
		fp(dp, x, nil, 0)
		ff(df, x, nil, 0)
		sc, err := net.absScale(x)
		require.NoError(t, err)
		relDx, relScale := agreement(dp, df, sc)
		t.Logf("state %d: max |diff|/|dx_i| %.3g, max |diff|/sum|terms_i| %.3g", trial, relDx, relScale)
		assert.LessOrEqual(t, relScale, 1e-14)
		if trial > 0 {
			assert.LessOrEqual(t, relDx, 1e-12)
		}
	}
}

// BenchmarkBCRRHS times one evaluation of the BCR right-hand side on the
// tape VM, plain and factored:
//
//	go test ./bench/egraph/bcrrhs -run '^$' -bench BCRRHS -count 5
func BenchmarkBCRRHS(b *testing.B) {
	ctx := context.Background()
	net := testNetwork(b)
	for _, c := range []struct {
		name     string
		factored bool
	}{{"plain", false}, {"factored", true}} {
		eqs := net.plain
		if c.factored {
			eqs = net.factored
		}
		p, err := net.lower(ctx, eqs)
		require.NoError(b, err)
		tp, err := codegen.NewTape(p)
		require.NoError(b, err)
		f := tp.RHS()
		du := make([]float64, len(net.states))
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				f(du, net.u0, nil, 0)
			}
			b.ReportMetric(float64(len(p.Code)), "instrs")
		})
	}
}
