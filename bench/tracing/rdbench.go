package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
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
	CPUSamples []float64
}

type tol struct{ r, a float64 }

var rdTols = []tol{{1e-3, 1e-6}, {1e-6, 1e-6}}

// cvodePeer runs CVODE's reaction–diffusion driver (peers2's rd_cvode.c,
// built by run.sh twice: timing wall-clock and process CPU time) one
// solve at a time, so that runRD can alternate it with ours.
type cvodePeer struct {
	cpuBin, wallBin string // either may be empty
	refDir          string
}

// run executes one solve of bin and returns its JSON line.
func (c *cvodePeer) run(ctx context.Context, bin string, N int, tl tol) (cvodeRow, error) {
	ref := filepath.Join(c.refDir, fmt.Sprintf("rd_ref_N%d.txt", N))
	out, err := exec.CommandContext(ctx, bin, strconv.Itoa(N), "klu_amd",
		strconv.FormatFloat(tl.r, 'g', -1, 64), strconv.FormatFloat(tl.a, 'g', -1, 64), "1", ref).Output()
	if err != nil {
		return cvodeRow{}, fmt.Errorf("%s N=%d: %w", bin, N, err)
	}
	var r cvodeRow
	if err := json.Unmarshal(out, &r); err != nil {
		return cvodeRow{}, fmt.Errorf("%s N=%d: %w (output %q)", bin, N, err, out)
	}
	return r, nil
}

// variant is one configuration of ours at one N.
type variant struct {
	name string
	mk   func() *integrators.Problem
	lin  integrators.LinearSolver
	reps int
}

// runRD measures the traced pipeline at each N (and the dense baseline at
// N = 32 when dense is set), reading references from refDir. With a peer,
// every repetition runs CVODE's solve and then each of ours, alternating,
// so that the load of the shared machine falls on both alike; the CVODE
// medians are returned for the table (CPU-timed, then wall-timed).
func runRD(ctx context.Context, Ns []int, reps, workers int, dense bool, refDir string, peer *cvodePeer) ([]rdRow, []cvodeRow, []cvodeRow, error) {
	var rows []rdRow
	var cvCPU, cvWall []cvodeRow
	for _, N := range Ns {
		ref, err := readVec(filepath.Join(refDir, fmt.Sprintf("rd_ref_N%d.txt", N)), rd.Size(N))
		if err != nil {
			return nil, nil, nil, err
		}
		t0, c0 := time.Now(), cpuTime()
		tr, err := symbolic.TraceRHS(rd.RHS[symbolic.Var](N), symbolic.TraceSpec{NumStates: rd.Size(N)})
		if err != nil {
			return nil, nil, nil, err
		}
		t1, c1 := time.Now(), cpuTime()
		m, err := autosparse.FromTraced(ctx, tr, autosparse.Options{Workers: workers})
		if err != nil {
			return nil, nil, nil, err
		}
		t2, c2 := time.Now(), cpuTime()
		fmt.Printf("N=%d: trace %.3fs wall (%.3fs cpu); Jacobian+kernels %.3fs wall (%.3fs cpu); nnz %d; %d blocks\n",
			N, t1.Sub(t0).Seconds(), c1-c0, t2.Sub(t1).Seconds(), c2-c1, m.Pattern.NNZ(), m.Workers())
		vs := []variant{{
			name: "symcalc traced, BDF sparse LU",
			mk: func() *integrators.Problem {
				p := m.Problem(make([]float64, rd.Size(N)), nil, rd.T0, rd.T1)
				p.Autonomous = true
				return p
			},
			lin: integrators.LinearSparse, reps: reps,
		}}
		// The same traced equations with the right-hand side compiled to Go
		// ahead of time (bench/tracing/rdgen, from the same trace through
		// codegen's Go backend; bit-identical to the tape), the Jacobian
		// still on the tape: CVODE's driver likewise runs compiled C.
		if gen := rdgen.RHS(N); gen != nil {
			vs = append(vs, variant{
				name: "symcalc traced, generated Go RHS, BDF sparse LU",
				mk: func() *integrators.Problem {
					p := m.Problem(make([]float64, rd.Size(N)), nil, rd.T0, rd.T1)
					p.F = gen
					p.Autonomous = true
					return p
				},
				lin: integrators.LinearSparse, reps: reps,
			})
		}
		if dense && N == 32 {
			vs = append(vs, variant{
				name: "symcalc plain Go, BDF dense FD Jacobian + dense LU",
				mk: func() *integrators.Problem {
					return &integrators.Problem{F: rd.Plain(N), U0: make([]float64, rd.Size(N)), T0: rd.T0, T1: rd.T1}
				},
				lin: integrators.LinearDense, reps: 1,
			})
		}
		for _, tl := range rdTols {
			samples := make([][]rdRow, len(vs))
			var pc, pw []cvodeRow
			for rep := 0; rep < reps; rep++ {
				if peer != nil && peer.cpuBin != "" {
					r, err := peer.run(ctx, peer.cpuBin, N, tl)
					if err != nil {
						return nil, nil, nil, err
					}
					pc = append(pc, r)
				}
				if peer != nil && peer.wallBin != "" {
					r, err := peer.run(ctx, peer.wallBin, N, tl)
					if err != nil {
						return nil, nil, nil, err
					}
					pw = append(pw, r)
				}
				for i, v := range vs {
					if rep >= v.reps {
						continue
					}
					row, err := timeRD(ctx, 1, v.mk, v.lin, tl, ref)
					if err != nil {
						return nil, nil, nil, err
					}
					samples[i] = append(samples[i], row)
				}
			}
			for i, v := range vs {
				row := medianRow(samples[i])
				row.N, row.Solver = N, v.name
				rows = append(rows, row)
				printRD(row)
			}
			if len(pc) > 0 {
				cvCPU = append(cvCPU, medianCVODE(pc))
				printCVODE("CVODE BDF + KLU (AMD), CPU-timed", cvCPU[len(cvCPU)-1])
			}
			if len(pw) > 0 {
				cvWall = append(cvWall, medianCVODE(pw))
				printCVODE("CVODE BDF + KLU (AMD), wall-timed", cvWall[len(cvWall)-1])
			}
		}
	}
	return rows, cvCPU, cvWall, nil
}

