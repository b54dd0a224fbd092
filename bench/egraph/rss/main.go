// Command rss runs one row of the e-graph benchmark once, with its
// extraction, and prints its counts as one line of JSON. The benchmark
// (bench/egraph) takes each row's peak RSS from a process of this
// program: it links only the e-graph and the row table, so the figure
// holds the run's memory and Go's runtime, not the benchmark's own code
// (flags, JSON decoding, profiling, process control: about 0.6 MB of
// resident code pages), as egg's figure is that of a program running the
// row.
//
//	go build -o /tmp/egb-rss ./bench/egraph/rss && /tmp/egb-rss "poly8 backoff 10k"
package main

import (
	"os"

	"github.com/symcalc/symcalc/bench/egraph/rows"
)

func main() {
	if len(os.Args) < 2 || len(os.Args) > 3 || (len(os.Args) == 3 && os.Args[2] != "egg" && os.Args[2] != "id") {
		os.Stderr.WriteString("usage: rss ROW [egg|id]\n")
		os.Exit(2)
	}
	eggOrder := len(os.Args) < 3 || os.Args[2] == "egg"
	for _, r := range rows.Rows {
		if r.Name != os.Args[1] {
			continue
		}
		res, err := rows.RunOnce(r, eggOrder)
		if err != nil {
			os.Stderr.WriteString("rss: " + err.Error() + "\n")
			os.Exit(1)
		}
		os.Stdout.Write(res.AppendJSON(nil))
		return
	}
	os.Stderr.WriteString("rss: no row named " + os.Args[1] + "\n")
	os.Exit(2)
}
