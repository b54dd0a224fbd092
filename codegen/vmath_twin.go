package codegen

import "math"

// This file is the scalar twin of the AVX2/FMA vector math that
// vmath_asm.go emits: every function performs, lane by lane, exactly the
// operations of the assembly in the same order (math.FMA where the
// assembly fuses, float64(…) around every product so the Go compiler
// cannot fuse it), so both give the same bits. GenerateGoFiles copies the
// text after the import line into generated packages; keep it
// self-contained (package math only, no other identifiers of codegen).
//
// Each function has a range where the polynomial path is used and is
// accurate; outside it (NaN, infinities, overflow, underflow to
// subnormals, huge trigonometric arguments, logarithms of non-positive or
// subnormal numbers) it calls the math package, and the assembly hands the
// whole block of 4 lanes to this Go code, so no lane is ever silently
// wrong. The maximum error measured against the math package is printed by
// TestVMathULP and documented in doc.go.

const (
	// vmExpMax bounds |x| for the polynomial exp: exp(±708) and the scale
	// 2^k stay normal.
	vmExpMax = 708.0
	// vmTrigMax bounds |x| for the polynomial sin and cos: up to it the
	// reduction x − k·π/2 (π/2 in three parts) keeps r to about 2^-100
	// absolute, below an ulp of r even where r is smallest.
	vmTrigMax = 0x1p19

	vmLog2E     = 0x1.71547652b82fep+00 // 1/ln 2
	vmLn2Hi     = 0x1.62e42feep-01      // ln 2 to 32 bits: k·vmLn2Hi is exact
	vmLn2Lo     = 0x1.a39ef35793c76p-33 // ln 2 − vmLn2Hi
	vmTwoOverPi = 0x1.45f306dc9c883p-01 // 2/π
	vmPio2A     = 0x1.921fb54442d18p+00 // π/2 = A + B + C to 160 bits
	vmPio2B     = 0x1.1a62633145c07p-54
	vmPio2C     = -0x1.f1976b7ed8fbcp-110
	vmSqrt2     = 0x1.6a09e667f3bcdp+00
	vmC23H      = 0x1.5555555555555p-01 // 2/3 = vmC23H + vmC23L
	vmC23L      = 0x1.5555555555555p-55
	vmExpScale  = 0x1p52 + 1023 // k + this has bits 2^52 | (k+1023)
	vmTwo52     = 0x1p52        // 2^52 | e as bits is the float 2^52 + e
	vmTwo52Bias = 0x1p52 + 1023 // subtracted from it gives e − 1023
	vmRoundInt  = 0x1.8p52      // k + this has k's low bits as its low bits
	vmMinNormal = 0x1p-1022
	// vmTanhMax: tanh(x) rounds to ±1 for |x| ≥ 19.1; the formula runs on
	// min(|x|, 20).
	vmTanhMax = 20.0

	vmMantMask = 0x000fffffffffffff
	vmOneBits  = 0x3ff0000000000000
	vmSignBit  = 0x8000000000000000
)

// vmExpPoly are the Taylor coefficients 1/n! of exp(r), r in
// [−ln2/2, ln2/2], highest first: truncation after r^13 is below 2^-60.
var vmExpPoly = [...]float64{
	1.0 / 6227020800, 1.0 / 479001600, 1.0 / 39916800, 1.0 / 3628800,
	1.0 / 362880, 1.0 / 40320, 1.0 / 5040, 1.0 / 720, 1.0 / 120, 1.0 / 24,
	1.0 / 6, 1.0 / 2, 1, 1,
}

// vmLogPoly are 2/(2k+1), k = 10…1: log(1+f) = 2s + s·z·P(z) with
// s = f/(2+f), z = s², |s| ≤ 0.1716; truncation is below 2^-62.
var vmLogPoly = [...]float64{
	2.0 / 21, 2.0 / 19, 2.0 / 17, 2.0 / 15, 2.0 / 13, 2.0 / 11, 2.0 / 9,
	2.0 / 7, 2.0 / 5, 2.0 / 3,
}

