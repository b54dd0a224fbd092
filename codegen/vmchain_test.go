package codegen

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/symcalc/symcalc/symbolic"
)

// massAction returns nOut random sums of mass-action terms k*xa*xb and
// k*xa over six states and two parameters (a parameter as a factor now
// and then), with chains of 1 to 12 terms: the shape buildChains folds.
func massAction(r *rand.Rand, nOut int) []string {
	srcs := make([]string, nOut)
	for i := range srcs {
		var b strings.Builder
		n := 1 + r.IntN(12)
		for k := 0; k < n; k++ {
			c := math.Round((r.Float64()*20-10)*1000) / 1000
			if k > 0 {
				b.WriteString(" + ")
			}
			fmt.Fprintf(&b, "(%v)*x%d", c, r.IntN(6))
			switch r.IntN(4) {
			case 0:
			case 1:
				fmt.Fprintf(&b, "*k%d", r.IntN(2))
			default:
				fmt.Fprintf(&b, "*x%d", r.IntN(6))
			}
		}
		srcs[i] = b.String()
	}
	return srcs
}

// specialPoint draws inputs that include signed zeros, infinities, NaN
// and values whose products overflow or underflow, so that the chains'
// -0 start and neutral padding terms are checked where they could differ.
func specialPoint(r *rand.Rand, n int) []float64 {
	special := []float64{0, math.Copysign(0, -1), 1, -1, math.Inf(1), math.Inf(-1), math.NaN(), 1e300, -1e-300, 5e-324}
	x := make([]float64, n)
	for i := range x {
		if r.IntN(3) == 0 {
			x[i] = special[r.IntN(len(special))]
		} else {
			x[i] = r.Float64()*4 - 2
		}
	}
	return x
}

// TestChainsBitIdentical runs random mass-action systems through the
// one-point tape, whose chains (lone, and in groups of 2 and 4, with the
// shorter chains padded) must give the reference interpreter's bits, with
// the assembly kernels and with their Go loops; and through expr-lang.
func TestChainsBitIdentical(t *testing.T) {
	vars := Vars{States: symbolic.Syms("x0", "x1", "x2", "x3", "x4", "x5"), Params: symbolic.Syms("k0", "k1")}
	seen := map[vmOp]int{}
	kernels := []bool{false}
	if chainUseFMA {
		kernels = append(kernels, true)
	}
	defer func(v bool) { chainUseFMA = v }(chainUseFMA)
	steps, trips := 0, 0
	constRuns, otherRuns := 0, 0 // with and without constants inline (chain4Const)
	padded := 0
	oneInit, mixedInit := 0, 0 // groups of runs with constants inline
	for seed := uint64(1); seed <= 20; seed++ {
		r := rand.New(rand.NewPCG(seed, 11))
		srcs := massAction(r, 1+r.IntN(24))
		if seed > 12 {
			srcs = reactions(r, 1+r.IntN(24))
		}
		p, err := Lower(context.Background(), parseAll(t, srcs...), vars, Options{})
		require.NoError(t, err)
		st := p.Stats()
		steps += st[OpAdd] + st[OpSub] + st[OpNeg]
		tape, err := NewTape(p)
		require.NoError(t, err)
		for _, in := range tape.ocode {
			seen[in.op]++
			if in.op == vmChain4 {
				trips += int(in.d)
			}
		}
		scratch := int32(tape.oregs + p.NumOutputs)
		for _, in := range tape.ocode {
			for g := int32(0); in.op == vmChain4 && g < in.c; g++ {
				e := tape.oaux[in.a+chainGroupEntry*g : in.a+chainGroupEntry*(g+1)]
				if slices.Index(e[5:], scratch) >= 0 && slices.Index(e[5:], scratch) < 3 {
					padded++ // a group of one or two chains padded to 4
				}
			}
		}
		for i, in := range tape.ocode {
			switch {
			case in.op != vmChain4:
			case tape.ocoff != nil && tape.ocoff[i] >= 0:
				constRuns++
				for g := int32(0); g < in.c; g++ {
					e := tape.oaux[in.a+chainGroupEntry*g:]
					if e[1] == e[2] && e[1] == e[3] && e[1] == e[4] {
						oneInit++ // the kernel loads it once into every lane
					} else {
						mixedInit++
					}
				}
			default:
				otherRuns++
			}
		}
		es := make([]genExpr, len(srcs))
		for i, s := range srcs {
			es[i] = genExpr{src: s}
		}
		progs := oracle(t, es, 6, 2)
		for trial := 0; trial < 20; trial++ {
			u, par := specialPoint(r, 6), specialPoint(r, 2)
			if trial%2 == 0 {
				u, par = randomPoint(r, 6), randomPoint(r, 2)
			}
			want := make([]float64, p.NumOutputs)
			applyProgram(p, want, u, par, 0)
			for _, k := range kernels {
				chainUseFMA = k
				got := make([]float64, p.NumOutputs)
				tape.NewEvaluator().Eval(got, u, par, 0)
				for i := range want {
					require.True(t, sameBits(want[i], got[i]), "seed %d trial %d kernel %v output %d: tape %v, reference %v\n%s",
						seed, trial, k, i, got[i], want[i], srcs[i])
				}
			}
			if trial%2 == 0 {
				o := runOracle(t, progs, u, par, 0)
				for i := range o {
					assert.True(t, agree(want[i], o[i]), "seed %d output %d: tape %v, expr-lang %v\n%s", seed, i, want[i], o[i], srcs[i])
				}
			}
		}
	}
	for _, op := range []vmOp{vmChain, vmChain2, vmChain4} {
		assert.Positive(t, seen[op], "no instruction %d formed", op)
	}
	assert.Positive(t, steps, "no sum was lowered with adds of shared scaled terms")
	assert.Positive(t, trips, "no rate k*(xa*xb) became a product of three factors (fuseRunProducts)")
	assert.Positive(t, constRuns, "no run has its constants inline (packConstGroups)")
	assert.Positive(t, padded, "no group of one or two chains was padded to 4 (groupChains)")
	assert.Positive(t, oneInit, "no group with constants inline starts its chains from one register")
	assert.Positive(t, mixedInit, "no group with constants inline starts its chains from different registers")
	t.Logf("runs of groups of 4 with their constants inline: %d, without: %d", constRuns, otherRuns)
}

