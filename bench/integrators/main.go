// Command integrators runs symcalc's ODE solvers on the peer workloads of
// ../shared/workloads/peers (W5: Lorenz, ROBER, 2-D Brusselator N=32) and
// ../shared/workloads/ks (generation of the 20 KS observation pairs), and
// prints a work-precision table side by side with the CVODE, SciPy and
// NumPy results that run.sh produced in the same session on this machine.
//
//	go run ./bench/integrators -reps 5 -cvode out/cvode.jsonl -scipy out/results/w5_scipy.json -ks-numpy out/ks_numpy.json
//
// Wall time is the median over -reps runs of integrators.Solve (setup,
// sparse analysis, integration, output), like CVODE's CVodeCreate…CVodeFree
// and SciPy's solve_ivp call.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/symcalc/symcalc/integrators"
	"github.com/symcalc/symcalc/integrators/testproblems"
)

type row struct {
	Case   string  `json:"case"`
	Solver string  `json:"solver"`
	Wall   float64 `json:"wall_s"`
	CPU    float64 `json:"cpu_s"` // process CPU time (NaN when not measured)
	RHS    int     `json:"rhs"`
	Steps  int     `json:"steps"`
	LU     int     `json:"lu"`
	Err    float64 `json:"err"`
	ErrLbl string  `json:"err_kind"`
	Peer   bool    `json:"peer"`
}

