package codegen

// VecExp sets dst[i] = exp(x[i]) for i < min(len(dst), len(x)), 4 lanes
// per AVX2/FMA instruction where the CPU has them and with the bit-identical
// pure-Go twin elsewhere (see doc.go for the accuracy). Arguments with
// |x| > 708 or NaN are computed by math.Exp.
func VecExp(dst, x []float64) {
	n := min(len(dst), len(x))
	i := 0
	for i+4 <= n {
		i += 4 * vmBlocks(expBlocks, dst[i:], x[i:], (n-i)/4)
		if i+4 <= n { // a lane of this block is out of range
			for j := i; j < i+4; j++ {
				dst[j] = vexp(x[j])
			}
			i += 4
		}
	}
	for ; i < n; i++ {
		dst[i] = vexp(x[i])
	}
}

// VecLog sets dst[i] = log(x[i]) like VecExp; zero, negative, subnormal,
// infinite and NaN arguments are computed by math.Log.
func VecLog(dst, x []float64) { vecUnary(dst, x, logBlocks, vlog) }

// VecSin sets dst[i] = sin(x[i]) like VecExp; arguments with
// |x| > 2^19 and non-finite ones are computed by math.Sin.
func VecSin(dst, x []float64) { vecUnary(dst, x, sinBlocks, vsin) }

// VecCos sets dst[i] = cos(x[i]) like VecSin (math.Cos outside the range).
func VecCos(dst, x []float64) { vecUnary(dst, x, cosBlocks, vcos) }

// VecTan sets dst[i] = tan(x[i]) like VecSin, from one reduction (odd
// quadrants −cos/sin, even ones sin/cos); math.Tan outside the range.
func VecTan(dst, x []float64) { vecUnary(dst, x, tanBlocks, vtan) }

// VecSinh sets dst[i] = sinh(x[i]) like VecExp: a Taylor series for
// |x| ≤ 1, (e − 1/e)/2 with e = exp(|x|) above; math.Sinh for
// |x| > 708 and NaN.
func VecSinh(dst, x []float64) { vecUnary(dst, x, sinhBlocks, vsinh) }

// VecCosh sets dst[i] = cosh(x[i]) = (e + 1/e)/2, e = exp(|x|), like
// VecExp; math.Cosh for |x| > 708 and NaN.
func VecCosh(dst, x []float64) { vecUnary(dst, x, coshBlocks, vcosh) }

// VecTanh sets dst[i] = tanh(x[i]) as the ratio of VecSinh and VecCosh at
// min(|x|, 20); math.Tanh for NaN.
func VecTanh(dst, x []float64) { vecUnary(dst, x, tanhBlocks, vtanh) }

// VecPow sets dst[i] = x[i]^y[i] = exp(y·log x) for i < the shortest
// length; operands outside the range of VecLog, and products y·log x
// outside that of VecExp, are computed by math.Pow. The error grows with
// |y·log x| (see doc.go).
func VecPow(dst, x, y []float64) {
	n := min(len(dst), len(x), len(y))
	i := 0
	for i+4 <= n {
		i += 4 * vmPowBlocks(dst[i:], x[i:], y[i:], (n-i)/4)
		if i+4 <= n {
			for j := i; j < i+4; j++ {
				dst[j] = vpow(x[j], y[j])
			}
			i += 4
		}
	}
	for ; i < n; i++ {
		dst[i] = vpow(x[i], y[i])
	}
}

func vecUnary(dst, x []float64, blocks func(dst, x *float64, n int) int, scalar func(float64) float64) {
	n := min(len(dst), len(x))
	i := 0
	for i+4 <= n {
		i += 4 * vmBlocks(blocks, dst[i:], x[i:], (n-i)/4)
		if i+4 <= n {
			for j := i; j < i+4; j++ {
				dst[j] = scalar(x[j])
			}
			i += 4
		}
	}
	for ; i < n; i++ {
		dst[i] = scalar(x[i])
	}
}