// reactions returns nOut sums in the shape of a reaction network's
// right-hand side: each reaction's rate k*xa*xb or k*xa (k from a short
// list, so that rates share coefficients too) is added to or subtracted
// from two to four of the outputs, sometimes twice (a stoichiometric 2),
// which scaled sharing lowers to one product and adds and subtracts.
func reactions(r *rand.Rand, nOut int) []string {
	ks := []string{"0.5", "3", "1.25", "k0", "7"}
	terms := make([][]string, nOut)
	for range 2 * nOut {
		rate := fmt.Sprintf("%s*x%d", ks[r.IntN(len(ks))], r.IntN(6))
		if r.IntN(2) == 0 {
			rate += fmt.Sprintf("*x%d", r.IntN(6))
		}
		for range 2 + r.IntN(3) {
			sign := "+"
			if r.IntN(2) == 0 {
				sign = "-"
			}
			o := r.IntN(nOut)
			terms[o] = append(terms[o], sign+" "+rate)
			if r.IntN(8) == 0 {
				terms[o] = append(terms[o], sign+" "+rate)
			}
		}
	}
	srcs := make([]string, nOut)
	for i, ts := range terms {
		srcs[i] = "0 " + strings.Join(ts, " ")
	}
	return srcs
}

// TestChainSignedZero checks the two places where a chain adds a value
// the IR does not: the -0 a product chain starts from, and the terms that
// pad a group's shorter chains. Each output is a sum whose exact value is
// -0 or +0; rounding with the wrong zero would flip its sign.
func TestChainSignedZero(t *testing.T) {
	vars := Vars{States: symbolic.Syms("x0", "x1", "x2", "x3", "x4", "x5"), Params: symbolic.Syms("k0", "k1")}
	srcs := []string{
		"2*x0*x1 + 3*x2*x3 + 5*x4*x5",
		"2*x0*x2 + 3*x1*x3 + 5*x4*x4 + 7*x5*x0 + 11*x1*x2 + 13*x3*x5",
		"x0*x1 + x2*x3 + x4*x5 + x0*x3",
		"x1*x1 + 2*x2 + 3*x3*x0",
		"-x0*x1 - 2*x2*x3 - 3*x4*x5 - x0*x2 - 7*x1*x5",
	}
	p, err := Lower(context.Background(), parseAll(t, srcs...), vars, Options{})
	require.NoError(t, err)
	tape, err := NewTape(p)
	require.NoError(t, err)
	nz := math.Copysign(0, -1)
	defer func(v bool) { chainUseFMA = v }(chainUseFMA)
	for _, u := range [][]float64{
		{nz, 1, nz, 1, nz, 1},
		{0, -1, nz, 1, 0, -1},
		{nz, nz, nz, nz, nz, nz},
		{0, 0, 0, 0, 0, 0},
		{nz, -2, nz, 3, 0, -4},
	} {
		want := make([]float64, p.NumOutputs)
		applyProgram(p, want, u, []float64{0, 0}, 0)
		for _, k := range []bool{false, chainUseFMA} {
			chainUseFMA = k
			got := make([]float64, p.NumOutputs)
			tape.NewEvaluator().Eval(got, u, []float64{0, 0}, 0)
			for i := range want {
				require.True(t, sameBits(want[i], got[i]), "u=%v kernel %v output %d: tape %v, reference %v", u, k, i, got[i], want[i])
			}
		}
	}
}

