package main

// A minimal reader of BioNetGen .net reaction networks, only for the BCR
// benchmark (the project's real importer belongs to the model layer, not
// to the solvers). Mass action as BioNetGen's run_network: v_r = k_r ·
// Π_{reactant slots} x_i, dx_i/dt = Σ_r (n_prod − n_react) v_r.

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/symcalc/symcalc/integrators"
)

type network struct {
	names     []string
	x0        []float64
	k         []float64
	reactants [][]int32
	products  [][]int32
	groups    []string
	groupMem  [][]int
}

func readNet(path string) (*network, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	nw := &network{}
	params := map[string]float64{}
	section := ""
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	line := 0
	for sc.Scan() {
		line++
		s := sc.Text()
		if i := strings.IndexByte(s, '#'); i >= 0 {
			s = s[:i]
		}
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if strings.HasPrefix(s, "begin ") {
			section = strings.TrimSpace(s[6:])
			continue
		}
		if strings.HasPrefix(s, "end ") {
			section = ""
			continue
		}
		fs := strings.Fields(s)
		switch section {
		case "parameters":
			if len(fs) < 3 {
				return nil, fmt.Errorf("%s:%d: parameter line needs index, name, value", path, line)
			}
			v, err := evalExpr(strings.Join(fs[2:], ""), params)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %v", path, line, err)
			}
			params[fs[1]] = v
		case "species":
			if len(fs) < 3 {
				return nil, fmt.Errorf("%s:%d: species line needs index, name, amount", path, line)
			}
			v, err := evalExpr(fs[2], params)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %v", path, line, err)
			}
			nw.names = append(nw.names, fs[1])
			nw.x0 = append(nw.x0, v)
		case "reactions":
			if len(fs) < 4 {
				return nil, fmt.Errorf("%s:%d: reaction line needs index, reactants, products, rate", path, line)
			}
			r, err := speciesList(fs[1], len(nw.names))
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %v", path, line, err)
			}
			p, err := speciesList(fs[2], len(nw.names))
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %v", path, line, err)
			}
			k, err := evalExpr(fs[3], params)
			if err != nil {
				return nil, fmt.Errorf("%s:%d: %v", path, line, err)
			}
			nw.reactants = append(nw.reactants, r)
			nw.products = append(nw.products, p)
			nw.k = append(nw.k, k)
		case "groups":
			if len(fs) < 3 {
				continue
			}
			var mem []int
			for _, t := range strings.Split(fs[2], ",") {
				i, err := strconv.Atoi(t)
				if err != nil || i < 1 || i > len(nw.names) {
					return nil, fmt.Errorf("%s:%d: bad group member %q", path, line, t)
				}
				mem = append(mem, i-1)
			}
			nw.groups = append(nw.groups, fs[1])
			nw.groupMem = append(nw.groupMem, mem)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, err
	}
	return nw, nil
}

func speciesList(s string, n int) ([]int32, error) {
	if s == "0" {
		return nil, nil
	}
	var out []int32
	for _, t := range strings.Split(s, ",") {
		i, err := strconv.Atoi(t)
		if err != nil || i < 1 || i > n {
			return nil, fmt.Errorf("bad species index %q", t)
		}
		out = append(out, int32(i-1))
	}
	return out, nil
}

// evalExpr evaluates the constant expressions of .net parameter blocks:
// numbers, names, + - * / ^ and parentheses.
func evalExpr(s string, vars map[string]float64) (float64, error) {
	p := &exprParser{s: s, vars: vars}
	v, err := p.sum()
	if err != nil {
		return 0, err
	}
	if p.i != len(p.s) {
		return 0, fmt.Errorf("unexpected %q in expression %q", p.s[p.i:], s)
	}
	return v, nil
}

type exprParser struct {
	s    string
	i    int
	vars map[string]float64
}

func (p *exprParser) sum() (float64, error) {
	v, err := p.product()
	for err == nil && p.i < len(p.s) && (p.s[p.i] == '+' || p.s[p.i] == '-') {
		op := p.s[p.i]
		p.i++
		var w float64
		if w, err = p.product(); op == '+' {
			v += w
		} else {
			v -= w
		}
	}
	return v, err
}

func (p *exprParser) product() (float64, error) {
	v, err := p.power()
	for err == nil && p.i < len(p.s) && (p.s[p.i] == '*' || p.s[p.i] == '/') {
		op := p.s[p.i]
		p.i++
		var w float64
		if w, err = p.power(); op == '*' {
			v *= w
		} else {
			v /= w
		}
	}
	return v, err
}

func (p *exprParser) power() (float64, error) {
	v, err := p.unary()
	if err == nil && p.i < len(p.s) && p.s[p.i] == '^' {
		p.i++
		var w float64
		w, err = p.power()
		v = math.Pow(v, w)
	}
	return v, err
}

