package codegen

import (
	"encoding/binary"
	"math"
	"slices"
	"strconv"
)

// Re-rolling: a semi-discretised PDE's right-hand side is one equation
// template repeated over the grid, but lowering flattens it into
// straight-line code (the 2-D Brusselator at N = 32 is 18,000
// instructions for 1,024 cells), which is slow to compile and slower to
// run than a loop: every instruction is fetched once per evaluation and
// nothing stays in the instruction cache. rerollPlan finds the repeats
// again in the IR, so that code generation can emit a loop over an index
// table instead.
//
// The unit of repetition is a component: the instructions that depend on
// the states, grouped by the values they share (the u and v equations of
// one Brusselator cell share u²v, so they form one component with two
// stores). Values that depend only on constants, parameters and t are
// invariant: computed once, before the loops, and read by every instance.
// Two components are instances of one template when their instructions
// are the same sequence of opcodes with the same constants and the same
// invariant operands, and differ only in which states they read and which
// outputs they write.

// rerollPlan splits a program into invariant code, template groups and
// the straight-line rest.
type rerollPlan struct {
	// rest is the program without the instructions and stores of the
	// grouped components, in program order: the invariant values, the
	// components too rare to be worth a loop, the stores of inputs and
	// invariant values.
	rest   []Instr
	groups []*templateGroup
	// inputs are the value numbers (of the original program) that some
	// template reads as a parameter: parameters, t-dependent and other
	// invariant values. Templates read them from this list by index.
	inputs []int32
}

// templateGroup is one equation template and its instances.
type templateGroup struct {
	// prog is the template: its states are the instance's slots, its
	// parameters all the plan's inputs, and its outputs the instance's
	// outputs.
	prog *Program
	// idx holds, per instance, prog.NumStates state indices and then
	// prog.NumOutputs output indices (width() entries per instance),
	// instances sorted so that neighbours in the grid are adjacent.
	idx []int32
}

func (g *templateGroup) width() int { return g.prog.NumStates + g.prog.NumOutputs }

func (g *templateGroup) instances() int { return len(g.idx) / g.width() }

// minInstances is the fewest instances for which a loop pays.
const minInstances = 8

