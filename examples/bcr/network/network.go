// Package network loads a BioNetGen reaction network (.net) into
// mass-action equations ready for code generation, optionally rewrites
// them with the e-graph under the measured CPU-cost model, and compiles
// them with their sparse Jacobian (package autosparse). It is the library
// half of the examples/bcr program, shared with bench/tracing.
package network

import (
	"context"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/symcalc/symcalc/codegen"
	"github.com/symcalc/symcalc/egraph"
	"github.com/symcalc/symcalc/examples/tracing/autosparse"
	"github.com/symcalc/symcalc/integrators"
	"github.com/symcalc/symcalc/parser"
	"github.com/symcalc/symcalc/symbolic"
)

// Network is a loaded reaction network.
type Network struct {
	System *symbolic.System
	// RHS are the equations with the parameter values substituted (rate
	// constants become numbers, zero-rate reactions drop out), as a code
	// generator with inlined constants sees them.
	RHS    []*symbolic.Expr
	States []*symbolic.Expr
	U0     []float64
	// Groups are the BioNetGen observables, as terms in the states.
	GroupNames []string
	Groups     []*symbolic.Expr
	// Reactions counts the flux terms in RHS (mass-action monomials).
	Terms int
}

// Load reads and imports a .net file.
func Load(ctx context.Context, path string) (*Network, error) {
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Parse(ctx, path, string(src))
}

// Parse imports .net source.
func Parse(ctx context.Context, file, src string) (*Network, error) {
	sys, err := parser.ParseBioNetGen(ctx, file, src)
	if err != nil {
		return nil, err
	}
	p, err := sys.ParamValues(nil)
	if err != nil {
		return nil, err
	}
	u0, err := sys.InitialState(p)
	if err != nil {
		return nil, err
	}
	vals := make(map[*symbolic.Expr]*symbolic.Expr, len(p))
	for i, q := range sys.ParamSyms() {
		vals[q] = symbolic.FloatExpr(p[i])
	}
	n := &Network{System: sys, States: sys.StateSyms(), U0: u0}
	for i, f := range sys.RHS() {
		if i%64 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		g := symbolic.Substitute(f, vals)
		n.RHS = append(n.RHS, g)
		if g.Kind() == symbolic.KAdd {
			_, terms, _ := g.AddParts()
			n.Terms += len(terms)
		} else if !g.IsZero() {
			n.Terms++
		}
	}
	for _, o := range sys.Outputs {
		n.GroupNames = append(n.GroupNames, o.Name)
		n.Groups = append(n.Groups, symbolic.Substitute(o.Expr, vals))
	}
	return n, nil
}

// OptimiseReport says what the e-graph did.
type OptimiseReport struct {
	// Report sums nodes and classes over the groups and keeps the largest
	// iteration count; Stops lists each group's stop reason.
	Report          egraph.Report
	Groups          int
	Stops           []string
	Cost, StartCost float64
	Time            time.Duration
}

// Optimise rewrites the equations with egraph's default rule set
// (factoring, Horner forms, strength reduction) and extracts the cheapest
// form under the CPU-cost model with shared subterms counted once. The
// equations go through the e-graph in groups of chunk (all at once when
// chunk ≤ 0): each group is one e-graph, which bounds its size, and the
// code generator still shares equal subterms across groups because terms
// are hash-consed.
func Optimise(ctx context.Context, rhs []*symbolic.Expr, chunk int, opts egraph.SimplifyOptions) ([]*symbolic.Expr, OptimiseReport, error) {
	start := time.Now()
	opts.DAG = true
	if chunk <= 0 {
		chunk = len(rhs)
	}
	var rep OptimiseReport
	out := make([]*symbolic.Expr, 0, len(rhs))
	for lo := 0; lo < len(rhs); lo += chunk {
		hi := min(lo+chunk, len(rhs))
		res, err := egraph.SimplifySystem(ctx, rhs[lo:hi], nil, nil, opts)
		if err != nil {
			return nil, rep, fmt.Errorf("e-graph, equations %d-%d: %w", lo, hi-1, err)
		}
		if len(res.Terms) != hi-lo {
			return nil, rep, fmt.Errorf("e-graph returned %d equations for %d", len(res.Terms), hi-lo)
		}
		out = append(out, res.Terms...)
		rep.Cost += res.Cost
		rep.StartCost += res.StartCost
		rep.Report.Iterations = max(rep.Report.Iterations, res.Report.Iterations)
		rep.Report.Nodes += res.Report.Nodes
		rep.Report.Classes += res.Report.Classes
		rep.Groups++
		rep.Stops = append(rep.Stops, res.Report.Stop.String())
	}
	rep.Time = time.Since(start)
	return out, rep, nil
}

