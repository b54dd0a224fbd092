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
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"runtime"
	"runtime/pprof"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/symcalc/symcalc/egraph"
)

// row is one workload row with egg's figures.
type row struct {
	name     string
	set      string // "fixed", "math", "scaling"
	expr     string
	rules    string // "" = all 36, "assoc" = rules 1 and 3 without analysis
	sched    string // "simple" or "backoff"
	iters    int
	nodes    int // node limit
	addFirst string
	// egg's figures
	eggIters, eggNodes, eggClasses int
	eggCPU                         float64 // seconds
	eggRSS                         float64 // MB, 0 if not reported
	extract                        bool
}

func sum20() string {
	s := "x20"
	for i := 19; i >= 1; i-- {
		s = "(+ x" + strconv.Itoa(i) + " " + s + ")"
	}
	return s
}

func poly8() string {
	s := "(+ a b)"
	for i := 1; i < 8; i++ {
		s = "(* (+ a b) " + s + ")"
	}
	return s
}

const huge = 100_000_000

var rows = []row{
	// 3.4 fixed-iteration workloads
	{name: "sum20 simple x5", set: "fixed", expr: sum20(), sched: "simple", iters: 5, nodes: huge, eggIters: 5, eggNodes: 366828, eggClasses: 142561, eggCPU: 1.047, eggRSS: 204},
	{name: "poly8 simple x8", set: "fixed", expr: poly8(), sched: "simple", iters: 8, nodes: huge, eggIters: 8, eggNodes: 92812, eggClasses: 29723, eggCPU: 0.555, eggRSS: 108},
	{name: "sum20 backoff x30", set: "fixed", expr: sum20(), sched: "backoff", iters: 30, nodes: huge, eggIters: 30, eggNodes: 82130, eggClasses: 21557, eggCPU: 0.452, eggRSS: 25},
	{name: "poly8 backoff x60", set: "fixed", expr: poly8(), sched: "backoff", iters: 60, nodes: huge, eggIters: 60, eggNodes: 29312, eggClasses: 2081, eggCPU: 0.583, eggRSS: 22},
	// 3.2 full mode (egg's thread-CPU includes building the rules)
	{name: "math_fail", set: "math", expr: "(+ x y)", sched: "backoff", iters: 30, nodes: 10000, eggIters: 4, eggNodes: 18, eggClasses: 5, eggCPU: 0.000326},
	{name: "math_simplify_add", set: "math", expr: "(+ x (+ x (+ x x)))", sched: "backoff", iters: 30, nodes: 10000, eggIters: 6, eggNodes: 36, eggClasses: 9, eggCPU: 0.000596},
	{name: "math_powers", set: "math", expr: "(* (pow 2 x) (pow 2 y))", sched: "backoff", iters: 30, nodes: 10000, eggIters: 4, eggNodes: 36, eggClasses: 9, eggCPU: 0.000443},
	{name: "math_simplify_const", set: "math", expr: "(+ 1 (- a (* (- 2 1) a)))", sched: "backoff", iters: 30, nodes: 10000, eggIters: 5, eggNodes: 21, eggClasses: 7, eggCPU: 0.000414},
	{name: "math_simplify_factor", set: "math", expr: "(* (+ x 3) (+ x 1))", sched: "backoff", iters: 30, nodes: 10000, eggIters: 8, eggNodes: 142, eggClasses: 20, eggCPU: 0.001413},
	{name: "math_diff_same", set: "math", expr: "(d x x)", sched: "backoff", iters: 30, nodes: 10000, eggIters: 4, eggNodes: 7, eggClasses: 3, eggCPU: 0.000290},
	{name: "math_diff_different", set: "math", expr: "(d x y)", sched: "backoff", iters: 30, nodes: 10000, eggIters: 4, eggNodes: 12, eggClasses: 4, eggCPU: 0.000311},
	{name: "math_diff_simple1", set: "math", expr: "(d x (+ 1 (* 2 x)))", sched: "backoff", iters: 30, nodes: 10000, eggIters: 5, eggNodes: 20, eggClasses: 6, eggCPU: 0.000613},
	{name: "math_diff_simple2", set: "math", expr: "(d x (+ 1 (* y x)))", sched: "backoff", iters: 30, nodes: 10000, eggIters: 4, eggNodes: 26, eggClasses: 6, eggCPU: 0.000537},
	{name: "math_diff_ln", set: "math", expr: "(d x (ln x))", sched: "backoff", iters: 30, nodes: 10000, eggIters: 8, eggNodes: 28, eggClasses: 8, eggCPU: 0.000639},
	{name: "diff_power_simple", set: "math", expr: "(d x (pow x 3))", sched: "backoff", iters: 30, nodes: 10000, eggIters: 10, eggNodes: 92, eggClasses: 18, eggCPU: 0.001380},
	{name: "integ_one", set: "math", expr: "(i 1 x)", sched: "backoff", iters: 30, nodes: 10000, eggIters: 4, eggNodes: 8, eggClasses: 3, eggCPU: 0.000296},
	{name: "integ_sin", set: "math", expr: "(i (cos x) x)", sched: "backoff", iters: 30, nodes: 10000, eggIters: 8, eggNodes: 7844, eggClasses: 3197, eggCPU: 0.014754},
	{name: "integ_x", set: "math", expr: "(i (pow x 1) x)", sched: "backoff", iters: 30, nodes: 10000, eggIters: 10, eggNodes: 6407, eggClasses: 2459, eggCPU: 0.016880},
	{name: "integ_part1", set: "math", expr: "(i (* x (cos x)) x)", sched: "backoff", iters: 30, nodes: 10000, eggIters: 7, eggNodes: 7830, eggClasses: 3203, eggCPU: 0.015289},
	{name: "integ_part2", set: "math", expr: "(i (* (cos x) x) x)", sched: "backoff", iters: 30, nodes: 10000, eggIters: 7, eggNodes: 6399, eggClasses: 2436, eggCPU: 0.015421},
	{name: "integ_part3", set: "math", expr: "(i (ln x) x)", sched: "backoff", iters: 30, nodes: 10000, eggIters: 8, eggNodes: 8114, eggClasses: 3660, eggCPU: 0.013896},
	{name: "math_simplify_root", set: "math", expr: "(/ 1 (- (/ (+ 1 (sqrt five)) 2) (/ (- 1 (sqrt five)) 2)))", sched: "backoff", iters: 30, nodes: 75000, eggIters: 30, eggNodes: 10831, eggClasses: 903, eggCPU: 0.093768},
	{name: "diff_power_harder", set: "math", expr: "(d x (- (pow x 3) (* 7 (pow x 2))))", addFirst: "(* x (- (* 3 x) 14))", sched: "backoff", iters: 60, nodes: 100000, eggIters: 60, eggNodes: 23919, eggClasses: 4340, eggCPU: 0.368207},
	{name: "math_associate_adds", set: "math", expr: "(+ 1 (+ 2 (+ 3 (+ 4 (+ 5 (+ 6 7))))))", rules: "assoc", sched: "simple", iters: 7, nodes: 10000, eggIters: 7, eggNodes: 1939, eggClasses: 127, eggCPU: 0.005484},
	// 3.3 node-limit scaling rows (egg's CPU excludes AstSize extraction;
	// its peak RSS includes it)
	{name: "poly8 backoff 10k", set: "scaling", expr: poly8(), sched: "backoff", iters: 1000, nodes: 10000, eggIters: 35, eggNodes: 17830, eggClasses: 5053, eggCPU: 0.080, eggRSS: 7, extract: true},
	{name: "poly8 backoff 100k", set: "scaling", expr: poly8(), sched: "backoff", iters: 1000, nodes: 100000, eggIters: 64, eggNodes: 60774, eggClasses: 11540, eggCPU: 0.839, eggRSS: 30, extract: true},
	{name: "poly8 backoff 1M", set: "scaling", expr: poly8(), sched: "backoff", iters: 1000, nodes: 1000000, eggIters: 96, eggNodes: 2558397, eggClasses: 838372, eggCPU: 13.332, eggRSS: 637, extract: true},
	{name: "sum20 backoff 10k", set: "scaling", expr: sum20(), sched: "backoff", iters: 1000, nodes: 10000, eggIters: 20, eggNodes: 61309, eggClasses: 21557, eggCPU: 0.141, eggRSS: 23, extract: true},
	{name: "sum20 backoff 100k", set: "scaling", expr: sum20(), sched: "backoff", iters: 1000, nodes: 100000, eggIters: 31, eggNodes: 102951, eggClasses: 21557, eggCPU: 0.488, eggRSS: 30, extract: true},
	{name: "sum20 backoff 1M", set: "scaling", expr: sum20(), sched: "backoff", iters: 1000, nodes: 1000000, eggIters: 51, eggNodes: 3937463, eggClasses: 1256438, eggCPU: 14.348, eggRSS: 1284, extract: true},
	{name: "poly8 simple 10k", set: "scaling", expr: poly8(), sched: "simple", iters: 1000, nodes: 10000, eggIters: 7, eggNodes: 23441, eggClasses: 9637, eggCPU: 0.051, eggRSS: 11, extract: true},
	{name: "poly8 simple 100k", set: "scaling", expr: poly8(), sched: "simple", iters: 1000, nodes: 100000, eggIters: 8, eggNodes: 222829, eggClasses: 95376, eggCPU: 0.454, eggRSS: 79, extract: true},
	{name: "poly8 simple 1M", set: "scaling", expr: poly8(), sched: "simple", iters: 1000, nodes: 1000000, eggIters: 9, eggNodes: 3118933, eggClasses: 1348826, eggCPU: 9.782, eggRSS: 1182, extract: true},
	{name: "sum20 simple 10k", set: "scaling", expr: sum20(), sched: "simple", iters: 1000, nodes: 10000, eggIters: 4, eggNodes: 19540, eggClasses: 7642, eggCPU: 0.027, eggRSS: 11, extract: true},
	{name: "sum20 simple 100k", set: "scaling", expr: sum20(), sched: "simple", iters: 1000, nodes: 100000, eggIters: 5, eggNodes: 358293, eggClasses: 140968, eggCPU: 0.950, eggRSS: 157, extract: true},
	{name: "sum20 simple 1M", set: "scaling", expr: sum20(), sched: "simple", iters: 1000, nodes: 1000000, eggIters: 6, eggNodes: 8514587, eggClasses: 3006062, eggCPU: 59.373, eggRSS: 4861, extract: true},
}

