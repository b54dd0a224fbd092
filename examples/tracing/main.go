// Command tracing solves the reaction–diffusion system of Symbolics.jl's
// "automated sparse parallelism" tutorial from a right-hand side written
// once as generic Go code (package rd): it traces the function into
// equations, finds the sparse Jacobian, compiles both, splits them across
// goroutines and integrates with BDF and sparse LU. With -dense it instead
// solves the plain Go array code with a dense finite-difference Jacobian
// and dense LU, the baseline the tutorial compares against.
//
//	go run ./examples/tracing -n 32 -rtol 1e-6 -atol 1e-6
//	go run ./examples/tracing -n 32 -dense
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"math"
	"os"
	"runtime/pprof"
	"strconv"
	"time"

	"github.com/symcalc/symcalc/examples/tracing/autosparse"
	"github.com/symcalc/symcalc/examples/tracing/rd"
	"github.com/symcalc/symcalc/integrators"
	"github.com/symcalc/symcalc/symbolic"
)

func main() {
	n := flag.Int("n", 32, "grid size N (3N² equations)")
	rtol := flag.Float64("rtol", 1e-6, "relative tolerance")
	atol := flag.Float64("atol", 1e-6, "absolute tolerance")
	dense := flag.Bool("dense", false, "solve the plain Go code with a dense finite-difference Jacobian and dense LU")
	workers := flag.Int("workers", 0, "goroutines for the RHS and Jacobian (0: GOMAXPROCS)")
	ref := flag.String("ref", "", "reference final state (one value per line) to measure the error against")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the solve to this file")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "tracing:", err)
			os.Exit(1)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "tracing:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	if err := run(context.Background(), *n, *rtol, *atol, *dense, *workers, *ref); err != nil {
		fmt.Fprintln(os.Stderr, "tracing:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

func run(ctx context.Context, N int, rtol, atol float64, dense bool, workers int, refPath string) error {
	if N < 3 {
		return fmt.Errorf("N = %d: the grid needs at least 3 points a side", N)
	}
	neq := rd.Size(N)
	u0 := make([]float64, neq)
	opts := &integrators.Options{RTol: rtol, ATol: atol, SaveAt: []float64{rd.T1}}
	var prob *integrators.Problem
	if dense {
		opts.Linear = integrators.LinearDense
		prob = &integrators.Problem{F: rd.Plain(N), U0: u0, T0: rd.T0, T1: rd.T1}
	} else {
		start := time.Now()
		tr, err := symbolic.TraceRHS(rd.RHS[symbolic.Var](N), symbolic.TraceSpec{NumStates: neq})
		if err != nil {
			return err
		}
		traced := time.Since(start)
		m, err := autosparse.FromTraced(ctx, tr, autosparse.Options{Workers: workers})
		if err != nil {
			return err
		}
		fmt.Printf("N=%d: %d equations traced in %v; Jacobian (%d nonzeros) and kernels (%d + %d instructions, %d blocks) in %v\n",
			N, neq, traced.Round(time.Millisecond), m.Pattern.NNZ(), m.RHSInstructions, m.JacInstructions,
			m.Workers(), (time.Since(start) - traced).Round(time.Millisecond))
		prob = m.Problem(u0, nil, rd.T0, rd.T1)
		prob.Autonomous = true
		opts.Linear = integrators.LinearSparse
	}
	start := time.Now()
	sol, err := integrators.Solve(ctx, prob, integrators.BDF(), opts)
	if err != nil {
		return err
	}
	wall := time.Since(start)
	uT := sol.U[len(sol.U)-1]
	st := sol.Stats
	fmt.Printf("BDF %s LU, rtol %g atol %g: %v, %d steps, %d RHS, %d Jacobians, %d LU\n",
		opts.Linear, rtol, atol, wall.Round(time.Microsecond), st.Accepted, st.RHSEvals, st.JacEvals, st.LUFactorisations)
	fmt.Printf("A[1,1] = %.10g, A[N,N] = %.10g\n", uT[0], uT[rd.Index(N, N-1, N-1, 0)])
	if refPath != "" {
		ref, err := readVector(refPath, neq)
		if err != nil {
			return err
		}
		e := 0.0
		for i := range ref {
			e = math.Max(e, math.Abs(uT[i]-ref[i]))
		}
		fmt.Printf("max abs error against %s: %.3g\n", refPath, e)
	}
	return nil
}

func readVector(path string, n int) ([]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var v []float64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		x, err := strconv.ParseFloat(sc.Text(), 64)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, len(v)+1, err)
		}
		v = append(v, x)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if len(v) != n {
		return nil, fmt.Errorf("%s: %d values, want %d", path, len(v), n)
	}
	return v, nil
}
