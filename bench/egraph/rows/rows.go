// Package rows holds the rows of the e-graph benchmark (egg's math suite
// and scaling workloads, ../shared/workloads/egraph/README.md) with egg's
// figures, and runs one. It is shared by the benchmark (bench/egraph) and
// the small program that takes a row's peak RSS (bench/egraph/rss), and
// imports nothing that program would not need: its code's pages count in
// the figure.
package rows

import (
	"context"
	"math"
	"strconv"
	"time"

	"github.com/symcalc/symcalc/egraph"
)

// Row is one workload row with egg's figures.
type Row struct {
	Name     string
	Set      string // "fixed", "math", "scaling"
	Expr     string
	Rules    string // "" = all 36, "assoc" = rules 1 and 3 without analysis
	Sched    string // "simple" or "backoff"
	Iters    int
	Nodes    int // node limit
	AddFirst string
	// egg's figures
	EggIters, EggNodes, EggClasses int
	EggCPU                         float64 // seconds
	EggRSS                         float64 // MB, 0 if not reported
	Extract                        bool
}

// Sum20 is (+ x1 (+ x2 ... (+ x19 x20))).
func Sum20() string {
	s := "x20"
	for i := 19; i >= 1; i-- {
		s = "(+ x" + strconv.Itoa(i) + " " + s + ")"
	}
	return s
}

// Poly8 is (* (+ a b) (* (+ a b) ... (+ a b))) with 8 factors.
func Poly8() string {
	s := "(+ a b)"
	for i := 1; i < 8; i++ {
		s = "(* (+ a b) " + s + ")"
	}
	return s
}

// huge is the node limit of the fixed-iteration rows: never reached.
const huge = 100_000_000

