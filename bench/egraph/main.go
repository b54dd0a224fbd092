// Command egraph-bench runs egg's math-suite and scaling workloads
// (../shared/workloads/egraph/README.md) on symcalc's egraph package and
// prints each row beside egg 0.9.5's figures from that README, with the
// ratio ours/egg of CPU seconds and of peak RSS.
//
// Every row runs in a child process (the binary re-executes itself with
// -row) so its peak RSS is its own; with -rss1 (the default) a row timed
// over several runs or batches is run once more, alone in a child, for its
// peak RSS. CPU time is the child's whole-process
// user+system time around the runner (getrusage RUSAGE_SELF), so the Go
// garbage collector's background threads are counted; egg's figure is the
// thread-CPU time of its single thread. Medians are over -runs runs.
//
//	go run ./bench/egraph              # fixed-iteration and math rows
//	go run ./bench/egraph -set all     # also the node-limit scaling rows
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"syscall"

	"github.com/symcalc/symcalc/bench/egraph/rows"
	"github.com/symcalc/symcalc/egraph"
)

func cpuNow() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

func runRow(r rows.Row, runs int, eggOrder bool) (rows.Result, error) {
	var res rows.Result
	// Rows far below the CPU clock's resolution are timed in batches of
	// reps runs, and the figure is the batch time divided by reps.
	reps := 1
	if r.EggCPU < 0.05 {
		reps = int(0.1/r.EggCPU) + 1
	}
	if repsFlag > 0 {
		reps = repsFlag
	}
	for k := 0; k < runs; k++ {
		if k > 0 {
			// What the earlier runs left is collected before this one
			// is timed. The first run needs no collection: the process
			// has only started (and a collection costs memory of its
			// own, which the row's peak RSS would count).
			runtime.GC()
		}
		c0 := cpuNow()
		for rep := 0; rep < reps; rep++ {
			last := rep == reps-1
			// Building the language and compiling the 36 rules is timed, as it
			// is in egg's thread-CPU figures.
			softMB := 0.0
			if softMem > 0 && r.EggRSS > 0 {
				softMB = softMem * r.EggRSS
			}
			run, root, rs, err := rows.Setup(r, eggOrder, softMB)
			if err != nil {
				return res, err
			}
			g := run.G
			stop := run.Run(context.Background(), rs)
			if memStats {
				printHWM("after Run")
			}
			if !last {
				continue
			}
			res.CPU = append(res.CPU, (cpuNow()-c0)/float64(reps))
			if memProfile != "" && k == runs-1 {
				if err := writeHeapProfile(memProfile); err != nil {
					return res, err
				}
			}
			rep := run.Report()
			res.Iters, res.Nodes, res.Classes, res.Memo, res.Stop = rep.Iterations, rep.Nodes, rep.Classes, rep.Memo, stop.String()
			if r.Extract && k == runs-1 {
				c1 := cpuNow()
				x := egraph.NewExtractor(g, egraph.AstSize{})
				_, res.BestCost = x.Best(root)
				res.ExtractCPU = cpuNow() - c1
				if memStats {
					printHWM("after extraction")
				}
			}
		}
	}
	return res, nil
}

// softMem, if positive, sets each row's Runner.SoftMemoryLimit to this
// fraction of egg's peak RSS for the row (rows without an egg RSS figure
// run without a limit).
var softMem float64

// memProfile, if set, names the file that receives a heap profile taken
// at the end of a row's last run, while its e-graph is still live.
var memProfile string

func writeHeapProfile(path string) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	runtime.GC()
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// repsFlag, if positive, sets the batch size of every row (see runRow).
var repsFlag int

// memStats, if set, makes a row print its resident-set high-water mark
// after each Run and after extraction, and the runtime's memory
// statistics at the end, to stderr.
var memStats bool

