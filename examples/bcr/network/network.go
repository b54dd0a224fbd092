// Package network loads a BioNetGen reaction network (.net) into
// mass-action equations ready for code generation, optionally rewrites
// them with the e-graph under the measured CPU-cost model, and compiles
// them with their sparse Jacobian (package autosparse). It is the library
// half of the examples/bcr program, shared with bench/tracing.
package network

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/symcalc/symcalc/codegen"
	"github.com/symcalc/symcalc/egraph"
	"github.com/symcalc/symcalc/examples/tracing/autosparse"
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
	Report          egraph.Report
	Cost, StartCost float64
	Time            time.Duration
}

// Optimise rewrites the equations in one e-graph with egraph's default
// rule set (factoring, Horner forms, strength reduction) and extracts the
// cheapest system under the CPU-cost model with shared subterms counted
// once.
func Optimise(ctx context.Context, rhs []*symbolic.Expr, opts egraph.SimplifyOptions) ([]*symbolic.Expr, OptimiseReport, error) {
	start := time.Now()
	opts.DAG = true
	res, err := egraph.SimplifySystem(ctx, rhs, nil, nil, opts)
	rep := OptimiseReport{Report: res.Report, Cost: res.Cost, StartCost: res.StartCost, Time: time.Since(start)}
	if err != nil {
		return nil, rep, fmt.Errorf("e-graph: %w", err)
	}
	if len(res.Terms) != len(rhs) {
		return nil, rep, fmt.Errorf("e-graph returned %d equations for %d", len(res.Terms), len(rhs))
	}
	return res.Terms, rep, nil
}

// Compile lowers rhs with its sparse Jacobian.
func (n *Network) Compile(ctx context.Context, rhs []*symbolic.Expr, opts autosparse.Options) (*autosparse.Model, error) {
	return autosparse.Build(ctx, rhs, codegen.Vars{States: n.States}, opts)
}