var Rows = []Row{
	// 3.4 fixed-iteration workloads
	{Name: "sum20 simple x5", Set: "fixed", Expr: Sum20(), Sched: "simple", Iters: 5, Nodes: huge, EggIters: 5, EggNodes: 366828, EggClasses: 142561, EggCPU: 1.047, EggRSS: 204},
	{Name: "poly8 simple x8", Set: "fixed", Expr: Poly8(), Sched: "simple", Iters: 8, Nodes: huge, EggIters: 8, EggNodes: 92812, EggClasses: 29723, EggCPU: 0.555, EggRSS: 108},
	{Name: "sum20 backoff x30", Set: "fixed", Expr: Sum20(), Sched: "backoff", Iters: 30, Nodes: huge, EggIters: 30, EggNodes: 82130, EggClasses: 21557, EggCPU: 0.452, EggRSS: 25},
	{Name: "poly8 backoff x60", Set: "fixed", Expr: Poly8(), Sched: "backoff", Iters: 60, Nodes: huge, EggIters: 60, EggNodes: 29312, EggClasses: 2081, EggCPU: 0.583, EggRSS: 22},
	// 3.2 full mode (egg's thread-CPU includes building the rules)
	{Name: "math_fail", Set: "math", Expr: "(+ x y)", Sched: "backoff", Iters: 30, Nodes: 10000, EggIters: 4, EggNodes: 18, EggClasses: 5, EggCPU: 0.000326},
	{Name: "math_simplify_add", Set: "math", Expr: "(+ x (+ x (+ x x)))", Sched: "backoff", Iters: 30, Nodes: 10000, EggIters: 6, EggNodes: 36, EggClasses: 9, EggCPU: 0.000596},
	{Name: "math_powers", Set: "math", Expr: "(* (pow 2 x) (pow 2 y))", Sched: "backoff", Iters: 30, Nodes: 10000, EggIters: 4, EggNodes: 36, EggClasses: 9, EggCPU: 0.000443},
	{Name: "math_simplify_const", Set: "math", Expr: "(+ 1 (- a (* (- 2 1) a)))", Sched: "backoff", Iters: 30, Nodes: 10000, EggIters: 5, EggNodes: 21, EggClasses: 7, EggCPU: 0.000414},
	{Name: "math_simplify_factor", Set: "math", Expr: "(* (+ x 3) (+ x 1))", Sched: "backoff", Iters: 30, Nodes: 10000, EggIters: 8, EggNodes: 142, EggClasses: 20, EggCPU: 0.001413},
	{Name: "math_diff_same", Set: "math", Expr: "(d x x)", Sched: "backoff", Iters: 30, Nodes: 10000, EggIters: 4, EggNodes: 7, EggClasses: 3, EggCPU: 0.000290},
	{Name: "math_diff_different", Set: "math", Expr: "(d x y)", Sched: "backoff", Iters: 30, Nodes: 10000, EggIters: 4, EggNodes: 12, EggClasses: 4, EggCPU: 0.000311},
	{Name: "math_diff_simple1", Set: "math", Expr: "(d x (+ 1 (* 2 x)))", Sched: "backoff", Iters: 30, Nodes: 10000, EggIters: 5, EggNodes: 20, EggClasses: 6, EggCPU: 0.000613},
	{Name: "math_diff_simple2", Set: "math", Expr: "(d x (+ 1 (* y x)))", Sched: "backoff", Iters: 30, Nodes: 10000, EggIters: 4, EggNodes: 26, EggClasses: 6, EggCPU: 0.000537},
	{Name: "math_diff_ln", Set: "math", Expr: "(d x (ln x))", Sched: "backoff", Iters: 30, Nodes: 10000, EggIters: 8, EggNodes: 28, EggClasses: 8, EggCPU: 0.000639},
	{Name: "diff_power_simple", Set: "math", Expr: "(d x (pow x 3))", Sched: "backoff", Iters: 30, Nodes: 10000, EggIters: 10, EggNodes: 92, EggClasses: 18, EggCPU: 0.001380},
	{Name: "integ_one", Set: "math", Expr: "(i 1 x)", Sched: "backoff", Iters: 30, Nodes: 10000, EggIters: 4, EggNodes: 8, EggClasses: 3, EggCPU: 0.000296},
	{Name: "integ_sin", Set: "math", Expr: "(i (cos x) x)", Sched: "backoff", Iters: 30, Nodes: 10000, EggIters: 8, EggNodes: 7844, EggClasses: 3197, EggCPU: 0.014754},
	{Name: "integ_x", Set: "math", Expr: "(i (pow x 1) x)", Sched: "backoff", Iters: 30, Nodes: 10000, EggIters: 10, EggNodes: 6407, EggClasses: 2459, EggCPU: 0.016880},
	{Name: "integ_part1", Set: "math", Expr: "(i (* x (cos x)) x)", Sched: "backoff", Iters: 30, Nodes: 10000, EggIters: 7, EggNodes: 7830, EggClasses: 3203, EggCPU: 0.015289},
	{Name: "integ_part2", Set: "math", Expr: "(i (* (cos x) x) x)", Sched: "backoff", Iters: 30, Nodes: 10000, EggIters: 7, EggNodes: 6399, EggClasses: 2436, EggCPU: 0.015421},
	{Name: "integ_part3", Set: "math", Expr: "(i (ln x) x)", Sched: "backoff", Iters: 30, Nodes: 10000, EggIters: 8, EggNodes: 8114, EggClasses: 3660, EggCPU: 0.013896},
	{Name: "math_simplify_root", Set: "math", Expr: "(/ 1 (- (/ (+ 1 (sqrt five)) 2) (/ (- 1 (sqrt five)) 2)))", Sched: "backoff", Iters: 30, Nodes: 75000, EggIters: 30, EggNodes: 10831, EggClasses: 903, EggCPU: 0.093768},
	{Name: "diff_power_harder", Set: "math", Expr: "(d x (- (pow x 3) (* 7 (pow x 2))))", AddFirst: "(* x (- (* 3 x) 14))", Sched: "backoff", Iters: 60, Nodes: 100000, EggIters: 60, EggNodes: 23919, EggClasses: 4340, EggCPU: 0.368207},
	{Name: "math_associate_adds", Set: "math", Expr: "(+ 1 (+ 2 (+ 3 (+ 4 (+ 5 (+ 6 7))))))", Rules: "assoc", Sched: "simple", Iters: 7, Nodes: 10000, EggIters: 7, EggNodes: 1939, EggClasses: 127, EggCPU: 0.005484},
	// 3.3 node-limit scaling rows (egg's CPU excludes AstSize extraction;
	// its peak RSS includes it)
	{Name: "poly8 backoff 10k", Set: "scaling", Expr: Poly8(), Sched: "backoff", Iters: 1000, Nodes: 10000, EggIters: 35, EggNodes: 17830, EggClasses: 5053, EggCPU: 0.080, EggRSS: 7, Extract: true},
	{Name: "poly8 backoff 100k", Set: "scaling", Expr: Poly8(), Sched: "backoff", Iters: 1000, Nodes: 100000, EggIters: 64, EggNodes: 60774, EggClasses: 11540, EggCPU: 0.839, EggRSS: 30, Extract: true},
	{Name: "poly8 backoff 1M", Set: "scaling", Expr: Poly8(), Sched: "backoff", Iters: 1000, Nodes: 1000000, EggIters: 96, EggNodes: 2558397, EggClasses: 838372, EggCPU: 13.332, EggRSS: 637, Extract: true},
	{Name: "sum20 backoff 10k", Set: "scaling", Expr: Sum20(), Sched: "backoff", Iters: 1000, Nodes: 10000, EggIters: 20, EggNodes: 61309, EggClasses: 21557, EggCPU: 0.141, EggRSS: 23, Extract: true},
	{Name: "sum20 backoff 100k", Set: "scaling", Expr: Sum20(), Sched: "backoff", Iters: 1000, Nodes: 100000, EggIters: 31, EggNodes: 102951, EggClasses: 21557, EggCPU: 0.488, EggRSS: 30, Extract: true},
	{Name: "sum20 backoff 1M", Set: "scaling", Expr: Sum20(), Sched: "backoff", Iters: 1000, Nodes: 1000000, EggIters: 51, EggNodes: 3937463, EggClasses: 1256438, EggCPU: 14.348, EggRSS: 1284, Extract: true},
	{Name: "poly8 simple 10k", Set: "scaling", Expr: Poly8(), Sched: "simple", Iters: 1000, Nodes: 10000, EggIters: 7, EggNodes: 23441, EggClasses: 9637, EggCPU: 0.051, EggRSS: 11, Extract: true},
	{Name: "poly8 simple 100k", Set: "scaling", Expr: Poly8(), Sched: "simple", Iters: 1000, Nodes: 100000, EggIters: 8, EggNodes: 222829, EggClasses: 95376, EggCPU: 0.454, EggRSS: 79, Extract: true},
	{Name: "poly8 simple 1M", Set: "scaling", Expr: Poly8(), Sched: "simple", Iters: 1000, Nodes: 1000000, EggIters: 9, EggNodes: 3118933, EggClasses: 1348826, EggCPU: 9.782, EggRSS: 1182, Extract: true},
	{Name: "sum20 simple 10k", Set: "scaling", Expr: Sum20(), Sched: "simple", Iters: 1000, Nodes: 10000, EggIters: 4, EggNodes: 19540, EggClasses: 7642, EggCPU: 0.027, EggRSS: 11, Extract: true},
	{Name: "sum20 simple 100k", Set: "scaling", Expr: Sum20(), Sched: "simple", Iters: 1000, Nodes: 100000, EggIters: 5, EggNodes: 358293, EggClasses: 140968, EggCPU: 0.950, EggRSS: 157, Extract: true},
	{Name: "sum20 simple 1M", Set: "scaling", Expr: Sum20(), Sched: "simple", Iters: 1000, Nodes: 1000000, EggIters: 6, EggNodes: 8514587, EggClasses: 3006062, EggCPU: 59.373, EggRSS: 4861, Extract: true},
}

