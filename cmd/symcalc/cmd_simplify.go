package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/symcalc/symcalc/cmd/symcalc/repl"
	"github.com/symcalc/symcalc/egraph"
	"github.com/symcalc/symcalc/parser"
	"github.com/symcalc/symcalc/rewrite"
)

func init() {
	register(&command{
		name:    "simplify",
		summary: "simplify an expression (rules, rational functions, trig/exp forms)",
		usage: `usage: symcalc simplify [flags] EXPR

Simplifies EXPR with the default rule set (trigonometric, hyperbolic,
exp/log, powers and roots, piecewise, rational functions), cancels rational
functions by the polynomial gcd and keeps the form with the fewest
operations. Symbols are real, and pi is π (sin(pi/6) gives 1/2); numeric
roots come out in normal form (sqrt(8) gives 2*sqrt(2)). EXPR may be "-":
one expression per line is read from stdin and one result per line
written, in order.

flags:
  --assume FACT     a fact about a symbol: 'x > 0', 'x >= 0', 'x != 0',
                    'x < 0', 'n integer' (repeatable, or comma-separated)
  --conditions      also print the conditions the result needs, e.g.
                    (x^2-1)/(x-1) gives "x + 1    if x != 1"
  --max-steps N     bound the rule applications (default 100000)
  --rules FILE      also apply the rules in FILE (repeatable), written in
                    the rule language, one a line:
                      [name] lhs => rhs if condition
                    with slots ~x (any term), ~~xs (the rest of a sum or
                    product) and predicates (~n::integer, positive(~x)).
                    With --egraph the same file serves: slots become
                    pattern variables, and the conditions it takes are
                    positive, nonnegative and nonzero of a slot
  --egraph          use the e-graph simplifier (equality saturation with
                    the egraph package's default rules and CPU cost model);
                    it takes --assume comparisons with constants (x > 0,
                    x <= 2.5) as ranges; x != 0 and integer are errors
  --explain         with --egraph: after the result, print the proof that
                    it equals EXPR, one rule application a line (steps
                    that print alike are joined); not with EXPR "-"
  --proof-limit N   with --explain: print no proof over N steps (default
                    100000); the result is printed, and stderr says why
                    the proof is not
  --cost NAME       with --egraph: what extraction minimises: cpu (the
                    measured CPU cost table, the default), size (nodes)
                    or depth
  --dag             with --egraph: count a subterm used twice once, as
                    generated code evaluates it once (not with --cost depth)
  --iter-limit N, --node-limit N, --time-limit D
                    with --egraph: the runner's limits (defaults 30
                    iterations, 20000 hashcons entries, 2s)
  --stats           with --egraph: print the run's report (stop reason,
                    iterations, e-nodes, e-classes, times) on stderr

examples:
  symcalc simplify 'sin(x)^2 + cos(x)^2'
  symcalc simplify --assume 'x >= 0' 'sqrt(x^2)'
  symcalc simplify --conditions '(x^2 - 1)/(x - 1)'
  symcalc simplify --egraph --assume 'x > 0' 'exp(log(x)) + 2*x'
  symcalc simplify --egraph --explain 'a*b + a*c'
  symcalc simplify --rules my.rules 'f(x)^2'
`,
		run: runSimplify,
	})
}

// ruleFileFlags collects repeated --rules files.
type ruleFileFlags []string

func (r *ruleFileFlags) String() string { return strings.Join(*r, ", ") }
func (r *ruleFileFlags) Set(s string) error {
	*r = append(*r, s)
	return nil
}

// simplifyAssumeFlags collects repeated --assume values.
type simplifyAssumeFlags []string

func (a *simplifyAssumeFlags) String() string { return strings.Join(*a, ", ") }
func (a *simplifyAssumeFlags) Set(s string) error {
	for _, part := range strings.Split(s, ",") {
		if p := strings.TrimSpace(part); p != "" {
			*a = append(*a, p)
		}
	}
	return nil
}

