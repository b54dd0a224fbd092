package network_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/egraph"
	"github.com/symcalc/symcalc/examples/bcr/network"
	"github.com/symcalc/symcalc/examples/tracing/autosparse"
)

func TestTinyNetwork(t *testing.T) {
	ctx := context.Background()
	n, err := network.Load(ctx, "testdata/tiny.net")
	require.NoError(t, err)
	require.Len(t, n.States, 3)
	assert.Equal(t, []float64{3, 1, 0}, n.U0)
	assert.Equal(t, 6, n.Terms, "two live reactions in three equations; k0 = 0 drops out")
	assert.Equal(t, []string{"Atot", "Btot"}, n.GroupNames)

	m, err := n.Compile(ctx, n.RHS, autosparse.Options{})
	require.NoError(t, err)
	u := []float64{1.5, 0.7, 0.2}
	du := make([]float64, 3)
	m.RHS()(du, u, nil, 0)
	v := 2*1.5*0.7 - 0.5*0.2
	want := []float64{-v, -v, v}
	for i := range du {
		assert.InDelta(t, want[i], du[i], 1e-15, "du[%d]", i)
	}

	opt, rep, err := network.Optimise(ctx, n.RHS, 2, egraph.SimplifyOptions{IterLimit: 4})
	require.NoError(t, err)
	assert.Equal(t, 2, rep.Groups)
	mo, err := n.Compile(ctx, opt, autosparse.Options{})
	require.NoError(t, err)
	do := make([]float64, 3)
	mo.RHS()(do, u, nil, 0)
	for i := range du {
		assert.InDelta(t, du[i], do[i], 1e-15, "optimised du[%d]", i)
	}

	sol, err := network.Simulate(ctx, m, n.U0, 50, 1e-10, 1e-12)
	require.NoError(t, err)
	x := sol.U[len(sol.U)-1]
	g, err := n.GroupValues(x)
	require.NoError(t, err)
	assert.InDelta(t, 3, g[0], 1e-8, "A + C is conserved")
	assert.InDelta(t, 1, g[1], 1e-8, "B + C is conserved")
	// Equilibrium: 2·A·B = 0.5·C with A = 3 − C, B = 1 − C.
	c := x[2]
	assert.InDelta(t, 0, 2*(3-c)*(1-c)-0.5*c, 1e-6)

	// Compare against a reference file in the peers' format.
	ref := filepath.Join(t.TempDir(), "ref.txt")
	body := ""
	for i, v := range x {
		body += fmt.Sprintf("S%d %.17g\n", i, v*(1+1e-3))
	}
	for i, v := range g {
		body += fmt.Sprintf("G%d %.17g\n", i, v)
	}
	require.NoError(t, os.WriteFile(ref, []byte(body), 0o644))
	e, err := n.Compare(x, ref)
	require.NoError(t, err)
	assert.InDelta(t, 1e-3/(1+1e-3), e.RelSpecies, 1e-9, "species ≥ 1 relative error")
	assert.InDelta(t, 0, e.RelGroups, 1e-12)
	assert.InDelta(t, math.Abs(x[0])*1e-3, e.Abs, 1e-9)

	require.NoError(t, os.WriteFile(ref, []byte("S0 1\n"), 0o644))
	_, err = n.Compare(x, ref)
	assert.ErrorContains(t, err, "want 3 species + 2 groups")
}