// planReroll analyses p; it returns nil when no template has at least
// minInstances instances.
func planReroll(p *Program) *rerollPlan {
	tb := p.TempBase()
	stateDep := make([]bool, p.NumValues)
	for v := p.StateBase(); v < p.ParamBase(); v++ {
		stateDep[v] = true
	}
	// Union-find over temporaries and outputs (node NumValues+k).
	parent := make([]int32, p.NumValues+p.NumOutputs)
	for i := range parent {
		parent[i] = int32(i)
	}
	var find func(int32) int32
	find = func(x int32) int32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]]
			x = parent[x]
		}
		return x
	}
	union := func(a, b int32) { parent[find(a)] = find(b) }
	for _, in := range p.Code {
		args := [3]int32{in.A, in.B, in.C}
		if in.Op == OpStore {
			if in.A >= tb && stateDep[in.A] {
				union(int32(p.NumValues)+in.Dst, in.A)
			}
			continue
		}
		for k := 0; k < in.Op.Arity(); k++ {
			if stateDep[args[k]] {
				stateDep[in.Dst] = true
				if args[k] >= tb {
					union(in.Dst, args[k])
				}
			}
		}
	}
	// Components in program order of their first instruction.
	plan := &rerollPlan{}
	compOf := map[int32]int{}
	var comps [][]int // instruction indices
	for i, in := range p.Code {
		var node int32
		switch {
		case in.Op == OpStore && in.A >= tb && stateDep[in.A]:
			node = int32(p.NumValues) + in.Dst
		case in.Op != OpStore && stateDep[in.Dst]:
			node = in.Dst
		default:
			continue // invariant, or the store of an input or invariant
		}
		r := find(node)
		c, ok := compOf[r]
		if !ok {
			c = len(comps)
			compOf[r] = c
			comps = append(comps, nil)
		}
		comps[c] = append(comps[c], i)
	}
	// Group components by signature.
	type group struct {
		comps []int
		insts [][]int32
	}
	bySig := map[string]*group{}
	var order []string
	for c, ins := range comps {
		sig, inst := signature(p, ins)
		g, ok := bySig[sig]
		if !ok {
			g = &group{}
			bySig[sig] = g
			order = append(order, sig)
		}
		g.comps = append(g.comps, c)
		g.insts = append(g.insts, inst)
	}
	// The inputs of all templates first: a template's parameter k is
	// input k, so that every template reads the one array q.
	inputIdx := map[int32]int{}
	restComps := []int{}
	var kept []*group
	for _, sig := range order {
		g := bySig[sig]
		if len(g.comps) < minInstances || len(comps[g.comps[0]]) < 2 {
			restComps = append(restComps, g.comps...)
			continue
		}
		kept = append(kept, g)
		ins := comps[g.comps[0]]
		defs := map[int32]bool{}
		for _, i := range ins {
			if p.Code[i].Op != OpStore {
				defs[p.Code[i].Dst] = true
			}
		}
		for _, i := range ins {
			in := p.Code[i]
			args := [3]int32{in.A, in.B, in.C}
			for k := 0; k < in.Op.Arity(); k++ {
				v := args[k]
				if v >= p.ParamBase() && v != p.TimeReg() && !defs[v] {
					if _, ok := inputIdx[v]; !ok {
						inputIdx[v] = len(plan.inputs)
						plan.inputs = append(plan.inputs, v)
					}
				}
			}
		}
	}
	for _, g := range kept {
		tg := buildTemplate(p, comps[g.comps[0]], plan, inputIdx)
		slices.SortFunc(g.insts, slices.Compare)
		for _, inst := range g.insts {
			tg.idx = append(tg.idx, inst...)
		}
		plan.groups = append(plan.groups, tg)
	}
	if len(plan.groups) == 0 {
		return nil
	}
	grouped := make([]bool, len(p.Code))
	for _, c := range comps {
		for _, i := range c {
			grouped[i] = true
		}
	}
	for _, c := range restComps {
		for _, i := range comps[c] {
			grouped[i] = false
		}
	}
	for i, in := range p.Code {
		if !grouped[i] {
			plan.rest = append(plan.rest, in)
		}
	}
	return plan
}

// signature encodes a component's instructions with states and outputs
// replaced by slots numbered in order of first use, and returns the
// instance's state indices followed by its output indices.
func signature(p *Program, ins []int) (string, []int32) {
	tb := p.TempBase()
	local := map[int32]int{}
	slot := map[int32]int{}
	var states, outs []int32
	var b []byte
	put := func(kind byte, x uint64) {
		b = append(b, kind)
		b = binary.AppendUvarint(b, x)
	}
	for n, i := range ins {
		in := p.Code[i]
		b = append(b, byte(in.Op))
		args := [3]int32{in.A, in.B, in.C}
		for k := 0; k < in.Op.Arity(); k++ {
			v := args[k]
			switch {
			case v < p.StateBase():
				put('c', math.Float64bits(p.Consts[v]))
			case v < p.ParamBase():
				s, ok := slot[v]
				if !ok {
					s = len(states)
					slot[v] = s
					states = append(states, v-p.StateBase())
				}
				put('s', uint64(s))
			case v < tb:
				put('v', uint64(v)) // a parameter or t
			default:
				if l, ok := local[v]; ok {
					put('l', uint64(l))
				} else {
					put('v', uint64(v)) // an invariant temporary
				}
			}
		}
		if in.Op == OpStore {
			put('o', uint64(len(outs)))
			outs = append(outs, in.Dst)
		} else {
			local[in.Dst] = n
		}
	}
	return string(b), append(states, outs...)
}

