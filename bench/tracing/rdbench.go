package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/symcalc/symcalc/bench/tracing/rdgen"
	"github.com/symcalc/symcalc/examples/tracing/autosparse"
	"github.com/symcalc/symcalc/examples/tracing/rd"
	"github.com/symcalc/symcalc/integrators"
	"github.com/symcalc/symcalc/symbolic"
)

// rdRow is one solver configuration at one N and tolerance.
type rdRow struct {
	N          int
	Solver     string
	RTol, ATol float64
	Wall, CPU  float64 // seconds (medians)
	Steps, RHS int
	Jac, LU    int
	Err        float64 // max abs error against the reference
}

type tol struct{ r, a float64 }

var rdTols = []tol{{1e-3, 1e-6}, {1e-6, 1e-6}}

// runRD measures the traced pipeline at each N (and the dense baseline at
// N = 32 when dense is set), reading references from refDir.
func runRD(ctx context.Context, Ns []int, reps, workers int, dense bool, refDir string) ([]rdRow, error) {
	var rows []rdRow
	for _, N := range Ns {
		ref, err := readVec(filepath.Join(refDir, fmt.Sprintf("rd_ref_N%d.txt", N)), rd.Size(N))
		if err != nil {
			return nil, err
		}
		t0, c0 := time.Now(), cpuTime()
		tr, err := symbolic.TraceRHS(rd.RHS[symbolic.Var](N), symbolic.TraceSpec{NumStates: rd.Size(N)})
		if err != nil {
			return nil, err
		}
		t1, c1 := time.Now(), cpuTime()
		m, err := autosparse.FromTraced(ctx, tr, autosparse.Options{Workers: workers})
		if err != nil {
			return nil, err
		}
		t2, c2 := time.Now(), cpuTime()
		fmt.Printf("N=%d: trace %.3fs wall (%.3fs cpu); Jacobian+kernels %.3fs wall (%.3fs cpu); nnz %d; %d blocks\n",
			N, t1.Sub(t0).Seconds(), c1-c0, t2.Sub(t1).Seconds(), c2-c1, m.Pattern.NNZ(), m.Workers())
		for _, tl := range rdTols {
			row, err := timeRD(ctx, reps, func() *integrators.Problem {
				p := m.Problem(make([]float64, rd.Size(N)), nil, rd.T0, rd.T1)
				p.Autonomous = true
				return p
			}, integrators.LinearSparse, tl, ref)
			if err != nil {
				return nil, err
			}
			row.N, row.Solver = N, "symcalc traced, BDF sparse LU"
			rows = append(rows, row)
			printRD(row)
		}
		// The same traced equations with the right-hand side compiled to Go
		// ahead of time (bench/tracing/rdgen, from the same trace through
		// codegen's Go backend; bit-identical to the tape), the Jacobian
		// still on the tape: CVODE's driver likewise runs compiled C.
		if gen := rdgen.RHS(N); gen != nil {
			for _, tl := range rdTols {
				row, err := timeRD(ctx, reps, func() *integrators.Problem {
					p := m.Problem(make([]float64, rd.Size(N)), nil, rd.T0, rd.T1)
					p.F = gen
					p.Autonomous = true
					return p
				}, integrators.LinearSparse, tl, ref)
				if err != nil {
					return nil, err
				}
				row.N, row.Solver = N, "symcalc traced, generated Go RHS, BDF sparse LU"
				rows = append(rows, row)
				printRD(row)
			}
		}
		if dense && N == 32 {
			for _, tl := range rdTols {
				row, err := timeRD(ctx, 1, func() *integrators.Problem {
					return &integrators.Problem{F: rd.Plain(N), U0: make([]float64, rd.Size(N)), T0: rd.T0, T1: rd.T1}
				}, integrators.LinearDense, tl, ref)
				if err != nil {
					return nil, err
				}
				row.N, row.Solver = N, "symcalc plain Go, BDF dense FD Jacobian + dense LU"
				rows = append(rows, row)
				printRD(row)
			}
		}
	}
	return rows, nil
}

func printRD(r rdRow) {
	fmt.Printf("  %-48s rtol %-6g wall %8.4fs cpu %8.4fs  steps %4d RHS %5d J %2d LU %3d err %.2g\n",
		r.Solver, r.RTol, r.Wall, r.CPU, r.Steps, r.RHS, r.Jac, r.LU, r.Err)
}