// TestCheckChainsRejects: the assembly kernels index the register file
// without bounds checks, so NewTape must refuse a term, header or term
// slice that leaves it.
func TestCheckChainsRejects(t *testing.T) {
	vars := Vars{States: symbolic.Syms("x0", "x1", "x2", "x3", "x4", "x5"), Params: symbolic.Syms("k0", "k1")}
	r := rand.New(rand.NewPCG(5, 5))
	p, err := Lower(context.Background(), parseAll(t, massAction(r, 16)...), vars, Options{})
	require.NoError(t, err)
	tape, err := NewTape(p)
	require.NoError(t, err)
	require.NoError(t, tape.checkChains())
	var chain int
	for chain = range tape.ocode {
		if op := tape.ocode[chain].op; op == vmChain || op == vmChain2 || op == vmChain4 {
			break
		}
	}
	in := tape.ocode[chain]
	n := int32(tape.oneRegs())
	cases := []struct {
		name   string
		break_ func(t *Tape)
	}{
		{"term reads past the registers", func(t *Tape) { t.oterms[in.b].y = n }},
		{"term reads a negative register", func(t *Tape) { t.oterms[in.b].x = -1 }},
		{"header names a register past the end", func(t *Tape) { t.oaux[in.a] = n }},
		{"terms past the table", func(t *Tape) { t.ocode[chain].c = int32(len(t.oterms)) + 1 }},
		{"header past the table", func(t *Tape) { t.ocode[chain].a = int32(len(t.oaux)) }},
	}
	// The run of groups of 4: its table, its steps and its prologue.
	run := -1
	for i, c := range tape.ocode {
		if c.op == vmChain4 {
			run = i
		}
	}
	require.GreaterOrEqual(t, run, 0, "no run of groups of 4 formed")
	rin := tape.ocode[run]
	cases = append(cases, []struct {
		name   string
		break_ func(t *Tape)
	}{
		{"run with no group", func(t *Tape) { t.ocode[run].c = 0 }},
		{"run table past the end", func(t *Tape) { t.ocode[run].c = int32(len(t.oaux)/chainGroupEntry) + 1 }},
		{"group with negative steps", func(t *Tape) { t.oaux[rin.a] = -1 }},
		{"group steps past the terms", func(t *Tape) { t.oaux[rin.a] += int32(len(t.oterms)) }},
		{"group destination past the registers", func(t *Tape) { t.oaux[rin.a+chainGroupEntry-1] = n }},
		{"prologue past the terms", func(t *Tape) { t.ocode[run].e = int32(len(t.oterms)) }},
		{"negative prologue", func(t *Tape) { t.ocode[run].e = -1 }},
		{"negative products", func(t *Tape) { t.ocode[run].f = -1 }},
		{"products past the terms", func(t *Tape) { t.ocode[run].f = int32(len(t.oterms)) }},
		{"product with a w", func(t *Tape) {
			t.ocode[run].f = max(t.ocode[run].f, t.ocode[run].d+1)
			t.oterms[int(rin.b)+int(rin.e)+int(rin.d)].w = 1
		}},
		{"more products of three factors than products", func(t *Tape) { t.ocode[run].d = t.ocode[run].f + 1 }},
		{"negative products of three factors", func(t *Tape) { t.ocode[run].d = -1 }},
		{"run term multiplies", func(t *Tape) {
			t.oterms[int(rin.b)+int(rin.e)+int(rin.f)].z = int32(t.oregs + t.prog.NumOutputs + 2)
		}},
		{"prologue term reads past the registers", func(t *Tape) {
			t.ocode[run].e = max(t.ocode[run].e, 1)
			t.oterms[rin.b].w = n
		}},
	}...)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			bad := *tape
			bad.ocode = append([]vmInstr(nil), tape.ocode...)
			bad.oterms = append([]vmTerm(nil), tape.oterms...)
			bad.oaux = append([]int32(nil), tape.oaux...)
			c.break_(&bad)
			require.Error(t, bad.checkChains())
		})
	}
}

