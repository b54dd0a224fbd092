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

//go:noescape
func chain1FMA(regs *float64, terms *uint64, steps int, hdr *int32)

//go:noescape
func chain2FMA(regs *float64, terms *uint64, steps int, hdr *int32)

//go:noescape
func chain4FMA(regs *float64, terms *uint64, steps int, hdr *int32)