func timeRD(ctx context.Context, reps int, mk func() *integrators.Problem, lin integrators.LinearSolver, tl tol, ref []float64) (rdRow, error) {
	var walls, cpus []float64
	var row rdRow
	for i := 0; i < reps; i++ {
		p := mk()
		opts := &integrators.Options{RTol: tl.r, ATol: tl.a, SaveAt: []float64{rd.T1}, Linear: lin}
		w0, c0 := time.Now(), cpuTime()
		sol, err := integrators.Solve(ctx, p, integrators.BDF(), opts)
		walls = append(walls, time.Since(w0).Seconds())
		cpus = append(cpus, cpuTime()-c0)
		if err != nil {
			return row, err
		}
		u := sol.U[len(sol.U)-1]
		e := 0.0
		for k := range ref {
			e = math.Max(e, math.Abs(u[k]-ref[k]))
		}
		st := sol.Stats
		row = rdRow{RTol: tl.r, ATol: tl.a, Steps: st.Accepted, RHS: st.RHSEvals, Jac: st.JacEvals, LU: st.LUFactorisations, Err: e}
	}
	row.Wall, row.CPU = median(walls), median(cpus)
	return row, nil
}

// cvodeRow is one line of rd_cvode's JSON output.
type cvodeRow struct {
	Case   string  `json:"case"`
	N      int     `json:"N"`
	RTol   float64 `json:"rtol"`
	ATol   float64 `json:"atol"`
	Wall   float64 `json:"wall_s"`
	Steps  int     `json:"nst"`
	RHS    int     `json:"nfe"`
	RHSLS  int     `json:"nfe_ls"`
	Jac    int     `json:"nje"`
	Setups int     `json:"nsetups"`
	Err    float64 `json:"err_abs_max"`
}

func readCVODE(path string) ([]cvodeRow, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var rows []cvodeRow
	for _, l := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(l) == "" {
			continue
		}
		var r cvodeRow
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// rdTable prints ours beside CVODE (wall and CPU from one run of run.sh).
func rdTable(ours []rdRow, cvWall, cvCPU []cvodeRow) {
	fmt.Println("\n| N | rtol | atol | ours wall (s) | ours CPU (s) | ours steps/LU | ours err | CVODE KLU-AMD wall (s) | CVODE CPU (s) | CVODE steps/LU | CVODE err | CVODE/ours (CPU) |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|---|")
	find := func(rs []cvodeRow, r rdRow, kind string) *cvodeRow {
		for i := range rs {
			c := &rs[i]
			if c.N == r.N && c.RTol == r.RTol && c.ATol == r.ATol && strings.HasSuffix(c.Case, kind) {
				return c
			}
		}
		return nil
	}
	for _, r := range ours {
		kind := "klu_amd"
		if strings.Contains(r.Solver, "dense") {
			kind = "densefd"
		}
		w, c := find(cvWall, r, kind), find(cvCPU, r, kind)
		cw, cc, cs, ce, ratio := "-", "-", "-", "-", "-"
		if w != nil {
			cw = fmt.Sprintf("%.4g", w.Wall)
			cs = fmt.Sprintf("%d/%d", w.Steps, w.Setups)
			ce = fmt.Sprintf("%.2g", w.Err)
		}
		if c != nil {
			cc = fmt.Sprintf("%.4g", c.Wall)
			ratio = fmt.Sprintf("%.2f", c.Wall/r.CPU)
		}
		fmt.Printf("| %d | %g | %g | %.4g | %.4g | %d/%d | %.2g | %s | %s | %s | %s | %s |  %s\n",
			r.N, r.RTol, r.ATol, r.Wall, r.CPU, r.Steps, r.LU, r.Err, cw, cc, cs, ce, ratio, r.Solver)
	}
	// Ratio over our own dense baseline.
	for _, d := range ours {
		if !strings.Contains(d.Solver, "dense") {
			continue
		}
		for _, s := range ours {
			if s.N == d.N && s.RTol == d.RTol && !strings.Contains(s.Solver, "dense") {
				fmt.Printf("N=%d rtol %g: dense baseline / traced sparse = %.0fx wall, %.0fx CPU\n", d.N, d.RTol, d.Wall/s.Wall, d.CPU/s.CPU)
			}
		}
	}
}

func median(x []float64) float64 {
	s := append([]float64(nil), x...)
	sort.Float64s(s)
	return s[len(s)/2]
}
