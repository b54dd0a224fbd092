package codegen

import (
	"fmt"
	"math"
	"unsafe"
)

// Template loops for the one-point tape. A grid model's straight-line
// code is one template repeated per cell (see planReroll): the 2-D
// Brusselator at N = 32 is 18,467 instructions, a 590 kB tape and a
// register file of 5,000 values that the one-point VM streams through
// the cache at every evaluation. Run as loops, the VM instead dispatches
// the same 18 instructions per cell from a tape and register file that
// stay in the L1 cache, and reads the cell's states and writes its
// outputs through the index table.

// tapeLoops is a re-roll plan prepared for the VM.
type tapeLoops struct {
	// rest computes the outputs no template writes, then the template
	// inputs; restDst[k] is the output index of its k-th output.
	rest    *Tape
	restDst []int32
	// restStates lists the states the rest reads, which restEval copies
	// into its register file one by one, when they are few (a grid's
	// boundary cells); nil: it copies all of u.
	restStates []int32
	loops      []tapeLoop
}

// tapeLoop is one template and the index table of its instances: per
// instance, the template's state indices then its output indices.
type tapeLoop struct {
	tape *Tape
	idx  []int32
	// runs are the ranges of consecutive instances whose every index
	// grows by one from one instance to the next (a row of grid cells):
	// their states and outputs are contiguous in u and du, so the batched
	// VM runs them in place, lanes = instances. The instances of no run
	// are gathered from left (laid out as idx).
	runs []laneRun
	left []int32
	// lanes is the most lanes one batched evaluation of the loop uses.
	lanes int
}

// laneRun is the instances [first, first+n) of a template.
type laneRun struct{ first, n int }

// minLaneRun is the shortest run worth a batched evaluation in place;
// shorter ones are gathered with the left-over instances.
const minLaneRun = 8

// splitRuns finds the runs of consecutive instances with unit stride, at
// most loopChunk instances each.
func splitRuns(idx []int32, w int) (runs []laneRun, left []int32) {
	n := len(idx) / w
	inst := func(i int) []int32 { return idx[i*w : (i+1)*w] }
	for i := 0; i < n; {
		j := i + 1
		for j < n && j-i < loopChunk && strided(inst(j-1), inst(j), 1) {
			j++
		}
		if j-i >= minLaneRun {
			runs = append(runs, laneRun{i, j - i})
		} else {
			left = append(left, idx[i*w:j*w]...)
		}
		i = j
	}
	return runs, left
}

// newTapeLoops returns nil when p has no template worth a loop.
func newTapeLoops(p *Program) (*tapeLoops, error) {
	plan := planReroll(p)
	if plan == nil {
		return nil, nil
	}
	// The rest as a program of its own: its stores renumbered in order,
	// then one store per template input.
	rest := &Program{Consts: p.Consts, NumStates: p.NumStates, NumParams: p.NumParams,
		NumValues: p.NumValues, StateNames: p.StateNames, ParamNames: p.ParamNames}
	tl := &tapeLoops{}
	for _, in := range plan.rest {
		if in.Op == OpStore {
			tl.restDst = append(tl.restDst, in.Dst)
			in.Dst = int32(rest.NumOutputs)
			rest.NumOutputs++
		}
		rest.Code = append(rest.Code, in)
	}
	for _, v := range plan.inputs {
		rest.Code = append(rest.Code, Instr{Op: OpStore, Dst: int32(rest.NumOutputs), A: v})
		rest.NumOutputs++
	}
	tl.restStates = readStates(rest)
	var err error
	if tl.rest, err = newTape(rest, true); err != nil {
		return nil, fmt.Errorf("codegen: re-rolled rest: %w", err)
	}
	for k, g := range plan.groups {
		t, err := newTape(g.prog, true)
		if err != nil {
			return nil, fmt.Errorf("codegen: template %d: %w", k, err)
		}
		w := g.width()
		if len(g.idx)%w != 0 {
			return nil, fmt.Errorf("codegen: template %d: index table of %d entries for width %d", k, len(g.idx), w)
		}
		for i, x := range g.idx {
			if n := p.NumStates; i%w >= g.prog.NumStates {
				n = p.NumOutputs
				if x < 0 || int(x) >= n {
					return nil, fmt.Errorf("codegen: template %d: entry %d is %d, not an index below %d", k, i, x, n)
				}
			}
		}
		runs, left := splitRuns(g.idx, w)
		lanes := min(loopChunk, len(left)/w)
		for _, r := range runs {
			lanes = max(lanes, r.n)
		}
		tl.loops = append(tl.loops, tapeLoop{tape: t, idx: g.idx, runs: runs, left: left, lanes: lanes})
	}
	tl.extendRuns(p.NumOutputs)
	return tl, nil
}

