package codegen

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestTapeLoopsBitIdentical checks the one-point tape's template loops
// (runs evaluated in place, runs extended across the rows' gaps,
// gathered left-over instances, the rest)
// against the reference interpreter, bit for bit, on grid systems small
// enough to have no run and large enough to need several chunks;
// and that an output overlapping the states falls back to straight-line
// code and still gets the right values.
func TestTapeLoopsBitIdentical(t *testing.T) {
	defer func(c int) { loopChunk = c }(loopChunk)
	for _, c := range []struct{ n, chunk int }{{6, loopChunk}, {12, loopChunk}, {40, loopChunk}, {40, 16}} {
		n := c.n
		loopChunk = c.chunk
		rhs, vars := gridSystem(n)
		p, err := Lower(context.Background(), rhs, vars, Options{})
		require.NoError(t, err)
		tape, err := NewTape(p)
		require.NoError(t, err)
		require.NotNil(t, tape.loops, "n=%d: no template loops", n)
		runs, left := 0, 0
		for _, l := range tape.loops.loops {
			runs += len(l.runs)
			left += len(l.left) / (l.tape.prog.NumStates + l.tape.prog.NumOutputs)
		}
		if n >= 12 {
			require.Positive(t, runs, "n=%d: no run in place", n)
			// The first loop's runs are merged across the rows' gaps.
			longest := 0
			for _, r := range tape.loops.loops[0].runs {
				longest = max(longest, r.n)
			}
			if loopChunk > 2*n {
				require.Greater(t, longest, n, "n=%d: no run extended past a row", n)
			}
		}
		require.Positive(t, left, "n=%d: no gathered instance", n)
		if c.chunk == 16 {
			require.Greater(t, left, loopChunk, "n=%d: the gathered instances fit one chunk", n)
		}
		r := rand.New(rand.NewPCG(uint64(n), 1))
		ev := tape.NewEvaluator()
		for _, tm := range []float64{0.5, 2.0} { // before and after the forcing switches on
			u := make([]float64, p.NumStates)
			for i := range u {
				u[i] = r.Float64()*3 - 1
			}
			par := []float64{r.Float64() * 2}
			want, got := make([]float64, p.NumOutputs), make([]float64, p.NumOutputs)
			applyProgram(p, want, u, par, tm)
			ev.Eval(got, u, par, tm)
			for k := range want {
				require.True(t, sameBits(want[k], got[k]), "n=%d t=%v output %d: tape %v, reference %v", n, tm, k, got[k], want[k])
			}
			// In place: du is u.
			inPlace := append([]float64(nil), u...)
			ev.Eval(inPlace, inPlace, par, tm)
			for k := range want {
				require.True(t, sameBits(want[k], inPlace[k]), "n=%d t=%v in place, output %d: tape %v, reference %v", n, tm, k, inPlace[k], want[k])
			}
		}
	}
}

// TestTapeLoopsJacobian runs the Jacobian values of a grid system, whose
// outputs (nonzeros) outnumber its states, through the one-point tape
// against the reference interpreter.
func TestTapeLoopsJacobian(t *testing.T) {
	rhs, vars := gridSystem(12)
	m, err := Compile(context.Background(), rhs, vars, Options{})
	require.NoError(t, err)
	p := m.Jac
	tape, err := NewTape(p)
	require.NoError(t, err)
	t.Logf("Jacobian: %d outputs, template loops: %v", p.NumOutputs, tape.loops != nil)
	r := rand.New(rand.NewPCG(9, 9))
	u := make([]float64, p.NumStates)
	for i := range u {
		u[i] = r.Float64()*3 - 1
	}
	par := []float64{1.7}
	want, got := make([]float64, p.NumOutputs), make([]float64, p.NumOutputs)
	applyProgram(p, want, u, par, 2)
	tape.NewEvaluator().Eval(got, u, par, 2)
	for k := range want {
		require.True(t, sameBits(want[k], got[k]), "output %d: tape %v, reference %v", k, got[k], want[k])
	}
}

// TestExtendRunsOwnership: two runs of the first loop merge across their
// gap only when no earlier run of the loop owns an output in the gap
// (the merged run would overwrite it after its evaluation).
func TestExtendRunsOwnership(t *testing.T) {
	// The template out0 = 2*s0, one state and one output per instance.
	p := &Program{Consts: []float64{2}, NumStates: 1, NumOutputs: 1, NumValues: 4,
		Code: []Instr{{Op: OpMul, Dst: 3, A: 0, B: 1}, {Op: OpStore, Dst: 0, A: 3}}}
	tp, err := newTape(p, true)
	require.NoError(t, err)
	inst := func(from, n int) []int32 {
		var x []int32
		for i := from; i < from+n; i++ {
			x = append(x, int32(i), int32(i))
		}
		return x
	}
	cases := []struct {
		name   string
		idx    []int32
		runs   []laneRun
		merged int
	}{
		{"gap owned by nobody", append(inst(0, 4), inst(8, 4)...), []laneRun{{0, 4}, {4, 4}}, 1},
		{"gap owned by an earlier run", append(append(inst(4, 4), inst(0, 4)...), inst(8, 4)...), []laneRun{{0, 4}, {4, 4}, {8, 4}}, 3},
		{"gap owned by a later run", append(append(inst(0, 4), inst(8, 4)...), inst(4, 4)...), []laneRun{{0, 4}, {4, 4}, {8, 4}}, 2},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tl := &tapeLoops{loops: []tapeLoop{{tape: tp, idx: c.idx, runs: append([]laneRun(nil), c.runs...)}}}
			tl.extendRuns(12)
			require.Len(t, tl.loops[0].runs, c.merged, "%v", tl.loops[0].runs)
		})
	}
}
