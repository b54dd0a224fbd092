// Package repl is the engine behind `symcalc repl`: an interactive session
// of symbolic algebra on symcalc terms, equation-file models and their
// simulated results.
//
// The engine (Engine.Exec) takes one complete input and returns the text
// to print, so it is tested without a terminal; Run puts a line editor
// (history kept between runs, tab completion, multi-line input) and Ctrl-C
// handling around it.
//
// # Inputs
//
//	f = x^2*sin(x)                assign; later uses of f are replaced by its value
//	g(x, y) = x*exp(-y)           define a function; g(2, t) substitutes the arguments
//	diff(f, x)                    derivative (diff(f, x, 2), diff(f, x, y) too)
//	expand((x + y)^3)             distribute products and integer powers
//	simplify(f)                   rule-based simplification under the assumptions
//	egraph(f)                     e-graph simplification by evaluation cost
//	explain(f)                    egraph(f) with its proof, one line a rewrite
//	jacobian([f, g], [x, y])      a matrix of derivatives
//	latex(f)                      LaTeX text
//	eval(f, x=1.5)                a float64 value
//	subs(f, x=y+1)                substitution
//	assume x > 0                  a fact simplify and egraph may use
//	:load FILE, :simulate, :write FILE.csv, :help, :quit ...
//
// :load reads an equation file or a BioNetGen network and defines rhs and
// states (so jacobian(rhs, states) works); :simulate integrates it with the
// integrators package (ETDRK4 for periodic field models). After that,
// inputs that mention sol are queries over the numeric results, in the
// expr-lang language: max(sol.z), filter(sol.t, # > 50), len(sol.t).
//
// Calls of diff, expand, simplify, egraph and subs nest inside ordinary
// expressions (diff(f, x) + 1); latex, jacobian and eval produce text,
// matrices and numbers and are used whole or as arguments of one another.
package repl
