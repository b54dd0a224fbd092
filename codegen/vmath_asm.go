package codegen

import (
	"bytes"
	"fmt"
	"math"
)

// The vector math of the AVX2/FMA backend: exp, log, sin, cos, tan, sinh,
// cosh, tanh and pow on
// 4 float64 lanes, emitted inline into kernels (and into the standalone
// functions of vmath_amd64.s). Each sequence is, instruction for
// instruction, the scalar twin in vmath_twin.go. A lane whose argument is
// outside the polynomial's range sets its bit in a "bad" register; the
// kernel checks it after each block of 4 lanes and returns, and the Go
// caller evaluates that block with the twin, which calls the math package
// for exactly those arguments.

// vmConstSym is the assembly symbol of the constant table; each entry is
// stored four times so that instructions can read it as a 256-bit memory
// operand.
const vmConstSym = "vmconst<>"

// vmConstTable lists the constants by name, in table order.
var vmConstTable = func() []vmEntry {
	f := math.Float64bits
	t := []vmEntry{
		{"zero", 0}, {"one", f(1)}, {"two", f(2)}, {"half", f(0.5)},
		{"absmask", ^uint64(vmSignBit)}, {"signmask", vmSignBit},
		{"int1", 1},
		{"expmax", f(vmExpMax)}, {"log2e", f(vmLog2E)},
		{"ln2hi", f(vmLn2Hi)}, {"ln2lo", f(vmLn2Lo)}, {"expscale", f(vmExpScale)},
		{"minnormal", f(vmMinNormal)}, {"maxfloat", f(math.MaxFloat64)},
		{"mantmask", vmMantMask}, {"onebits", vmOneBits},
		{"two52", f(vmTwo52)}, {"two52bias", f(vmTwo52Bias)}, {"sqrt2", f(vmSqrt2)},
		{"trigmax", f(vmTrigMax)}, {"twooverpi", f(vmTwoOverPi)},
		{"pio2a", f(vmPio2A)}, {"pio2b", f(vmPio2B)}, {"pio2c", f(vmPio2C)},
		{"roundint", f(vmRoundInt)},
	}

	for i, c := range vmExpPoly {
		t = append(t, vmEntry{fmt.Sprintf("exp%d", i), f(c)})
	}
	for i, c := range vmLogPoly {
		t = append(t, vmEntry{fmt.Sprintf("log%d", i), f(c)})
	}
	for i, c := range vmSinPoly {
		t = append(t, vmEntry{fmt.Sprintf("sin%d", i), f(c)})
	}
	for i, c := range vmCosPoly {
		t = append(t, vmEntry{fmt.Sprintf("cos%d", i), f(c)})
	}
	// Round 3 (sinh, cosh, tanh, sign, min, max, pow in double-double):
	// appended so that the entries above keep their offsets.
	t = append(t, vmEntry{"c23h", f(vmC23H)}, vmEntry{"c23l", f(vmC23L)})
	t = append(t, vmEntry{"tanhmax", f(vmTanhMax)}, vmEntry{"negone", f(-1)},
		vmEntry{"gonan", f(math.NaN())}, vmEntry{"neginf", f(math.Inf(-1))}, vmEntry{"posinf", f(math.Inf(1))})
	for i, c := range vmSinhPoly {
		t = append(t, vmEntry{fmt.Sprintf("sinh%d", i), f(c)})
	}
	return t
}()

type vmEntry struct {
	name string
	bits uint64
}

var vmConstIndex = func() map[string]int {
	m := map[string]int{}
	for i, e := range vmConstTable {
		m[e.name] = i
	}
	return m
}()

// vc returns the memory operand of the named constant.
func vc(name string) string {
	i, ok := vmConstIndex[name]
	if !ok {
		panic("codegen: unknown vector constant " + name) // a bug in this file
	}
	return fmt.Sprintf("%s+%d(SB)", vmConstSym, 32*i)
}

// vmConstData writes the DATA and GLOBL directives of the table.
func vmConstData(w *bytes.Buffer) {
	for i, e := range vmConstTable {
		for l := 0; l < 4; l++ {
			fmt.Fprintf(w, "DATA %s+%d(SB)/8, $0x%016x\n", vmConstSym, 32*i+8*l, e.bits)
		}
	}
	fmt.Fprintf(w, "GLOBL %s(SB), RODATA|NOPTR, $%d\n\n", vmConstSym, 32*len(vmConstTable))
}

