//go:build amd64 && !purego

package codegen

import "golang.org/x/sys/cpu"

// lanesUseAVX is checked once: the lane kernels need AVX2 and FMA.
var lanesUseAVX = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// lanesAVX512 makes the kernels (but negLanes and negFMALanes) run 8
// lanes per instruction (AVX-512 F), then the last 0-7 as with AVX. The
// assembly reads it.
var lanesAVX512 = lanesUseAVX && cpu.X86.HasAVX512F

// The kernels of lanes_amd64.s, on n lanes (d may be x, y or z, lane for
// lane, as the batched VM's register reuse allows):
//
//	for l := 0; l < n; l++ {
//		d[l] = math.FMA(x[l], y[l], z[l]) // fmaLanes
//		d[l] = x[l] + y[l]                // addLanes
//		d[l] = x[l] * y[l]                // mulLanes
//		d[l] = x[l] - y[l]                // subLanes
//		d[l] = -x[l]                      // negLanes
//	}
//
// and, for the fused pairs, with the intermediate m also stored to t
// after the lane's operands are read:
//
//	m := x[l] + y[l]; t[l] = m; d[l] = m + z[l] // addAddLanes
//	m := x[l] * y[l]; t[l] = m; d[l] = m * z[l] // mulMulLanes
//	m := x[l] * y[l]; t[l] = m; d[l] = m + z[l] // mulAddLanes
//	m := x[l] * y[l]; t[l] = m; d[l] = math.FMA(m, z[l], e[l]) // mulFMALanes
//	m := x[l] + y[l]; t[l] = m; d[l] = math.FMA(z[l], e[l], m) // addFMALanes
//	m := -x[l]; t[l] = m; d[l] = math.FMA(y[l], z[l], m)       // negFMALanes
//
// The AVX-512 loops of the fused kernels but negFMALanes skip the store
// to t when t is d (d's store overwrites it anyway).

//go:noescape
func fmaLanes(d, x, y, z *float64, n int)

//go:noescape
func addLanes(d, x, y *float64, n int)

//go:noescape
func mulLanes(d, x, y *float64, n int)

//go:noescape
func subLanes(d, x, y *float64, n int)

//go:noescape
func addAddLanes(d, t, x, y, z *float64, n int)

//go:noescape
func mulMulLanes(d, t, x, y, z *float64, n int)

//go:noescape
func mulAddLanes(d, t, x, y, z *float64, n int)

//go:noescape
func mulFMALanes(d, t, x, y, z, e *float64, n int)

//go:noescape
func negLanes(d, x *float64, n int)

//go:noescape
func addFMALanes(d, t, x, y, z, e *float64, n int)

//go:noescape
func negFMALanes(d, t, x, y, z *float64, n int)