// medianRow is the row of the repetitions with the median CPU time
// written over the medians of both times (the statistics are identical
// across repetitions: the solver is deterministic).
func medianRow(rs []rdRow) rdRow {
	var walls, cpus []float64
	for _, r := range rs {
		walls = append(walls, r.Wall)
		cpus = append(cpus, r.CPU)
	}
	row := rs[0]
	row.Wall, row.CPU = median(walls), median(cpus)
	row.CPUSamples = cpus
	return row
}

// medianCVODE is one CVODE row with the median time of single-solve runs.
func medianCVODE(rs []cvodeRow) cvodeRow {
	var ws []float64
	for _, r := range rs {
		ws = append(ws, r.Wall)
	}
	row := rs[0]
	row.Wall = median(ws)
	row.Samples = ws
	return row
}

func printCVODE(name string, r cvodeRow) {
	fmt.Printf("  %-48s rtol %-6g time %8.4fs (samples %v)  steps %4d RHS %5d J %2d LU %3d err %.2g\n",
		name, r.RTol, r.Wall, r.Samples, r.Steps, r.RHS, r.Jac, r.Setups, r.Err)
}

func printRD(r rdRow) {
	fmt.Printf("  %-48s rtol %-6g wall %8.4fs cpu %8.4fs  steps %4d RHS %5d J %2d LU %3d err %.2g",
		r.Solver, r.RTol, r.Wall, r.CPU, r.Steps, r.RHS, r.Jac, r.LU, r.Err)
	if len(r.CPUSamples) > 1 {
		fmt.Printf(" (cpu samples %.4f)", r.CPUSamples)
	}
	fmt.Println()
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
	// Samples are the single-solve times behind Wall when runRD ran the
	// peer itself.
	Samples []float64 `json:"-"`
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