// vmSinPoly and vmCosPoly are the Taylor series of sin(r)/r − 1 and
// cos(r) − 1 + r²/2 in z = r², |r| ≤ π/4, highest first (truncation
// below 2^-62 relative).
var vmSinPoly = [...]float64{
	1.0 / 355687428096000, -1.0 / 1307674368000, 1.0 / 6227020800,
	-1.0 / 39916800, 1.0 / 362880, -1.0 / 5040, 1.0 / 120, -1.0 / 6,
}

// vmSinhPoly are 1/(2k+1)!, k = 10…1: sinh(a) = a + a·z·P(z), z = a²,
// a ≤ 1; truncation is below 2^-70 relative.
var vmSinhPoly = [...]float64{
	1.0 / 51090942171709440000, 1.0 / 121645100408832000,
	1.0 / 355687428096000, 1.0 / 1307674368000, 1.0 / 6227020800, 1.0 / 39916800,
	1.0 / 362880, 1.0 / 5040, 1.0 / 120, 1.0 / 6,
}

var vmCosPoly = [...]float64{
	1.0 / 20922789888000, -1.0 / 87178291200, 1.0 / 479001600,
	-1.0 / 3628800, 1.0 / 40320, -1.0 / 720, 1.0 / 24,
}

// vexp is exp(x): x = k·ln2 + r, exp(x) = 2^k·exp(r).
func vexp(x float64) float64 {
	if !(math.Abs(x) <= vmExpMax) {
		return math.Exp(x)
	}
	return vexpCore(x)
}

func vexpCore(x float64) float64 {
	k := math.RoundToEven(float64(x * vmLog2E))
	r := math.FMA(-k, vmLn2Hi, x)
	r = math.FMA(-k, vmLn2Lo, r)
	p := vmExpPoly[0]
	for _, c := range vmExpPoly[1:] {
		p = math.FMA(p, r, c)
	}
	scale := math.Float64frombits(math.Float64bits(k+vmExpScale) << 52)
	return float64(p * scale)
}

// vlog is log(x): x = 2^e·m with m in [√2/2, √2), f = m − 1,
// log(x) = e·ln2 + f − (f²/2 − s·(f²/2 + R)), the small correction last
// so that the leading term f is exact.
func vlog(x float64) float64 {
	if !(x >= vmMinNormal && x <= math.MaxFloat64) {
		return math.Log(x)
	}
	return vlogCore(x)
}

func vlogCore(x float64) float64 {
	b := math.Float64bits(x)
	m := math.Float64frombits(b&vmMantMask | vmOneBits)
	e := math.Float64frombits(b>>52|math.Float64bits(vmTwo52)) - vmTwo52Bias
	var inc float64
	if m > vmSqrt2 {
		inc = 1
		m = float64(m * 0.5)
	}
	e += inc
	f := m - 1
	s := f / (f + 2)
	z := float64(s * s)
	p := vmLogPoly[0]
	for _, c := range vmLogPoly[1:] {
		p = math.FMA(p, z, c)
	}
	p = float64(p * z)
	h := float64(float64(f*f) * 0.5)
	d := p + h
	d = float64(d * s)
	d = math.FMA(e, vmLn2Lo, d)
	d = h - d
	d = f - d
	return math.FMA(e, vmLn2Hi, d)
}

// vsin is sin(x) and vcos is cos(x): x = k·π/2 + r with |r| ≤ π/4; the
// quadrant k mod 4 picks ±sin(r) or ±cos(r).
func vsin(x float64) float64 {
	if !(math.Abs(x) <= vmTrigMax) {
		return math.Sin(x)
	}
	return vtrig(x, 0)
}

func vcos(x float64) float64 {
	if !(math.Abs(x) <= vmTrigMax) {
		return math.Cos(x)
	}
	return vtrig(x, 1)
}

// vtrig computes sin(x + shift·π/2): the quadrant k mod 4 of x picks
// ±sin(r) or ±cos(r) (see vtrigParts).
func vtrig(x float64, shift uint64) float64 {
	s, c, q := vtrigParts(x)
	q += shift
	res := s
	if q&1 != 0 {
		res = c
	}
	return math.Float64frombits(math.Float64bits(res) ^ (q>>1)<<63)
}