func main() {
	reps := flag.Int("reps", 5, "repetitions per case (median wall time)")
	only := flag.String("cases", "lorenz,rober,bruss32,ks,bcr", "comma-separated cases to run")
	bcrNet := flag.String("bcr-net", "../shared/workloads/bionetgen/bcr/bcr.net", "BCR network (.net)")
	bcrRef := flag.String("bcr-ref", "../shared/workloads/peers2/bcr_ref_t10000.txt", "BCR reference state at t=10000")
	bcrReps := flag.Int("bcr-reps", 1, "repetitions of the BCR case")
	bcrCVODE := flag.String("bcr-cvode", "", "peers2 bcr_cvode bench JSON line")
	bcrCVODECPU := flag.String("bcr-cvode-cpu", "", "the same, timed in process CPU time")
	peers := flag.String("peers", "", "peers workload dir with results/ref_*.txt (default: ../shared/workloads/peers, else integrators/testdata)")
	cvode := flag.String("cvode", "", "CVODE JSON lines (./w5_cvode bench output)")
	cvodeCPU := flag.String("cvode-cpu", "", "CVODE JSON lines timed in process CPU time")
	scipy := flag.String("scipy", "", "SciPy w5_scipy.json")
	scipyCPU := flag.String("scipy-cpu", "", "SciPy results timed in process CPU time")
	ksNumpy := flag.String("ks-numpy", "", "ks_numpy.py JSON output")
	ksDt := flag.Float64("ks-dt", 0.025, "ETDRK4 step of the KS pair generation")
	jsonOut := flag.Bool("json", false, "print our rows as JSON lines instead of the table")
	sweep := flag.Bool("sweep", true, "also run looser tolerances (work-precision at matched error)")
	flag.Parse()

	refDir := findRefs(*peers)
	want := map[string]bool{}
	for _, c := range strings.Split(*only, ",") {
		want[strings.TrimSpace(c)] = true
	}
	var rows []row
	ctx := context.Background()
	if want["lorenz"] {
		ref := mustVec(filepath.Join(refDir, "ref_lorenz.txt"))[:3]
		for _, m := range []integrators.Method{integrators.Tsit5(), integrators.Vern7(), integrators.DP5()} {
			r := timeSolve(ctx, *reps, testproblems.Lorenz(100), m, &integrators.Options{RTol: 1e-8, ATol: 1e-8, SaveAt: []float64{10, 100}},
				func(s *integrators.Solution) float64 { a, _ := errs(s.U[0], ref); return a })
			r.Case, r.ErrLbl = "lorenz", "abs@t=10"
			rows = append(rows, r)
		}
		if *sweep {
			for _, tol := range []float64{1e-7, 1e-6} {
				r := timeSolve(ctx, *reps, testproblems.Lorenz(100), integrators.Tsit5(), &integrators.Options{RTol: tol, ATol: tol, SaveAt: []float64{10, 100}},
					func(s *integrators.Solution) float64 { a, _ := errs(s.U[0], ref); return a })
				r.Case, r.ErrLbl = "lorenz", "abs@t=10"
				r.Solver += fmt.Sprintf(" tol=%g", tol)
				rows = append(rows, r)
			}
		}
	}
	if want["rober"] {
		ref := mustVec(filepath.Join(refDir, "ref_rober.txt"))
		for _, m := range []integrators.Method{integrators.BDF(), integrators.Rodas4()} {
			r := timeSolve(ctx, *reps, testproblems.Rober(1e5), m, &integrators.Options{RTol: 1e-8, ATol: 1e-10, SaveAt: []float64{1e5}},
				func(s *integrators.Solution) float64 { _, rel := errs(s.Final(), ref); return rel })
			r.Case, r.ErrLbl = "rober", "rel@t=1e5"
			r.Solver += " (dense LU, analytic J)"
			rows = append(rows, r)
		}
		if *sweep {
			for _, rt := range []float64{5e-9, 2e-9} {
				r := timeSolve(ctx, *reps, testproblems.Rober(1e5), integrators.BDF(), &integrators.Options{RTol: rt, ATol: 1e-10, SaveAt: []float64{1e5}},
					func(s *integrators.Solution) float64 { _, rel := errs(s.Final(), ref); return rel })
				r.Case, r.ErrLbl = "rober", "rel@t=1e5"
				r.Solver += fmt.Sprintf(" rtol=%g", rt)
				rows = append(rows, r)
			}
		}
	}
	if want["bruss32"] {
		ref := mustVec(filepath.Join(refDir, "ref_bruss32.txt"))
		b := testproblems.NewBrusselator2D(32)
		r := timeSolve(ctx, max(1, min(*reps, 5)), b.Problem(11.5), integrators.BDF(), &integrators.Options{RTol: 1e-6, ATol: 1e-6, SaveAt: []float64{11.5}},
			func(s *integrators.Solution) float64 { a, _ := errs(s.Final(), ref); return a })
		r.Case, r.ErrLbl = "bruss32", "abs@t=11.5"
		r.Solver += " (sparse LU)"
		rows = append(rows, r)
		if *sweep {
			for _, tol := range []float64{2e-6, 4e-6} {
				r := timeSolve(ctx, max(1, min(*reps, 5)), b.Problem(11.5), integrators.BDF(), &integrators.Options{RTol: tol, ATol: tol, SaveAt: []float64{11.5}},
					func(s *integrators.Solution) float64 { a, _ := errs(s.Final(), ref); return a })
				r.Case, r.ErrLbl = "bruss32", "abs@t=11.5"
				r.Solver += fmt.Sprintf(" tol=%g", tol)
				rows = append(rows, r)
			}
		}
	}
	if want["ks"] {
		var walls, cpus []float64
		for i := 0; i < *reps; i++ {
			t0, c0 := time.Now(), cpuTime()
			if _, err := testproblems.KSPairs(ctx, *ksDt, 20, 100, 10, 1e-3); err != nil {
				fmt.Fprintln(os.Stderr, "ks:", err)
				os.Exit(1)
			}
			walls = append(walls, time.Since(t0).Seconds())
			cpus = append(cpus, cpuTime()-c0)
		}
		steps := int(math.Round(290 / *ksDt))
		rows = append(rows, row{Case: "ks", Solver: fmt.Sprintf("symcalc ETDRK4 dt=%g (20 pairs)", *ksDt), Wall: median(walls), CPU: median(cpus), RHS: 4 * (steps + 20), Steps: steps + 20, Err: math.NaN()})
	}
	if want["bcr"] {
		if r, ok := runBCR(ctx, *bcrNet, *bcrRef, *bcrReps); ok {
			rows = append(rows, r)
			if *sweep {
				if r, ok := runBCRTight(ctx, *bcrNet, *bcrRef, *bcrReps, 5e-7); ok {
					rows = append(rows, r)
				}
			}
		}
	}
	if *cvode != "" {
		rows = append(rows, mergeCPU(readCVODE(*cvode), *cvodeCPU, readCVODE)...)
	}
	if *scipy != "" {
		rows = append(rows, mergeCPU(readSciPy(*scipy), *scipyCPU, readSciPy)...)
	}
	if *bcrCVODE != "" {
		rows = append(rows, mergeCPU(readBCRCVODE(*bcrCVODE), *bcrCVODECPU, readBCRCVODE)...)
	}
	if *ksNumpy != "" {
		rows = append(rows, readKSNumpy(*ksNumpy)...)
	}
	if *jsonOut {
		enc := json.NewEncoder(os.Stdout)
		for _, r := range rows {
			if !r.Peer {
				if err := enc.Encode(r.jsonSafe()); err != nil {
					fmt.Fprintln(os.Stderr, "json:", err)
					os.Exit(1)
				}
			}
		}
		return
	}
	printTable(rows)
}