// Compile lowers rhs with its sparse Jacobian.
func (n *Network) Compile(ctx context.Context, rhs []*symbolic.Expr, opts autosparse.Options) (*autosparse.Model, error) {
	return autosparse.Build(ctx, rhs, codegen.Vars{States: n.States}, opts)
}

// Simulate integrates the compiled network from u0 over [0, t1] with BDF
// on the sparse Jacobian (sparse LU), saving only the final state.
func Simulate(ctx context.Context, m *autosparse.Model, u0 []float64, t1, rtol, atol float64) (*integrators.Solution, error) {
	p := m.Problem(append([]float64(nil), u0...), nil, 0, t1)
	p.Autonomous = true
	return integrators.Solve(ctx, p, integrators.BDF(), &integrators.Options{
		RTol: rtol, ATol: atol, SaveAt: []float64{t1}, Linear: integrators.LinearSparse,
	})
}

// GroupValues evaluates the groups at the state u.
func (n *Network) GroupValues(u []float64) ([]float64, error) {
	env := make(map[string]float64, len(u))
	for i, s := range n.States {
		env[s.Name()] = u[i]
	}
	out := make([]float64, len(n.Groups))
	for i, g := range n.Groups {
		v, err := symbolic.Eval(g, env)
		if err != nil {
			return nil, fmt.Errorf("group %s: %w", n.GroupNames[i], err)
		}
		out[i] = v
	}
	return out, nil
}

// Errors measures a final state against a reference: max |u − ref| over
// the species, the max relative error over species with |ref| ≥ 1, and
// the max relative error over the groups (the columns of the peers'
// RESULTS.md).
type Errors struct{ Abs, RelSpecies, RelGroups float64 }

// Compare computes the Errors of u against the reference file, which lists
// one "name value" line per species, then one per group (peers2's
// bcr_ref_t10000.txt).
func (n *Network) Compare(u []float64, refPath string) (Errors, error) {
	var e Errors
	b, err := os.ReadFile(refPath)
	if err != nil {
		return e, err
	}
	var vals []float64
	for i, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		f := strings.Fields(l)
		if len(f) != 2 {
			return e, fmt.Errorf("%s:%d: want \"name value\"", refPath, i+1)
		}
		v, err := strconv.ParseFloat(f[1], 64)
		if err != nil {
			return e, fmt.Errorf("%s:%d: %w", refPath, i+1, err)
		}
		vals = append(vals, v)
	}
	ns := len(n.States)
	if len(vals) != ns+len(n.Groups) {
		return e, fmt.Errorf("%s: %d values, want %d species + %d groups", refPath, len(vals), ns, len(n.Groups))
	}
	for i := 0; i < ns; i++ {
		d := math.Abs(u[i] - vals[i])
		e.Abs = math.Max(e.Abs, d)
		if math.Abs(vals[i]) >= 1 {
			e.RelSpecies = math.Max(e.RelSpecies, d/math.Abs(vals[i]))
		}
	}
	g, err := n.GroupValues(u)
	if err != nil {
		return e, err
	}
	for i, v := range g {
		r := vals[ns+i]
		e.RelGroups = math.Max(e.RelGroups, math.Abs(v-r)/math.Abs(r))
	}
	return e, nil
}