// TestConstantOutputs: outputs that are constants are loaded once per
// evaluator instead of stored at every evaluation; they must survive
// repeated evaluations and sit beside computed outputs.
func TestConstantOutputs(t *testing.T) {
	vars := Vars{States: symbolic.Syms("x0", "x1"), Params: symbolic.Syms("k0")}
	p, err := Lower(context.Background(), parseAll(t, "3", "2*x0 + k0*x1", "-0.5", "x1", "7/4"), vars, Options{})
	require.NoError(t, err)
	tape, err := NewTape(p)
	require.NoError(t, err)
	require.Len(t, tape.oconst, 3)
	ev := tape.NewEvaluator()
	for _, u := range [][]float64{{1, 2}, {-3, 0.5}, {0, 0}} {
		want, got := make([]float64, p.NumOutputs), make([]float64, p.NumOutputs)
		applyProgram(p, want, u, []float64{1.5}, 0)
		ev.Eval(got, u, []float64{1.5}, 0)
		require.Equal(t, want, got)
	}
}

// TestPrologueOf checks each instruction a run of groups of 4 can take
// as its prologue: its terms, applied in order by the Go loop and by the
// kernel, give the bits the VM's own case gives, at special values, with
// the destination apart from the operands and equal to one of them.
func TestPrologueOf(t *testing.T) {
	const one, negZero = 10, 11 // and -1 after -0, as in the tape
	ops := []vmOp{vmOp(OpMul), vmOp(OpAdd), vmOp(OpFMA), vmOp(OpNeg), vmMulMul, vmMulFMA, vmFMAFMA, vmNegFMA, vmAddFMA}
	r := rand.New(rand.NewPCG(7, 7))
	defer func(v bool) { chainUseFMA = v }(chainUseFMA)
	for _, op := range ops {
		for _, d := range []int32{8, 0, 2} {
			in := vmInstr{op: op, d: d, t: 9, a: 0, b: 1, c: 2, e: 3, f: 4}
			terms := prologueOf(in, one, negZero)
			require.NotEmpty(t, terms, "op %d", op)
			for trial := 0; trial < 200; trial++ {
				regs := append(specialPoint(r, 8), 0, 0, 1, math.Copysign(0, -1), -1)
				want := append([]float64(nil), regs...)
				ev := &Evaluator{t: &Tape{ocode: []vmInstr{in}}, regs: want}
				ev.run()
				got := append([]float64(nil), regs...)
				for _, tm := range terms {
					got[tm.x] = math.FMA(got[tm.y], got[tm.z], got[tm.w])
				}
				for i := range want {
					require.True(t, sameBits(want[i], got[i]), "op %d d=%d register %d: Go prologue %v, VM %v (inputs %v)", op, d, i, got[i], want[i], regs)
				}
				if !chainUseFMA {
					continue
				}
				asm := append([]float64(nil), regs...)
				packed := packTerms(terms, len(asm))
				var tab [chainGroupEntry]int32
				chain4FMA(&asm[0], &packed[0], 0, &tab[0], len(terms), 0, 0, &asm[0])
				for i := range want {
					require.True(t, sameBits(want[i], asm[i]), "op %d d=%d register %d: kernel prologue %v, VM %v (inputs %v)", op, d, i, asm[i], want[i], regs)
				}
			}
		}
	}
	require.Nil(t, prologueOf(vmInstr{op: vmOp(OpDiv)}, one, negZero))
	require.Nil(t, prologueOf(vmInstr{op: vmChain4}, one, negZero))
}

