package egraph

import "math"

// Interval is a closed range of reals [Lo, Hi] (bounds may be infinite)
// containing every value a class can take.
type Interval struct{ Lo, Hi float64 }

var fullInterval = Interval{math.Inf(-1), math.Inf(1)}

// Contains reports whether x is in the interval.
func (iv Interval) Contains(x float64) bool { return iv.Lo <= x && x <= iv.Hi }

// Intervals is a sign/interval analysis: every class gets a sound range
// computed bottom-up by interval arithmetic and narrowed by intersection
// when classes merge. Conditions such as ProvablyNonZero and Positive query
// it, so "x^2 + 1 is positive" is proved from the term, not from its
// syntax. Symbols take their range from Domains (default: all reals).
type Intervals struct {
	Domains map[string]Interval
	ops     map[Op]string
	iv      []Interval
}

// intervalOps are the operators Intervals knows by name; any other
// operator's classes get the whole real line.
var intervalOps = []string{
	"+", "-", "*", "/", "pow", "neg", "sqrt", "exp", "ln", "log", "log1p", "sin", "cos",
	"tan", "asin", "acos", "atan", "atan2", "sinh", "cosh", "tanh", "cbrt", "abs", "sign",
	"floor", "ceil", "min", "max", "<", "<=", ">", ">=", "==", "!=", "&&", "||", "!", "ifelse",
}

// NewIntervals returns an interval analysis over the operators of l that
// it knows by name: arithmetic, pow, the elementary functions, abs, sign,
// floor, ceil, min, max, comparisons and logic (0 or 1), and ifelse.
func NewIntervals(l *Language, domains map[string]Interval) *Intervals {
	a := &Intervals{Domains: domains, ops: map[Op]string{}}
	for _, name := range intervalOps {
		if op, ok := l.Lookup(name); ok {
			a.ops[op] = name
		}
	}
	return a
}

// Interval returns the range of class id.
func (a *Intervals) Interval(g *EGraph, id Id) Interval { return a.iv[g.find(id)] }

