package main

import (
	"context"
	"fmt"
	"math"
	"path/filepath"
	"time"

	"github.com/symcalc/symcalc/egraph"
	"github.com/symcalc/symcalc/examples/bcr/network"
	"github.com/symcalc/symcalc/examples/tracing/autosparse"
)

// timeCall returns the median ns per call of f over reps batches of at
// least 100 ms each.
func timeCall(reps int, f func()) float64 {
	f()
	n := 1
	for {
		t := time.Now()
		for i := 0; i < n; i++ {
			f()
		}
		if d := time.Since(t); d > 100*time.Millisecond {
			break
		}
		n *= 2
	}
	var s []float64
	for r := 0; r < reps; r++ {
		t := time.Now()
		for i := 0; i < n; i++ {
			f()
		}
		s = append(s, float64(time.Since(t).Nanoseconds())/float64(n))
	}
	return median(s)
}

func mainBCR(ctx context.Context, reps int, shared, out string) error {
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
	opt, rep, err := network.Optimise(ctx, net.RHS, egraph.SimplifyOptions{})
	if err != nil {
		return err
	}
	fmt.Printf("e-graph: %v, %d iterations, %d nodes, %d classes, stop %v; cost %.0f -> %.0f\n", rep.Time.Round(time.Millisecond),
		rep.Report.Iterations, rep.Report.Nodes, rep.Report.Classes, rep.Report.Stop, rep.StartCost, rep.Cost)
	optm, err := net.Compile(ctx, opt, autosparse.Options{Workers: 1})
	if err != nil {
		return err
	}
	fmt.Printf("optimised: %d RHS instructions\n", optm.RHSInstructions)
	fp, fo := plain.RHS(), optm.RHS()
	n := len(net.U0)
	dp, do := make([]float64, n), make([]float64, n)
	fp(dp, net.U0, nil, 0)
	fo(do, net.U0, nil, 0)
	worst := 0.0
	for i := range dp {
		d := math.Abs(dp[i] - do[i])
		if s := math.Max(math.Abs(dp[i]), math.Abs(do[i])); s > 0 {
			worst = math.Max(worst, d/s)
		}
	}
	tp := timeCall(reps, func() { fp(dp, net.U0, nil, 0) })
	to := timeCall(reps, func() { fo(do, net.U0, nil, 0) })
	fmt.Printf("RHS at x0: plain %.0f ns/call, e-graph %.0f ns/call, speed-up %.2fx, max rel difference %.3g\n", tp, to, tp/to, worst)
	return nil
}

func mainTerms(ctx context.Context, reps int, shared, out string) error {
	return fmt.Errorf("terms: not written yet")
}