// TestChainPrologueBitIdentical: systems whose chains come after other
// arithmetic (products of three factors, sums, short fma pairs), so that
// runs of groups of 4 take prologues of every kind; the one-point tape
// must give the reference interpreter's bits with and without the
// kernels.
func TestChainPrologueBitIdentical(t *testing.T) {
	vars := Vars{States: symbolic.Syms("x0", "x1", "x2", "x3", "x4", "x5"), Params: symbolic.Syms("k0", "k1")}
	extra := []string{"x0*x1*k0", "x0 + k1", "x0*x1 + x2*x3", "x0*x1 + x2*x3 + x4", "k0*x1 + x2", "x3*x4*x5*k1", "2*x0 + 3*x1"}
	kinds := map[string]int{}
	runs := 0
	defer func(v bool) { chainUseFMA = v }(chainUseFMA)
	for seed := uint64(1); seed <= 10; seed++ {
		r := rand.New(rand.NewPCG(seed, 3))
		srcs := append(massAction(r, 8+r.IntN(12)), extra...)
		p, err := Lower(context.Background(), parseAll(t, srcs...), vars, Options{})
		require.NoError(t, err)
		tape, err := NewTape(p)
		require.NoError(t, err)
		n := int32(tape.oregs + p.NumOutputs)
		for _, in := range tape.ocode {
			if in.op != vmChain4 {
				continue
			}
			runs++
			for _, tm := range tape.oterms[in.b : in.b+in.e] {
				switch {
				case tm.w == n+2:
					kinds["mul"]++
				case tm.z == n+1:
					kinds["add"]++
				default:
					kinds["fma"]++
				}
			}
		}
		for trial := 0; trial < 20; trial++ {
			u, par := specialPoint(r, 6), specialPoint(r, 2)
			if trial%2 == 0 {
				u, par = randomPoint(r, 6), randomPoint(r, 2)
			}
			want := make([]float64, p.NumOutputs)
			applyProgram(p, want, u, par, 0)
			for _, k := range []bool{false, chainUseFMA} {
				chainUseFMA = k
				got := make([]float64, p.NumOutputs)
				tape.NewEvaluator().Eval(got, u, par, 0)
				for i := range want {
					require.True(t, sameBits(want[i], got[i]), "seed %d trial %d kernel %v output %d: tape %v, reference %v\n%s",
						seed, trial, k, i, got[i], want[i], srcs[i])
				}
			}
		}
	}
	require.Positive(t, runs)
	for _, k := range []string{"mul", "add", "fma"} {
		assert.Positive(t, kinds[k], "no prologue term of kind %s", k)
	}
}

// TestLayoutRunSplits: a run's prologue computes its products before
// every group, so a group whose product reads a register that an earlier
// group of the run writes must start a new run; one whose products read
// other registers joins. Both layouts, run by the Go loops and by the
// kernel, must give the chains' values taken one after the other.
func TestLayoutRunSplits(t *testing.T) {
	const scratch = 100 // then 1 at 101, -0 at 102, products from 103
	for _, c := range []struct {
		name string
		y    int32 // the product factor read by the second group
		runs int
	}{
		{"independent groups join", 60, 1},
		{"product of an earlier result splits", 51, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			// Eight chains, two groups of 4: chain k writes 50+k from
			// the initial value -0 (or register 70+k) over terms
			// (x, y, z) with constants at 0-9 and states at 10-19.
			var code []vmInstr
			var ext [][]int32
			size := make([]int8, 8)
			size[0], size[4] = 4, 4
			for k := int32(0); k < 8; k++ {
				init := int32(valNegZero)
				if k%2 == 1 {
					init = 70 + k
				}
				terms := []int32{k % 10, 10 + k, 11 + k%5, (k + 3) % 10, 12 + k%7, 101}
				if k == 5 {
					terms = append(terms, 4, c.y, 13)
				}
				for i, v := range terms {
					if v == 101 {
						terms[i] = valOne
					}
				}
				code = append(code, vmInstr{op: vmChain, d: 50 + k, a: init})
				ext = append(ext, terms)
			}
			// allocateVM would map the sentinels; do it here.
			for i := range code {
				if code[i].a == valNegZero {
					code[i].a = scratch + 2
				}
				for j, v := range ext[i] {
					if v == valOne {
						ext[i][j] = scratch + 1
					}
				}
			}
			out, terms, aux, prods := layoutChains(code, ext, size, scratch)
			require.Len(t, out, c.runs)
			tape := &Tape{prog: &Program{}, ocode: out, oterms: terms, oaux: aux, oprods: prods, oregs: scratch}
			require.NoError(t, tape.checkChains())
			tape.opacked = packTerms(terms, tape.oneRegs())
			r := rand.New(rand.NewPCG(3, 3))
			defer func(v bool) { chainUseFMA = v }(chainUseFMA)
			for trial := 0; trial < 50; trial++ {
				regs := specialPoint(r, tape.oneRegs())
				regs[scratch+1], regs[scratch+2] = 1, math.Copysign(0, -1)
				want := append([]float64(nil), regs...)
				for i, in := range code {
					acc := want[in.a]
					x := ext[i]
					for k := 0; k < len(x); k += 3 {
						acc = math.FMA(want[x[k]], float64(want[x[k+1]]*want[x[k+2]]), acc)
					}
					want[in.d] = acc
				}
				for _, k := range []bool{false, chainUseFMA} {
					chainUseFMA = k
					got := append([]float64(nil), regs...)
					ev := &Evaluator{t: tape, regs: got}
					ev.run()
					for i := 50; i < 58; i++ {
						require.True(t, sameBits(want[i], got[i]), "trial %d kernel %v chain %d: %v, want %v", trial, k, i-50, got[i], want[i])
					}
				}
			}
		})
	}
}

