package codegen

import (
	"context"
	"fmt"
	"math"

	"github.com/symcalc/symcalc/symbolic"
)

// Vars names the inputs of a lowered program: the ordered state symbols
// (u[i]), parameter symbols (p[i]) and the time symbol. A nil Time means
// the symbol t.
type Vars struct {
	States []*symbolic.Expr
	Params []*symbolic.Expr
	Time   *symbolic.Expr
}

// Options tunes lowering. The zero value is the default.
type Options struct {
	// NoFMA lowers a*b + c as a multiply and an add instead of a fused
	// multiply-add (which rounds once).
	NoFMA bool
	// MaxPowChain is the largest |n| for which x^n becomes a chain of
	// multiplications (by repeated squaring); larger powers call pow.
	// Zero means 64.
	MaxPowChain int
	// NoScaledSharing keeps every term c*t of a sum as one fused
	// multiply-add. By default a product c*t that two or more terms of
	// the program's sums hold (with c or -c) is computed once and added
	// or subtracted where it is used (see scaledTerms).
	NoScaledSharing bool
}

// LowerError reports a term that has no numeric lowering.
type LowerError struct {
	Output int // index of the output being lowered
	Term   string
	Reason string
}

func (e *LowerError) Error() string {
	return fmt.Sprintf("codegen: output %d: cannot lower %s: %s", e.Output, e.Term, e.Reason)
}

// Lower translates terms into a Program that computes outs[i] as output i.
//
// Lowering walks the term DAG once, memoised by pointer (terms are
// hash-consed, so a shared subterm is one pointer and becomes one value):
// the work is linear in the DAG size however deep the sharing. On top of
// that the builder numbers values by (opcode, operands), so equal
// computations reached through different terms are shared too. Constants
// fold with Apply, integer powers become multiplication chains, x^(1/2)
// becomes sqrt, division by a constant becomes multiplication by its
// reciprocal, and sums and products become chains of fused multiply-adds.
// ctx is checked every few thousand terms.
func Lower(ctx context.Context, outs []*symbolic.Expr, vars Vars, opts Options) (*Program, error) {
	l := newLowerer(vars, opts)
	for _, o := range outs {
		l.countUses(o)
	}
	if !opts.NoScaledSharing {
		l.scaledTerms()
	}
	for i, o := range outs {
		l.output = i
		v, err := l.lower(ctx, o)
		if err != nil {
			return nil, err
		}
		// Store at once: the value need not stay live (in a register, or
		// in a scratch slot across generated functions) until the end.
		l.b.code = append(l.b.code, Instr{Op: OpStore, Dst: int32(i), A: v})
	}
	p := l.b.finish(len(vars.States), len(vars.Params), len(outs))
	for _, s := range vars.States {
		p.StateNames = append(p.StateNames, s.String())
	}
	for _, s := range vars.Params {
		p.ParamNames = append(p.ParamNames, s.String())
	}
	return p, nil
}

// noValue marks an absent accumulator (value ids can be negative).
const noValue int32 = math.MinInt32

type lowerer struct {
	b      *builder
	opts   Options
	inputs map[*symbolic.Expr]int32 // symbol -> value (before renumbering: see builder)
	memo   map[*symbolic.Expr]int32
	uses   map[*symbolic.Expr]int
	scaled map[scaledKey]int // see scaledTerms
	output int
	steps  int
}

func newLowerer(vars Vars, opts Options) *lowerer {
	if opts.MaxPowChain == 0 {
		opts.MaxPowChain = 64
	}
	l := &lowerer{
		b:      newBuilder(len(vars.States), len(vars.Params), opts),
		opts:   opts,
		inputs: map[*symbolic.Expr]int32{},
		memo:   map[*symbolic.Expr]int32{},
		uses:   map[*symbolic.Expr]int{},
	}
	t := vars.Time
	if t == nil {
		t = symbolic.Sym("t")
	}
	l.inputs[t] = l.b.timeVal()
	for i, s := range vars.Params {
		l.inputs[s] = l.b.paramVal(i)
	}
	for i, s := range vars.States {
		l.inputs[s] = l.b.stateVal(i)
	}
	return l
}

