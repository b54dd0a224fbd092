// Command tracing measures the three end-to-end results of the Symbolics.jl
// paper with symcalc, beside the peer figures that bench/tracing/run.sh
// produces in the same run. See README.md.
//
//	go run ./bench/tracing -set rd  -out bench/tracing/out   # reaction–diffusion
//	go run ./bench/tracing -set bcr -out bench/tracing/out   # BCR network
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
)

func main() {
	set := flag.String("set", "rd", "rd, bcr or terms")
	out := flag.String("out", "bench/tracing/out", "folder with the peer results (rd_cvode*.jsonl, ...)")
	shared := flag.String("shared", "../shared/workloads", "the shared workloads folder")
	ns := flag.String("n", "32,64,128", "grid sizes for -set rd")
	reps := flag.Int("reps", 3, "repetitions (the median is reported)")
	workers := flag.Int("workers", 0, "goroutines for the RHS and Jacobian (0: GOMAXPROCS)")
	chunk := flag.Int("chunk", 4, "equations per e-graph for -set bcr (0: all in one)")
	egIters := flag.Int("egraph-iters", 4, "e-graph iteration limit per group")
	egNodes := flag.Int("egraph-nodes", 20000, "e-graph node (hashcons) limit per group")
	dense := flag.Bool("dense", false, "also run the dense finite-difference baseline at N = 32 (minutes)")
	cvodeCPU := flag.String("cvode-cpu", "", "-set rd: CVODE driver timing CPU time (run.sh builds it); runs alternate with ours")
	cvodeWall := flag.String("cvode-wall", "", "-set rd: CVODE driver timing wall-clock time, alternated likewise")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file (pprof -focus integrators.Solve isolates the solves)")
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
		defer func() {
			pprof.StopCPUProfile()
			f.Close()
		}()
	}
	if _, err := os.Stat(*shared); err != nil {
		fmt.Printf("skip: %s not found (the shared workloads hold the references)\n", *shared)
		return
	}
	ctx := context.Background()
	var err error
	switch *set {
	case "rd":
		err = mainRD(ctx, *ns, *reps, *workers, *dense, *shared, *out, *cvodeCPU, *cvodeWall)
	case "bcr":
		err = mainBCR(ctx, *reps, *chunk, *egIters, *egNodes, *shared, *out)
	case "terms":
		err = mainTerms(ctx, *reps, *shared, *out)
	default:
		err = fmt.Errorf("unknown set %q", *set)
	}
	if err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "tracing:", err)
		os.Exit(1)
	}
}

func mainRD(ctx context.Context, ns string, reps, workers int, dense bool, shared, out, cvodeCPU, cvodeWall string) error {
	var Ns []int
	for _, f := range strings.Split(ns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 3 {
			return fmt.Errorf("bad grid size %q", f)
		}
		Ns = append(Ns, n)
	}
	refDir := filepath.Join(shared, "peers2", "results")
	var peer *cvodePeer
	if cvodeCPU != "" || cvodeWall != "" {
		peer = &cvodePeer{cpuBin: cvodeCPU, wallBin: cvodeWall, refDir: refDir}
	}
	rows, cvCPU, cvWall, err := runRD(ctx, Ns, reps, workers, dense, refDir, peer)
	if err != nil {
		return err
	}
	if peer == nil {
		// Peer figures from an earlier, separate run of the CVODE drivers.
		var err1, err2 error
		cvWall, err1 = readCVODE(filepath.Join(out, "rd_cvode.jsonl"))
		cvCPU, err2 = readCVODE(filepath.Join(out, "rd_cvode_cpu.jsonl"))
		if err1 != nil || err2 != nil {
			fmt.Println("(no peer results in", out, "- run bench/tracing/run.sh for the side-by-side table)")
		}
	}
	if dense {
		// CVODE's dense finite-difference baseline takes minutes per
		// solve, so run.sh runs it once beforehand (DENSE=1).
		if rows, err := readCVODE(filepath.Join(out, "rd_cvode_dense.jsonl")); err == nil {
			cvWall = append(cvWall, rows...)
		}
	}
	rdTable(rows, cvWall, cvCPU)
	return nil
}

// cpuTime is the process's user+system CPU time in seconds (all threads,
// the garbage collector's included).
func cpuTime() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	tv := func(t syscall.Timeval) float64 { return float64(t.Sec) + 1e-6*float64(t.Usec) }
	return tv(ru.Utime) + tv(ru.Stime)
}

func readVec(path string, n int) ([]float64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var v []float64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		s := strings.TrimSpace(sc.Text())
		if s == "" {
			continue
		}
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, len(v)+1, err)
		}
		v = append(v, x)
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	if n >= 0 && len(v) != n {
		return nil, fmt.Errorf("%s: %d values, want %d", path, len(v), n)
	}
	return v, nil
}