// AVX comparison predicates (the imm8 of VCMPPD) with Go's semantics:
// ordered for < <= > >= ==, unordered (true on NaN) for !=.
const (
	cmpEQ  = 0x00 // EQ_OQ
	cmpNEU = 0x04 // NEQ_UQ
	cmpNLE = 0x06 // NLE_UQ: true if a > b or unordered
	cmpNGE = 0x19 // NGE_UQ: true if a < b or unordered
	cmpLT  = 0x11 // LT_OQ
	cmpLE  = 0x12 // LE_OQ
	cmpGE  = 0x1d // GE_OQ
	cmpGT  = 0x1e // GT_OQ
)

type asmWriter struct{ w *bytes.Buffer }

func (a asmWriter) f(format string, args ...any) {
	a.w.WriteByte('\t')
	fmt.Fprintf(a.w, format, args...)
	a.w.WriteByte('\n')
}

// emitExp writes d = exp(x) with scratch s0..s2, or-ing lanes with
// |x| > vmExpMax or NaN into bad. d may be x; x is read before d is
// written, and d is written last.
func emitExp(w *bytes.Buffer, x, d string, s [3]string, bad string) {
	a := asmWriter{w}
	a.f("VANDPD %s, %s, %s", vc("absmask"), x, s[0])
	a.f("VCMPPD $0x%02x, %s, %s, %s", cmpNLE, vc("expmax"), s[0], s[0])
	a.f("VORPD %s, %s, %s", s[0], bad, bad)
	a.f("VMULPD %s, %s, %s", vc("log2e"), x, s[0])
	a.f("VROUNDPD $8, %s, %s", s[0], s[0])
	a.f("VMOVAPD %s, %s", x, s[1])
	a.f("VFNMADD231PD %s, %s, %s", vc("ln2hi"), s[0], s[1])
	a.f("VFNMADD231PD %s, %s, %s", vc("ln2lo"), s[0], s[1])
	a.f("VMOVUPD %s, %s", vc("exp0"), s[2])
	for i := 1; i < len(vmExpPoly); i++ {
		a.f("VFMADD213PD %s, %s, %s", vc(fmt.Sprintf("exp%d", i)), s[1], s[2])
	}
	a.f("VADDPD %s, %s, %s", vc("expscale"), s[0], s[0])
	a.f("VPSLLQ $52, %s, %s", s[0], s[0])
	a.f("VMULPD %s, %s, %s", s[0], s[2], d)
}

// emitLog writes d = log(x) with scratch s0..s3, or-ing lanes outside
// [2^-1022, MaxFloat64] (zero, negative, subnormal, infinite, NaN) into
// bad. d may be x.
func emitLog(w *bytes.Buffer, x, d string, s [4]string, bad string) {
	a := asmWriter{w}
	a.f("VCMPPD $0x%02x, %s, %s, %s", cmpNGE, vc("minnormal"), x, s[0])
	a.f("VORPD %s, %s, %s", s[0], bad, bad)
	a.f("VCMPPD $0x%02x, %s, %s, %s", cmpNLE, vc("maxfloat"), x, s[0])
	a.f("VORPD %s, %s, %s", s[0], bad, bad)
	// m = mantissa in [1, 2) (s0), e = unbiased exponent (s1).
	a.f("VANDPD %s, %s, %s", vc("mantmask"), x, s[0])
	a.f("VORPD %s, %s, %s", vc("onebits"), s[0], s[0])
	a.f("VPSRLQ $52, %s, %s", x, s[1])
	a.f("VPOR %s, %s, %s", vc("two52"), s[1], s[1])
	a.f("VSUBPD %s, %s, %s", vc("two52bias"), s[1], s[1])
	// m > √2: m *= 0.5, e += 1.
	a.f("VCMPPD $0x%02x, %s, %s, %s", cmpGT, vc("sqrt2"), s[0], s[2])
	a.f("VANDPD %s, %s, %s", vc("one"), s[2], s[3])
	a.f("VADDPD %s, %s, %s", s[3], s[1], s[1])
	a.f("VMULPD %s, %s, %s", vc("half"), s[0], s[3])
	a.f("VBLENDVPD %s, %s, %s, %s", s[2], s[3], s[0], s[0])
	// f (s0), s = f/(f+2) (s2), z = s² (s3), P (d).
	a.f("VSUBPD %s, %s, %s", vc("one"), s[0], s[0])
	a.f("VADDPD %s, %s, %s", vc("two"), s[0], s[2])
	a.f("VDIVPD %s, %s, %s", s[2], s[0], s[2])
	a.f("VMULPD %s, %s, %s", s[2], s[2], s[3])
	a.f("VMOVUPD %s, %s", vc("log0"), d)
	for i := 1; i < len(vmLogPoly); i++ {
		a.f("VFMADD213PD %s, %s, %s", vc(fmt.Sprintf("log%d", i)), s[3], d)
	}
	a.f("VMULPD %s, %s, %s", s[3], d, d)
	// h = f²/2 (s3).
	a.f("VMULPD %s, %s, %s", s[0], s[0], s[3])
	a.f("VMULPD %s, %s, %s", vc("half"), s[3], s[3])
	a.f("VADDPD %s, %s, %s", s[3], d, d)
	a.f("VMULPD %s, %s, %s", s[2], d, d)
	a.f("VFMADD231PD %s, %s, %s", vc("ln2lo"), s[1], d)
	a.f("VSUBPD %s, %s, %s", d, s[3], d)
	a.f("VSUBPD %s, %s, %s", d, s[0], d)
	a.f("VFMADD231PD %s, %s, %s", vc("ln2hi"), s[1], d)
}

