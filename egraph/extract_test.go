package egraph

import (
	"context"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// sweepCosts is egg's extraction: sweep every class until no cost drops.
func sweepCosts(g *EGraph, cost CostFunction) map[Id]float64 {
	best := map[Id]float64{}
	get := func(id Id) float64 {
		if c, ok := best[g.Find(id)]; ok {
			return c
		}
		return math.Inf(1)
	}
	for changed := true; changed; {
		changed = false
		for _, id := range g.ClassIds() {
			for _, n := range g.Class(id).Nodes {
				if c := cost.NodeCost(g, n, get); c < get(id) {
					best[id] = c
					changed = true
				}
			}
		}
	}
	return best
}

func TestExtractorMatchesSweep(t *testing.T) {
	for _, c := range mathCases[:12] {
		r, l, root := newMathRunner(c)
		r.Run(context.Background(), MathRules(l))
		for _, cf := range []CostFunction{AstSize{}, AstDepth{}, CPUCost()} {
			x := NewExtractor(r.G, cf)
			want := sweepCosts(r.G, cf)
			for _, id := range r.G.ClassIds() {
				require.Equal(t, want[id], x.Cost(id), "%s class %d", c.name, id)
			}
			e, cost := x.Best(root)
			require.Equal(t, cost, treeCost(r.G, cf, e), "%s: extracted term's cost", c.name)
		}
	}
}
