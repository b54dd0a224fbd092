package symbolic_test

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/symcalc/symcalc/parser"
	. "github.com/symcalc/symcalc/symbolic"
)

// FuzzCalculus parses an expression and checks the two operations that
// rebuild it against plain evaluation: Expand must keep its value, and Diff
// must agree with central finite differences. Points where the check says
// nothing are skipped: a value that is not finite or is large (expansion
// cancels in floats), or where two finite-difference steps disagree (the
// function is not smooth there, or too ill-conditioned to difference).
func FuzzCalculus(f *testing.F) {
	for _, s := range []string{
		"(x + y + 1)^3", "x^2*sin(x)", "exp(x*y)/(1 + x^2)", "log(1 + x^2)^2", "sqrt(x^2 + y^2)",
		"atan2(y, x)*x", "(x - 1)*(x + 1)/(x - 2)", "tanh(x)^3 - x", "abs(x - 1/3)*x", "x^x",
		"min(x, y)*max(x, 2)", "ifelse(x > 1, x^2, 2*x - 1)", "cbrt(x + 2)*log1p(x)", "1/0", "0/0",
	} {
		f.Add(s)
	}
	x := Sym("x")
	points := []map[string]float64{
		{"x": 0.7, "y": 1.3, "z": -0.4},
		{"x": 1.9, "y": -0.6, "z": 0.9},
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 200 {
			return
		}
		e, err := parser.ParseExpr(src)
		if err != nil {
			return
		}
		fine := func(v float64) bool { return !math.IsNaN(v) && math.Abs(v) < 1e4 }
		close := func(a, b, tol float64) bool { return math.Abs(a-b) <= tol*math.Max(1, math.Abs(b)) }
		// Short inputs can ask for huge expansions ((x - (x - 1)^701)^70:
		// 49,071 terms with coefficients of thousands of digits); the check
		// is of those that finish in 1 s within 2,000 terms, expanded once
		// for all points (the fuzzer takes an input that runs for 10 s as
		// hung).
		start := time.Now()
		ex, exErr := expandSmall(e)
		if d := time.Since(start); d > 4*time.Second {
			// A failure, so that the fuzzer keeps the input (see
			// TestExpandCancellationHugeCoefficients).
			t.Fatalf("ExpandContext of %q took %v, past its 1 s deadline", src, d)
		}
		for _, env := range points {
			v, err := Eval(e, env)
			if err != nil || !fine(v) {
				continue
			}
			if exErr == nil {
				got, err := Eval(ex, env)
				if err != nil {
					t.Fatalf("expand %s = %s: %v", e, ex, err)
				}
				// Expanded terms cancel in floats: compare at the scale
				// of the terms, not of their sum ((x - 1)^70 at 0.7).
				// Under a logical operator or a comparison, a value rounded
				// to 0 (or across a threshold) flips the result, so there
				// any sum that loses digits, however small, says nothing
				// (!(1/(2*x) - 1/2)^700 at 1.9: 1e-438 underflows to 0).
				logical := strings.ContainsAny(src, "<>=!&|")
				if !close(got, v, 1e-7) && math.Abs(got-v) > 1e-9*termScale(ex, env) && !cancels(ex, env, logical) {
					t.Fatalf("expand %s\n= %s\nat %v: %v, want %v", e, ex, env, got, v)
				}
			}
			fd := func(h float64) float64 {
				p, m := copyEnv(env), copyEnv(env)
				p["x"] += h
				m["x"] -= h
				fp, err1 := Eval(e, p)
				fm, err2 := Eval(e, m)
				if err1 != nil || err2 != nil {
					return math.NaN()
				}
				return (fp - fm) / (2 * h)
			}
			// Three steps, one incommensurate with the others: steps in
			// the ratio 2 can both alias a fast oscillation (sin(71000000*x):
			// 7100 and 3550 radians are both near multiples of 2π, and
			// the two quotients agreed at 2.67 where the derivative is 3e7).
			d1, d2, d3 := fd(1e-4), fd(5e-5), fd(3.1e-5)
			if !fine(d1) || !fine(d2) || !fine(d3) || !close(d1, d2, 1e-6) || !close(d1, d3, 1e-6) {
				continue
			}
			d := Diff(e, x)
			got, err := Eval(d, env)
			if err != nil {
				t.Fatalf("d/dx %s = %s: %v", e, d, err)
			}
			if math.IsNaN(got) || math.IsInf(got, 0) {
				// A function that is 0 around the point (0^x, a logical
				// base that is false) is checked by its own tests: here a
				// NaN from 0*log(0) says only that the base is 0.
				// A logical operand (a comparison used as a number) is
				// 0 or 1, so c^x with a false c is 0^x again. So is a
				// derivative that leaves the real domain where the
				// function, rounded, does not ((-0.6)^(x^1e-21) is -0.6 in
				// floats; its derivative has log(-0.6)).
				if degenerate(e, map[*Expr]bool{}) || overflows(e, env) || v == 0 || domainNaN(d, env) || strings.ContainsAny(src, "<>=!&|") {
					continue // x^1099/(x^1100 + 1)^2 overflows to Inf/Inf
				}
			}
			// A sum rounds x + h to the spacing of floats at the size of
			// its terms: the quotient's relative error is about that
			// spacing over h (sin(x + 70072111): 1.5e-8/5e-5).
			if tol := 1e-5 + 4*0x1p-52*sumScale(e, env)/5e-5; !close(got, d2, tol) {
				t.Fatalf("d/dx %s\n= %s\nat %v: %v, finite differences %v", e, d, env, got, d2)
			}
		}
	})
}

