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
// multiply-adds, except that a scaled term c·t held by several sums (a
// reaction's rate, in every species it changes) is computed once and
// added or subtracted where it is used (Options.NoScaledSharing turns
// this off). Program.Disassemble prints the code; the tests compare it
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
// AVX2/FMA lowering (arithmetic, square roots, exp, log, sin, cos, tan,
// sinh, cosh, tanh, pow, abs, sign, min, max, floor, ceil, comparisons,
// and/or/not, select; asin, acos, atan, atan2, log1p and cbrt lane by
// lane, see below), assembly on amd64:
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
// A kernel computes asin, acos, atan, atan2, log1p and cbrt, which have no
// vector lowering, by calling a Go function of the generated package (the
// math package's function) for each lane of the block: its registers go
// to its frame around the calls, which may grow and so move the
// goroutine's stack, so the pointers into du and u are recomputed from the
// arguments afterwards. The pure-Go lane code calls the same functions.
//
// For a straight-line right-hand side and sparse Jacobian of at most
// pointAsmMaxInstrs instructions and only arithmetic (add, sub, mul, div,
// neg, fma, sqrt), GenerateGoFiles also writes one-point assembly
// functions behind RHS and JacSparse (pointasm.go): scalar VEX
// instructions, the code list-scheduled so that independent sums
// overlap, values in XMM registers by Belady's rule (the value used
// furthest ahead is spilled, a value already in memory is dropped for
// free, and states and constants used again are kept in registers: the
// network RHS is bound by loads otherwise), and fma by a negative
// constant as VFNMADD by its magnitude (the same exact value, one table
// entry for both signs of a rate constant). There are two variants,
// selected once at init: X0–X15 (AVX and FMA) and X0–X31 (AVX-512); a
// program with fewer than two arithmetic instructions per output (a
// Jacobian of single products, bound by loads and stores) gets only the
// second. Each
// instruction is still applied once, so the bits are those of the Go
// code, which runs under purego, on other CPUs, and when du overlaps u.
//
// # Vector math
//
// The kernels compute exp, log, sin, cos, tan, sinh, cosh, tanh and pow
// inline by range reduction and polynomials (vmath_asm.go emits them;
// VecExp, VecLog, VecSin, VecCos, VecTan, VecSinh, VecCosh, VecTanh and
// VecPow run them on slices). Each has a scalar twin (vmath_twin.go,
// copied into generated packages as vmath.go) doing the same operations
// in the same order, which the generated lane code calls, so assembly and
// Go agree bit for bit. Each polynomial has a range; for an argument
// outside it (NaN, ±Inf, |x| > 708 for exp, sinh and cosh, x not a
// positive normal number for log, |x| > 2^19 for sin, cos and tan, NaN for
// tanh, pow when log x or y·log x is out of range) the kernel stops after
// that block of 4 lanes and the Go caller redoes the block with the
// twins, which call the math package for those arguments: never a
// silently wrong lane. tan is sin(r)/cos(r) (or −cos/sin) from one
// reduction; sinh is a Taylor series up to 1 and (e − 1/e)/2 above, cosh
// (e + 1/e)/2, tanh their ratio at min(|x|, 20); pow computes log x in
// double-double and exp(th + tl), so its error does not grow with
// |y·log x|. Largest errors measured by go test -run TestVMathULP -v
// -vmath.full (4·10^6 random and special arguments, every one that
// differs from the math package checked against a 200-bit math/big
// reference; without the flag, 4·10^5 arguments and every tenth
// difference):
//
//	exp  1.00 ulp (at −708, where exp is within 10^-6 ulp of a float64;
//	     0.07 ulp mean difference from math.Exp)
//	log  0.82 ulp
//	sin  0.88 ulp (math.Sin is off by up to 213 ulp near multiples of
//	cos  0.88 ulp  π/2 below 2^19: its reduction rounds; ours does not)
//	tan  2.26 ulp (math.Tan: 213, as math.Sin)
//	sinh 1.59 ulp (math.Sinh: 2.64)
//	cosh 1.30 ulp (math.Cosh: 1.89)
//	tanh 2.46 ulp (math.Tanh: 1.36)
//	pow  0.87, 0.91, 0.96 and 0.94 ulp for |y·log x| up to 1, 10, 100
//	     and 708 (math.Pow: 32, 33, 43 and 46 ulp on the same pairs,
//	     10^6 of them, with |y| up to 72); before the double-double log,
//	     1.34, 13.1 and 53.3 ulp up to 100 (exp amplified the rounding
//	     of a plain y·log x). Beyond 708, vpow is math.Pow.
//
// The tape VM fuses pairs of instructions that models produce most (a
// product feeding a fused multiply-add, product or sum; a sum feeding a
// sum; a multiply-add accumulating onto another) into superinstructions
// that keep the intermediate when it is used again, and writes values
// that are only stored straight into the output area (vm.go): fewer
// dispatches, the same bits. At one point it also runs sums of products
// (acc = fma(k, u_a*u_b, acc), the shape of mass-action networks) as
// accumulation chains, four independent chains interleaved per
// instruction by FMA kernels (vmchain.go, chain_amd64.s); consecutive
// groups of four are one instruction that first computes the arithmetic
// just before it and the groups' products, each once, so that each term
// loads two values (layoutChains in tape.go). It also runs the
// re-rolled templates of a grid model on the batched VM with grid cells
// as lanes, in place where consecutive cells are contiguous in u and du
// (tapeloops.go). The batched VM's commonest lane loops are AVX2 kernels
// (lanes_amd64.s). All of it gives the reference interpreter's bits.
//
// Apply is the reference semantics of every opcode: constant folding uses
// it, and the backends agree with it bit for bit on the arithmetic
// opcodes (fused multiply-adds are math.FMA everywhere).
package codegen