// emitTrig writes d = sin(x) (or cos(x)) with scratch s0..s4, or-ing
// lanes with |x| > vmTrigMax or NaN into bad. d may be x.
func emitTrig(w *bytes.Buffer, x, d string, s [5]string, bad string, cos bool) {
	emitTrigParts(w, x, d, s, bad, cos)
	a := asmWriter{w}
	// Odd quadrants take cos, quadrants 2 and 3 flip the sign.
	a.f("VPSLLQ $63, %s, %s", s[0], d)
	a.f("VBLENDVPD %s, %s, %s, %s", d, s[1], s[4], s[4])
	a.f("VPSRLQ $1, %s, %s", s[0], s[0])
	a.f("VPSLLQ $63, %s, %s", s[0], s[0])
	a.f("VXORPD %s, %s, %s", s[0], s[4], d)
}

// emitTan writes d = tan(x) as vtan: −cos(r)/sin(r) in odd quadrants,
// sin(r)/cos(r) in even ones, with scratch s0..s4; lanes with
// |x| > vmTrigMax or NaN go into bad. d may be x.
func emitTan(w *bytes.Buffer, x, d string, s [5]string, bad string) {
	emitTrigParts(w, x, d, s, bad, false)
	a := asmWriter{w}
	a.f("VDIVPD %s, %s, %s", s[1], s[4], s[2])
	a.f("VDIVPD %s, %s, %s", s[4], s[1], s[3])
	a.f("VXORPD %s, %s, %s", vc("signmask"), s[3], s[3])
	a.f("VPSLLQ $63, %s, %s", s[0], d)
	a.f("VBLENDVPD %s, %s, %s, %s", d, s[3], s[2], d)
}