// degenerate reports whether e has a power with an exponent above 64 in
// magnitude, or the pole 1/0: its correct derivative can then overflow or
// underflow to Inf/Inf or 0/0 where the function itself is tiny
// (x^1099/(x^1100+1)^2), or multiply 1/0 by 0 (tanh(x)^(1/0)).
func degenerate(e *Expr, seen map[*Expr]bool) bool {
	if seen[e] {
		return false
	}
	seen[e] = true
	big := func(x *Expr) bool {
		n, ok := x.IsNumber()
		return ok && math.Abs(n.Float64()) > 64
	}
	if e.Kind() == KPow {
		if b, x := e.PowParts(); b.IsZero() {
			if n, ok := x.IsNumber(); ok && n.Sign() < 0 {
				return true
			}
		}
	}
	var kids []*Expr
	switch e.Kind() {
	case KPow:
		b, x := e.PowParts()
		if big(x) {
			return true
		}
		kids = []*Expr{b, x}
	case KMul:
		_, bases, exps := e.MulParts()
		for i, x := range exps {
			if big(x) || bases[i].IsZero() {
				return true
			}
		}
		kids = append(append([]*Expr(nil), bases...), exps...)
	case KAdd:
		_, kids, _ = e.AddParts()
	case KCall:
		kids = e.CallArgs()
	}
	for _, k := range kids {
		if degenerate(k, seen) {
			return true
		}
	}
	return false
}

// overflows reports whether a subterm of e is not finite or beyond 1e8 in
// magnitude at env (x^(x^21) at x = 1.9): a derivative built from it can
// then be Inf/Inf although the function is tame.
func overflows(e *Expr, env map[string]float64) bool {
	if Size(e) > 300 {
		return true
	}
	bad := false
	var walk func(e *Expr)
	seen := map[*Expr]bool{}
	walk = func(e *Expr) {
		if bad || seen[e] {
			return
		}
		seen[e] = true
		if v, err := Eval(e, env); err == nil && (math.IsNaN(v) || math.Abs(v) > 1e8) {
			bad = true
			return
		}
		for _, k := range e.Children() {
			walk(k)
		}
	}
	walk(e)
	return bad
}

// termScale is the sum of the magnitudes of e's terms at env (of e itself
// when it is not a sum).
func termScale(e *Expr, env map[string]float64) float64 {
	c, terms, coefs := e.AddParts()
	if e.Kind() != KAdd {
		v, _ := Eval(e, env)
		return math.Abs(v)
	}
	s := math.Abs(c.Float64())
	for i, t := range terms {
		v, _ := Eval(t, env)
		s += math.Abs(coefs[i].Float64() * v)
	}
	return s
}

// sumScale is the largest termScale of a sum in e at env (0 if e has no
// sum, +Inf if a sum's terms overflow; NaN scales are left out).
func sumScale(e *Expr, env map[string]float64) float64 {
	seen := map[*Expr]bool{}
	m := 0.0
	var walk func(e *Expr)
	walk = func(e *Expr) {
		if seen[e] {
			return
		}
		seen[e] = true
		if e.Kind() == KAdd {
			if s := termScale(e, env); s > m {
				m = s
			}
		}
		for _, k := range e.Children() {
			walk(k)
		}
	}
	walk(e)
	return m
}

// cancels reports whether a sum inside e (an argument or an exponent:
// Expand works there too) loses more than six digits to cancellation at
// env, or overflows in floats (its value or its terms' scale not finite:
// the 1,071 terms of (x - 1)^1070 at 0.7), so that e's value says little
// about its exact value (!(x - 1)^1070 is 1 there; the expanded sum under
// the ! evaluates to garbage).
//
// If relative, a sum cancels when its terms are a million times its
// value, whatever their size; else when they are a million times the
// larger of its value and 1.
func cancels(e *Expr, env map[string]float64, relative bool) bool {
	seen := map[*Expr]bool{}
	var walk func(e *Expr) bool
	walk = func(e *Expr) bool {
		if seen[e] {
			return false
		}
		seen[e] = true
		if e.Kind() == KAdd {
			v, err := Eval(e, env)
			scale := termScale(e, env)
			finite := func(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }
			floor := 1.0
			if relative {
				floor = 0
			}
			if err == nil && (!finite(v) || !finite(scale) || scale > 1e6*math.Max(floor, math.Abs(v))) {
				return true
			}
		}
		for _, k := range e.Children() {
			if walk(k) {
				return true
			}
		}
		return false
	}
	return walk(e)
}

// domainNaN reports whether a call or power in e is NaN at env while its
// arguments are not: a real-domain error (log or sqrt of a negative, a
// negative base to a fractional power), not an arithmetic one.
func domainNaN(e *Expr, env map[string]float64) bool {
	seen := map[*Expr]bool{}
	var walk func(e *Expr) bool
	walk = func(e *Expr) bool {
		if seen[e] {
			return false
		}
		seen[e] = true
		if k := e.Kind(); k == KCall || k == KPow {
			if v, err := Eval(e, env); err == nil && math.IsNaN(v) {
				ok := true
				for _, a := range e.Children() {
					if w, err := Eval(a, env); err != nil || math.IsNaN(w) || math.IsInf(w, 0) {
						ok = false
					}
				}
				if ok {
					return true
				}
			}
		}
		for _, k := range e.Children() {
			if walk(k) {
				return true
			}
		}
		return false
	}
	return walk(e)
}

// expandSmall expands e if it is small (under 200 nodes) and its
// expansion finishes in 1 s with at most 2,000 terms in any sum.
func expandSmall(e *Expr) (*Expr, error) {
	if Size(e) >= 200 {
		return nil, ErrTooLarge
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	return ExpandContext(ctx, e, 2000)
}
