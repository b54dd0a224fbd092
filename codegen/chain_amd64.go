//go:build amd64 && !purego

package codegen

import "golang.org/x/sys/cpu"

// chainUseFMA is checked once: the chain kernels need the FMA instruction.
var chainUseFMA = cpu.X86.HasFMA

// The kernels of chain_amd64.s. chainwFMA is, for w accumulators, the
// loop
//
//	for j := 0; j < steps; j++ {
//		for k := 0; k < w; k++ {
//			t := terms[j*w+k] // x | y<<16 | z<<32 (see packTerms)
//			acc[k] = math.FMA(regs[t.x], regs[t.y]*regs[t.z], acc[k])
//		}
//	}
//
// where acc[k] starts as regs[hdr[k]] and ends in regs[hdr[w+k]],
// all with no bounds checks: NewTape checks that every term indexes the
// register file (checkChains), and the kernels run only when it has at
// most 1<<16 registers, so that every index fits its 16 bits.
//
// chain4FMA runs a prologue of prods terms, then a sequence of groups of four
// (see layoutChains and chainPrologue):
//
//	for _, t := range terms[:prods] {
//		regs[t.x] = math.FMA(regs[t.y], regs[t.z], regs[t.w])
//	}
//	for _, t := range terms[prods : prods+trips] {
//		regs[t.x] = regs[t.y] * (regs[t.z] * regs[t.w])
//	}
//	for _, t := range terms[prods+trips : prods+muls] { // w = 0
//		regs[t.x] = regs[t.y] * regs[t.z]
//	}
//	for g := 0; g < groups; g++ { // terms from terms[prods+muls]
//		e := tab[9*g : 9*g+9] // steps, 4 initial registers, 4 destinations
//		the loop above with w = 4, steps = e[0], hdr = e[1:9],
//		without reading regs[t.z], which is 1 (checkChains)
//	}
//
// with each group's terms following the previous group's, and a
// destination d with bit 31 set written to out[d&^(1<<31)] instead of
// regs[d] (see Tape.oauxOut).

//go:noescape
func chain1FMA(regs *float64, terms *uint64, steps int, hdr *int32)

//go:noescape
func chain2FMA(regs *float64, terms *uint64, steps int, hdr *int32)

//go:noescape
func chain4FMA(regs *float64, terms *uint64, groups int, tab *int32, prods, trips, muls int, out *float64)

// chain4Const is chain4FMA for a run whose group terms all multiply by
// constants (see Tape.packConstGroups): the groups' terms come from
// groups, a word a group (1 if its chains start from one register), then
// 5 words a step (the four constants, then the four y indices in 16
// bits each), and each term is acc = fma(c, regs[y], acc) with c
// read from the table. A group's four accumulators are the lanes of
// one vector: a step gathers its four regs[y] into a vector by hand
// and does one four-lane fma with the four constants as its memory
// operand, six loads instead of twelve (the scalar kernels are bound
// by loads, about two a cycle here). Each lane's fma is the scalar
// fma, so the bits are the same.
//
//go:noescape
func chain4Const(regs *float64, terms *uint64, ngroups int, tab *int32, prods, trips, muls int, out *float64, groups *uint64)

// copyIn is dst[:n] = src[:n], four values at a time (AVX, which
// chainUseFMA implies): the one-point evaluator's copy of its states,
// without the Go loop's twenty iterations and its mispredicted exit.
//
//go:noescape
func copyIn(dst, src *float64, n int)