// loopEvaluator holds the register files of a tapeLoops evaluation.
type loopEvaluator struct {
	tl      *tapeLoops
	rest    *Evaluator
	restOut []float64
	loops   []*BatchEvaluator
	ub, ob  []float64 // a chunk's states and outputs, laid out per variable
	chunk   int       // loopChunk when the evaluator was made
	// strides[k][c] is the stride by which every index of the left-over
	// chunk c of loop k grows from one instance to the next (a grid
	// column), or 0: such a chunk is gathered by stride, without reading
	// the index table per element. The other chunks are gathered through
	// gidx[k][c], their index table transposed (slot by slot), so that
	// the indices are read in order.
	strides [][]int
	gidx    [][][]int32
	// The template inputs and t that the batched evaluators' parameter
	// lanes hold (valid once primed): setParams broadcasts them to every
	// lane, which is skipped when they did not change (they depend on
	// the parameters and t only, not on u).
	lastQ  []float64
	lastT  float64
	primed bool
}

// loopChunk is the most instances run as lanes of one batched
// evaluation (a variable so that tests can split runs and gathers).
var loopChunk = DefaultBlock

func (tl *tapeLoops) newEvaluator() *loopEvaluator {
	le := &loopEvaluator{tl: tl, rest: tl.rest.NewEvaluator(), restOut: make([]float64, tl.rest.prog.NumOutputs)}
	ns, no := 0, 0
	for _, l := range tl.loops {
		le.loops = append(le.loops, l.tape.NewBatchEvaluator(loopChunk))
		ns, no = max(ns, l.tape.prog.NumStates), max(no, l.tape.prog.NumOutputs)
	}
	le.ub, le.ob = make([]float64, ns*loopChunk), make([]float64, no*loopChunk)
	le.chunk = loopChunk
	le.lastQ = make([]float64, len(le.restOut)-len(tl.restDst))
	for _, l := range tl.loops {
		w := l.tape.prog.NumStates + l.tape.prog.NumOutputs
		var st []int
		var gs [][]int32
		for idx := l.left; len(idx) >= w; {
			n := min(le.chunk, len(idx)/w)
			s := 0
			if n >= 2 {
				s = int(idx[w]) - int(idx[0])
				for i := 1; i < n && s > 0; i++ {
					if !strided(idx[(i-1)*w:i*w], idx[i*w:(i+1)*w], s) {
						s = 0
					}
				}
			}
			st = append(st, max(s, 0))
			var g []int32
			if s <= 0 {
				g = make([]int32, w*n)
				for slot := 0; slot < w; slot++ {
					for i := 0; i < n; i++ {
						g[slot*n+i] = idx[i*w+slot]
					}
				}
			}
			gs = append(gs, g)
			idx = idx[n*w:]
		}
		le.strides = append(le.strides, st)
		le.gidx = append(le.gidx, gs)
	}
	return le
}

// sameBitsSlice reports whether a and b hold the same float64 bits.
func sameBitsSlice(a, b []float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Float64bits(a[i]) != math.Float64bits(b[i]) {
			return false
		}
	}
	return true
}