// printMemStats prints where the process's memory is, by the runtime's
// accounts and the kernel's, to stderr.
func printMemStats() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	mb := func(x uint64) float64 { return float64(x) / (1 << 20) }
	fmt.Fprintf(os.Stderr, "heap sys %.1f MB, in use %.1f, released %.1f, allocated %.1f; stacks %.1f; GC metadata %.1f; other %.1f; profiling buckets %.1f; collections %d; allocated in total %.1f MB\n",
		mb(ms.HeapSys), mb(ms.HeapInuse), mb(ms.HeapReleased), mb(ms.HeapAlloc), mb(ms.StackSys), mb(ms.GCSys), mb(ms.OtherSys), mb(ms.BuckHashSys), ms.NumGC, mb(ms.TotalAlloc))
	b, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "Rss") || strings.HasPrefix(l, "VmHWM") {
			fmt.Fprintln(os.Stderr, strings.Join(strings.Fields(l), " "))
		}
	}
}

// printHWM prints the process's resident-set high-water mark.
func printHWM(at string) {
	b, _ := os.ReadFile("/proc/self/status")
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM") {
			fmt.Fprintln(os.Stderr, at+": "+strings.Join(strings.Fields(l), " "))
		}
	}
}

// maxRSS returns the peak resident set of a finished child, in MB.
func maxRSS(cmd *exec.Cmd) float64 {
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		return float64(ru.Maxrss) / 1024
	}
	return 0
}

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func main() {
	rowName := flag.String("row", "", "run one row in this process and print JSON (used by the parent)")
	set := flag.String("set", "fixed,math", "comma-separated row sets: fixed, math, scaling, or all")
	only := flag.String("only", "", "run only rows whose name contains this")
	runs := flag.Int("runs", 5, "runs per row (median); rows whose egg figure exceeds 5 s run once")
	cpuProfile := flag.String("cpuprofile", "", "with -row: write a CPU profile of the row's runs to this file")
	order := flag.String("order", "egg", "class visiting order: egg (egg's hash-table order, exact hashcons sizes) or id (increasing id)")
	flag.StringVar(&memProfile, "memprofile", "", "with -row: write a heap profile at the end of the row's last run to this file")
	flag.IntVar(&repsFlag, "reps", 0, "with -row: runs per timed batch (0: enough for 0.1 s of egg's CPU time, at least 1)")
	flag.BoolVar(&memStats, "memstats", false, "with -row: print the peak RSS after each Run and after extraction, and the runtime's memory statistics at the end, to stderr")
	flag.Float64Var(&softMem, "softmem", 0, "set Runner.SoftMemoryLimit to this fraction of egg's peak RSS for the row (0: no limit)")
	rssOne := flag.Bool("rss1", true, "take each row's peak RSS from a separate process that runs it once (with extraction), as egg's figures were taken; false: from the timing child")
	flag.StringVar(&rssBin, "rssbin", "", "with -rss1: the program that runs a row once for its peak RSS (built from ./bench/egraph/rss if empty)")
	memRate := flag.Int("memprofilerate", 0, "with -memprofile: runtime.MemProfileRate (0: the runtime's default)")
	flag.Parse()
	if *memRate > 0 {
		runtime.MemProfileRate = *memRate
	}

	if *rowName != "" {
		if *cpuProfile != "" {
			f, err := os.Create(*cpuProfile)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			if err := pprof.StartCPUProfile(f); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
			defer pprof.StopCPUProfile()
		}
		for _, r := range rows.Rows {
			if r.Name == *rowName {
				res, err := runRow(r, *runs, *order == "egg")
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(1)
				}
				os.Stdout.Write(res.AppendJSON(nil))
				if memStats {
					printMemStats()
				}
				if *cpuProfile != "" {
					pprof.StopCPUProfile()
				}
				return
			}
		}
		fmt.Fprintf(os.Stderr, "egraph-bench: no row named %q\n", *rowName)
		os.Exit(2)
	}

	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, "egraph-bench: cannot find own executable:", err)
		os.Exit(1)
	}
	sets := map[string]bool{}
	for _, s := range strings.Split(*set, ",") {
		sets[strings.TrimSpace(s)] = true
	}
	fmt.Printf("%-22s %6s %6s | %9s %9s | %8s %8s | %9s %9s %6s | %7s %7s %6s | %s\n",
		"row", "iters", "egg", "e-nodes", "egg", "classes", "egg", "CPU s", "egg CPU s", "ratio", "RSS MB", "egg MB", "ratio", "stop")
	if *order != "egg" && *order != "id" {
		fmt.Fprintf(os.Stderr, "egraph-bench: -order must be egg or id, not %q\n", *order)
		os.Exit(2)
	}
	for _, r := range rows.Rows {
		if !sets["all"] && !sets[r.Set] {
			continue
		}
		if *only != "" && !strings.Contains(r.Name, *only) {
			continue
		}
		n := *runs
		if r.EggCPU > 5 {
			n = 1
		}
		cmd := exec.Command(self, "-row", r.Name, "-runs", fmt.Sprint(n), "-order", *order, "-softmem", fmt.Sprint(softMem))
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			fmt.Fprintf(os.Stderr, "egraph-bench: row %s: %v\n", r.Name, err)
			continue
		}
		var res rows.Result
		if err := json.Unmarshal(out, &res); err != nil {
			fmt.Fprintf(os.Stderr, "egraph-bench: row %s: bad child output: %v\n", r.Name, err)
			continue
		}
		rssMB := maxRSS(cmd)
		if *rssOne {
			// The timing child ran the row in the benchmark's binary, maybe
			// several times (what earlier runs left in the pools counts in
			// its peak); the figure compared with egg's is a process that
			// runs the row once, extraction included, as egg's was.
			if rssBin == "" {
				rssBin, rssNote = leanRSSProgram(self)
			}
			var one *exec.Cmd
			if rssBin == self {
				one = exec.Command(self, "-row", r.Name, "-runs", "1", "-reps", "1", "-order", *order, "-softmem", fmt.Sprint(softMem))
			} else {
				one = exec.Command(rssBin, r.Name, *order)
			}
			one.Stderr = os.Stderr
			out, err := one.Output()
			if err != nil {
				fmt.Fprintf(os.Stderr, "egraph-bench: row %s, single run: %v\n", r.Name, err)
				continue
			}
			var again rows.Result
			if err := json.Unmarshal(out, &again); err != nil {
				fmt.Fprintf(os.Stderr, "egraph-bench: row %s, single run: bad output: %v\n", r.Name, err)
				continue
			}
			if again.Iters != res.Iters || again.Nodes != res.Nodes || again.Classes != res.Classes || again.Memo != res.Memo || again.Stop != res.Stop || again.BestCost != res.BestCost {
				fmt.Fprintf(os.Stderr, "egraph-bench: row %s: the single run differs from the timed runs: %+v against %+v\n", r.Name, again, res)
				continue
			}
			rssMB = maxRSS(one)
		}
		cpu := median(res.CPU)
		rssRatio := "-"
		if r.EggRSS > 0 {
			rssRatio = fmt.Sprintf("%.2f", rssMB/r.EggRSS)
		}
		fmt.Printf("%-22s %6d %6d | %9d %9d | %8d %8d | %9.4f %9.4f %6.2f | %7.1f %7.0f %6s | %s",
			r.Name, res.Iters, r.EggIters, res.Nodes, r.EggNodes, res.Classes, r.EggClasses, cpu, r.EggCPU, cpu/r.EggCPU, rssMB, r.EggRSS, rssRatio, res.Stop)
		if r.Extract {
			fmt.Printf(" (AstSize %g in %.3fs)", res.BestCost, res.ExtractCPU)
		}
		fmt.Println()
	}
	if rssNote != "" {
		fmt.Println(rssNote)
	}
}

// rssBin is the program whose processes give the rows' peak RSS, and
// rssNote says where it came from if it is not bench/egraph/rss.
var rssBin, rssNote string

// leanRSSProgram builds bench/egraph/rss, which runs one row and links
// nothing else, into a temporary directory and returns its path. If it
// cannot (no go command, or not run from within the module), it returns
// self, the benchmark's own binary, and a note that the figures are from
// it.
func leanRSSProgram(self string) (string, string) {
	dir, err := os.MkdirTemp("", "egraph-bench")
	if err == nil {
		bin := filepath.Join(dir, "rss")
		cmd := exec.Command("go", "build", "-o", bin, "github.com/symcalc/symcalc/bench/egraph/rss")
		var out []byte
		if out, err = cmd.CombinedOutput(); err == nil {
			return bin, ""
		}
		err = fmt.Errorf("%v: %s", err, bytes.TrimSpace(out))
	}
	return self, fmt.Sprintf("note: peak RSS from the benchmark's own binary (about 0.6 MB of code pages more than bench/egraph/rss), which could not be built: %v", err)
}