// Result is what a child reports for one row.
type Result struct {
	CPU        []float64 // seconds per run
	Iters      int
	Nodes      int
	Classes    int
	Memo       int
	Stop       string
	ExtractCPU float64
	BestCost   float64
}

// AppendJSON appends res as one line of JSON, the form the parent
// decodes. It is written by hand rather than with encoding/json: the
// child's peak RSS is the figure compared with egg's, and the pages of
// code that encoding/json and reflection touch (about 0.3 MB) would be
// counted in it.
func (res Result) AppendJSON(b []byte) []byte {
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

// Setup makes what a run of r needs, as egg's timed figures include it:
// the language, the 36 rules (compiled), the e-graph with its analysis,
// and a runner with r's limits and r's expressions added. With eggOrder
// false the e-graph visits classes in id order instead of egg's. A
// positive softMB sets the runner's SoftMemoryLimit to that many MB.
func Setup(r Row, eggOrder bool, softMB float64) (*egraph.Runner, egraph.Id, []*egraph.Rewrite, error) {
	l := egraph.MathLanguage()
	rules := egraph.MathRules(l)
	var an egraph.Analysis
	if r.Rules == "assoc" {
		rules = []*egraph.Rewrite{rules[0], rules[2]}
	} else {
		an = egraph.NewConstFold(l)
	}
	g := egraph.New(l, an)
	if !eggOrder {
		g.SetEggOrder(false)
	}
	run := egraph.NewRunner(g)
	// egg's 120-200 s time limit was never reached; ours must not be
	// either under load.
	run.IterLimit, run.NodeLimit, run.TimeLimit = r.Iters, r.Nodes, time.Hour
	if softMB > 0 {
		run.SoftMemoryLimit = int64(softMB * (1 << 20))
	}
	if r.Sched == "simple" {
		run.Scheduler = egraph.SimpleScheduler{}
	}
	for _, src := range []string{r.AddFirst, r.Expr} {
		if src == "" {
			continue
		}
		e, err := l.ParseExpr(src)
		if err != nil {
			return nil, 0, nil, err
		}
		run.AddExpr(e)
	}
	return run, run.Roots[len(run.Roots)-1], rules, nil
}

// RunOnce runs r once, and its extraction if r.Extract, and returns
// the counts (no times).
func RunOnce(r Row, eggOrder bool) (Result, error) {
	run, root, rules, err := Setup(r, eggOrder, 0)
	if err != nil {
		return Result{}, err
	}
	stop := run.Run(context.Background(), rules)
	rep := run.Report()
	res := Result{Iters: rep.Iterations, Nodes: rep.Nodes, Classes: rep.Classes, Memo: rep.Memo, Stop: stop.String()}
	if r.Extract {
		_, res.BestCost = egraph.NewExtractor(run.G, egraph.AstSize{}).Best(root)
	}
	return res, nil
}
