// Package rewrite is symcalc's rule-based term rewriting: a rule language,
// associative-commutative matching on the polynomial form of terms,
// strategy combinators, and Simplify.
//
// # Rules
//
// A rule is written lhs => rhs, optionally with a side condition:
//
//	[pythagoras] sin(~x)^2 + cos(~x)^2 => 1
//	[sqrt-sq]    sqrt(~x^2) => ~x if nonnegative(~x)
//	[pow-int]    (~x^~a)^~n::integer => ~x^(~a*~n)
//
// ~x matches one term, ~~xs the rest of a sum or product, ~n::integer
// restricts a slot by a predicate. Sums and products match in any order
// directly on the polynomial form; at the root of a rule, a sum pattern
// matches inside a larger sum and keeps the rest (and every disjoint match
// is rewritten in one application). Rules come from text (ParseRules),
// from terms (NewRule), or from Go functions (FuncRule).
//
// # Strategies
//
// A Strategy rewrites a term or returns nil when it does not apply. The
// combinators Chain, RestartedChain, Fixpoint, Postwalk, Prewalk, IfElse
// and PassThrough build traversals; every run has an Env with a
// context.Context and a step limit, so nothing runs forever.
//
// # Simplify
//
// Simplify applies the default rules (files by topic under rules/:
// trig, hyperbolic, explog, powers, piecewise, rational; and two rules in
// Go: numeric radicals in normal form, sqrt(8) = 2*sqrt(2), and sin, cos,
// tan at rational multiples of pi with their inverses, sin(pi/6) = 1/2,
// where the symbol pi is π) to a normal form,
// then tries candidate forms and keeps the one with the fewest operations
// (CountOps, SymPy's measure): the rational function cancelled by the
// multivariate polynomial gcd (Cancel, Together, FactorSquareFree; the
// arithmetic is in rewrite/poly), a trigonometric form (ExpandTrig, then
// sin^2 = 1 - cos^2 during cancellation) and an exponential form
// (ExpandExp). SimplifyContext also returns the conditions a cancellation
// needs: (x^2 - 1)/(x - 1) simplifies to x + 1 with x != 1.
//
// # Soundness
//
// Symbols are real-valued. Every rule states its domain: either it holds
// wherever both sides are defined, or its condition says where (x > 0,
// integer n, ...). Conditions are proved from the form of the term and
// from the user's Assumptions; a condition that cannot be proved blocks
// the rule. The default rule sets are checked by property tests that
// evaluate both sides at random points of the domain and at its edges;
// the Go rules by their own tests at random radicals and multiples of pi.
package rewrite