// buildTemplate makes the template program of one instance (the
// component ins); its invariant operands are plan.inputs, numbered by
// inputIdx.
func buildTemplate(p *Program, ins []int, plan *rerollPlan, inputIdx map[int32]int) *templateGroup {
	// First pass: count constants and slots.
	constIdx := map[uint64]int32{}
	var consts []float64
	slot := map[int32]int32{}
	tg := &templateGroup{}
	nOut := 0
	for _, i := range ins {
		in := p.Code[i]
		args := [3]int32{in.A, in.B, in.C}
		for k := 0; k < in.Op.Arity(); k++ {
			v := args[k]
			switch {
			case v < p.StateBase():
				bits := math.Float64bits(p.Consts[v])
				if _, ok := constIdx[bits]; !ok {
					constIdx[bits] = int32(len(consts))
					consts = append(consts, p.Consts[v])
				}
			case v < p.ParamBase():
				if _, ok := slot[v]; !ok {
					slot[v] = int32(len(slot))
				}
			}
		}
		if in.Op == OpStore {
			nOut++
		}
	}
	tp := &Program{Consts: consts, NumStates: len(slot), NumParams: len(plan.inputs), NumOutputs: nOut}
	for i := range tp.NumStates {
		tp.StateNames = append(tp.StateNames, "s"+strconv.Itoa(i))
	}
	for i := range tp.NumParams {
		tp.ParamNames = append(tp.ParamNames, "q"+strconv.Itoa(i))
	}
	local := map[int32]int32{}
	next := tp.TempBase()
	out := int32(0)
	mapv := func(v int32) int32 {
		switch {
		case v < p.StateBase():
			return constIdx[math.Float64bits(p.Consts[v])]
		case v < p.ParamBase():
			return tp.StateBase() + slot[v]
		case v == p.TimeReg():
			return tp.TimeReg()
		}
		if l, ok := local[v]; ok {
			return l
		}
		return tp.ParamBase() + int32(inputIdx[v])
	}
	for _, i := range ins {
		in := p.Code[i]
		t := Instr{Op: in.Op}
		args := [3]*int32{&t.A, &t.B, &t.C}
		src := [3]int32{in.A, in.B, in.C}
		for k := 0; k < in.Op.Arity(); k++ {
			*args[k] = mapv(src[k])
		}
		if in.Op == OpStore {
			t.Dst = out
			out++
		} else {
			t.Dst = next
			local[in.Dst] = next
			next++
		}
		tp.Code = append(tp.Code, t)
	}
	tp.NumValues = int(next)
	tg.prog = tp
	return tg
}

// minKernelBlocks is the fewest blocks for which a displacement pattern
// gets a kernel of its own (a variable so that tests can reach every
// kind of kernel on small grids).
var minKernelBlocks = 8

// tableEveryEntry makes the shared kernel read every entry from the run
// records, even those with a common displacement (for tests).
var tableEveryEntry = false

// asmRun is a run of instances in which every index grows by stride
// from one instance to the next: first is the first instance, blocks the
// number of blocks of 4.
type asmRun struct{ first, blocks, stride int }

// runs splits the instances into runs for the assembly, which does 4
// instances per block: first runs of consecutive instances (stride 1,
// whole vectors), then, among the rest, runs with a larger common stride
// (a column of a grid: each lane loaded on its own). It returns the
// instances left over (in runs shorter than 4) as an index table. A run
// whose length is not a multiple of 4 ends with a block that overlaps
// the one before: writing an output twice with the same value is
// harmless as long as du and u do not overlap, which RHS requires
// anyway.
func (g *templateGroup) runs() (runs []asmRun, left []int32) {
	n := g.instances()
	var rest []int
	for i := 0; i < n; {
		j := i + 1
		for j < n && strided(g.instance(j-1), g.instance(j), 1) {
			j++
		}
		if j-i >= 4 {
			runs = appendRun(runs, i, j, 1)
		} else {
			for k := i; k < j; k++ {
				rest = append(rest, k)
			}
		}
		i = j
	}
	for a := 0; a < len(rest); {
		b := a + 1
		s := 0
		if b < len(rest) {
			s = int(g.instance(rest[b])[0] - g.instance(rest[a])[0])
		}
		for s > 1 && b < len(rest) && rest[b] == rest[b-1]+1 && strided(g.instance(rest[b-1]), g.instance(rest[b]), s) {
			b++
		}
		if s > 1 && b-a >= 4 {
			runs = appendRun(runs, rest[a], rest[b-1]+1, s)
		} else {
			b = a + 1
			left = append(left, g.instance(rest[a])...)
		}
		a = b
	}
	return runs, left
}