// emitTrigParts is vtrigParts (plus 1 in q for cos): it leaves sin(r) in
// s4, cos(r) in s1 and q in s0; d is used as scratch, after x is read.
func emitTrigParts(w *bytes.Buffer, x, d string, s [5]string, bad string, cos bool) {
	a := asmWriter{w}
	a.f("VANDPD %s, %s, %s", vc("absmask"), x, s[0])
	a.f("VCMPPD $0x%02x, %s, %s, %s", cmpNLE, vc("trigmax"), s[0], s[0])
	a.f("VORPD %s, %s, %s", s[0], bad, bad)
	// k (s0); ph, then r0 (s1); pl, then t (s2); r (d); e (s1).
	a.f("VMULPD %s, %s, %s", vc("twooverpi"), x, s[0])
	a.f("VROUNDPD $8, %s, %s", s[0], s[0])
	a.f("VADDPD %s, %s, %s", vc("zero"), s[0], s[0])
	a.f("VMULPD %s, %s, %s", vc("pio2a"), s[0], s[1])
	a.f("VMOVAPD %s, %s", s[1], s[2])
	a.f("VFMSUB231PD %s, %s, %s", vc("pio2a"), s[0], s[2])
	a.f("VSUBPD %s, %s, %s", s[1], x, s[1])
	a.f("VFNMSUB231PD %s, %s, %s", vc("pio2b"), s[0], s[2])
	a.f("VFNMADD231PD %s, %s, %s", vc("pio2c"), s[0], s[2])
	a.f("VADDPD %s, %s, %s", s[2], s[1], d)
	a.f("VSUBPD %s, %s, %s", d, s[1], s[1])
	a.f("VADDPD %s, %s, %s", s[2], s[1], s[1])
	// q = bits(k + 1.5·2^52) (+1 for cos) (s0), z = r² (s2).
	a.f("VADDPD %s, %s, %s", vc("roundint"), s[0], s[0])
	if cos {
		a.f("VPADDQ %s, %s, %s", vc("int1"), s[0], s[0])
	}
	a.f("VMULPD %s, %s, %s", d, d, s[2])
	// sin(r + e) = r + ((r·z)·P(z) + e) (s4), its sign forced to r's.
	a.f("VMOVUPD %s, %s", vc("sin0"), s[3])
	for i := 1; i < len(vmSinPoly); i++ {
		a.f("VFMADD213PD %s, %s, %s", vc(fmt.Sprintf("sin%d", i)), s[2], s[3])
	}
	a.f("VMULPD %s, %s, %s", s[2], d, s[4])
	a.f("VFMADD213PD %s, %s, %s", s[1], s[3], s[4])
	a.f("VADDPD %s, %s, %s", s[4], d, s[4])
	a.f("VANDPD %s, %s, %s", vc("absmask"), s[4], s[4])
	a.f("VANDPD %s, %s, %s", vc("signmask"), d, s[3])
	a.f("VORPD %s, %s, %s", s[3], s[4], s[4])
	// zl = r·r − z (s1); Q(z) (s3), then z²·Q − zl/2.
	a.f("VMOVAPD %s, %s", s[2], s[1])
	a.f("VFMSUB231PD %s, %s, %s", d, d, s[1])
	a.f("VMOVUPD %s, %s", vc("cos0"), s[3])
	for i := 1; i < len(vmCosPoly); i++ {
		a.f("VFMADD213PD %s, %s, %s", vc(fmt.Sprintf("cos%d", i)), s[2], s[3])
	}
	a.f("VMULPD %s, %s, %s", s[2], s[2], d)
	a.f("VMULPD %s, %s, %s", d, s[3], s[3])
	a.f("VFNMADD231PD %s, %s, %s", vc("half"), s[1], s[3])
	// h = z/2 (d), w = 1 − h (s1), cos = w + (((1 − w) − h) + c) (s1).
	a.f("VMULPD %s, %s, %s", vc("half"), s[2], d)
	a.f("VMOVUPD %s, %s", vc("one"), s[1])
	a.f("VSUBPD %s, %s, %s", d, s[1], s[1])
	a.f("VMOVUPD %s, %s", vc("one"), s[2])
	a.f("VSUBPD %s, %s, %s", s[1], s[2], s[2])
	a.f("VSUBPD %s, %s, %s", d, s[2], s[2])
	a.f("VADDPD %s, %s, %s", s[3], s[2], s[2])
	a.f("VADDPD %s, %s, %s", s[2], s[1], s[1])
}

// emitHyp writes d = sinh(x), cosh(x) or tanh(x) (op) as vsinh, vcosh and
// vtanh, with scratch s0..s4 (s4 holds a = |x|, s3 exp(a)); lanes out of
// range (|x| > vmExpMax for sinh and cosh, NaN for tanh) go into bad.
// x is read before d is written; d may be x.
func emitHyp(w *bytes.Buffer, op Opcode, x, d string, s [5]string, bad string) {
	a := asmWriter{w}
	a.f("VANDPD %s, %s, %s", vc("absmask"), x, s[4])
	if op == OpTanh {
		a.f("VCMPPD $0x03, %s, %s, %s", x, x, s[0]) // unordered: NaN
		a.f("VORPD %s, %s, %s", s[0], bad, bad)
		a.f("VMINPD %s, %s, %s", vc("tanhmax"), s[4], s[4])
	}
	// emitExp flags |a| > vmExpMax (and NaN) itself.
	emitExp(w, s[4], s[3], [3]string{s[0], s[1], s[2]}, bad)
	a.f("VMOVUPD %s, %s", vc("one"), s[0])
	a.f("VDIVPD %s, %s, %s", s[3], s[0], s[0]) // 1/e
	if op == OpCosh {
		a.f("VADDPD %s, %s, %s", s[0], s[3], s[3])
		a.f("VMULPD %s, %s, %s", vc("half"), s[3], d)
		return
	}
	if op == OpTanh {
		a.f("VADDPD %s, %s, %s", s[0], s[3], s[1])
		a.f("VMULPD %s, %s, %s", vc("half"), s[1], s[1]) // cosh
	}
	a.f("VSUBPD %s, %s, %s", s[0], s[3], s[3])
	a.f("VMULPD %s, %s, %s", vc("half"), s[3], s[3]) // sinh for a > 1
	// The series for a ≤ 1: z (s0), P (s2), a·z (s0), fma(a·z, P, a).
	a.f("VMULPD %s, %s, %s", s[4], s[4], s[0])
	a.f("VMOVUPD %s, %s", vc("sinh0"), s[2])
	for i := 1; i < len(vmSinhPoly); i++ {
		a.f("VFMADD213PD %s, %s, %s", vc(fmt.Sprintf("sinh%d", i)), s[0], s[2])
	}
	a.f("VMULPD %s, %s, %s", s[0], s[4], s[0])
	a.f("VFMADD213PD %s, %s, %s", s[4], s[0], s[2])
	a.f("VCMPPD $0x%02x, %s, %s, %s", cmpGT, vc("one"), s[4], s[0])
	a.f("VBLENDVPD %s, %s, %s, %s", s[0], s[3], s[2], s[3])
	if op == OpTanh {
		a.f("VDIVPD %s, %s, %s", s[1], s[3], s[3])
	}
	a.f("VANDPD %s, %s, %s", vc("signmask"), x, s[0])
	a.f("VORPD %s, %s, %s", s[0], s[3], d)
}

