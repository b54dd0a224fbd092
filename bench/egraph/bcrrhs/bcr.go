package main

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strings"
	"syscall"

	"github.com/symcalc/symcalc/codegen"
	"github.com/symcalc/symcalc/egraph"
	"github.com/symcalc/symcalc/examples/bcr/network"
	"github.com/symcalc/symcalc/symbolic"
)

// netForms is a reaction network's right-hand side with the rate constants
// substituted as numbers (as a code generator with inlined constants sees
// it), in plain and factored form.
type netForms struct {
	states   []*symbolic.Expr
	u0       []float64
	plain    []*symbolic.Expr
	factored []*symbolic.Expr
	report   egraph.FactorReport
}

// testdataNet is the copy of bcr.net this package carries (gzipped, with
// its licence), so that its test runs without ../shared.
const testdataNet = "testdata/bcr.net.gz"

// readNet reads a .net file, gunzipping it if its name ends in .gz.
func readNet(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(path, ".gz") {
		z, err := gzip.NewReader(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		defer z.Close()
		r = z
	}
	return io.ReadAll(r)
}

// loadNetwork imports a BioNetGen .net file and factors its equations.
func loadNetwork(ctx context.Context, path string) (*netForms, error) {
	src, err := readNet(path)
	if err != nil {
		return nil, err
	}
	// The import is examples/bcr's (rate constants substituted as numbers).
	net, err := network.Parse(ctx, strings.TrimSuffix(path, ".gz"), string(src))
	if err != nil {
		return nil, err
	}
	n := &netForms{states: net.States, u0: net.U0, plain: net.RHS}
	n.factored, n.report, err = egraph.FactorSums(ctx, n.plain, egraph.FactorOptions{})
	if err != nil {
		return nil, err
	}
	return n, nil
}

// lower compiles equations to a tape program over the network's states.
func (n *netForms) lower(ctx context.Context, eqs []*symbolic.Expr) (*codegen.Program, error) {
	return codegen.Lower(ctx, eqs, codegen.Vars{States: n.states}, codegen.Options{})
}

// absScale returns, per equation, Σ_m |C[i,m]·m(x)|: the size of the
// terms whose sum is dx_i, which is the scale of its rounding error (at a
// near-equilibrium state dx_i itself can be many orders smaller).
func (n *netForms) absScale(x []float64) ([]float64, error) {
	env := make(map[string]float64, len(x))
	for i, s := range n.states {
		env[s.Name()] = x[i]
	}
	out := make([]float64, len(n.plain))
	for i, f := range n.plain {
		terms := []*symbolic.Expr{f}
		var coefs []symbolic.Number
		if f.Kind() == symbolic.KAdd {
			var c0 symbolic.Number
			c0, terms, coefs = f.AddParts()
			out[i] = math.Abs(c0.Float64())
		}
		for k, t := range terms {
			v, err := symbolic.Eval(t, env)
			if err != nil {
				return nil, fmt.Errorf("equation %d: %w", i, err)
			}
			c := 1.0
			if coefs != nil {
				c = coefs[k].Float64()
			}
			out[i] += math.Abs(c * v)
		}
	}
	return out, nil
}

// agreement compares two RHS values: the largest difference relative to
// |dx_i| (over equations with dx_i ≠ 0) and relative to the term scale.
func agreement(a, b, scale []float64) (relDx, relScale float64) {
	for i := range a {
		d := math.Abs(a[i] - b[i])
		if s := math.Max(math.Abs(a[i]), math.Abs(b[i])); s > 0 {
			relDx = math.Max(relDx, d/s)
		}
		if scale[i] > 0 {
			relScale = math.Max(relScale, d/scale[i])
		}
	}
	return relDx, relScale
}

func cpuTime() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
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

// timePair returns process-CPU ns per call of fa and fb, one figure per
// round: each round times a batch of about 100 ms of each, alternating,
// so that the machine's load affects both alike.
func timePair(rounds int, fa, fb func()) (sa, sb []float64) {
	fa()
	fb()
	n := 1
	for {
		c := cpuTime()
		for i := 0; i < n; i++ {
			fa()
		}
		if cpuTime()-c > 0.1 {
			break
		}
		n *= 2
	}
	for r := 0; r < rounds; r++ {
		for k, f := range []func(){fa, fb} {
			c := cpuTime()
			for i := 0; i < n; i++ {
				f()
			}
			d := (cpuTime() - c) * 1e9 / float64(n)
			if k == 0 {
				sa = append(sa, d)
			} else {
				sb = append(sb, d)
			}
		}
	}
	return sa, sb
}
