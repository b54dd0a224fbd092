package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/symcalc/symcalc/egraph"
	"github.com/symcalc/symcalc/examples/bcr/network"
	"github.com/symcalc/symcalc/examples/tracing/autosparse"
	"github.com/symcalc/symcalc/parser"
	"github.com/symcalc/symcalc/symbolic"
)

// timePair returns the median process-CPU ns per call of fa and fb,
// measured in alternating batches of about 100 ms so that the load on a
// shared machine affects both alike.
func timePair(reps int, fa, fb func()) (float64, float64) {
	fa()
	fb()
	n := 1
	for {
		c := cpuTime()
		for i := 0; i < n; i++ {
			fa()
		}
		if cpuTime()-c > 0.1 {
			break
		}
		n *= 2
	}
	var sa, sb []float64
	for r := 0; r < reps; r++ {
		for k, f := range []func(){fa, fb} {
			c := cpuTime()
			for i := 0; i < n; i++ {
				f()
			}
			d := (cpuTime() - c) * 1e9 / float64(n)
			if k == 0 {
				sa = append(sa, d)
			} else {
				sb = append(sb, d)
			}
		}
	}
	return median(sa), median(sb)
}

func mainBCR(ctx context.Context, reps, chunk, egIters, egNodes int, shared, out string) error {
	path := filepath.Join(shared, "bionetgen", "bcr", "bcr.net")
	t0 := time.Now()
	net, err := network.Load(ctx, path)
	if err != nil {
		return err
	}
	fmt.Printf("BCR: %d species, %d flux terms; import %.3fs\n", len(net.States), net.Terms, time.Since(t0).Seconds())
	t1 := time.Now()
	plain, err := net.Compile(ctx, net.RHS, autosparse.Options{Workers: 1})
	if err != nil {
		return err
	}
	fmt.Printf("plain: Jacobian (%d nonzeros) + lowering %.3fs; %d RHS instructions\n", plain.Pattern.NNZ(), time.Since(t1).Seconds(), plain.RHSInstructions)
	opt, rep, err := network.Optimise(ctx, net.RHS, chunk, egraph.SimplifyOptions{IterLimit: egIters, NodeLimit: egNodes, TimeLimit: 10 * time.Minute})
	if err != nil {
		return err
	}
	fmt.Printf("e-graph (%d equations per graph): %v, max %d iterations, %d nodes, %d classes, stops: %v; cost %.0f -> %.0f\n", chunk, rep.Time.Round(time.Millisecond),
		rep.Report.Iterations, rep.Report.Nodes, rep.Report.Classes, stopSummary(rep.Stops), rep.StartCost, rep.Cost)
	optm, err := net.Compile(ctx, opt, autosparse.Options{Workers: 1})
	if err != nil {
		return err
	}
	fmt.Printf("optimised: %d RHS instructions\n", optm.RHSInstructions)
	fp, fo := plain.RHS(), optm.RHS()
	n := len(net.U0)
	dp, do := make([]float64, n), make([]float64, n)
	// The state in the .net file is pre-equilibrated: each dx_i is a small
	// difference of large fluxes, so any change in the order of the sums
	// moves it by about eps·Σ|flux| — a large fraction of |dx_i| itself.
	// The comparison is therefore reported both relative to |dx_i| and
	// relative to Σ_r |S_ir v_r| (the rounding scale of the sum), at x0 and
	// at a perturbed state away from equilibrium.
	scale, err := absSums(ctx, net)
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(1, 1))
	xr := make([]float64, n)
	for i, v := range net.U0 {
		xr[i] = v * (0.5 + rng.Float64())
	}
	for _, pt := range []struct {
		name string
		x    []float64
	}{{"x0", net.U0}, {"perturbed x0", xr}} {
		fp(dp, pt.x, nil, 0)
		fo(do, pt.x, nil, 0)
		sc := make([]float64, n)
		scale(sc, pt.x, nil, 0)
		var relDx, relScale float64
		for i := range dp {
			d := math.Abs(dp[i] - do[i])
			if s := math.Max(math.Abs(dp[i]), math.Abs(do[i])); s > 0 {
				relDx = math.Max(relDx, d/s)
			}
			if sc[i] > 0 {
				relScale = math.Max(relScale, d/sc[i])
			}
		}
		fmt.Printf("plain vs e-graph RHS at %s: max |diff|/|dx_i| %.3g, max |diff|/sum_r|S_ir v_r| %.3g\n", pt.name, relDx, relScale)
	}
	tp, to := timePair(2*reps+1, func() { fp(dp, net.U0, nil, 0) }, func() { fo(do, net.U0, nil, 0) })
	fmt.Printf("RHS at x0 (CPU time): plain %.0f ns/call, e-graph %.0f ns/call, speed-up %.2fx\n", tp, to, tp/to)
	refPath := filepath.Join(shared, "peers2", "bcr_ref_t10000.txt")
	for _, c := range []struct {
		name string
		m    *autosparse.Model
	}{{"plain", plain}, {"e-graph", optm}} {
		for r := 0; r < reps; r++ {
			w0, c0 := time.Now(), cpuTime()
			sol, err := network.Simulate(ctx, c.m, net.U0, 10000, 1e-6, 1e-8)
			wall, cpu := time.Since(w0).Seconds(), cpuTime()-c0
			if err != nil {
				return fmt.Errorf("%s simulation: %w", c.name, err)
			}
			e, err := net.Compare(sol.U[len(sol.U)-1], refPath)
			if err != nil {
				return err
			}
			st := sol.Stats
			fmt.Printf("simulate t=0..10000 rtol 1e-6 atol 1e-8, %s RHS: wall %.2fs cpu %.2fs; steps %d RHS %d Jac %d LU %d; err abs %.2g rel(species>=1) %.2g rel(groups) %.2g\n",
				c.name, wall, cpu, st.Accepted, st.RHSEvals, st.JacEvals, st.LUFactorisations, e.Abs, e.RelSpecies, e.RelGroups)
		}
	}
	return nil
}