// result is what a child reports for one row.
type result struct {
	CPU        []float64 // seconds per run
	Iters      int
	Nodes      int
	Classes    int
	Memo       int
	Stop       string
	ExtractCPU float64
	BestCost   float64
}

// appendJSON appends res as one line of JSON, the form the parent
// decodes. It is written by hand rather than with encoding/json: the
// child's peak RSS is the figure compared with egg's, and the pages of
// code that encoding/json and reflection touch (about 0.3 MB) would be
// counted in it.
func (res result) appendJSON(b []byte) []byte {
	num := func(b []byte, x float64) []byte {
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return append(b, "null"...) // JSON has no infinities
		}
		return strconv.AppendFloat(b, x, 'g', -1, 64)
	}
	b = append(b, `{"CPU":[`...)
	for i, c := range res.CPU {
		if i > 0 {
			b = append(b, ',')
		}
		b = num(b, c)
	}
	b = append(b, `],"Iters":`...)
	b = strconv.AppendInt(b, int64(res.Iters), 10)
	b = append(b, `,"Nodes":`...)
	b = strconv.AppendInt(b, int64(res.Nodes), 10)
	b = append(b, `,"Classes":`...)
	b = strconv.AppendInt(b, int64(res.Classes), 10)
	b = append(b, `,"Memo":`...)
	b = strconv.AppendInt(b, int64(res.Memo), 10)
	b = append(b, `,"Stop":`...)
	b = appendJSONString(b, res.Stop)
	b = append(b, `,"ExtractCPU":`...)
	b = num(b, res.ExtractCPU)
	b = append(b, `,"BestCost":`...)
	b = num(b, res.BestCost)
	return append(b, "}\n"...)
}

