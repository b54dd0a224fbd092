//go:build !amd64 || purego

package codegen

// Without the assembly the chains run in Go (Evaluator.Eval).
var chainUseFMA = false

func chain1FMA(regs *float64, terms *uint64, steps int, hdr *int32) {
	panic("codegen: chain kernels are amd64 only")
}

func chain2FMA(regs *float64, terms *uint64, steps int, hdr *int32) {
	panic("codegen: chain kernels are amd64 only")
}

func chain4FMA(regs *float64, terms *uint64, groups int, tab *int32, prods, trips, muls int, out *float64) {
	panic("codegen: chain kernels are amd64 only")
}

func chain4Const(regs *float64, terms *uint64, ngroups int, tab *int32, prods, trips, muls int, out *float64, groups *uint64) {
	panic("codegen: chain kernels are amd64 only")
}

func copyIn(dst, src *float64, n int) {
	panic("codegen: chain kernels are amd64 only")
}