// emitMinMax writes d = math.Min(x, y) (or math.Max): VMINPD gives the
// lesser of ordered distinct values; equal values (±0 among them) take
// x|y (x&y for max), so min(−0, +0) = −0 and max(−0, +0) = +0; unordered
// lanes take Go's NaN, then −Inf (+Inf for max) wins over NaN, as in the
// math package. Scratch s0..s2; d may be x or y.
func emitMinMax(w *bytes.Buffer, max bool, x, y, d string, s [3]string) {
	a := asmWriter{w}
	mn, bits, inf := "VMINPD", "VORPD", "neginf"
	if max {
		mn, bits, inf = "VMAXPD", "VANDPD", "posinf"
	}
	a.f("%s %s, %s, %s", mn, y, x, s[0])
	a.f("VCMPPD $0x%02x, %s, %s, %s", cmpEQ, y, x, s[1])
	a.f("%s %s, %s, %s", bits, y, x, s[2])
	a.f("VBLENDVPD %s, %s, %s, %s", s[1], s[2], s[0], s[0])
	a.f("VCMPPD $0x03, %s, %s, %s", y, x, s[1]) // unordered
	a.f("VBLENDVPD %s, %s, %s, %s", s[1], vc("gonan"), s[0], s[0])
	a.f("VCMPPD $0x%02x, %s, %s, %s", cmpEQ, vc(inf), x, s[1])
	a.f("VCMPPD $0x%02x, %s, %s, %s", cmpEQ, vc(inf), y, s[2])
	a.f("VORPD %s, %s, %s", s[2], s[1], s[1])
	a.f("VBLENDVPD %s, %s, %s, %s", s[1], vc(inf), s[0], d)
}

// emitSign writes d = sign(x): 1 above zero, −1 below, +0 for ±0 and
// Go's NaN for NaN. Scratch s0, s1; d may be x.
func emitSign(w *bytes.Buffer, x, d string, s [2]string) {
	a := asmWriter{w}
	a.f("VCMPPD $0x%02x, %s, %s, %s", cmpGT, vc("zero"), x, s[0])
	a.f("VANDPD %s, %s, %s", vc("one"), s[0], s[0])
	a.f("VCMPPD $0x%02x, %s, %s, %s", cmpLT, vc("zero"), x, s[1])
	a.f("VANDPD %s, %s, %s", vc("negone"), s[1], s[1])
	a.f("VORPD %s, %s, %s", s[1], s[0], s[0])
	a.f("VCMPPD $0x03, %s, %s, %s", x, x, s[1])
	a.f("VBLENDVPD %s, %s, %s, %s", s[1], vc("gonan"), s[0], d)
}