// jsonSafe is the row with NaN (not measured) figures as null, which JSON
// can carry.
func (r row) jsonSafe() map[string]any {
	num := func(v float64) any {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil
		}
		return v
	}
	return map[string]any{"case": r.Case, "solver": r.Solver, "wall_s": num(r.Wall), "cpu_s": num(r.CPU),
		"rhs": r.RHS, "steps": r.Steps, "lu": r.LU, "err": num(r.Err), "err_kind": r.ErrLbl}
}

func timeSolve(ctx context.Context, reps int, p *integrators.Problem, m integrators.Method, o *integrators.Options, errf func(*integrators.Solution) float64) row {
	var walls, cpus []float64
	var sol *integrators.Solution
	for i := 0; i < reps; i++ {
		t0, c0 := time.Now(), cpuTime()
		s, err := integrators.Solve(ctx, p, m, o)
		walls = append(walls, time.Since(t0).Seconds())
		cpus = append(cpus, cpuTime()-c0)
		if err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", m.Name(), err)
			os.Exit(1)
		}
		sol = s
	}
	return row{Solver: "symcalc " + m.Name(), Wall: median(walls), CPU: median(cpus), RHS: sol.Stats.RHSEvals, Steps: sol.Stats.Accepted,
		LU: sol.Stats.LUFactorisations, Err: errf(sol)}
}

func median(x []float64) float64 {
	s := append([]float64(nil), x...)
	sort.Float64s(s)
	return s[len(s)/2]
}

func errs(y, r []float64) (abs, rel float64) {
	for i := range y {
		d := math.Abs(y[i] - r[i])
		abs = math.Max(abs, d)
		if r[i] != 0 {
			rel = math.Max(rel, d/math.Abs(r[i]))
		}
	}
	return
}

func findRefs(dir string) string {
	cands := []string{}
	if dir != "" {
		cands = append(cands, filepath.Join(dir, "results"), dir)
	}
	cands = append(cands, "../shared/workloads/peers/results", "integrators/testdata")
	for _, c := range cands {
		if _, err := os.Stat(filepath.Join(c, "ref_rober.txt")); err == nil {
			return c
		}
	}
	fmt.Fprintln(os.Stderr, "no reference solutions found (run from the repository root)")
	os.Exit(1)
	return ""
}

func mustVec(path string) []float64 {
	f, err := os.Open(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	var v []float64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if s := strings.TrimSpace(sc.Text()); s != "" {
			x, err := strconv.ParseFloat(s, 64)
			if err != nil {
				fmt.Fprintln(os.Stderr, path, err)
				os.Exit(1)
			}
			v = append(v, x)
		}
	}
	return v
}

func readCVODE(path string) []row {
	f, err := os.Open(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "cvode:", err)
		return nil
	}
	defer f.Close()
	var rows []row
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var m map[string]any
		if json.Unmarshal(sc.Bytes(), &m) != nil {
			continue
		}
		name, _ := m["case"].(string)
		num := func(k string) float64 { v, _ := m[k].(float64); return v }
		r := row{Solver: "CVODE " + name, Wall: num("wall_s"), CPU: math.NaN(), RHS: int(num("nfe") + num("nfe_ls")), Steps: int(num("nst")), LU: int(num("nsetups")), Peer: true}
		switch {
		case strings.HasPrefix(name, "lorenz"):
			r.Case, r.Err, r.ErrLbl = "lorenz", num("err_abs_t10"), "abs@t=10"
		case strings.HasPrefix(name, "rober"):
			r.Case, r.Err, r.ErrLbl = "rober", num("err_rel"), "rel@t=1e5"
		case strings.HasPrefix(name, "bruss32"):
			r.Case, r.Err, r.ErrLbl = "bruss32", num("err_abs"), "abs@t=11.5"
		default:
			continue
		}
		rows = append(rows, r)
	}
	return rows
}

