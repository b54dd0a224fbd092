//go:build !amd64 || purego

package codegen

// Without the assembly the batched VM runs its Go loops.
var lanesUseAVX = false

func fmaLanes(d, x, y, z *float64, n int) { panic("codegen: lane kernels are amd64 only") }
func addLanes(d, x, y *float64, n int)    { panic("codegen: lane kernels are amd64 only") }
func mulLanes(d, x, y *float64, n int)    { panic("codegen: lane kernels are amd64 only") }
func subLanes(d, x, y *float64, n int)    { panic("codegen: lane kernels are amd64 only") }

func addAddLanes(d, t, x, y, z *float64, n int) { panic("codegen: lane kernels are amd64 only") }
func mulMulLanes(d, t, x, y, z *float64, n int) { panic("codegen: lane kernels are amd64 only") }
func mulAddLanes(d, t, x, y, z *float64, n int) { panic("codegen: lane kernels are amd64 only") }

func mulFMALanes(d, t, x, y, z, e *float64, n int) { panic("codegen: lane kernels are amd64 only") }
func negLanes(d, x *float64, n int)                { panic("codegen: lane kernels are amd64 only") }

func addFMALanes(d, t, x, y, z, e *float64, n int) { panic("codegen: lane kernels are amd64 only") }
func negFMALanes(d, t, x, y, z *float64, n int)    { panic("codegen: lane kernels are amd64 only") }
