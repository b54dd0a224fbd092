// Package symbolic is symcalc's term representation and calculus.
//
// # Terms
//
// A term is an immutable, hash-consed *Expr: structurally equal terms are
// the same pointer, so == is structural equality and maps keyed by *Expr
// are maps keyed by structure. Hashes are cached and deterministic.
// Construction is safe from several goroutines; terms nobody references
// are reclaimed (the intern table holds weak pointers). Small terms share
// an allocation with at most fifteen others made just before or after
// them (symbols and constants together; other terms together when their
// children are symbols, constants or terms of the same allocation), so a
// live term may keep a few unreferenced neighbours alive, never anything
// they reference beyond those neighbours, symbols and constants.
//
// Constructors canonicalise as they build:
//
//	Sym("x"), IntExpr(2), RatExpr(1, 3), FloatExpr(0.5), NumExpr(n)
//	Add(a, b, ...), Sub(a, b), Neg(a), Scale(c, a), Mul(a, b, ...), Div(a, b)
//	Pow(b, e), Sqrt(x) (= x^(1/2)), Inv(x)
//	Sin, Cos, Tan, Asin, Acos, Atan, Atan2, Sinh, Cosh, Tanh, Exp, Log,
//	Log1p, Cbrt, Abs, Sign, Min, Max, Floor, Ceil
//	Lt, Le, Gt, Ge, Eq, Ne (or Compare2(op, a, b)), And, Or, Not, IfElse
//	Derivative(f, x) (unevaluated), Func("f", args...) (user function)
//	Call(op, args...) and Make(op, name, args) build any operation.
//
// Sums and products are in polynomial form: a sum is a constant plus
// coefficient·term pairs, a product a coefficient times base^exponent
// pairs, both sorted by the canonical order Compare. So x + x is 2*x,
// x*x is x^2, 2*(x + y) is 2*x + 2*y, numbers fold exactly (integers with
// an int64 fast path, rationals in math/big), and floats stay inexact.
// Use SumBuilder to build a sum of many terms in linear time.
//
// Inspect terms with Kind (KNum, KBool, KSym, KMul, KPow, KAdd, KCall),
// Op, Name, IsNumber, AddParts, MulParts, PowParts, CallArgs. The generic
// view Term (Head, Children, Rebuild) is what rewriters and the e-graph use.
//
// # Operations
//
// Substitute, FreeSymbols, Has, Size; Expand (distribution and
// multinomials; a packed sparse-polynomial fast path for large
// polynomials); Diff (every function, chain rule, piecewise), Gradient,
// Jacobian, SparseJacobianOf, Hessian, Sparsity (the pattern without
// differentiating); Degree and Coefficients of polynomials; Eval at float64
// values.
//
// # Printing
//
// String/Infix (minimal parentheses, parses back to the same pointer with
// the parser package), LaTeX, GoExpr (Go source) and SExpr.
package symbolic