// emitPow writes d = x^y as vpow: log x in double-double (vlogDD), then
// t = y·log x as th + tl and exp(th + tl) (vexpDD), with scratch s0..s4
// and two 32-byte memory slots mem; lanes where x is outside the range of
// log or |th| > vmExpMax go into bad. x and y are read until the end and
// d is written last, so d may be x or y; s4 must be neither.
func emitPow(w *bytes.Buffer, x, y, d string, s [5]string, bad string, mem [2]string) {
	a := asmWriter{w}
	a.f("VCMPPD $0x%02x, %s, %s, %s", cmpNGE, vc("minnormal"), x, s[0])
	a.f("VORPD %s, %s, %s", s[0], bad, bad)
	a.f("VCMPPD $0x%02x, %s, %s, %s", cmpNLE, vc("maxfloat"), x, s[0])
	a.f("VORPD %s, %s, %s", s[0], bad, bad)
	// m (s0), halved above √2; f = m − 1 (s0); d = f + 2 (s2);
	// dl = f − (d − 2) (s3); sh = f/d (s4); sl (s0).
	a.f("VANDPD %s, %s, %s", vc("mantmask"), x, s[0])
	a.f("VORPD %s, %s, %s", vc("onebits"), s[0], s[0])
	a.f("VCMPPD $0x%02x, %s, %s, %s", cmpGT, vc("sqrt2"), s[0], s[2])
	a.f("VMULPD %s, %s, %s", vc("half"), s[0], s[3])
	a.f("VBLENDVPD %s, %s, %s, %s", s[2], s[3], s[0], s[0])
	a.f("VSUBPD %s, %s, %s", vc("one"), s[0], s[0])
	a.f("VADDPD %s, %s, %s", vc("two"), s[0], s[2])
	a.f("VSUBPD %s, %s, %s", vc("two"), s[2], s[3])
	a.f("VSUBPD %s, %s, %s", s[3], s[0], s[3])
	a.f("VDIVPD %s, %s, %s", s[2], s[0], s[4])
	a.f("VFNMADD231PD %s, %s, %s", s[2], s[4], s[0])
	a.f("VFNMADD231PD %s, %s, %s", s[3], s[4], s[0])
	a.f("VDIVPD %s, %s, %s", s[2], s[0], s[0])
	// zh = sh² (s2); low = fma(sl, 2, 2·zh·sl) → mem0; 2sh → mem1.
	a.f("VMULPD %s, %s, %s", s[4], s[4], s[2])
	a.f("VMULPD %s, %s, %s", s[0], s[2], s[3])
	a.f("VADDPD %s, %s, %s", s[3], s[3], s[3])
	a.f("VFMADD231PD %s, %s, %s", vc("two"), s[0], s[3])
	a.f("VMOVUPD %s, %s", s[3], mem[0])
	a.f("VADDPD %s, %s, %s", s[4], s[4], s[0])
	a.f("VMOVUPD %s, %s", s[0], mem[1])
	// zl (s0), s³ = uh (s1) + ul (s3).
	a.f("VMOVAPD %s, %s", s[2], s[0])
	a.f("VFMSUB231PD %s, %s, %s", s[4], s[4], s[0])
	a.f("VMULPD %s, %s, %s", s[4], s[2], s[1])
	a.f("VMOVAPD %s, %s", s[1], s[3])
	a.f("VFMSUB231PD %s, %s, %s", s[4], s[2], s[3])
	a.f("VFMADD231PD %s, %s, %s", s[4], s[0], s[3])
	// (2/3)s³ = h3 (s0) + l3 (s4).
	a.f("VMULPD %s, %s, %s", vc("c23h"), s[1], s[0])
	a.f("VMOVAPD %s, %s", s[0], s[4])
	a.f("VFMSUB231PD %s, %s, %s", vc("c23h"), s[1], s[4])
	a.f("VFMADD231PD %s, %s, %s", vc("c23h"), s[3], s[4])
	a.f("VFMADD231PD %s, %s, %s", vc("c23l"), s[1], s[4])
	// R = (Q(zh)·zh)·uh (s3); low += R, += l3 (s1).
	a.f("VMOVUPD %s, %s", vc("log0"), s[3])
	for i := 1; i < len(vmLogPoly)-1; i++ {
		a.f("VFMADD213PD %s, %s, %s", vc(fmt.Sprintf("log%d", i)), s[2], s[3])
	}
	a.f("VMULPD %s, %s, %s", s[2], s[3], s[3])
	a.f("VMULPD %s, %s, %s", s[1], s[3], s[3])
	a.f("VMOVUPD %s, %s", mem[0], s[1])
	a.f("VADDPD %s, %s, %s", s[3], s[1], s[1])
	a.f("VADDPD %s, %s, %s", s[4], s[1], s[1])
	// TwoSum(2sh, h3) = s1 (s4) + e1; low += e1.
	a.f("VMOVUPD %s, %s", mem[1], s[3])
	a.f("VADDPD %s, %s, %s", s[0], s[3], s[4])
	a.f("VSUBPD %s, %s, %s", s[3], s[4], s[2])
	a.f("VSUBPD %s, %s, %s", s[2], s[0], s[0])
	a.f("VSUBPD %s, %s, %s", s[2], s[4], s[2])
	a.f("VSUBPD %s, %s, %s", s[2], s[3], s[3])
	a.f("VADDPD %s, %s, %s", s[0], s[3], s[3])
	a.f("VADDPD %s, %s, %s", s[3], s[1], s[1])
	// e (s2) from x again; low = fma(e, ln2lo, low); e·ln2hi (s2).
	a.f("VPSRLQ $52, %s, %s", x, s[2])
	a.f("VPOR %s, %s, %s", vc("two52"), s[2], s[2])
	a.f("VSUBPD %s, %s, %s", vc("two52bias"), s[2], s[2])
	a.f("VANDPD %s, %s, %s", vc("mantmask"), x, s[3])
	a.f("VORPD %s, %s, %s", vc("onebits"), s[3], s[3])
	a.f("VCMPPD $0x%02x, %s, %s, %s", cmpGT, vc("sqrt2"), s[3], s[3])
	a.f("VANDPD %s, %s, %s", vc("one"), s[3], s[3])
	a.f("VADDPD %s, %s, %s", s[3], s[2], s[2])
	a.f("VFMADD231PD %s, %s, %s", vc("ln2lo"), s[2], s[1])
	a.f("VMULPD %s, %s, %s", vc("ln2hi"), s[2], s[2])
	// TwoSum(e·ln2hi, s1) = lh (s0) + e2; ll = e2 + low (s2).
	a.f("VADDPD %s, %s, %s", s[4], s[2], s[0])
	a.f("VSUBPD %s, %s, %s", s[2], s[0], s[3])
	a.f("VSUBPD %s, %s, %s", s[3], s[4], s[4])
	a.f("VSUBPD %s, %s, %s", s[3], s[0], s[3])
	a.f("VSUBPD %s, %s, %s", s[3], s[2], s[2])
	a.f("VADDPD %s, %s, %s", s[4], s[2], s[2])
	a.f("VADDPD %s, %s, %s", s[1], s[2], s[2])
	// th = y·lh (s1), tl = fma(y, lh, −th) + y·ll by fma (s3).
	a.f("VMULPD %s, %s, %s", s[0], y, s[1])
	a.f("VMOVAPD %s, %s", s[1], s[3])
	a.f("VFMSUB231PD %s, %s, %s", s[0], y, s[3])
	a.f("VFMADD231PD %s, %s, %s", s[2], y, s[3])
	// exp(th + tl): k (s0), r (s2), P (s4).
	a.f("VANDPD %s, %s, %s", vc("absmask"), s[1], s[0])
	a.f("VCMPPD $0x%02x, %s, %s, %s", cmpNLE, vc("expmax"), s[0], s[0])
	a.f("VORPD %s, %s, %s", s[0], bad, bad)
	a.f("VMULPD %s, %s, %s", vc("log2e"), s[1], s[0])
	a.f("VROUNDPD $8, %s, %s", s[0], s[0])
	a.f("VMOVAPD %s, %s", s[1], s[2])
	a.f("VFNMADD231PD %s, %s, %s", vc("ln2hi"), s[0], s[2])
	a.f("VFNMADD231PD %s, %s, %s", vc("ln2lo"), s[0], s[2])
	a.f("VADDPD %s, %s, %s", s[3], s[2], s[2])
	a.f("VMOVUPD %s, %s", vc("exp0"), s[4])
	for i := 1; i < len(vmExpPoly); i++ {
		a.f("VFMADD213PD %s, %s, %s", vc(fmt.Sprintf("exp%d", i)), s[2], s[4])
	}
	a.f("VADDPD %s, %s, %s", vc("expscale"), s[0], s[0])
	a.f("VPSLLQ $52, %s, %s", s[0], s[0])
	a.f("VMULPD %s, %s, %s", s[0], s[4], d)
}

