package symbolic

import (
	"fmt"
	"math"
	"sort"
)

// evalFunc1 evaluates a one-argument function at a float.
func evalFunc1(op Op, x float64) (float64, bool) {
	switch op {
	case OpSin:
		return math.Sin(x), true
	case OpCos:
		return math.Cos(x), true
	case OpTan:
		return math.Tan(x), true
	case OpAsin:
		return math.Asin(x), true
	case OpAcos:
		return math.Acos(x), true
	case OpAtan:
		return math.Atan(x), true
	case OpSinh:
		return math.Sinh(x), true
	case OpCosh:
		return math.Cosh(x), true
	case OpTanh:
		return math.Tanh(x), true
	case OpExp:
		return math.Exp(x), true
	case OpLog:
		return math.Log(x), true
	case OpLog1p:
		return math.Log1p(x), true
	case OpSqrt:
		return math.Sqrt(x), true
	case OpCbrt:
		return math.Cbrt(x), true
	case OpAbs:
		return math.Abs(x), true
	case OpSign:
		switch {
		case x > 0:
			return 1, true
		case x < 0:
			return -1, true
		case x == 0:
			return 0, true
		}
		return math.NaN(), true
	case OpFloor:
		return math.Floor(x), true
	case OpCeil:
		return math.Ceil(x), true
	}
	return 0, false
}

// PowFloat evaluates x^y as the evaluators of symcalc do: math.Pow, with
// exact fast paths for small integer and half-integer exponents.
func PowFloat(x, y float64) float64 {
	switch y {
	case 2:
		return x * x
	case 0.5:
		return math.Sqrt(x)
	case -1:
		return 1 / x
	case 3:
		return x * x * x
	case -0.5:
		return 1 / math.Sqrt(x)
	}
	return math.Pow(x, y)
}

// UnboundError reports a symbol with no value during evaluation.
type UnboundError struct{ Name string }

func (e *UnboundError) Error() string {
	return fmt.Sprintf("no value for symbol %q", e.Name)
}

// Eval evaluates e numerically with the symbols bound by vals. Booleans
// evaluate to 1 and 0. It fails on an unbound symbol, an unevaluated
// derivative or a user function.
func Eval(e *Expr, vals map[string]float64) (float64, error) {
	ev := evaluator{vals: vals, memo: map[*Expr]float64{}}
	return ev.eval(e)
}

// Evaluator evaluates many terms at the same point, sharing the work on
// common subterms.
type evaluator struct {
	vals map[string]float64
	memo map[*Expr]float64
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

func (ev *evaluator) eval(e *Expr) (float64, error) {
	switch e.kind {
	case KNum:
		return e.num.Float64(), nil
	case KBool:
		return float64(e.num.i), nil
	case KSym:
		v, ok := ev.vals[e.name()]
		if !ok {
			return 0, &UnboundError{e.name()}
		}
		return v, nil
	}
	if v, ok := ev.memo[e]; ok {
		return v, nil
	}
	var r float64
	switch e.kind {
	case KAdd:
		r = e.num.Float64()
		for i, t := range e.args {
			v, err := ev.eval(t)
			if err != nil {
				return 0, err
			}
			r += e.coef()[i].Float64() * v
		}
	case KMul:
		r = e.num.Float64()
		for i, b := range e.args {
			bv, err := ev.eval(b)
			if err != nil {
				return 0, err
			}
			xv, err := ev.eval(e.exps()[i])
			if err != nil {
				return 0, err
			}
			r *= PowFloat(bv, xv)
		}
	case KPow:
		bv, err := ev.eval(e.args[0])
		if err != nil {
			return 0, err
		}
		xv, err := ev.eval(e.args[1])
		if err != nil {
			return 0, err
		}
		r = PowFloat(bv, xv)
	case KCall:
		var err error
		r, err = ev.call(e)
		if err != nil {
			return 0, err
		}
	}
	ev.memo[e] = r
	return r, nil
}

func (ev *evaluator) call(e *Expr) (float64, error) {
	if e.op == OpIfElse {
		c, err := ev.eval(e.args[0])
		if err != nil {
			return 0, err
		}
		if c != 0 {
			return ev.eval(e.args[1])
		}
		return ev.eval(e.args[2])
	}
	if e.op == OpDiff {
		return 0, fmt.Errorf("cannot evaluate the unevaluated derivative %s", e)
	}
	if e.op == OpFunc {
		return 0, fmt.Errorf("cannot evaluate the undefined function %s", e.name())
	}
	args := make([]float64, len(e.args))
	for i, a := range e.args {
		v, err := ev.eval(a)
		if err != nil {
			return 0, err
		}
		args[i] = v
	}
	if v, ok := evalFunc1(e.op, args[0]); ok && len(args) == 1 {
		return v, nil
	}
	switch e.op {
	case OpAtan2:
		return math.Atan2(args[0], args[1]), nil
	case OpMin:
		m := args[0]
		for _, v := range args[1:] {
			m = math.Min(m, v)
		}
		return m, nil
	case OpMax:
		m := args[0]
		for _, v := range args[1:] {
			m = math.Max(m, v)
		}
		return m, nil
	case OpLt:
		return b2f(args[0] < args[1]), nil
	case OpLe:
		return b2f(args[0] <= args[1]), nil
	case OpGt:
		return b2f(args[0] > args[1]), nil
	case OpGe:
		return b2f(args[0] >= args[1]), nil
	case OpEq:
		return b2f(args[0] == args[1]), nil
	case OpNe:
		return b2f(args[0] != args[1]), nil
	case OpAnd:
		for _, v := range args {
			if v == 0 {
				return 0, nil
			}
		}
		return 1, nil
	case OpOr:
		for _, v := range args {
			if v != 0 {
				return 1, nil
			}
		}
		return 0, nil
	case OpNot:
		return b2f(args[0] == 0), nil
	}
	return 0, fmt.Errorf("cannot evaluate %s", e.op)
}

// FreeSymbols returns the symbols in e, sorted canonically. Symbols bound
// as the variable of an unevaluated derivative are included.
func FreeSymbols(e *Expr) []*Expr {
	seen := map[*Expr]bool{}
	syms := map[*Expr]bool{}
	var walk func(*Expr)
	walk = func(e *Expr) {
		if seen[e] {
			return
		}
		seen[e] = true
		if e.kind == KSym {
			syms[e] = true
			return
		}
		for _, a := range e.args {
			walk(a)
		}
		for _, a := range e.exps() {
			walk(a)
		}
	}
	walk(e)
	out := make([]*Expr, 0, len(syms))
	for s := range syms {
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return Compare(out[i], out[j]) < 0 })
	return out
}

// Has reports whether x occurs in e.
func Has(e, x *Expr) bool {
	seen := map[*Expr]bool{}
	var walk func(*Expr) bool
	walk = func(e *Expr) bool {
		if e == x {
			return true
		}
		if len(e.args) == 0 || seen[e] {
			return false
		}
		seen[e] = true
		for _, a := range e.args {
			if walk(a) {
				return true
			}
		}
		for _, a := range e.exps() {
			if walk(a) {
				return true
			}
		}
		return false
	}
	return walk(e)
}

// Size returns the number of distinct nodes in e (its DAG size).
func Size(e *Expr) int {
	seen := map[*Expr]bool{}
	var walk func(*Expr)
	walk = func(e *Expr) {
		if seen[e] {
			return
		}
		seen[e] = true
		for _, a := range e.args {
			walk(a)
		}
		for _, a := range e.exps() {
			walk(a)
		}
	}
	walk(e)
	return len(seen)
}