// TestOutputsInPlace: systems whose runs of groups write outputs, with
// outputs of other kinds beside them (constants, a state, a lone
// product); the one-point tape writes the runs' outputs straight into
// out and must give the reference interpreter's bits and the copying
// evaluator's, with the kernels and their Go loops, with out apart
// from u (guard cells around it must stay untouched) and out equal to
// u, which the tape allows because it copies its inputs first. Some of
// the tapes are one run, which Eval calls straight (Tape.odirect).
func TestOutputsInPlace(t *testing.T) {
	vars := Vars{States: symbolic.Syms("x0", "x1", "x2", "x3", "x4", "x5"), Params: symbolic.Syms("k0", "k1")}
	kernels := []bool{false}
	if chainUseFMA {
		kernels = append(kernels, true)
	}
	defer func(v bool) { chainUseFMA = v }(chainUseFMA)
	extra := [][]string{nil, {"2.5"}, {"x1"}, {"k0*x2*x3"}, {"3*x0*x1", "-1", "x4"}}
	inPlace, withRest, direct := 0, 0, 0
	for seed := uint64(1); seed <= 16; seed++ {
		r := rand.New(rand.NewPCG(seed, 17))
		srcs := massAction(r, 6)
		ex := extra[int(seed)%len(extra)]
		if len(ex) > 0 {
			// Keep six outputs, so that out can be u.
			srcs = append(srcs[:6-len(ex)], ex...)
		}
		p, err := Lower(context.Background(), parseAll(t, srcs...), vars, Options{})
		require.NoError(t, err)
		tape, err := NewTape(p)
		require.NoError(t, err)
		if tape.oauxOut == nil {
			continue
		}
		inPlace++
		if len(tape.orest) > 0 {
			withRest++
		}
		if tape.odirect {
			direct++
		}
		copying := *tape
		copying.oauxOut, copying.orest, copying.odirect = nil, nil, false
		for trial := 0; trial < 20; trial++ {
			u, par := specialPoint(r, 6), specialPoint(r, 2)
			if trial%2 == 0 {
				u, par = randomPoint(r, 6), randomPoint(r, 2)
			}
			want := make([]float64, p.NumOutputs)
			applyProgram(p, want, u, par, 0)
			for _, k := range kernels {
				chainUseFMA = k
				copied := make([]float64, p.NumOutputs)
				copying.NewEvaluator().Eval(copied, u, par, 0)
				const guard = 3
				buf := make([]float64, p.NumOutputs+2*guard)
				for i := range buf {
					buf[i] = -12345.5
				}
				ev := tape.NewEvaluator()
				ev.Eval(buf[guard:guard+p.NumOutputs], u, par, 0)
				got := buf[guard : guard+p.NumOutputs]
				alias := append([]float64(nil), u...)
				ev.Eval(alias, alias, par, 0)
				for i := range want {
					require.True(t, sameBits(want[i], got[i]), "seed %d trial %d kernel %v output %d: in place %v, reference %v\n%s",
						seed, trial, k, i, got[i], want[i], srcs[i])
					require.True(t, sameBits(copied[i], got[i]), "seed %d trial %d kernel %v output %d: in place %v, copied %v", seed, trial, k, i, got[i], copied[i])
					require.True(t, sameBits(want[i], alias[i]), "seed %d trial %d kernel %v output %d: out = u %v, reference %v", seed, trial, k, i, alias[i], want[i])
				}
				for i := 0; i < guard; i++ {
					require.Equal(t, -12345.5, buf[i], "guard cell %d before out written", i)
					require.Equal(t, -12345.5, buf[guard+p.NumOutputs+i], "guard cell %d after out written", i)
				}
				require.Nil(t, ev.out, "the evaluator keeps the caller's out")
			}
		}
	}
	assert.Positive(t, inPlace, "no tape wrote its outputs in place")
	assert.Positive(t, withRest, "no tape wrote some outputs in place and copied others")
	assert.Positive(t, direct, "no tape called its run without the dispatch loop")
}