// eval computes out (which must not overlap u) at (u, p, t).
func (le *loopEvaluator) eval(out, u, p []float64, t float64) {
	le.restEval(u, p, t)
	q := le.restOut[len(le.tl.restDst):]
	// The rest's outputs go last: the first loop's extended runs may
	// write scratch values over them (see extendRuns).
	defer func() {
		for k, d := range le.tl.restDst {
			out[d] = le.restOut[k]
		}
	}()
	same := le.primed && math.Float64bits(t) == math.Float64bits(le.lastT) && sameBitsSlice(q, le.lastQ)
	if !same {
		copy(le.lastQ, q)
		le.lastT, le.primed = t, true
	}
	for k, l := range le.tl.loops {
		be := le.loops[k]
		pr := l.tape.prog
		ns, no := pr.NumStates, pr.NumOutputs
		w := ns + no
		if !same {
			be.setParams(q, t, l.lanes)
		}
		for _, r := range l.runs {
			be.runInPlace(out, u, l.idx[r.first*w:(r.first+1)*w], r.n)
		}
		c := 0
		for idx := l.left; len(idx) >= w; c++ {
			n := min(le.chunk, len(idx)/w)
			ub, ob := le.ub[:ns*n], le.ob[:no*n]
			// Slot by slot, so that the stores are sequential.
			if st := le.strides[k][c]; st > 0 {
				for s := 0; s < ns; s++ {
					dst, b := ub[s*n:s*n+n], int(idx[s])
					src := u[b : b+(n-1)*st+1]
					for i := range dst {
						dst[i] = src[i*st]
					}
				}
				be.runLaidOut(ob, ub, n)
				for o := 0; o < no; o++ {
					res, b := ob[o*n:o*n+n], int(idx[ns+o])
					dst := out[b : b+(n-1)*st+1]
					for i, v := range res {
						dst[i*st] = v
					}
				}
				idx = idx[n*w:]
				continue
			}
			g := le.gidx[k][c]
			for s := 0; s < ns; s++ {
				dst, src := ub[s*n:s*n+n], g[s*n:s*n+n]
				for i, x := range src {
					dst[i] = u[x]
				}
			}
			be.runLaidOut(ob, ub, n)
			for o := 0; o < no; o++ {
				res, dst := ob[o*n:o*n+n], g[(ns+o)*n:(ns+o)*n+n]
				for i, x := range dst {
					out[x] = res[i]
				}
			}
			idx = idx[n*w:]
		}
	}
}

// setParams broadcasts the template's inputs q and the time t to the
// first lanes lanes, and points the views that do not change from one
// batch to the next (constants, parameters, temporaries) at the
// evaluator's arrays, once per evaluation; run reslices them to its n.
func (b *BatchEvaluator) setParams(q []float64, t float64, lanes int) {
	pr := b.t.prog
	blk := b.block
	for j := 0; j < pr.NumParams; j++ {
		s := b.pbuf[j*blk : j*blk+lanes]
		for l := range s {
			s[l] = q[j]
		}
	}
	ts := b.pbuf[pr.NumParams*blk : pr.NumParams*blk+lanes]
	for l := range ts {
		ts[l] = t
	}
	b.commonViews(lanes)
}

// runInPlace runs the template on n ≤ lanes (of setParams) instances whose state s is
// u[x[s]+i] and output o is out[x[NumStates+o]+i] for instance i: the
// lanes are views of u and out.
func (b *BatchEvaluator) runInPlace(out, u []float64, x []int32, n int) {
	pr := b.t.prog
	v := b.views
	sb := int(pr.StateBase())
	for s := 0; s < pr.NumStates; s++ {
		v[sb+s] = u[x[s] : int(x[s])+n]
	}
	for o := 0; o < pr.NumOutputs; o++ {
		i := int(x[pr.NumStates+o])
		v[b.t.vregs+o] = out[i : i+n]
	}
	b.run(n)
}

// runLaidOut runs the template on n ≤ lanes (of setParams) instances
// laid out per variable in u and out (as Eval takes them).
func (b *BatchEvaluator) runLaidOut(out, u []float64, n int) {
	pr := b.t.prog
	v := b.views
	sb := int(pr.StateBase())
	for s := 0; s < pr.NumStates; s++ {
		v[sb+s] = u[s*n : s*n+n]
	}
	for o := 0; o < pr.NumOutputs; o++ {
		v[b.t.vregs+o] = out[o*n : o*n+n]
	}
	b.run(n)
}

// commonViews points the views of constants, parameters, time,
// temporaries and the scratch register at the first n lanes of the
// evaluator's own arrays.
func (b *BatchEvaluator) commonViews(n int) {
	pr := b.t.prog
	blk := b.block
	v := b.views
	nConst := len(pr.Consts)
	for c := 0; c < nConst; c++ {
		v[c] = b.work[c*blk : c*blk+n]
	}
	pb := int(pr.ParamBase())
	for j := 0; j <= pr.NumParams; j++ { // the parameters, then t
		v[pb+j] = b.pbuf[j*blk : j*blk+n]
	}
	tempBase := int(pr.TempBase())
	for r := tempBase; r < b.t.vregs; r++ {
		off := (nConst + r - tempBase) * blk
		v[r] = b.work[off : off+n]
	}
	off := (nConst + b.t.vregs - tempBase) * blk
	v[b.t.vregs+pr.NumOutputs] = b.work[off : off+n]
}