// children lists every subterm e refers to (arguments and exponents).
func children(e *symbolic.Expr) []*symbolic.Expr {
	switch e.Kind() {
	case symbolic.KAdd:
		_, ts, _ := e.AddParts()
		return ts
	case symbolic.KMul:
		_, bs, es := e.MulParts()
		out := make([]*symbolic.Expr, 0, len(bs)+len(es))
		out = append(out, bs...)
		return append(out, es...)
	case symbolic.KPow:
		b, x := e.PowParts()
		return []*symbolic.Expr{b, x}
	case symbolic.KCall:
		return e.CallArgs()
	}
	return nil
}

// scaledKey is a term t of a sum with the magnitude of its coefficient.
type scaledKey struct {
	t   *symbolic.Expr
	abs uint64 // math.Float64bits(|c|)
}

// scaledTerms counts, over every sum of the program, the terms c*t whose
// t is shared (so it is computed on its own, not fused into the sum's
// chain) by |c|. A pair seen twice or more is lowered as one product
// r = |c|*t and an add or subtract per use, instead of a fused
// multiply-add per use: one instruction more per shared product (none
// when a use starts its sum's chain, which was a multiply), but the adds
// run on a core's add pipes while fused multiply-adds and multiplies
// share its two multiply pipes. In a reaction network this is each
// reaction's rate, computed once and added to every species it changes
// (the 20-species network RHS: 36 mul and 91 fma before; 53 mul, 15 fma,
// 76 add or sub and 1 neg after; its one-point kernel went from
// 18.6-18.9 to 14.1-14.8 ns on an AVX-512 machine, bench/codegen/README.md,
// round 6). Numerically c*t is rounded once more than in a fused
// multiply-add: half an ulp of the term.
func (l *lowerer) scaledTerms() {
	l.scaled = map[scaledKey]int{}
	for e := range l.uses {
		if e.Kind() != symbolic.KAdd {
			continue
		}
		_, terms, coefs := e.AddParts()
		for i, t := range terms {
			c := math.Abs(coefs[i].Float64())
			if l.uses[t] < 2 || c == 1 || c == 0 || math.IsNaN(c) || math.IsInf(c, 0) {
				continue
			}
			// A sum is lowered once however many parents it has.
			l.scaled[scaledKey{t, math.Float64bits(c)}]++
		}
	}
}

// countUses counts, for every node, how many parents refer to it, visiting
// each node once (iteratively, so deep DAGs cannot overflow the stack).
func (l *lowerer) countUses(root *symbolic.Expr) {
	l.uses[root]++
	if l.uses[root] > 1 {
		return
	}
	stack := []*symbolic.Expr{root}
	for len(stack) > 0 {
		e := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, c := range children(e) {
			l.uses[c]++
			if l.uses[c] == 1 {
				stack = append(stack, c)
			}
		}
	}
}

func (l *lowerer) errorf(e *symbolic.Expr, format string, args ...any) error {
	s := e.String()
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return &LowerError{Output: l.output, Term: s, Reason: fmt.Sprintf(format, args...)}
}

// lower returns the value of e. Recursion depth is the depth of the DAG;
// goroutine stacks grow, and the memo keeps the work linear.
func (l *lowerer) lower(ctx context.Context, e *symbolic.Expr) (int32, error) {
	if v, ok := l.memo[e]; ok {
		return v, nil
	}
	l.steps++
	if l.steps%4096 == 0 && ctx.Err() != nil {
		return 0, fmt.Errorf("codegen: lowering stopped: %w", ctx.Err())
	}
	v, err := l.lowerNode(ctx, e)
	if err != nil {
		return 0, err
	}
	l.memo[e] = v
	return v, nil
}

func (l *lowerer) lowerNode(ctx context.Context, e *symbolic.Expr) (int32, error) {
	b := l.b
	switch e.Kind() {
	case symbolic.KNum:
		n, _ := e.IsNumber()
		return b.constant(n.Float64()), nil
	case symbolic.KBool:
		v, _ := e.BoolValue()
		return b.constant(b2f(v)), nil
	case symbolic.KSym:
		if v, ok := l.inputs[e]; ok {
			return v, nil
		}
		return 0, l.errorf(e, "symbol %s is neither a state, a parameter nor the time", e.Name())
	case symbolic.KAdd:
		return l.lowerAdd(ctx, e)
	case symbolic.KMul:
		c, bases, exps := e.MulParts()
		return l.lowerProduct(ctx, c.Float64(), bases, exps, noValue)
	case symbolic.KPow:
		base, x := e.PowParts()
		return l.lowerProduct(ctx, 1, []*symbolic.Expr{base}, []*symbolic.Expr{x}, noValue)
	case symbolic.KCall:
		return l.lowerCall(ctx, e)
	}
	return 0, l.errorf(e, "unknown term kind %d", e.Kind())
}