// vmathFuncs are the standalone vector functions of vmath_amd64.s.
var vmathFuncs = []struct {
	name   string
	binary bool
	emit   func(w *bytes.Buffer)
}{
	{"expBlocks", false, func(w *bytes.Buffer) { emitExp(w, "Y0", "Y1", [3]string{"Y9", "Y10", "Y11"}, "Y8") }},
	{"logBlocks", false, func(w *bytes.Buffer) { emitLog(w, "Y0", "Y1", [4]string{"Y9", "Y10", "Y11", "Y12"}, "Y8") }},
	{"sinBlocks", false, func(w *bytes.Buffer) {
		emitTrig(w, "Y0", "Y1", [5]string{"Y9", "Y10", "Y11", "Y12", "Y13"}, "Y8", false)
	}},
	{"cosBlocks", false, func(w *bytes.Buffer) {
		emitTrig(w, "Y0", "Y1", [5]string{"Y9", "Y10", "Y11", "Y12", "Y13"}, "Y8", true)
	}},
	{"tanBlocks", false, func(w *bytes.Buffer) {
		emitTan(w, "Y0", "Y1", [5]string{"Y9", "Y10", "Y11", "Y12", "Y13"}, "Y8")
	}},
	{"sinhBlocks", false, func(w *bytes.Buffer) {
		emitHyp(w, OpSinh, "Y0", "Y1", [5]string{"Y9", "Y10", "Y11", "Y12", "Y13"}, "Y8")
	}},
	{"coshBlocks", false, func(w *bytes.Buffer) {
		emitHyp(w, OpCosh, "Y0", "Y1", [5]string{"Y9", "Y10", "Y11", "Y12", "Y13"}, "Y8")
	}},
	{"tanhBlocks", false, func(w *bytes.Buffer) {
		emitHyp(w, OpTanh, "Y0", "Y1", [5]string{"Y9", "Y10", "Y11", "Y12", "Y13"}, "Y8")
	}},
	{"powBlocks", true, func(w *bytes.Buffer) {
		emitPow(w, "Y0", "Y2", "Y1", [5]string{"Y9", "Y10", "Y11", "Y12", "Y13"}, "Y8", [2]string{"0(SP)", "32(SP)"})
	}},
}