// appendJSONString appends s as a JSON string.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b = append(b, '\\', c)
		case c < 0x20:
			b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&15])
		default:
			b = append(b, c)
		}
	}
	return append(b, '"')
}

func cpuNow() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

func runRow(r row, runs int, eggOrder bool) (result, error) {
	var res result
	// Rows far below the CPU clock's resolution are timed in batches of
	// reps runs, and the figure is the batch time divided by reps.
	reps := 1
	if r.eggCPU < 0.05 {
		reps = int(0.1/r.eggCPU) + 1
	}
	if repsFlag > 0 {
		reps = repsFlag
	}
	for k := 0; k < runs; k++ {
		runtime.GC()
		c0 := cpuNow()
		for rep := 0; rep < reps; rep++ {
			last := rep == reps-1
			// Building the language and compiling the 36 rules is timed, as it
			// is in egg's thread-CPU figures.
			l := egraph.MathLanguage()
			rules := egraph.MathRules(l)
			var an egraph.Analysis
			rs := rules
			if r.rules == "assoc" {
				rs = []*egraph.Rewrite{rules[0], rules[2]}
			} else {
				an = egraph.NewConstFold(l)
			}
			g := egraph.New(l, an)
			run := egraph.NewRunner(g)
			run.IterLimit, run.NodeLimit, run.TimeLimit = r.iters, r.nodes, time.Hour // egg's 120-200 s was never reached; ours must not be either under load
			if softMem > 0 && r.eggRSS > 0 {
				run.SoftMemoryLimit = int64(softMem * r.eggRSS * (1 << 20))
			}
			if r.sched == "simple" {
				run.Scheduler = egraph.SimpleScheduler{}
			}
			if r.addFirst != "" {
				e, err := l.ParseExpr(r.addFirst)
				if err != nil {
					return res, err
				}
				run.AddExpr(e)
			}
			e, err := l.ParseExpr(r.expr)
			if err != nil {
				return res, err
			}
			root := run.AddExpr(e)
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
			if r.extract && k == runs-1 {
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
	rssOne := flag.Bool("rss1", true, "take each row's peak RSS from a separate child that runs it once (with extraction), as egg's figures were taken; false: from the timing child")
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
		for _, r := range rows {
			if r.name == *rowName {
				res, err := runRow(r, *runs, *order == "egg")
				if err != nil {
					fmt.Fprintln(os.Stderr, err)
					os.Exit(1)
				}
				os.Stdout.Write(res.appendJSON(nil))
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
	for _, r := range rows {
		if !sets["all"] && !sets[r.set] {
			continue
		}
		if *only != "" && !strings.Contains(r.name, *only) {
			continue
		}
		n := *runs
		if r.eggCPU > 5 {
			n = 1
		}
		cmd := exec.Command(self, "-row", r.name, "-runs", fmt.Sprint(n), "-order", *order, "-softmem", fmt.Sprint(softMem))
		cmd.Stderr = os.Stderr
		out, err := cmd.Output()
		if err != nil {
			fmt.Fprintf(os.Stderr, "egraph-bench: row %s: %v\n", r.name, err)
			continue
		}
		var res result
		if err := json.Unmarshal(out, &res); err != nil {
			fmt.Fprintf(os.Stderr, "egraph-bench: row %s: bad child output: %v\n", r.name, err)
			continue
		}
		rssMB := maxRSS(cmd)
		if *rssOne && (n > 1 || r.eggCPU < 0.05) {
			// The timing child ran several runs (or batches of them), and
			// its peak includes what earlier runs left in the pools; the
			// figure compared with egg's is a process that runs the row
			// once, extraction included, as egg's was.
			one := exec.Command(self, "-row", r.name, "-runs", "1", "-reps", "1", "-order", *order, "-softmem", fmt.Sprint(softMem))
			one.Stderr = os.Stderr
			if _, err := one.Output(); err != nil {
				fmt.Fprintf(os.Stderr, "egraph-bench: row %s, single run: %v\n", r.name, err)
				continue
			}
			rssMB = maxRSS(one)
		}
		cpu := median(res.CPU)
		rssRatio := "-"
		if r.eggRSS > 0 {
			rssRatio = fmt.Sprintf("%.2f", rssMB/r.eggRSS)
		}
		fmt.Printf("%-22s %6d %6d | %9d %9d | %8d %8d | %9.4f %9.4f %6.2f | %7.1f %7.0f %6s | %s",
			r.name, res.Iters, r.eggIters, res.Nodes, r.eggNodes, res.Classes, r.eggClasses, cpu, r.eggCPU, cpu/r.eggCPU, rssMB, r.eggRSS, rssRatio, res.Stop)
		if r.extract {
			fmt.Printf(" (AstSize %g in %.3fs)", res.BestCost, res.ExtractCPU)
		}
		fmt.Println()
	}
}