func (a *Intervals) eval(g *EGraph, n Node) Interval {
	switch n.Op {
	case OpConst:
		c := ConstValue(n)
		return Interval{c, c}
	case OpSymbol:
		if d, ok := a.Domains[g.lang.SymbolName(n)]; ok {
			return d
		}
		return fullInterval
	}
	name, ok := a.ops[n.Op]
	if !ok {
		return fullInterval
	}
	x := a.iv[g.find(n.Args[0])]
	var y, z Interval
	if ar := g.lang.Arity(n.Op); ar > 1 {
		y = a.iv[g.find(n.Args[1])]
		if ar > 2 {
			z = a.iv[g.find(n.Args[2])]
		}
	}
	var r Interval
	switch name {
	case "+":
		r = Interval{x.Lo + y.Lo, x.Hi + y.Hi}
	case "-":
		r = Interval{x.Lo - y.Hi, x.Hi - y.Lo}
	case "neg":
		r = Interval{-x.Hi, -x.Lo}
	case "*":
		r = mulIv(x, y)
	case "/":
		switch {
		case y.Lo > 0: // 1/y > 0 even where 1/y.Hi rounds to 0
			r = mulIv(x, Interval{math.Max(1/y.Hi, tiny), 1 / y.Lo})
		case y.Hi < 0:
			r = mulIv(x, Interval{1 / y.Hi, math.Min(1/y.Lo, -tiny)})
		default:
			r = fullInterval
		}
	case "pow":
		r = powIv(x, y)
	case "sqrt":
		r = Interval{math.Sqrt(math.Max(x.Lo, 0)), math.Sqrt(math.Max(x.Hi, 0))}
	case "exp":
		r = Interval{math.Max(math.Exp(x.Lo), tiny), math.Exp(x.Hi)} // exp > 0 even where it rounds to 0
	case "ln", "log":
		if x.Lo > 0 {
			r = Interval{math.Log(x.Lo), math.Log(x.Hi)}
		} else {
			r = Interval{math.Inf(-1), math.Log(math.Max(x.Hi, 0))}
		}
	case "log1p":
		if x.Lo > -1 {
			r = Interval{math.Log1p(x.Lo), math.Log1p(x.Hi)}
		} else {
			r = Interval{math.Inf(-1), math.Log1p(math.Max(x.Hi, -1))}
		}
	case "sin":
		r = sinIv(x)
	case "cos":
		// cos(x) = sin(x + pi/2); the shift's rounding is covered by
		// sinIv's margin around the turning points.
		r = sinIv(Interval{x.Lo + math.Pi/2, x.Hi + math.Pi/2})
		if r.Lo > -1 || r.Hi < 1 {
			// Bound by cos itself at the ends, as the shifted ends
			// round.
			r = Interval{math.Min(r.Lo, math.Min(math.Cos(x.Lo), math.Cos(x.Hi))), math.Max(r.Hi, math.Max(math.Cos(x.Lo), math.Cos(x.Hi)))}
		}
	case "tan":
		// Increasing on (-pi/2, pi/2); 1.5 keeps clear of the poles.
		r = fullInterval
		if x.Lo > -1.5 && x.Hi < 1.5 {
			r = Interval{math.Tan(x.Lo), math.Tan(x.Hi)}
		}
	case "asin", "acos":
		// Defined on [-1, 1]: the range of the values where defined.
		lo, hi := math.Max(x.Lo, -1), math.Min(x.Hi, 1)
		switch {
		case lo > hi:
			r = fullInterval // undefined throughout
		case name == "asin":
			r = Interval{math.Asin(lo), math.Asin(hi)}
		default:
			r = Interval{math.Acos(hi), math.Acos(lo)}
		}
	case "atan", "sinh", "tanh", "cbrt", "floor", "ceil", "sign":
		f := monotone[name]
		r = Interval{f(x.Lo), f(x.Hi)}
	case "cosh":
		switch {
		case x.Lo >= 0:
			r = Interval{math.Cosh(x.Lo), math.Cosh(x.Hi)}
		case x.Hi <= 0:
			r = Interval{math.Cosh(x.Hi), math.Cosh(x.Lo)}
		default:
			r = Interval{1, math.Cosh(math.Max(-x.Lo, x.Hi))}
		}
	case "atan2":
		// atan2(y, x), here with the ordinate y in x and the abscissa
		// in y: in [-pi, pi]; a strictly positive or negative ordinate
		// fixes the half plane (an ordinate of 0 could be -0, whose
		// atan2 with a negative abscissa is -pi), and a positive
		// abscissa the right half.
		r = Interval{-math.Pi, math.Pi}
		if x.Lo > 0 {
			r.Lo = 0
		}
		if x.Hi < 0 {
			r.Hi = 0
		}
		if y.Lo > 0 {
			r = Interval{math.Max(r.Lo, -math.Pi/2), math.Min(r.Hi, math.Pi/2)}
		}
	case "min":
		r = Interval{math.Min(x.Lo, y.Lo), math.Min(x.Hi, y.Hi)}
	case "max":
		r = Interval{math.Max(x.Lo, y.Lo), math.Max(x.Hi, y.Hi)}
	case "<", "<=", ">", ">=", "==", "!=", "&&", "||", "!":
		r = Interval{0, 1}
	case "ifelse":
		r = Interval{math.Min(y.Lo, z.Lo), math.Max(y.Hi, z.Hi)}
	case "abs":
		switch {
		case x.Lo >= 0:
			r = x
		case x.Hi <= 0:
			r = Interval{-x.Hi, -x.Lo}
		default:
			r = Interval{0, math.Max(-x.Lo, x.Hi)}
		}
	default:
		r = fullInterval
	}
	if math.IsNaN(r.Lo) || math.IsNaN(r.Hi) {
		return fullInterval
	}
	// The bounds are of real values: one that overflowed (exp(x) for
	// x >= 710) is past the largest float64, not infinite.
	if r.Lo == math.Inf(1) {
		r.Lo = math.MaxFloat64
	}
	if r.Hi == math.Inf(-1) {
		r.Hi = -math.MaxFloat64
	}
	return r
}