func readSciPy(path string) []row {
	b, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "scipy:", err)
		return nil
	}
	var m map[string]map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		fmt.Fprintln(os.Stderr, "scipy:", err)
		return nil
	}
	var rows []row
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, name := range names {
		d := m[name]
		num := func(k string) float64 { v, _ := d[k].(float64); return v }
		r := row{Solver: "SciPy " + name, Wall: num("wall_s"), CPU: math.NaN(), RHS: int(num("nfev")), Steps: int(num("steps")), LU: int(num("nlu")), Peer: true}
		switch {
		case strings.HasPrefix(name, "lorenz"):
			r.Case, r.Err, r.ErrLbl = "lorenz", num("err_abs_t10"), "abs@t=10"
		case strings.HasPrefix(name, "rober"):
			r.Case, r.Err, r.ErrLbl = "rober", num("err_rel"), "rel@t=1e5"
		case strings.HasPrefix(name, "bruss32"):
			r.Case, r.Err, r.ErrLbl = "bruss32", num("err_abs"), "abs@t=11.5"
		default:
			continue
		}
		rows = append(rows, r)
	}
	return rows
}

func readKSNumpy(path string) []row {
	b, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ks numpy:", err)
		return nil
	}
	var d struct {
		Wall  float64 `json:"wall_s"`
		CPU   float64 `json:"cpu_s"`
		Dt    float64 `json:"dt"`
		Steps int     `json:"steps"`
	}
	if err := json.Unmarshal(b, &d); err != nil {
		fmt.Fprintln(os.Stderr, "ks numpy:", err)
		return nil
	}
	return []row{{Case: "ks", Solver: fmt.Sprintf("NumPy ETDRK4 dt=%g (20 pairs)", d.Dt), Wall: d.Wall, CPU: d.CPU, RHS: 4 * d.Steps, Steps: d.Steps, Err: math.NaN(), Peer: true}}
}

func printTable(rows []row) {
	cases := []string{"lorenz", "rober", "bruss32", "bcr", "ks"}
	fmt.Printf("%-8s %-42s %11s %11s %8s %6s %5s %10s %-10s %s\n", "case", "solver", "wall", "cpu", "RHS", "steps", "LU", "error", "kind", "peer ÷ fastest ours at ≤ its error (wall; cpu)")
	for _, c := range cases {
		for _, r := range rows {
			if r.Case != c {
				continue
			}
			e := "-"
			if !math.IsNaN(r.Err) {
				e = fmt.Sprintf("%.3g", r.Err)
			}
			ratio := ""
			if r.Peer {
				// Work-precision: compare with our fastest run whose error is
				// no larger than the peer's (any run when errors are not
				// comparable).
				bestW, bestC := math.Inf(1), math.Inf(1)
				name := ""
				for _, o := range rows {
					if o.Case != c || o.Peer || (!math.IsNaN(r.Err) && !(o.Err <= r.Err)) {
						continue
					}
					if o.Wall < bestW {
						bestW = o.Wall
					}
					if o.CPU < bestC {
						bestC, name = o.CPU, o.Solver
					}
				}
				switch {
				case math.IsInf(bestW, 1):
					ratio = "no run of ours at ≤ this error"
				default:
					ratio = fmt.Sprintf("%.2fx", r.Wall/bestW)
					if !math.IsNaN(r.CPU) && !math.IsInf(bestC, 1) {
						ratio += fmt.Sprintf("; %.2fx (vs %s)", r.CPU/bestC, strings.TrimPrefix(name, "symcalc "))
					}
				}
			}
			fmt.Printf("%-8s %-42s %11s %11s %8d %6d %5d %10s %-10s %s\n", r.Case, r.Solver, fmtDur(r.Wall), fmtDur(r.CPU), r.RHS, r.Steps, r.LU, e, r.ErrLbl, ratio)
		}
	}
}