// TestOutputsInPlaceRefuses: outputsInPlace must refuse a run that reads
// an output register or writes one twice, since writing that output into
// out would leave the register stale or the order of writes wrong.
func TestOutputsInPlaceRefuses(t *testing.T) {
	vars := Vars{States: symbolic.Syms("x0", "x1", "x2", "x3", "x4", "x5"), Params: symbolic.Syms("k0", "k1")}
	var tape *Tape
	for seed := uint64(1); tape == nil && seed <= 32; seed++ {
		r := rand.New(rand.NewPCG(seed, 17))
		p, err := Lower(context.Background(), parseAll(t, massAction(r, 8)...), vars, Options{})
		require.NoError(t, err)
		tp, err := NewTape(p)
		require.NoError(t, err)
		if tp.oauxOut != nil {
			tape = tp
		}
	}
	require.NotNil(t, tape, "no tape writes its outputs in place")
	run := -1
	for i, in := range tape.ocode {
		if in.op == vmChain4 {
			run = i
		}
	}
	require.GreaterOrEqual(t, run, 0)
	rin := tape.ocode[run]
	firstOut := int32(tape.oregs)
	// dest finds a group entry of the run whose destination k is an output.
	dest := func(tp *Tape) (int32, int) {
		for g := int32(0); g < rin.c; g++ {
			for k := 5; k < 9; k++ {
				if i := rin.a + chainGroupEntry*g + int32(k); tp.oaux[i] >= firstOut {
					return i, k
				}
			}
		}
		t.Fatal("no run destination is an output")
		return 0, 0
	}
	for _, tc := range []struct {
		name   string
		mutate func(*Tape)
	}{
		{"group starts from an output", func(tp *Tape) { tp.oaux[rin.a+1] = firstOut }},
		{"group term reads an output", func(tp *Tape) { tp.oterms[rin.b+rin.e+rin.f].y = firstOut }},
		{"product reads an output", func(tp *Tape) {
			if rin.f == 0 {
				tp.oterms[rin.b+rin.e].x = firstOut // no product: a group term then
				return
			}
			tp.oterms[rin.b+rin.e].z = firstOut
		}},
		{"output written twice", func(tp *Tape) {
			i, k := dest(tp)
			j := rin.a + int32(5+(k-4)%4) // another destination of the same group
			tp.oaux[j] = tp.oaux[i]
		}},
		{"prologue writes a run's output", func(tp *Tape) {
			i, _ := dest(tp)
			tp.oterms = append([]vmTerm(nil), tp.oterms...)
			tp.ocode[run].e++
			tp.ocode[run].b = int32(len(tp.oterms))
			one := int32(tp.oregs + tp.prog.NumOutputs + 1)
			tp.oterms = append(tp.oterms, vmTerm{x: tp.oaux[i], y: one, z: one, w: one})
			tp.oterms = append(tp.oterms, tape.oterms[rin.b:]...)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tp := *tape
			tp.ocode = append([]vmInstr(nil), tape.ocode...)
			tp.oterms = append([]vmTerm(nil), tape.oterms...)
			tp.oaux = append([]int32(nil), tape.oaux...)
			aux, _ := tp.outputsInPlace()
			require.NotNil(t, aux, "the unmutated tape is refused")
			tc.mutate(&tp)
			aux, rest := tp.outputsInPlace()
			require.Nil(t, aux)
			require.Nil(t, rest)
		})
	}
}
