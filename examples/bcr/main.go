// Command bcr simulates a BioNetGen reaction network (the BCR signalling
// network: 1,122 species, 24,388 reactions) from its .net file: import,
// optional e-graph optimisation of the right-hand side under the measured
// CPU-cost model, compilation with the sparse Jacobian, and BDF with
// sparse LU to t = 10,000.
//
//	go run ./examples/bcr -net ../shared/workloads/bionetgen/bcr/bcr.net \
//	    -ref ../shared/workloads/peers2/bcr_ref_t10000.txt
//	go run ./examples/bcr -net ... -egraph     # optimise the RHS first
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/symcalc/symcalc/egraph"
	"github.com/symcalc/symcalc/examples/bcr/network"
	"github.com/symcalc/symcalc/examples/tracing/autosparse"
)

func main() {
	net := flag.String("net", "../shared/workloads/bionetgen/bcr/bcr.net", "BioNetGen .net file")
	ref := flag.String("ref", "", "reference final state (name value per line: species, then groups)")
	opt := flag.Bool("egraph", false, "optimise the right-hand side with the e-graph before compiling")
	chunk := flag.Int("chunk", 4, "equations per e-graph (0: all in one)")
	t1 := flag.Float64("t1", 10000, "final time")
	rtol := flag.Float64("rtol", 1e-6, "relative tolerance")
	atol := flag.Float64("atol", 1e-8, "absolute tolerance")
	flag.Parse()
	if err := run(context.Background(), *net, *ref, *opt, *chunk, *t1, *rtol, *atol); err != nil {
		fmt.Fprintln(os.Stderr, "bcr:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, path, ref string, opt bool, chunk int, t1, rtol, atol float64) error {
	start := time.Now()
	n, err := network.Load(ctx, path)
	if err != nil {
		return err
	}
	fmt.Printf("%s: %d species, %d flux terms, imported in %v\n", path, len(n.States), n.Terms, time.Since(start).Round(time.Millisecond))
	rhs := n.RHS
	if opt {
		var rep network.OptimiseReport
		rhs, rep, err = network.Optimise(ctx, rhs, chunk, egraph.SimplifyOptions{IterLimit: 4, NodeLimit: 20000, TimeLimit: 10 * time.Minute})
		if err != nil {
			return err
		}
		fmt.Printf("e-graph: %d iterations, stop %v, CPU cost %.0f -> %.0f, %v\n",
			rep.Report.Iterations, rep.Stops, rep.StartCost, rep.Cost, rep.Time.Round(time.Millisecond))
	}
	start = time.Now()
	m, err := n.Compile(ctx, rhs, autosparse.Options{})
	if err != nil {
		return err
	}
	fmt.Printf("compiled: Jacobian %d nonzeros, %d + %d tape instructions, %v\n",
		m.Pattern.NNZ(), m.RHSInstructions, m.JacInstructions, time.Since(start).Round(time.Millisecond))
	start = time.Now()
	sol, err := network.Simulate(ctx, m, n.U0, t1, rtol, atol)
	if err != nil {
		return err
	}
	st := sol.Stats
	fmt.Printf("BDF sparse LU to t = %g (rtol %g, atol %g): %v; %d steps, %d RHS, %d Jacobians, %d LU\n",
		t1, rtol, atol, time.Since(start).Round(time.Millisecond), st.Accepted, st.RHSEvals, st.JacEvals, st.LUFactorisations)
	u := sol.U[len(sol.U)-1]
	g, err := n.GroupValues(u)
	if err != nil {
		return err
	}
	for i, name := range n.GroupNames {
		fmt.Printf("  %-20s %.8g\n", name, g[i])
	}
	if ref != "" {
		e, err := n.Compare(u, ref)
		if err != nil {
			return err
		}
		fmt.Printf("error vs %s: max abs %.2g, max rel (species >= 1) %.2g, max rel (groups) %.2g\n", ref, e.Abs, e.RelSpecies, e.RelGroups)
	}
	return nil
}