// lowerAdd lowers c0 + Σ c_i t_i as a chain acc = fma(c_i, t_i, acc). A
// product term used only here has its last factor fused into the chain:
// acc = fma(c_i*x*…, z, acc).
func (l *lowerer) lowerAdd(ctx context.Context, e *symbolic.Expr) (int32, error) {
	b := l.b
	c0, terms, coefs := e.AddParts()
	acc := noValue
	if !c0.IsZero() {
		acc = b.constant(c0.Float64())
	}
	// Terms that cannot fuse (symbols, powers, calls, shared products)
	// start the chain, so every single-use product can fuse into it.
	// Among those, one with a positive coefficient goes first, so that
	// the chain does not start with a negation.
	order := make([]int, 0, len(terms))
	first := -1
	for i, t := range terms {
		if !l.fusable(t) && coefs[i].Sign() > 0 {
			first = i
			order = append(order, i)
			break
		}
	}
	for i, t := range terms {
		if !l.fusable(t) && i != first {
			order = append(order, i)
		}
	}
	for i, t := range terms {
		if l.fusable(t) {
			order = append(order, i)
		}
	}
	for _, i := range order {
		t := terms[i]
		c := coefs[i].Float64()
		if acc != noValue && l.fusable(t) {
			tc, bases, exps := t.MulParts()
			v, err := l.lowerProduct(ctx, c*tc.Float64(), bases, exps, acc)
			if err != nil {
				return 0, err
			}
			acc = v
			continue
		}
		v, err := l.lower(ctx, t)
		if err != nil {
			return 0, err
		}
		if l.scaled[scaledKey{t, math.Float64bits(math.Abs(c))}] >= 2 {
			// Value numbering makes every use share this product.
			v = b.op(OpMul, b.constant(math.Abs(c)), v, 0)
			c = math.Copysign(1, c)
		}
		switch {
		case acc == noValue && c == 1:
			acc = v
		case acc == noValue && c == -1:
			acc = b.op(OpNeg, v, 0, 0)
		case acc == noValue:
			acc = b.op(OpMul, b.constant(c), v, 0)
		case c == 1:
			acc = b.op(OpAdd, acc, v, 0)
		case c == -1:
			acc = b.op(OpSub, acc, v, 0)
		default:
			acc = b.fma(b.constant(c), v, acc)
		}
	}
	if acc == noValue {
		return b.constant(0), nil
	}
	return acc, nil
}

// fusable reports whether a sum term is a product used only there, whose
// last multiplication can fuse with the sum's accumulator.
func (l *lowerer) fusable(t *symbolic.Expr) bool {
	if l.opts.NoFMA || t.Kind() != symbolic.KMul || l.uses[t] != 1 {
		return false
	}
	_, seen := l.memo[t]
	return !seen
}

// lowerProduct lowers coef * Π bases[i]^exps[i], plus acc unless it is noValue
// (the last multiplication fused into an FMA with the accumulator).
// Factors with negative exponents are collected into one denominator.
func (l *lowerer) lowerProduct(ctx context.Context, coef float64, bases, exps []*symbolic.Expr, acc int32) (int32, error) {
	b := l.b
	var num, den []int32
	for i, base := range bases {
		bv, err := l.lower(ctx, base)
		if err != nil {
			return 0, err
		}
		x := exps[i]
		if n, ok := x.IsNumber(); ok {
			f := n.Float64()
			if f == math.Trunc(f) && math.Abs(f) <= float64(l.opts.MaxPowChain) {
				k := int(f)
				if k >= 0 {
					num = append(num, b.powInt(bv, k))
				} else {
					den = append(den, b.powInt(bv, -k))
				}
				continue
			}
			if h := 2 * f; h == math.Trunc(h) && math.Abs(h) <= float64(2*l.opts.MaxPowChain) {
				// x^(k/2) = x^⌊k/2⌋ * sqrt(x)
				k := int(math.Abs(h))
				p := b.op(OpSqrt, bv, 0, 0)
				if k > 1 {
					p = b.op(OpMul, b.powInt(bv, k/2), p, 0)
				}
				if f > 0 {
					num = append(num, p)
				} else {
					den = append(den, p)
				}
				continue
			}
		}
		xv, err := l.lower(ctx, x)
		if err != nil {
			return 0, err
		}
		num = append(num, b.op(OpPow, bv, xv, 0))
	}
	// Numerator: coefficient first, so c*x*y is (c*x)*y and -1 is a negation.
	neg := false
	if coef == -1 {
		neg = true
		coef = 1
	}
	var factors []int32
	if coef != 1 {
		factors = append(factors, b.constant(coef))
	}
	factors = append(factors, num...)
	if len(den) > 0 {
		d := den[0]
		for _, x := range den[1:] {
			d = b.op(OpMul, d, x, 0)
		}
		var n int32
		if len(factors) == 0 {
			n = b.constant(1)
		} else {
			n = b.product(factors)
		}
		q := b.op(OpDiv, n, d, 0)
		factors = []int32{q}
	}
	if len(factors) == 0 {
		factors = []int32{b.constant(1)}
	}
	if acc != noValue {
		last := factors[len(factors)-1]
		if neg {
			last = b.op(OpNeg, last, 0, 0)
		}
		if len(factors) == 1 {
			return b.op(OpAdd, acc, last, 0), nil
		}
		return b.fma(b.product(factors[:len(factors)-1]), last, acc), nil
	}
	v := b.product(factors)
	if neg {
		v = b.op(OpNeg, v, 0, 0)
	}
	return v, nil
}