// sinIv is the range of sin over x: [-1, 1] unless x is narrower than a
// period, and then the values at its ends, widened to ±1 where x comes
// within a margin of a turning point (pi/2 + k*pi), so that the rounding
// of pi and of the ends cannot hide one.
func sinIv(x Interval) Interval {
	if !(x.Hi-x.Lo < 2*math.Pi) || math.IsInf(x.Lo, 0) || math.IsInf(x.Hi, 0) || math.Abs(x.Lo) > 1e6 || math.Abs(x.Hi) > 1e6 {
		return Interval{-1, 1}
	}
	const margin = 1e-9
	a, b := math.Sin(x.Lo), math.Sin(x.Hi)
	r := Interval{math.Min(a, b), math.Max(a, b)}
	// Turning points t = pi/2 + k*pi in [x.Lo - margin, x.Hi + margin]:
	// a maximum for even k, a minimum for odd k.
	for k := math.Ceil((x.Lo - margin - math.Pi/2) / math.Pi); k*math.Pi+math.Pi/2 <= x.Hi+margin; k++ {
		if math.Mod(k, 2) == 0 {
			r.Hi = 1
		} else {
			r.Lo = -1
		}
	}
	return r
}

// monotone holds the non-decreasing functions of intervalOps, whose range
// over [lo, hi] is [f(lo), f(hi)].
var monotone = map[string]func(float64) float64{
	"atan": math.Atan, "sinh": math.Sinh, "tanh": math.Tanh, "cbrt": math.Cbrt,
	"floor": math.Floor, "ceil": math.Ceil, "sign": signOf,
}

// signOf is the sign function of EvalExpr and of the interval analysis
// (sign(0) and sign(-0) are themselves, sign(NaN) is NaN).
func signOf(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return x
}

// tiny is the smallest positive float64. The intervals bound real
// values, and a bound that rounding takes to 0 is kept at ±tiny where the
// sign is certain (the product of two positive numbers, 1/y and x^y for
// positive y and x, exp), so that x*y, x/y and exp(x) stay provably
// positive: x > 0 is [tiny, +Inf], and tiny*tiny rounds to 0.
const tiny = math.SmallestNonzeroFloat64

func mulIv(x, y Interval) Interval {
	p := [4]float64{x.Lo * y.Lo, x.Lo * y.Hi, x.Hi * y.Lo, x.Hi * y.Hi}
	r := Interval{math.Inf(1), math.Inf(-1)}
	for _, v := range p {
		if math.IsNaN(v) { // 0 * inf: the product's range is unknown there
			return fullInterval
		}
		r.Lo, r.Hi = math.Min(r.Lo, v), math.Max(r.Hi, v)
	}
	switch {
	case x.Lo > 0 && y.Lo > 0, x.Hi < 0 && y.Hi < 0:
		r.Lo = math.Max(r.Lo, tiny)
	case x.Lo > 0 && y.Hi < 0, x.Hi < 0 && y.Lo > 0:
		r.Hi = math.Min(r.Hi, -tiny)
	}
	return r
}

func powIv(x, y Interval) Interval {
	r := powIvRounded(x, y)
	if x.Lo > 0 && !math.IsNaN(r.Lo) { // a positive base's powers are positive
		r.Lo = math.Max(r.Lo, tiny)
	}
	return r
}

func powIvRounded(x, y Interval) Interval {
	if y.Lo != y.Hi {
		if x.Lo > 0 {
			return Interval{0, math.Inf(1)}
		}
		return fullInterval
	}
	e := y.Lo
	if e != math.Trunc(e) || math.Abs(e) > 1<<20 {
		if x.Lo >= 0 {
			return Interval{0, math.Inf(1)}
		}
		return fullInterval
	}
	if e == 0 {
		return Interval{1, 1}
	}
	if e < 0 {
		if x.Lo > 0 || x.Hi < 0 {
			inv := Interval{1 / x.Hi, 1 / x.Lo}
			return powIvRounded(inv, Interval{-e, -e})
		}
		return fullInterval
	}
	lo, hi := math.Pow(x.Lo, e), math.Pow(x.Hi, e)
	if int64(e)%2 == 1 {
		return Interval{lo, hi}
	}
	if x.Lo >= 0 {
		return Interval{lo, hi}
	}
	if x.Hi <= 0 {
		return Interval{hi, lo}
	}
	return Interval{0, math.Max(lo, hi)}
}

func (a *Intervals) Make(g *EGraph, id Id, n Node) {
	for int(id) >= len(a.iv) {
		a.iv = append(a.iv, fullInterval)
	}
	a.iv[id] = a.eval(g, n)
}

