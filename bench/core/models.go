// Package core holds the benchmarks of the symbolic core (term
// construction, expansion, Jacobians, sparsity, parsing) and the scripts
// that run the SymPy peer on the same work; see README.md.
package core

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"strconv"
	"strings"

	"github.com/symcalc/symcalc/symbolic"
)

// Brusselator2D builds the 2-D Brusselator RHS exactly as the peer workload
// defines it (../shared/workloads/peers/DEFINITIONS.md, W2): periodic N×N
// grid, u(i,j) at i+N*j, v(i,j) at N²+i+N*j, float constants, forcing
// ifelse(t >= 1.1, 5.0, 0) on the disk points.
func Brusselator2D(N int) (states, rhs []*symbolic.Expr) {
	t := symbolic.Sym("t")
	u := make([]*symbolic.Expr, N*N)
	v := make([]*symbolic.Expr, N*N)
	for j := 0; j < N; j++ {
		for i := 0; i < N; i++ {
			u[i+N*j] = symbolic.Sym(fmt.Sprintf("u_%d_%d", i, j))
			v[i+N*j] = symbolic.Sym(fmt.Sprintf("v_%d_%d", i, j))
		}
	}
	dx := 1 / float64(N-1)
	al := symbolic.FloatExpr(10 / (dx * dx))
	A, B, Ap1 := symbolic.FloatExpr(3.4), symbolic.FloatExpr(1.0), symbolic.FloatExpr(3.4+1)
	force := symbolic.IfElse(symbolic.Ge(t, symbolic.FloatExpr(1.1)), symbolic.FloatExpr(5.0), symbolic.Zero())
	four := symbolic.IntExpr(4)
	du := make([]*symbolic.Expr, N*N)
	dv := make([]*symbolic.Expr, N*N)
	at := func(f []*symbolic.Expr, i, j int) *symbolic.Expr { return f[(i+N)%N+N*((j+N)%N)] }
	for j := 0; j < N; j++ {
		for i := 0; i < N; i++ {
			U, V := at(u, i, j), at(v, i, j)
			U2V := symbolic.Mul(symbolic.Pow(U, symbolic.IntExpr(2)), V)
			lapU := symbolic.Add(at(u, i-1, j), at(u, i+1, j), at(u, i, j+1), at(u, i, j-1), symbolic.Mul(symbolic.Neg(four), U))
			e := symbolic.Add(symbolic.Mul(al, lapU), B, U2V, symbolic.Neg(symbolic.Mul(Ap1, U)))
			x, y := float64(i)*dx, float64(j)*dx
			if (x-0.3)*(x-0.3)+(y-0.6)*(y-0.6) <= 0.1*0.1 {
				e = symbolic.Add(e, force)
			}
			du[i+N*j] = e
			lapV := symbolic.Add(at(v, i-1, j), at(v, i+1, j), at(v, i, j+1), at(v, i, j-1), symbolic.Mul(symbolic.Neg(four), V))
			dv[i+N*j] = symbolic.Add(symbolic.Mul(al, lapV), symbolic.Mul(A, U), symbolic.Neg(U2V))
		}
	}
	return append(u, v...), append(du, dv...)
}

// Network20 reads the 20-species mass-action network (network20.txt:
// "k | reactants | products") and builds its RHS.
func Network20(path string) (states, rhs []*symbolic.Expr, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	const ns = 20
	xs := make([]*symbolic.Expr, ns)
	for i := range xs {
		xs[i] = symbolic.Sym(fmt.Sprintf("S%d", i))
	}
	sums := make([]*symbolic.SumBuilder, ns)
	for i := range sums {
		sums[i] = symbolic.NewSumBuilder()
	}
	sc := bufio.NewScanner(f)
	line := 0
	for sc.Scan() {
		line++
		s := strings.TrimSpace(sc.Text())
		if s == "" || strings.HasPrefix(s, "#") {
			continue
		}
		parts := strings.Split(s, "|")
		if len(parts) != 3 {
			return nil, nil, fmt.Errorf("%s:%d: expected k | reactants | products", path, line)
		}
		k, err := strconv.ParseFloat(strings.TrimSpace(parts[0]), 64)
		if err != nil || math.IsNaN(k) {
			return nil, nil, fmt.Errorf("%s:%d: bad rate constant: %v", path, line, err)
		}
		idx := func(p string) ([]int, error) {
			var out []int
			for _, w := range strings.Fields(p) {
				n, err := strconv.Atoi(w)
				if err != nil || n < 0 || n >= ns {
					return nil, fmt.Errorf("%s:%d: bad species %q", path, line, w)
				}
				out = append(out, n)
			}
			return out, nil
		}
		re, err := idx(parts[1])
		if err != nil {
			return nil, nil, err
		}
		pr, err := idx(parts[2])
		if err != nil {
			return nil, nil, err
		}
		fs := []*symbolic.Expr{symbolic.FloatExpr(k)}
		for _, r := range re {
			fs = append(fs, xs[r])
		}
		rate := symbolic.Mul(fs...)
		for _, r := range re {
			sums[r].AddScaled(symbolic.Int(-1), rate)
		}
		for _, p := range pr {
			sums[p].Add(rate)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, nil, err
	}
	rhs = make([]*symbolic.Expr, ns)
	for i, s := range sums {
		rhs[i] = s.Build()
	}
	return xs, rhs, nil
}