func runSimplify(ctx context.Context, env *cmdEnv, args []string) error {
	fs := flag.NewFlagSet("simplify", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var facts simplifyAssumeFlags
	fs.Var(&facts, "assume", "")
	var ruleFiles ruleFileFlags
	fs.Var(&ruleFiles, "rules", "")
	conds := fs.Bool("conditions", false, "")
	maxSteps := fs.Int("max-steps", 0, "")
	useEgraph := fs.Bool("egraph", false, "")
	explain := fs.Bool("explain", false, "")
	costName := fs.String("cost", "", "")
	dag := fs.Bool("dag", false, "")
	iterLimit := fs.Int("iter-limit", 0, "")
	nodeLimit := fs.Int("node-limit", 0, "")
	timeLimit := fs.Duration("time-limit", 0, "")
	stats := fs.Bool("stats", false, "")
	proofLimit := fs.Int("proof-limit", 0, "")
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return usagef("%v (see symcalc simplify --help)", err)
	}
	if len(rest) != 1 {
		return usagef("simplify takes one EXPR (or - for stdin), got %d", len(rest))
	}
	if !*useEgraph {
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		for _, name := range []string{"explain", "cost", "dag", "iter-limit", "node-limit", "time-limit", "stats", "proof-limit"} {
			if set[name] {
				return usagef("--%s needs --egraph (it is an option of the e-graph simplifier)", name)
			}
		}
	}
	if *iterLimit < 0 || *nodeLimit < 0 || *timeLimit < 0 || *proofLimit < 0 {
		return usagef("--iter-limit, --node-limit, --time-limit and --proof-limit must not be negative")
	}
	var cost egraph.CostFunction
	switch *costName {
	case "", "cpu":
		cost = egraph.CPUCost()
	case "size":
		cost = egraph.AstSize{}
	case "depth":
		cost = egraph.AstDepth{}
	default:
		return usagef("--cost %q: want cpu, size or depth", *costName)
	}
	if _, ok := cost.(egraph.DagCost); *dag && !ok {
		return usagef("--dag needs a per-operator cost (cpu or size), not %s", *costName)
	}
	if *explain && rest[0] == "-" {
		return usagef("--explain prints several lines for an expression; give one EXPR, not -")
	}
	assume, err := parseSimplifyFacts(facts)
	if err != nil {
		return err
	}
	opts := rewrite.Options{Assume: assume, MaxSteps: *maxSteps}
	var domains map[string]egraph.Interval
	if *useEgraph {
		if domains, err = egraphFacts(facts, assume); err != nil {
			return err
		}
	}
	var userRules []*rewrite.Rule
	for _, path := range ruleFiles {
		src, err := os.ReadFile(path)
		if err != nil {
			return usagef("--rules: %v", err)
		}
		rs, err := rewrite.ParseRules(path, string(src))
		if err != nil {
			return &inputError{err}
		}
		userRules = append(userRules, rs...)
	}
	var egRules []*egraph.Rewrite
	switch {
	case len(userRules) == 0:
	case *useEgraph:
		user, err := repl.EgraphRules(userRules)
		if err != nil {
			return &inputError{err}
		}
		egRules = append(egraph.DefaultRules(), user...)
	default:
		// The user's rules first: where one of theirs and a default rule
		// both apply to a term, theirs is tried first.
		opts.Rules = rewrite.NewRuleSet(append(userRules, rewrite.DefaultRules().Rules...)...)
	}
	simplifyOne := func(src string) (string, error) {
		e, err := parser.ParseExpr(src)
		if err != nil {
			return "", &inputError{err}
		}
		if rest[0] != "-" {
			noteMisspelledCalls(env, "simplify", e)
		}
		if *useEgraph {
			r, err := repl.EgraphSimplify(ctx, e, egRules, cost, egraph.SimplifyOptions{
				Domains: domains, Explain: *explain, ProofLimit: *proofLimit, DAG: *dag,
				IterLimit: *iterLimit, NodeLimit: *nodeLimit, TimeLimit: *timeLimit,
			})
			if errors.Is(err, egraph.ErrProofTooLong) && r.Term != nil {
				// The result stands; only its proof is too long to print.
				fmt.Fprintf(env.stderr, "symcalc simplify: no proof shown: %v\n", err)
				return r.Term.String(), nil
			}
			if err != nil {
				return "", err
			}
			if *stats {
				fmt.Fprintf(env.stderr, "%s (cost %.4g -> %.4g, %s extraction)\n", r.Report, r.StartCost, r.Cost, r.Extraction)
			}
			if *explain {
				return r.Term.String() + "\n" + egraph.FormatProof(r.Proof), nil
			}
			return r.Term.String(), nil
		}
		r, err := rewrite.SimplifyContext(ctx, e, opts)
		if err != nil && !errors.Is(err, rewrite.ErrStepLimit) {
			return "", err
		}
		out := r.Expr.String()
		if *conds && len(r.Conditions) > 0 {
			cs := make([]string, len(r.Conditions))
			for i, c := range r.Conditions {
				cs[i] = c.String()
			}
			out += "    if " + strings.Join(cs, " && ")
		}
		return out, nil
	}
	if rest[0] != "-" {
		out, err := simplifyOne(rest[0])
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(env.stdout, out)
		return err
	}
	return eachLine(ctx, env, simplifyOne)
}

// egraphFacts returns the symbol ranges the --assume facts give the
// e-graph simplifier, or a usage error naming a fact it cannot use: its
// interval analysis takes ranges (x > 0, x <= 2.5), not x != 0 or
// integrality.
func egraphFacts(facts []string, assume *rewrite.Assumptions) (map[string]egraph.Interval, error) {
	for _, f := range facts {
		if strings.HasSuffix(f, " integer") {
			return nil, usagef("--assume %q: --egraph uses only ranges (x > 0, x <= 2.5), not integrality", f)
		}
	}
	for _, name := range assume.Symbols() {
		if _, _, ok := assume.Interval(name); !ok {
			return nil, usagef("--assume: the facts about %s are not one range (x != 0, or facts that contradict each other); --egraph uses only ranges (x > 0, x <= 2.5)", name)
		}
	}
	return repl.EgraphDomains(assume), nil
}

// parseSimplifyFacts reads --assume values: comparisons of a symbol with a
// constant, or "NAME integer".
func parseSimplifyFacts(facts []string) (*rewrite.Assumptions, error) {
	if len(facts) == 0 {
		return nil, nil
	}
	a := rewrite.NewAssumptions()
	for _, f := range facts {
		if name, ok := strings.CutSuffix(f, " integer"); ok {
			a.Integer(strings.TrimSpace(name))
			continue
		}
		e, err := parser.ParseExpr(f)
		if err != nil {
			return nil, &inputError{fmt.Errorf("--assume %q: %w", f, err)}
		}
		if err := a.Assume(e); err != nil {
			return nil, &usageError{fmt.Sprintf("--assume %q: %v", f, err)}
		}
	}
	return a, nil
}
