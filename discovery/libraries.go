package discovery

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// PolynomialLibrary returns all monomials of the given variables up to total
// degree maxDeg, in graded lexicographic order (degree 1 first, then 2, ...;
// within a degree, earlier variables first), with the constant column first
// when withConstant is set. data[i] holds the samples of vars[i].
func PolynomialLibrary(ctx context.Context, vars []string, data [][]float64, maxDeg int, withConstant bool) (*Library, error) {
	if len(vars) != len(data) || len(vars) == 0 {
		return nil, fmt.Errorf("polynomial library: %d names for %d variables", len(vars), len(data))
	}
	if maxDeg < 0 {
		return nil, fmt.Errorf("polynomial library: negative degree %d", maxDeg)
	}
	rows := len(data[0])
	for i, d := range data {
		if len(d) != rows {
			return nil, fmt.Errorf("polynomial library: variable %q has %d samples, want %d", vars[i], len(d), rows)
		}
	}
	lib := &Library{Rows: rows}
	if withConstant {
		ones := make([]float64, rows)
		for i := range ones {
			ones[i] = 1
		}
		lib.Columns = append(lib.Columns, Column{Name: "1", Term: "1", Values: ones})
	}
	var rec func(deg, start int, exps []int) error
	rec = func(deg, start int, exps []int) error {
		if deg == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			var parts []string
			vals := make([]float64, rows)
			for i := range vals {
				vals[i] = 1
			}
			for v, e := range exps {
				if e == 0 {
					continue
				}
				parts = append(parts, powLabel(vars[v], e))
				for i, x := range data[v] {
					vals[i] *= ipow(x, e)
				}
			}
			name := strings.Join(parts, "*")
			lib.Columns = append(lib.Columns, Column{Name: name, Term: name, Values: vals})
			return nil
		}
		for v := start; v < len(vars); v++ {
			exps[v]++
			if err := rec(deg-1, v, exps); err != nil {
				return err
			}
			exps[v]--
		}
		return nil
	}
	for d := 1; d <= maxDeg; d++ {
		if err := rec(d, 0, make([]int, len(vars))); err != nil {
			return nil, fmt.Errorf("polynomial library: %w", err)
		}
	}
	return lib, nil
}

func ipow(x float64, e int) float64 {
	r := 1.0
	for range e {
		r *= x
	}
	return r
}

// FourierLibrary returns sin(k*x) and cos(k*x) for k = 1..maxK of each
// variable, ordered variable-major, then k, sin before cos.
func FourierLibrary(vars []string, data [][]float64, maxK int) (*Library, error) {
	if len(vars) != len(data) || len(vars) == 0 {
		return nil, fmt.Errorf("fourier library: %d names for %d variables", len(vars), len(data))
	}
	if maxK < 1 {
		return nil, fmt.Errorf("fourier library: need maxK ≥ 1, got %d", maxK)
	}
	rows := len(data[0])
	lib := &Library{Rows: rows}
	for v, name := range vars {
		if len(data[v]) != rows {
			return nil, fmt.Errorf("fourier library: variable %q has %d samples, want %d", name, len(data[v]), rows)
		}
		for k := 1; k <= maxK; k++ {
			arg := name
			if k > 1 {
				arg = strconv.Itoa(k) + "*" + name
			}
			s := make([]float64, rows)
			c := make([]float64, rows)
			for i, x := range data[v] {
				s[i], c[i] = math.Sincos(float64(k) * x)
			}
			lib.Columns = append(lib.Columns,
				Column{Name: "sin(" + arg + ")", Term: "sin(" + arg + ")", Values: s},
				Column{Name: "cos(" + arg + ")", Term: "cos(" + arg + ")", Values: c})
		}
	}
	return lib, nil
}

// ColumnRMS returns the root-mean-square of each column. Dividing by it puts
// every column on the same scale so that one prior (ARD) or one threshold
// (STLSQ) is fair to all of them.
func ColumnRMS(cols [][]float64) []float64 {
	out := make([]float64, len(cols))
	for j, c := range cols {
		var s float64
		for _, v := range c {
			s += v * v
		}
		if len(c) > 0 {
			out[j] = math.Sqrt(s / float64(len(c)))
		}
	}
	return out
}

// Normalized returns a copy of the library with every column divided by its
// RMS, and the RMS values. A coefficient c fitted on the normalized library
// is c/rms in the original units. Columns with zero RMS are left as they are
// (scale 1) rather than turned into NaN.
func (l *Library) Normalized() (*Library, []float64) {
	rms := ColumnRMS(l.Matrix())
	out := &Library{Rows: l.Rows, Columns: make([]Column, len(l.Columns))}
	for j, c := range l.Columns {
		s := rms[j]
		if s == 0 {
			s = 1
			rms[j] = 1
		}
		v := make([]float64, len(c.Values))
		for i, x := range c.Values {
			v[i] = x / s
		}
		out.Columns[j] = Column{Name: c.Name, Term: c.Term, Values: v}
	}
	return out, rms
}
