// Command rssfloor measures the peak resident memory of a Go process that
// does nothing but hold live, pointer-free data of a given size (the
// e-graph's tables are of that kind), to compare with egg's peak RSS on
// the rows where ours is over: see ../README.md, "Eighth session".
//
//	go run ./bench/egraph/rssfloor -mb 4.6
package main

import (
	"flag"
	"fmt"
	"os"
	"strings"
)

var keep [][]uint32

func main() {
	mb := flag.Float64("mb", 4.6, "live data to hold, MB (in 64 KB arrays, each written once)")
	flag.Parse()
	for n := int(*mb * (1 << 20) / 65536); n > 0; n-- {
		a := make([]uint32, 16384)
		for j := range a {
			a[j] = uint32(j)
		}
		keep = append(keep, a)
	}
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		fmt.Fprintln(os.Stderr, "rssfloor:", err)
		os.Exit(1)
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(l, "VmHWM") || strings.HasPrefix(l, "RssAnon") || strings.HasPrefix(l, "RssFile") {
			fmt.Print(strings.Join(strings.Fields(l), " "), "  ")
		}
	}
	fmt.Println()
}