var callOps = map[symbolic.Op]Opcode{
	symbolic.OpSin: OpSin, symbolic.OpCos: OpCos, symbolic.OpTan: OpTan,
	symbolic.OpAsin: OpAsin, symbolic.OpAcos: OpAcos, symbolic.OpAtan: OpAtan,
	symbolic.OpAtan2: OpAtan2, symbolic.OpSinh: OpSinh, symbolic.OpCosh: OpCosh,
	symbolic.OpTanh: OpTanh, symbolic.OpExp: OpExp, symbolic.OpLog: OpLog,
	symbolic.OpLog1p: OpLog1p, symbolic.OpSqrt: OpSqrt, symbolic.OpCbrt: OpCbrt,
	symbolic.OpAbs: OpAbs, symbolic.OpSign: OpSign, symbolic.OpFloor: OpFloor,
	symbolic.OpCeil: OpCeil, symbolic.OpMin: OpMin, symbolic.OpMax: OpMax,
	symbolic.OpLt: OpLt, symbolic.OpLe: OpLe, symbolic.OpGt: OpGt, symbolic.OpGe: OpGe,
	symbolic.OpEq: OpEq, symbolic.OpNe: OpNe, symbolic.OpAnd: OpAnd, symbolic.OpOr: OpOr,
	symbolic.OpNot: OpNot, symbolic.OpIfElse: OpSelect,
}

func (l *lowerer) lowerCall(ctx context.Context, e *symbolic.Expr) (int32, error) {
	switch e.Op() {
	case symbolic.OpDiff:
		return 0, l.errorf(e, "an unevaluated derivative has no numeric value")
	case symbolic.OpFunc:
		return 0, l.errorf(e, "the user function %s has no definition", e.Name())
	}
	op, ok := callOps[e.Op()]
	if !ok {
		return 0, l.errorf(e, "no IR operation for %s", e.Op())
	}
	args := e.CallArgs()
	vals := make([]int32, len(args))
	for i, a := range args {
		v, err := l.lower(ctx, a)
		if err != nil {
			return 0, err
		}
		vals[i] = v
	}
	switch {
	case op == OpSelect:
		if len(vals) != 3 {
			return 0, l.errorf(e, "ifelse needs 3 arguments, has %d", len(vals))
		}
		return l.b.op(op, vals[0], vals[1], vals[2]), nil
	case op.Arity() == 2:
		if len(vals) < 2 {
			return 0, l.errorf(e, "%s needs 2 arguments, has %d", e.Op(), len(vals))
		}
		if len(vals) > 2 && op != OpMin && op != OpMax && op != OpAnd && op != OpOr {
			return 0, l.errorf(e, "%s needs 2 arguments, has %d", e.Op(), len(vals))
		}
		acc := vals[0]
		for _, v := range vals[1:] {
			acc = l.b.op(op, acc, v, 0)
		}
		return acc, nil
	}
	if len(vals) != 1 {
		return 0, l.errorf(e, "%s needs 1 argument, has %d", e.Op(), len(vals))
	}
	return l.b.op(op, vals[0], 0, 0), nil
}