// vtan is tan(x) = sin(x)/cos(x) from one reduction: in odd quadrants
// −cos(r)/sin(r), in even ones sin(r)/cos(r). It equals vsin(x)/vcos(x)
// bit for bit (the signs vtrig applies cancel or negate exactly).
func vtan(x float64) float64 {
	if !(math.Abs(x) <= vmTrigMax) {
		return math.Tan(x)
	}
	s, c, q := vtrigParts(x)
	if q&1 != 0 {
		return -(c / s)
	}
	return s / c
}

// vtrigParts reduces x = k·π/2 + r and returns sin(r), cos(r) and the
// bits q of k + 1.5·2^52, whose low bits are k's. The reduced argument is
// r + e: x − k·A is exact (Sterbenz) and the product's rounding error,
// k·B and k·C are gathered in t, so only r = fl(r0 + t) rounds and e
// keeps what it lost; sin adds e back last, cos computes 1 − r²/2 with r²
// split into z + zl.
func vtrigParts(x float64) (sinr, cosr float64, q uint64) {
	k := math.RoundToEven(float64(x*vmTwoOverPi)) + 0 // −0 becomes +0
	ph := float64(k * vmPio2A)
	pl := math.FMA(k, vmPio2A, -ph)
	r0 := x - ph
	t := math.FMA(-k, vmPio2B, -pl)
	t = math.FMA(-k, vmPio2C, t)
	r := r0 + t
	e := (r0 - r) + t
	q = math.Float64bits(k + vmRoundInt)
	z := float64(r * r)
	p := vmSinPoly[0]
	for _, c := range vmSinPoly[1:] {
		p = math.FMA(p, z, c)
	}
	s := math.FMA(float64(r*z), p, e)
	s = r + s
	s = math.Float64frombits(math.Float64bits(s)&^vmSignBit | math.Float64bits(r)&vmSignBit)
	zl := math.FMA(r, r, -z)
	c := vmCosPoly[0]
	for _, a := range vmCosPoly[1:] {
		c = math.FMA(c, z, a)
	}
	c = float64(float64(z*z) * c)
	c = math.FMA(-zl, 0.5, c)
	h := float64(z * 0.5)
	w := 1 - h
	c = ((1 - w) - h) + c
	c = w + c
	return s, c, q
}

// vsinh is sinh(x): for |x| ≤ 1 the Taylor series x + x·z·P(z),
// z = x², else (e − 1/e)/2 with e = exp(|x|) (above 1 the subtraction
// loses under a bit); the sign of x last.
// Arguments beyond the range of exp (and NaN) are math.Sinh's.
func vsinh(x float64) float64 {
	if !(math.Abs(x) <= vmExpMax) {
		return math.Sinh(x)
	}
	a := math.Abs(x)
	var r float64
	if a > 1 {
		e := vexpCore(a)
		r = float64((e - 1/e) * 0.5)
	} else {
		r = vsinhSmall(a)
	}
	return math.Float64frombits(math.Float64bits(r) | math.Float64bits(x)&vmSignBit)
}

func vsinhSmall(a float64) float64 {
	z := float64(a * a)
	p := vmSinhPoly[0]
	for _, c := range vmSinhPoly[1:] {
		p = math.FMA(p, z, c)
	}
	return math.FMA(float64(a*z), p, a)
}

// vcosh is cosh(x) = (e + 1/e)/2 with e = exp(|x|) (no cancellation:
// both terms are positive); beyond the range of exp, math.Cosh.
func vcosh(x float64) float64 {
	if !(math.Abs(x) <= vmExpMax) {
		return math.Cosh(x)
	}
	e := vexpCore(math.Abs(x))
	return float64((e + 1/e) * 0.5)
}

// vtanh is tanh(x) = sinh(a)/cosh(a) with a = min(|x|, 20) as in vsinh
// and vcosh (tanh(20) is 1 to double precision), the sign of x last; NaN
// is math.Tanh's.
func vtanh(x float64) float64 {
	if x != x {
		return math.Tanh(x)
	}
	a := math.Abs(x)
	if !(a < vmTanhMax) {
		a = vmTanhMax
	}
	e := vexpCore(a)
	inv := 1 / e
	c := float64((e + inv) * 0.5)
	var s float64
	if a > 1 {
		s = float64((e - inv) * 0.5)
	} else {
		s = vsinhSmall(a)
	}
	return math.Float64frombits(math.Float64bits(s/c) | math.Float64bits(x)&vmSignBit)
}