func (le *loopEvaluator) restEval(u, p []float64, t float64) {
	pr := le.tl.rest.prog
	regs := le.rest.regs
	if rs := le.tl.restStates; rs != nil {
		sr := regs[pr.StateBase():pr.ParamBase()]
		for _, s := range rs {
			sr[s] = u[s]
		}
	} else {
		copy(regs[pr.StateBase():pr.ParamBase()], u[:pr.NumStates])
	}
	copy(regs[pr.ParamBase():pr.TimeReg()], p[:pr.NumParams])
	regs[pr.TimeReg()] = t
	le.rest.run()
	copy(le.restOut, regs[le.tl.rest.oregs:])
}

// readStates returns the states p's code reads, in order, or nil when
// they are more than a quarter of them (copying all of u is then as
// cheap).
func readStates(p *Program) []int32 {
	sb, pb := p.StateBase(), p.ParamBase()
	seen := make([]bool, p.NumStates)
	n := 0
	for _, in := range p.Code {
		ops := [3]int32{in.A, in.B, in.C}
		for _, v := range ops[:in.Op.Arity()] {
			if v >= sb && v < pb && !seen[v-sb] {
				seen[v-sb] = true
				n++
			}
		}
	}
	if 4*n > p.NumStates {
		return nil
	}
	rs := make([]int32, 0, n)
	for s, ok := range seen {
		if ok {
			rs = append(rs, int32(s))
		}
	}
	return rs
}

// overlap reports whether two slices share memory.
func overlap(a, b []float64) bool {
	if len(a) == 0 || len(b) == 0 {
		return false
	}
	pa, pb := uintptr(unsafe.Pointer(&a[0])), uintptr(unsafe.Pointer(&b[0]))
	return pa < pb+uintptr(len(b))*8 && pb < pa+uintptr(len(a))*8
}

// extendRuns merges the runs of the loop with the most instances in runs
// across the gaps between them (a grid row's interior cells and the next
// row's: the boundary cells between them belong to other templates),
// so that the batched VM dispatches each instruction once per merged run
// instead of once per row. The merged run also computes the gap cells,
// reading their states through the template's offsets (every index lies
// between two real instances' indices, so in range) and writing scratch
// values to outputs that their own evaluation overwrites later: that
// loop goes first, its runs in order, and two runs merge only if every
// output in their gap is written by a later run of the loop, by another
// loop or by the rest (whose outputs Eval writes last).
func (tl *tapeLoops) extendRuns(numOutputs int) {
	best, most := -1, 0
	for k, l := range tl.loops {
		n := 0
		for _, r := range l.runs {
			n += r.n
		}
		if n > most {
			best, most = k, n
		}
	}
	if best < 0 {
		return
	}
	tl.loops[0], tl.loops[best] = tl.loops[best], tl.loops[0]
	l := &tl.loops[0]
	pr := l.tape.prog
	ns, no := pr.NumStates, pr.NumOutputs
	w := ns + no
	// owner[o] is the position of the run that writes output o, or -1.
	owner := make([]int, numOutputs)
	for i := range owner {
		owner[i] = -1
	}
	for pos, r := range l.runs {
		for i := r.first; i < r.first+r.n; i++ {
			for o := 0; o < no; o++ {
				owner[l.idx[i*w+ns+o]] = pos
			}
		}
	}
	var merged []laneRun
	for pos := 0; pos < len(l.runs); pos++ {
		m := l.runs[pos]
		for pos+1 < len(l.runs) {
			b := l.runs[pos+1]
			xa, xb := l.idx[m.first*w:(m.first+1)*w], l.idx[b.first*w:(b.first+1)*w]
			delta := xb[0] - xa[0]
			ok := int(delta) >= m.n && int(delta)+b.n <= loopChunk
			for s := 0; ok && s < w; s++ {
				ok = xb[s]-xa[s] == delta
			}
			// The gap's outputs: none may belong to this run or an
			// earlier one (they would be overwritten after their
			// evaluation).
			for o := 0; ok && o < no; o++ {
				for v := int(xa[ns+o]) + m.n; ok && v < int(xb[ns+o]); v++ {
					ok = owner[v] < 0 || owner[v] > pos+1
				}
			}
			if !ok {
				break
			}
			m.n = int(delta) + b.n
			pos++
		}
		merged = append(merged, m)
	}
	l.runs = merged
	for _, r := range merged {
		l.lanes = max(l.lanes, r.n)
	}
}