func (p *exprParser) unary() (float64, error) {
	if p.i < len(p.s) && p.s[p.i] == '-' {
		p.i++
		v, err := p.unary()
		return -v, err
	}
	if p.i < len(p.s) && p.s[p.i] == '(' {
		p.i++
		v, err := p.sum()
		if err != nil {
			return 0, err
		}
		if p.i >= len(p.s) || p.s[p.i] != ')' {
			return 0, fmt.Errorf("missing ) in %q", p.s)
		}
		p.i++
		return v, nil
	}
	start := p.i
	if p.i < len(p.s) && (unicode.IsDigit(rune(p.s[p.i])) || p.s[p.i] == '.') {
		for p.i < len(p.s) && (unicode.IsDigit(rune(p.s[p.i])) || p.s[p.i] == '.' || p.s[p.i] == 'e' || p.s[p.i] == 'E' ||
			((p.s[p.i] == '+' || p.s[p.i] == '-') && p.i > start && (p.s[p.i-1] == 'e' || p.s[p.i-1] == 'E'))) {
			p.i++
		}
		return strconv.ParseFloat(p.s[start:p.i], 64)
	}
	for p.i < len(p.s) && (p.s[p.i] == '_' || unicode.IsLetter(rune(p.s[p.i])) || unicode.IsDigit(rune(p.s[p.i]))) {
		p.i++
	}
	name := p.s[start:p.i]
	if name == "" {
		return 0, fmt.Errorf("expected a number or name at %q", p.s[start:])
	}
	v, ok := p.vars[name]
	if !ok {
		return 0, fmt.Errorf("unknown parameter %q", name)
	}
	return v, nil
}

// problem builds the mass-action RHS and its analytic sparse Jacobian (full
// diagonal kept) as table-driven Go.
func (nw *network) problem(t1 float64) *integrators.Problem {
	n := len(nw.names)
	type term struct {
		sp   int32
		coef float64
	}
	// Net stoichiometry per reaction.
	net := make([][]term, len(nw.k))
	for r := range nw.k {
		m := map[int32]float64{}
		for _, s := range nw.reactants[r] {
			m[s]--
		}
		for _, s := range nw.products[r] {
			m[s]++
		}
		keys := make([]int32, 0, len(m))
		for s, c := range m {
			if c != 0 {
				keys = append(keys, s)
			}
		}
		sort.Slice(keys, func(a, b int) bool { return keys[a] < keys[b] })
		for _, s := range keys {
			net[r] = append(net[r], term{s, m[s]})
		}
	}
	// Pattern: (i, j) for every species i changed by a reaction with reactant j, plus the diagonal.
	rows := make([]map[int32]bool, n)
	for i := range rows {
		rows[i] = map[int32]bool{int32(i): true}
	}
	for r := range nw.k {
		if nw.k[r] == 0 {
			continue
		}
		for _, j := range nw.reactants[r] {
			for _, t := range net[r] {
				rows[t.sp][j] = true
			}
		}
	}
	rowPtr := make([]int, n+1)
	var colIdx []int
	pos := make([]map[int32]int, n)
	for i := 0; i < n; i++ {
		cols := make([]int, 0, len(rows[i]))
		for j := range rows[i] {
			cols = append(cols, int(j))
		}
		sort.Ints(cols)
		pos[i] = map[int32]int{}
		for _, j := range cols {
			pos[i][int32(j)] = len(colIdx)
			colIdx = append(colIdx, j)
		}
		rowPtr[i+1] = len(colIdx)
	}
	// Jacobian program: for each reaction and reactant slot a, the value
	// ∂v/∂x_{slot a} = k Π_{b≠a} x_b is added with each net coefficient to
	// its entry.
	type jterm struct {
		r     int32
		slot  int8
		entry []int32
		coef  []float64
	}
	var prog []jterm
	for r := range nw.k {
		if nw.k[r] == 0 {
			continue
		}
		for a, j := range nw.reactants[r] {
			jt := jterm{r: int32(r), slot: int8(a)}
			for _, t := range net[r] {
				jt.entry = append(jt.entry, int32(pos[t.sp][j]))
				jt.coef = append(jt.coef, t.coef)
			}
			prog = append(prog, jt)
		}
	}
	v := make([]float64, len(nw.k))
	rhs := func(du, x, _ []float64, _ float64) {
		for r, k := range nw.k {
			f := k
			for _, s := range nw.reactants[r] {
				f *= x[s]
			}
			v[r] = f
		}
		for i := range du {
			du[i] = 0
		}
		for r, ts := range net {
			vr := v[r]
			for _, t := range ts {
				du[t.sp] += t.coef * vr
			}
		}
	}
	fill := func(vals, x, _ []float64, _ float64) {
		for i := range vals {
			vals[i] = 0
		}
		for _, jt := range prog {
			d := nw.k[jt.r]
			for b, s := range nw.reactants[jt.r] {
				if b != int(jt.slot) {
					d *= x[s]
				}
			}
			for q, e := range jt.entry {
				vals[e] += jt.coef[q] * d
			}
		}
	}
	return &integrators.Problem{F: rhs, U0: append([]float64(nil), nw.x0...), T1: t1,
		Sparse: &integrators.SparseJacobian{RowPtr: rowPtr, ColIdx: colIdx, Fill: fill}, Autonomous: true}
}

// readBCRRef reads peers2/bcr_ref_t10000.txt: "name value" lines, species
// then groups.
func readBCRRef(path string, nspecies int) (species, groups []float64, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		fs := strings.Fields(sc.Text())
		if len(fs) < 2 {
			continue
		}
		x, err := strconv.ParseFloat(fs[len(fs)-1], 64)
		if err != nil {
			return nil, nil, err
		}
		if len(species) < nspecies {
			species = append(species, x)
		} else {
			groups = append(groups, x)
		}
	}
	return species, groups, sc.Err()
}
