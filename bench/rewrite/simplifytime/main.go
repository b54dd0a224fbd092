// Command simplifytime times rewrite.Simplify on expressions read one per
// line from stdin and writes one JSON object per line: the input, the
// result, the conditions it needs, and the median time of one call. It is
// the symcalc side of bench/rewrite/simplify_vs_sympy.py.
//
// It also reports the mean CPU time per call (user + system, all threads),
// which a loaded machine inflates less than wall time.
//
// Each sample repeats the call until at least -min-time has passed and
// reports the time per call; the median over -samples samples is printed.
// The rule files are loaded once before timing (their one-off parse cost is
// printed to stderr), as SymPy's import is outside its timing.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/symcalc/symcalc/parser"
	"github.com/symcalc/symcalc/rewrite"
)

type row struct {
	Src        string    `json:"src"`
	Result     string    `json:"result"`
	Conditions []string  `json:"conditions"`
	MedianNS   float64   `json:"median_ns"`
	CPUNS      float64   `json:"cpu_ns"`
	Samples    []float64 `json:"samples_ns"`
	Ops        int       `json:"ops"`
	Error      string    `json:"error,omitempty"`
}

func main() {
	samples := flag.Int("samples", 5, "samples per expression")
	minTime := flag.Duration("min-time", time.Millisecond, "minimum duration of one sample")
	flag.Parse()

	t0 := time.Now()
	rewrite.DefaultRules()
	fmt.Fprintf(os.Stderr, "rule files loaded in %v\n", time.Since(t0))

	sc := bufio.NewScanner(os.Stdin)
	enc := json.NewEncoder(os.Stdout)
	for sc.Scan() {
		src := strings.TrimSpace(sc.Text())
		if src == "" || strings.HasPrefix(src, "#") {
			continue
		}
		r := row{Src: src}
		e, err := parser.ParseExpr(src)
		if err != nil {
			r.Error = err.Error()
			_ = enc.Encode(r)
			continue
		}
		res, err := rewrite.SimplifyContext(context.Background(), e, rewrite.Options{})
		if err != nil {
			r.Error = err.Error()
		}
		r.Result = res.Expr.String()
		r.Ops = rewrite.CountOps(res.Expr)
		for _, c := range res.Conditions {
			r.Conditions = append(r.Conditions, c.String())
		}
		cpu0, calls := processCPU(), 0
		for s := 0; s < *samples; s++ {
			n := 0
			start := time.Now()
			for {
				rewrite.Simplify(e)
				n++
				calls++
				if el := time.Since(start); el >= *minTime {
					r.Samples = append(r.Samples, float64(el.Nanoseconds())/float64(n))
					break
				}
			}
		}
		r.CPUNS = float64(processCPU()-cpu0) / float64(calls)
		sorted := slices.Clone(r.Samples)
		slices.Sort(sorted)
		r.MedianNS = sorted[len(sorted)/2]
		if err := enc.Encode(r); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	if err := sc.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