// mergeCPU fills the CPU column of rows from the same results timed in CPU time.
func mergeCPU(rows []row, cpuPath string, read func(string) []row) []row {
	if cpuPath == "" {
		return rows
	}
	byName := map[string]float64{}
	for _, r := range read(cpuPath) {
		byName[strings.Replace(r.Solver, "w5_scipy_cpu", "w5_scipy", 1)] = r.Wall
	}
	for i := range rows {
		if v, ok := byName[rows[i].Solver]; ok {
			rows[i].CPU = v
		}
	}
	return rows
}

// cpuTime is the process's user+system CPU time in seconds (all threads,
// so the garbage collector's work counts).
func cpuTime() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return math.NaN()
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

func fmtDur(s float64) string {
	switch {
	case math.IsNaN(s):
		return "-"
	case s < 1e-3:
		return fmt.Sprintf("%.1f µs", s*1e6)
	case s < 1:
		return fmt.Sprintf("%.2f ms", s*1e3)
	}
	return fmt.Sprintf("%.3f s", s)
}

// runBCR integrates the BCR network (1,122 species) from the .net initial
// amounts to t = 10,000 at rtol 1e-6, atol 1e-8 with BDF and sparse LU; the
// error is the largest relative error over species with |ref| ≥ 1, as in
// peers2/RESULTS.md. It skips (ok = false) when the files are absent.
func runBCR(ctx context.Context, netPath, refPath string, reps int) (row, bool) {
	if _, err := os.Stat(netPath); err != nil {
		fmt.Fprintln(os.Stderr, "bcr: skipped:", err)
		return row{}, false
	}
	nw, err := readNet(netPath)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bcr:", err)
		os.Exit(1)
	}
	ref, _, err := readBCRRef(refPath, len(nw.names))
	if err != nil || len(ref) != len(nw.names) {
		fmt.Fprintln(os.Stderr, "bcr: reference:", err)
		return row{}, false
	}
	r := timeSolve(ctx, reps, nw.problem(1e4), integrators.BDF(), &integrators.Options{RTol: 1e-6, ATol: 1e-8, SaveAt: []float64{1e4}},
		func(s *integrators.Solution) float64 {
			var worst float64
			for i, y := range s.Final() {
				if math.Abs(ref[i]) >= 1 {
					worst = math.Max(worst, math.Abs(y-ref[i])/math.Abs(ref[i]))
				}
			}
			return worst
		})
	r.Case, r.ErrLbl = "bcr", "rel(≥1)"
	r.Solver += " (sparse LU)"
	return r, true
}

// runBCRTight is runBCR at a tighter tolerance (for a matched-error row).
func runBCRTight(ctx context.Context, netPath, refPath string, reps int, rtol float64) (row, bool) {
	nw, err := readNet(netPath)
	if err != nil {
		return row{}, false
	}
	ref, _, err := readBCRRef(refPath, len(nw.names))
	if err != nil || len(ref) != len(nw.names) {
		return row{}, false
	}
	r := timeSolve(ctx, reps, nw.problem(1e4), integrators.BDF(), &integrators.Options{RTol: rtol, ATol: 1e-8, SaveAt: []float64{1e4}},
		func(s *integrators.Solution) float64 {
			var worst float64
			for i, y := range s.Final() {
				if math.Abs(ref[i]) >= 1 {
					worst = math.Max(worst, math.Abs(y-ref[i])/math.Abs(ref[i]))
				}
			}
			return worst
		})
	r.Case, r.ErrLbl = "bcr", "rel(≥1)"
	r.Solver += fmt.Sprintf(" rtol=%g", rtol)
	return r, true
}

func readBCRCVODE(path string) []row {
	b, err := os.ReadFile(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bcr cvode:", err)
		return nil
	}
	var rows []row
	for _, line := range strings.Split(string(b), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(line), &m) != nil {
			continue
		}
		num := func(k string) float64 { v, _ := m[k].(float64); return v }
		name, _ := m["case"].(string)
		rows = append(rows, row{Case: "bcr", Solver: "CVODE " + name, Wall: num("wall_s"), CPU: math.NaN(), RHS: int(num("nfe")),
			Steps: int(num("nst")), LU: int(num("nsetups")), Err: num("err_rel_max_species_ge1"), ErrLbl: "rel(≥1)", Peer: true})
	}
	return rows
}
