package codegen

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/symbolic"
)

// applyProgram is the reference interpreter: every IR instruction in
// order through Apply, no fusion, no register reuse.
func applyProgram(p *Program, out, u, par []float64, t float64) {
	val := make([]float64, p.NumValues)
	copy(val, p.Consts)
	copy(val[p.StateBase():], u)
	copy(val[p.ParamBase():], par)
	val[p.TimeReg()] = t
	for _, in := range p.Code {
		if in.Op == OpStore {
			out[in.Dst] = val[in.A]
			continue
		}
		val[in.Dst] = Apply(in.Op, val[in.A], val[in.B], val[in.C])
	}
}

// TestFusedTapeBitIdentical checks that the tape's fused code (pairs
// folded into superinstructions, intermediates kept when used again,
// stores folded into the output area) gives exactly the reference
// interpreter's bits, at one point and batched, on random systems of
// every kind and on the grid system.
func TestFusedTapeBitIdentical(t *testing.T) {
	var progs []*Program
	for seed := uint64(1); seed <= 6; seed++ {
		g := newExprGen(seed, 6, 2)
		g.arith = seed%2 == 0
		outs := make([]*symbolic.Expr, 30)
		for i := range outs {
			outs[i] = g.gen(5).sym
		}
		vars := Vars{States: symbolic.Syms("x0", "x1", "x2", "x3", "x4", "x5"), Params: symbolic.Syms("k0", "k1")}
		p, err := Lower(context.Background(), outs, vars, Options{})
		require.NoError(t, err)
		progs = append(progs, p)
	}
	rhs, vars := gridSystem(6)
	p, err := Lower(context.Background(), rhs, vars, Options{})
	require.NoError(t, err)
	progs = append(progs, p)

	fused := 0
	useAVX := lanesUseAVX
	defer func() { lanesUseAVX = useAVX }()
	for pi, p := range progs {
		tape, err := NewTape(p)
		require.NoError(t, err)
		for _, in := range tape.vcode {
			if in.op >= vmOp(opcodeCount) && in.op != vmCopy {
				fused++
			}
		}
		r := rand.New(rand.NewPCG(uint64(pi), 3))
		const lanes = 37
		ub := make([]float64, p.NumStates*lanes)
		par := []float64{r.Float64()*2 - 0.5, r.Float64()*2 - 0.5}
		want := make([]float64, p.NumOutputs*lanes)
		ev := tape.NewEvaluator()
		for l := range lanes {
			u := make([]float64, p.NumStates)
			for i := range u {
				u[i] = r.Float64()*3 - 1
				ub[i*lanes+l] = u[i]
			}
			w, got := make([]float64, p.NumOutputs), make([]float64, p.NumOutputs)
			applyProgram(p, w, u, par, 0.7)
			ev.Eval(got, u, par, 0.7)
			for k := range w {
				require.True(t, sameBits(w[k], got[k]), "program %d lane %d output %d: tape %v, reference %v", pi, l, k, got[k], w[k])
				want[k*lanes+l] = w[k]
			}
		}
		// With the lane kernels (where the CPU has them) and without.
		for _, k := range []bool{useAVX, false} {
			lanesUseAVX = k
			got := make([]float64, p.NumOutputs*lanes)
			require.NoError(t, tape.NewBatchEvaluator(8).Eval(got, ub, par, 0.7, lanes))
			for i := range want {
				require.True(t, sameBits(want[i], got[i]), "program %d batched value %d (lane kernels %v): %v, reference %v", pi, i, k, got[i], want[i])
			}
		}
	}
	require.Positive(t, fused, "no superinstruction was formed")
}