// meet narrows the interval of class into to its intersection with r.
// Two sound ranges of one class always meet; an empty intersection can
// only come of rounding in their bounds, and then the class keeps the
// range it has (an empty range would make every condition on the class
// hold, and only ever narrowing keeps the analysis terminating).
//
// Only a narrowing that matters is reported as a change, so that it
// spreads to the class's parents: an end becoming finite, a new sign
// fact (the range now positive, negative, or clear of zero), or a
// bounded range halving. Contradictory equalities (a user's false rule) can make
// ranges narrow around a cycle of classes by ever smaller steps, and
// rebuilding would go on for as long. A smaller narrowing is kept but not
// spread, which leaves the parents' ranges wider than they could be, and
// still sound.
func (a *Intervals) meet(into Id, r Interval) bool {
	cur := a.iv[into]
	nw := Interval{math.Max(cur.Lo, r.Lo), math.Min(cur.Hi, r.Hi)}
	if nw.Lo > nw.Hi || nw == cur {
		return false
	}
	a.iv[into] = nw
	return matters(cur, nw)
}

// matters reports whether narrowing cur to nw tells the conditions
// anything new or shrinks the range by half.
func matters(cur, nw Interval) bool {
	switch {
	case math.IsInf(cur.Lo, 0) && !math.IsInf(nw.Lo, 0),
		math.IsInf(cur.Hi, 0) && !math.IsInf(nw.Hi, 0):
		return true
	case (cur.Lo <= 0) != (nw.Lo <= 0), (cur.Lo < 0) != (nw.Lo < 0),
		(cur.Hi >= 0) != (nw.Hi >= 0), (cur.Hi > 0) != (nw.Hi > 0):
		return true
	}
	if math.IsInf(nw.Lo, 0) || math.IsInf(nw.Hi, 0) {
		return false // a half-line moving its finite end: only signs matter
	}
	return nw.Hi-nw.Lo <= (cur.Hi-cur.Lo)/2
}

func (a *Intervals) Merge(g *EGraph, into, from Id) (bool, bool) {
	f := a.iv[from]
	ch := a.meet(into, f)
	return ch, a.iv[into] != f
}

func (a *Intervals) MergeNode(g *EGraph, into, _ Id, n Node) bool {
	return a.meet(into, a.eval(g, n))
}

func (a *Intervals) Modify(*EGraph, Id) {}

// Product runs two analyses side by side; it answers constant queries
// from the first analysis that can and interval queries likewise.
type Product struct{ A, B Analysis }

func (p Product) Make(g *EGraph, id Id, n Node) { p.A.Make(g, id, n); p.B.Make(g, id, n) }

func (p Product) Merge(g *EGraph, into, from Id) (bool, bool) {
	a1, a2 := p.A.Merge(g, into, from)
	b1, b2 := p.B.Merge(g, into, from)
	return a1 || b1, a2 || b2
}

func (p Product) MergeNode(g *EGraph, into, node Id, n Node) bool {
	a := p.A.MergeNode(g, into, node, n)
	b := p.B.MergeNode(g, into, node, n)
	return a || b
}

func (p Product) Modify(g *EGraph, id Id) { p.A.Modify(g, id); p.B.Modify(g, id) }

func (p Product) Constant(g *EGraph, id Id) (float64, bool) {
	for _, a := range []Analysis{p.A, p.B} {
		if ca, ok := a.(ConstantAnalysis); ok {
			if c, ok := ca.Constant(g, id); ok {
				return c, true
			}
		}
	}
	return 0, false
}

// Interval returns the intersection of the two analyses' ranges for id,
// or, if rounding made them disjoint (a folded constant a rounding away
// from the other's range), their hull: an empty range would make every
// condition on the class hold.
func (p Product) Interval(g *EGraph, id Id) Interval {
	r, hull := fullInterval, Interval{math.Inf(1), math.Inf(-1)}
	for _, a := range []Analysis{p.A, p.B} {
		if ia, ok := a.(IntervalAnalysis); ok {
			iv := ia.Interval(g, id)
			r = Interval{math.Max(r.Lo, iv.Lo), math.Min(r.Hi, iv.Hi)}
			hull = Interval{math.Min(hull.Lo, iv.Lo), math.Max(hull.Hi, iv.Hi)}
		}
	}
	if r.Lo > r.Hi {
		return hull
	}
	return r
}