// generateVMathAsm returns the source of vmath_amd64.s: for each
// function, a loop over blocks of 4 that stops before the first block
// with a lane out of range and returns the number of blocks done.
func generateVMathAsm() []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s\n\n//go:build amd64 && !purego\n\n#include \"textflag.h\"\n\n", Header)
	vmConstData(&b)
	for _, fn := range vmathFuncs {
		if fn.binary {
			fmt.Fprintf(&b, "// func %s(dst, x, y *float64, blocks int) int\n", fn.name)
			fmt.Fprintf(&b, "TEXT ·%s(SB), NOSPLIT, $64-40\n", fn.name) // pow's two memory slots
			b.WriteString("\tMOVQ dst+0(FP), DI\n\tMOVQ x+8(FP), SI\n\tMOVQ y+16(FP), DX\n\tMOVQ blocks+24(FP), CX\n")
		} else {
			fmt.Fprintf(&b, "// func %s(dst, x *float64, blocks int) int\n", fn.name)
			fmt.Fprintf(&b, "TEXT ·%s(SB), NOSPLIT, $0-32\n", fn.name)
			b.WriteString("\tMOVQ dst+0(FP), DI\n\tMOVQ x+8(FP), SI\n\tMOVQ blocks+16(FP), CX\n")
		}
		b.WriteString("\tXORQ AX, AX\n")
		fmt.Fprintf(&b, "%s_loop:\n\tCMPQ AX, CX\n\tJGE %s_done\n", fn.name, fn.name)
		b.WriteString("\tVMOVUPD (SI), Y0\n")
		if fn.binary {
			b.WriteString("\tVMOVUPD (DX), Y2\n")
		}
		b.WriteString("\tVXORPD Y8, Y8, Y8\n")
		fn.emit(&b)
		fmt.Fprintf(&b, "\tVMOVMSKPD Y8, BX\n\tTESTQ BX, BX\n\tJNZ %s_done\n", fn.name)
		b.WriteString("\tVMOVUPD Y1, (DI)\n\tADDQ $32, SI\n\tADDQ $32, DI\n")
		if fn.binary {
			b.WriteString("\tADDQ $32, DX\n")
		}
		fmt.Fprintf(&b, "\tINCQ AX\n\tJMP %s_loop\n%s_done:\n", fn.name, fn.name)
		if fn.binary {
			b.WriteString("\tMOVQ AX, ret+32(FP)\n")
		} else {
			b.WriteString("\tMOVQ AX, ret+24(FP)\n")
		}
		b.WriteString("\tVZEROUPPER\n\tRET\n\n")
	}
	return b.Bytes()
}