// mainTerms times building the BCR equations from the .net text and their
// sparse Jacobian, beside bcr_sympy.py's figures for SymPy (run.sh writes
// them to out/bcr_sympy.jsonl).
func mainTerms(ctx context.Context, reps int, shared, out string) error {
	path := filepath.Join(shared, "bionetgen", "bcr", "bcr.net")
	src, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	var tb, tj, cb, cj []float64
	var nnz int
	for r := 0; r < reps; r++ {
		runtime.GC()
		w0, c0 := time.Now(), cpuTime()
		sys, err := parser.ParseBioNetGen(ctx, path, string(src))
		if err != nil {
			return err
		}
		w1, c1 := time.Now(), cpuTime()
		jac, err := sys.Jacobian(ctx)
		if err != nil {
			return err
		}
		w2, c2 := time.Now(), cpuTime()
		nnz = jac.NNZ()
		tb, tj = append(tb, w1.Sub(w0).Seconds()), append(tj, w2.Sub(w1).Seconds())
		cb, cj = append(cb, c1-c0), append(cj, c2-c1)
	}
	fmt.Printf("symcalc: build %.3fs wall (%.3fs cpu), sparse Jacobian (%d nonzeros) %.3fs wall (%.3fs cpu)\n",
		median(tb), median(cb), nnz, median(tj), median(cj))
	b, err := os.ReadFile(filepath.Join(out, "bcr_sympy.jsonl"))
	if err != nil {
		fmt.Println("(no SymPy figures: run bench/tracing/run.sh terms)")
		return nil
	}
	var sp struct {
		Version string  `json:"sympy"`
		Build   float64 `json:"build_s"`
		Jac     float64 `json:"jac_s"`
		NNZ     int     `json:"jac_nnz"`
		BuildC  float64 `json:"build_cpu_s"`
		JacC    float64 `json:"jac_cpu_s"`
	}
	if err := json.Unmarshal(b, &sp); err != nil {
		return fmt.Errorf("bcr_sympy.jsonl: %w", err)
	}
	fmt.Println("\n| | build equations from .net (s) | sparse Jacobian (s) | nonzeros |")
	fmt.Println("|---|---|---|---|")
	fmt.Printf("| symcalc (wall) | %.3f | %.3f | %d |\n", median(tb), median(tj), nnz)
	fmt.Printf("| SymPy %s (wall) | %.3f | %.3f | %d |\n", sp.Version, sp.Build, sp.Jac, sp.NNZ)
	fmt.Printf("| symcalc (CPU) | %.3f | %.3f | |\n", median(cb), median(cj))
	fmt.Printf("| SymPy %s (CPU) | %.3f | %.3f | |\n", sp.Version, sp.BuildC, sp.JacC)
	fmt.Printf("| SymPy / symcalc, wall | %.0fx | %.0fx | |\n", sp.Build/median(tb), sp.Jac/median(tj))
	fmt.Printf("| SymPy / symcalc, CPU | %.0fx | %.0fx | |\n", sp.BuildC/median(cb), sp.JacC/median(cj))
	return nil
}

// absSums compiles Σ_r |S_ir v_r| for each equation: every monomial of
// the plain equations with its coefficient's absolute value (the states
// are non-negative).
func absSums(ctx context.Context, net *network.Network) (func(du, u, p []float64, t float64), error) {
	eqs := make([]*symbolic.Expr, len(net.RHS))
	for i, g := range net.RHS {
		if g.Kind() != symbolic.KAdd {
			eqs[i] = g
			if c, ok := g.IsNumber(); ok && c.Float64() < 0 {
				eqs[i] = symbolic.Neg(g)
			}
			continue
		}
		c, terms, coefs := g.AddParts()
		sb := []*symbolic.Expr{symbolic.FloatExpr(math.Abs(c.Float64()))}
		for k, t := range terms {
			sb = append(sb, symbolic.Mul(symbolic.FloatExpr(math.Abs(coefs[k].Float64())), t))
		}
		eqs[i] = symbolic.Add(sb...)
	}
	m, err := net.Compile(ctx, eqs, autosparse.Options{Workers: 1})
	if err != nil {
		return nil, err
	}
	return m.RHS(), nil
}

// stopSummary counts the e-graphs' stop reasons.
func stopSummary(stops []string) string {
	c := map[string]int{}
	var keys []string
	for _, s := range stops {
		if c[s] == 0 {
			keys = append(keys, s)
		}
		c[s]++
	}
	sort.Strings(keys)
	var b strings.Builder
	for i, k := range keys {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%d× %s", c[k], k)
	}
	return b.String()
}