func appendRun(runs []asmRun, i, j, stride int) []asmRun {
	runs = append(runs, asmRun{i, (j - i) / 4, stride})
	if (j-i)%4 != 0 {
		runs = append(runs, asmRun{j - 4, 1, stride})
	}
	return runs
}

// strided reports whether every index of b is that of a plus s.
func strided(a, b []int32, s int) bool {
	for k := range a {
		if int(b[k]) != int(a[k])+s {
			return false
		}
	}
	return true
}

func (g *templateGroup) instance(i int) []int32 {
	wd := g.width()
	return g.idx[i*wd : (i+1)*wd]
}

// kernels partitions the runs by stride and displacements (each entry's
// index minus the first's): a set of runs that share them, with at least
// minBlocks blocks in all, gets a kernel with every offset fixed; the
// other runs of stride 1 share one kernel that reads the differing
// offsets from the run records, and the other strided runs are returned
// to the Go loop (as index-table entries in left). It returns each
// kernel's stride, displacements and records.
func (g *templateGroup) kernels(runs []asmRun) (strides []int, disps [][]int64, records [][]int64, left []int32) {
	minBlocks := minKernelBlocks
	wd := g.width()
	key := func(r asmRun) string {
		x := g.instance(r.first)
		b := binary.AppendUvarint(make([]byte, 0, 4*wd), uint64(r.stride))
		for _, v := range x {
			b = binary.AppendVarint(b, int64(v-x[0]))
		}
		return string(b)
	}
	byKey := map[string][]asmRun{}
	var keys []string
	for _, r := range runs {
		k := key(r)
		if _, ok := byKey[k]; !ok {
			keys = append(keys, k)
		}
		byKey[k] = append(byKey[k], r)
	}
	var generic []asmRun
	for _, k := range keys {
		rs := byKey[k]
		blocks := 0
		for _, r := range rs {
			blocks += r.blocks
		}
		if blocks < minBlocks {
			for _, r := range rs {
				if r.stride == 1 {
					generic = append(generic, r)
					continue
				}
				for i := r.first; i < r.first+4*r.blocks; i++ {
					left = append(left, g.instance(i)...)
				}
			}
			continue
		}
		x := g.instance(rs[0].first)
		disp := make([]int64, wd)
		for i := range disp {
			disp[i] = int64(x[i] - x[0])
		}
		var rec []int64
		for _, r := range rs {
			rec = append(rec, int64(r.blocks), int64(g.instance(r.first)[0]))
		}
		strides = append(strides, rs[0].stride)
		disps = append(disps, disp)
		records = append(records, rec)
	}
	if len(generic) > 0 {
		// Entries whose displacement is the same in every run stay fixed.
		x0 := g.instance(generic[0].first)
		disp := make([]int64, wd)
		for i := range disp {
			disp[i] = int64(x0[i] - x0[0])
			for _, r := range generic {
				if x := g.instance(r.first); int64(x[i]-x[0]) != disp[i] || (tableEveryEntry && i > 0) {
					disp[i] = asmTableDisp
					break
				}
			}
		}
		var rec []int64
		for _, r := range generic {
			x := g.instance(r.first)
			rec = append(rec, int64(r.blocks), int64(x[0]))
			for i := 1; i < wd; i++ {
				if disp[i] == asmTableDisp {
					rec = append(rec, int64(x[i]-x[0]))
				}
			}
		}
		strides = append(strides, 1)
		disps = append(disps, disp)
		records = append(records, rec)
	}
	return strides, disps, records, left
}

// asmTemplate reports whether the template gets an assembly kernel: it
// must have a lowering, no vector math, no fallback calls, and a run of
// 4 instances.
func (g *templateGroup) asmTemplate() bool {
	if !asmSupported(g.prog) || usesVMath(g.prog) || usesFallback(g.prog) {
		return false
	}
	r, _ := g.runs()
	return len(r) > 0
}
