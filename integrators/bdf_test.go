package integrators

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestROBERAgainstReference(t *testing.T) {
	ref := readVec(t, "testdata/ref_rober.txt")
	for _, c := range []struct {
		name string
		m    Method
		lin  LinearSolver
		jac  bool
		tol  float64
	}{
		{"BDF dense analytic J", BDF(), LinearDense, true, 1e-6},
		{"BDF dense FD J", BDF(), LinearDense, false, 1e-6},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := roberProblem(1e5)
			if !c.jac {
				p.Jac = nil
			}
			sol, err := Solve(context.Background(), p, c.m, &Options{RTol: 1e-8, ATol: 1e-10, Linear: c.lin})
			require.NoError(t, err)
			_, rel := errs(sol.Final(), ref)
			t.Logf("%s: rel err %.3g, stats %+v", c.name, rel, sol.Stats)
			assert.Less(t, rel, c.tol)
			assert.Equal(t, 1e5, sol.T[len(sol.T)-1])
		})
	}
}
