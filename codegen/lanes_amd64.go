//go:build amd64 && !purego

package codegen

import "golang.org/x/sys/cpu"

// lanesUseAVX is checked once: the lane kernels need AVX and FMA.
var lanesUseAVX = cpu.X86.HasAVX && cpu.X86.HasFMA

// The kernels of lanes_amd64.s, on n lanes (d may be x, y or z, lane for
// lane, as the batched VM's register reuse allows):
//
//	for l := 0; l < n; l++ {
//		d[l] = math.FMA(x[l], y[l], z[l]) // fmaLanes
//		d[l] = x[l] + y[l]                // addLanes
//		d[l] = x[l] * y[l]                // mulLanes
//		d[l] = x[l] - y[l]                // subLanes
//	}

//go:noescape
func fmaLanes(d, x, y, z *float64, n int)

//go:noescape
func addLanes(d, x, y *float64, n int)

//go:noescape
func mulLanes(d, x, y *float64, n int)

//go:noescape
func subLanes(d, x, y *float64, n int)
