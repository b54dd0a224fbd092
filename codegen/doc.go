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
// GenerateGoFiles adds, for systems whose right-hand side is arithmetic
// (+ − × ÷, integer powers, square roots), an AVX2/FMA assembly kernel
// behind RHSBatch on amd64: 4 lanes per YMM instruction, values in YMM
// registers by a linear scan with stack spills, the CPU checked once at
// init (golang.org/x/sys/cpu), and the pure-Go lane loop under the purego
// tag or on other CPUs. Both use the same operations in the same order
// (math.FMA for fused multiply-adds), so they agree bit for bit. Not yet
// done: vector exp, log, sin, cos and pow, comparisons and ifelse in the
// kernel (systems that use them get the pure-Go RHSBatch only).
//
// Apply is the reference semantics of every opcode: constant folding uses
// it, and the backends agree with it bit for bit on the arithmetic
// opcodes (fused multiply-adds are math.FMA everywhere).
package codegen