// vpow is x^y = exp(y·log x) for normal positive x; everything else
// (x ≤ 0, subnormal, infinite or NaN operands, results that overflow or
// underflow) is math.Pow's. exp multiplies the relative error of
// t = y·log x by |t|, so log x is computed in double-double (vlogDD)
// and t kept as th + tl; exp reduces th and adds tl to the reduced
// argument (vexpDD).
func vpow(x, y float64) float64 {
	if !(x >= vmMinNormal && x <= math.MaxFloat64) {
		return math.Pow(x, y)
	}
	lh, ll := vlogDD(x)
	th := float64(y * lh)
	tl := math.FMA(y, lh, -th)
	tl = math.FMA(y, ll, tl)
	if !(math.Abs(th) <= vmExpMax) {
		return math.Pow(x, y)
	}
	return vexpDD(th, tl)
}

// vlogDD returns log x = lh + ll for normal positive x, to about 2^-62
// relative: x = 2^e·m with m in [√2/2, √2), f = m − 1 (exact),
// s = f/(2+f) = sh + sl (the sum 2+f kept exact as d + dl, the
// quotient's residual by fma), and log x = e·ln2 + 2s + (2/3)s³ + R,
// R = s⁵·Q(s²). 2sh, (2/3)s³ (with s³ = uh + ul exact to 2^-100 and
// 2/3 = c23h + c23l) and e·ln2hi are summed exactly (TwoSum); sl, its
// first-order effect on s³, the low parts, R and e·ln2lo go into ll.
// The order of operations is the assembly's (emitPow), whose five
// scratch registers dictate it: e is recomputed from x at the end.
func vlogDD(x float64) (lh, ll float64) {
	b := math.Float64bits(x)
	m := math.Float64frombits(b&vmMantMask | vmOneBits)
	m0 := m
	if m > vmSqrt2 {
		m = float64(m * 0.5)
	}
	f := m - 1
	d := f + 2
	dl := f - (d - 2)
	sh := f / d
	r := math.FMA(-sh, d, f)
	r = math.FMA(-sh, dl, r)
	sl := r / d
	zh := float64(sh * sh)
	c := float64(zh * sl)
	c = c + c
	low := math.FMA(sl, 2, c)
	hb := sh + sh
	zl := math.FMA(sh, sh, -zh)
	uh := float64(zh * sh)
	ul := math.FMA(zh, sh, -uh)
	ul = math.FMA(zl, sh, ul)
	h3 := float64(uh * vmC23H)
	l3 := math.FMA(uh, vmC23H, -h3)
	l3 = math.FMA(ul, vmC23H, l3)
	l3 = math.FMA(uh, vmC23L, l3)
	q := vmLogPoly[0]
	for _, k := range vmLogPoly[1 : len(vmLogPoly)-1] {
		q = math.FMA(q, zh, k)
	}
	rest := float64(float64(q*zh) * uh)
	low = low + rest
	low = low + l3
	s1 := hb + h3
	bb := s1 - hb
	e1 := (hb - (s1 - bb)) + (h3 - bb)
	low = low + e1
	e := math.Float64frombits(b>>52|math.Float64bits(vmTwo52)) - vmTwo52Bias
	var inc float64
	if m0 > vmSqrt2 {
		inc = 1
	}
	e = e + inc
	low = math.FMA(e, vmLn2Lo, low)
	ha := float64(e * vmLn2Hi)
	lh = ha + s1
	bb = lh - ha
	e2 := (ha - (lh - bb)) + (s1 - bb)
	ll = e2 + low
	return lh, ll
}

// vexpDD is exp(th + tl) for |th| ≤ vmExpMax and tl below an ulp of th:
// vexpCore with tl added to the reduced argument.
func vexpDD(th, tl float64) float64 {
	k := math.RoundToEven(float64(th * vmLog2E))
	r := math.FMA(-k, vmLn2Hi, th)
	r = math.FMA(-k, vmLn2Lo, r)
	r = r + tl
	p := vmExpPoly[0]
	for _, c := range vmExpPoly[1:] {
		p = math.FMA(p, r, c)
	}
	scale := math.Float64frombits(math.Float64bits(k+vmExpScale) << 52)
	return float64(p * scale)
}
