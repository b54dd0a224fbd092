// Package codegen turns symbolic terms into fast numeric code.
//
// # Lowering
//
// Lower translates a vector of terms (an ODE right-hand side, the values of
// a sparse Jacobian in CSR order) into a Program: straight-line SSA code
// over float64 values. Terms are hash-consed, so lowering memoises by
// pointer and is linear in the size of the term DAG however much sharing
// it has; value numbering shares equal computations reached through
// different terms. Constants fold, dead code is removed, integer powers
// become multiplication chains (x^5 = x·(x²)²), x^(1/2) becomes sqrt,
// division by a constant becomes multiplication by its reciprocal, and
// sums and products in polynomial form become chains of fused
// multiply-adds. Program.Disassemble prints the code; the tests compare it
// with golden files under testdata/ (go test -update rewrites them).
//
// Compile does both at once for an ODE system: the right-hand side and
// its sparse Jacobian (pattern from symbolic.Sparsity).
//
// # Backends
//
// The tape VM (Tape, Evaluator, BatchEvaluator) runs a Program in process:
// at one point, or over many lanes with the state laid out per variable
// (u[i*lanes+l]), one instruction applied to a block of lanes so dispatch
// is paid once per block. TapeModel hands out functions with the shapes
// the integrators take: func(du, u, p []float64, t float64) for the
// right-hand side and the Fill of a sparse Jacobian with a fixed CSR
// pattern.
//
// GenerateGo writes a Go package with the same functions as source code
// (RHS, a sparse and a dense Jacobian, a batched RHS), split into
// functions of bounded size so the Go compiler stays fast on large
// systems; WriteFileAtomic writes it without ever overwriting a file that
// lacks the generated-code header.
//
// GenerateGo re-rolls right-hand sides that repeat one equation template
// over a grid (planReroll): the state-dependent code splits into
// components (the instructions that share values, e.g. the u and v
// equations of one Brusselator cell), components with the same IR shape up
// to the states they read and the outputs they write are instances of one
// template, and RHS becomes the invariant code (values that depend only on
// parameters and t, computed once) plus one loop per template over an
// index table. The loop applies the same operations to the same values,
// so the bits are those of the straight-line code. GoOptions.NoReroll
// turns it off.
//
// GenerateGoFiles adds, when every opcode of the right-hand side has an
// AVX2/FMA lowering (arithmetic, square roots, exp, log, sin, cos, pow,
// abs, floor, ceil, comparisons, and/or/not, select), assembly on amd64:
// a kernel behind RHSBatch (4 lanes per YMM instruction, values in YMM
// registers by a linear scan with stack spills) and, for re-rolled
// templates, kernels over runs of instances whose indices all advance by
// one (whole vectors, offsets fixed where every run shares them) or by a
// common stride (grid columns, lanes loaded one by one); shorter runs stay
// in the Go loop. The CPU is checked once at init (golang.org/x/sys/cpu);
// under the purego tag or on other CPUs the pure-Go code runs. Both use
// the same operations in the same order (math.FMA for fused
// multiply-adds), so they agree bit for bit.
//
// # Vector math
//
// The kernels compute exp, log, sin, cos and pow inline by range reduction
// and polynomials (vmath_asm.go emits them; VecExp, VecLog, VecSin, VecCos
// and VecPow run them on slices). Each has a scalar twin (vmath_twin.go,
// copied into generated packages as vmath.go) doing the same operations in
// the same order, which the generated lane code calls, so assembly and Go
// agree bit for bit. Each polynomial has a range; for an argument outside
// it (NaN, ±Inf, |x| > 708 for exp, x not a positive normal number for
// log, |x| > 2^19 for sin and cos, pow when log x or y·log x is out of
// range) the kernel stops after that block of 4 lanes and the Go caller
// redoes the block with the twins, which call the math package for those
// arguments: never a silently wrong lane. Largest errors measured by
// go test -run TestVMathULP -v -vmath.full (4·10^6 random and special
// arguments, every one that differs from the math package checked
// against a 200-bit math/big reference; without the flag, 4·10^5
// arguments and every tenth difference):
//
//	exp  1.00 ulp (at −708, where exp is within 10^-6 ulp of a float64;
//	     0.07 ulp mean difference from math.Exp)
//	log  0.82 ulp
//	sin  0.88 ulp (math.Sin is off by up to 213 ulp near multiples of
//	cos  0.88 ulp  π/2 below 2^19: its reduction rounds; ours does not)
//	pow  1.4 ulp for |y·log x| ≤ 1, growing with |y·log x|: 13 ulp up to
//	     10, 67 ulp up to 100 (exp amplifies the rounding of y·log x;
//	     math.Pow: ≤ 7 ulp)
//
// The tape VM fuses pairs of instructions that models produce most (a
// product feeding a fused multiply-add, product or sum; a sum feeding a
// sum; a multiply-add accumulating onto another) into superinstructions
// that keep the intermediate when it is used again, and writes values
// that are only stored straight into the output area (vm.go): fewer
// dispatches, the same bits. At one point it also runs sums of products
// (acc = fma(k, u_a*u_b, acc), the shape of mass-action networks) as
// accumulation chains, four independent chains interleaved per
// instruction by FMA kernels (vmchain.go, chain_amd64.s), and runs the
// re-rolled templates of a grid model on the batched VM with grid cells
// as lanes, in place where consecutive cells are contiguous in u and du
// (tapeloops.go). The batched VM's commonest lane loops are AVX2 kernels
// (lanes_amd64.s). All of it gives the reference interpreter's bits.
//
// Apply is the reference semantics of every opcode: constant folding uses
// it, and the backends agree with it bit for bit on the arithmetic
// opcodes (fused multiply-adds are math.FMA everywhere).
package codegen
