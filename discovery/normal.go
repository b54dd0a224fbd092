package discovery

import (
	"context"
	"fmt"
	"math"

	"gonum.org/v1/gonum/floats"
)

// Normal holds the sufficient statistics of a linear least-squares problem
// y ≈ X c: the Gram matrix XᵀX, Xᵀy, yᵀy and Σy. Every solver here (ARD, the
// RVMs, STLSQ) needs only these, so the O(rows·cols²) pass over the data is
// done once and each iteration costs O(cols³), independent of the number of
// rows. This is what makes a 20,480 × 24 fit take milliseconds.
//
// A Normal built by NewNormal also keeps the data, so that a residual whose
// Gram-form evaluation would cancel catastrophically (an almost exact fit)
// can be recomputed directly.
type Normal struct {
	Rows, Cols int
	XtX        []float64 // Cols×Cols, row-major, symmetric
	Xty        []float64
	YtY        float64
	YSum       float64

	x    [][]float64 // optional: the columns, for exact residuals
	y    []float64
	xs   []float64 // column divisors applied on top of x (nil: none)
	ys   float64   // divisor applied on top of y
	rows []int     // optional row subset of x and y
}

// gramBlock is the number of rows processed together, chosen so a block of
// 24 columns stays in L2 cache across the cols² dot products.
const gramBlock = 512

// NewNormal computes the statistics of the columns X (each of len(y)) and y.
func NewNormal(ctx context.Context, X [][]float64, y []float64) (*Normal, error) {
	return newNormal(ctx, X, y, nil)
}

// NewNormalRows is NewNormal restricted to the given rows (bagging).
func NewNormalRows(ctx context.Context, X [][]float64, y []float64, rows []int) (*Normal, error) {
	if rows == nil {
		rows = []int{}
	}
	return newNormal(ctx, X, y, rows)
}

func newNormal(ctx context.Context, X [][]float64, y []float64, rows []int) (*Normal, error) {
	k := len(X)
	if k == 0 {
		return nil, fmt.Errorf("regression: no columns")
	}
	for j, c := range X {
		if len(c) != len(y) {
			return nil, fmt.Errorf("regression: column %d has %d rows, y has %d", j, len(c), len(y))
		}
	}
	n := &Normal{Cols: k, XtX: make([]float64, k*k), Xty: make([]float64, k), x: X, y: y, ys: 1}
	if rows != nil {
		for _, r := range rows {
			if r < 0 || r >= len(y) {
				return nil, fmt.Errorf("regression: row %d out of range [0, %d)", r, len(y))
			}
		}
		n.rows = rows
		n.Rows = len(rows)
		// Gather the subset into blocks so the inner loops stay contiguous.
		xb := make([][]float64, k)
		for j := range xb {
			xb[j] = make([]float64, gramBlock)
		}
		yb := make([]float64, gramBlock)
		for start := 0; start < len(rows); start += gramBlock {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			m := min(gramBlock, len(rows)-start)
			for j := range k {
				for i := range m {
					xb[j][i] = X[j][rows[start+i]]
				}
			}
			for i := range m {
				yb[i] = y[rows[start+i]]
			}
			n.accumulate(xb, yb, 0, m)
		}
		return n, n.checkFinite()
	}
	n.Rows = len(y)
	for start := 0; start < len(y); start += gramBlock {
		if start%(64*gramBlock) == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		n.accumulate(X, y, start, min(start+gramBlock, len(y)))
	}
	return n, n.checkFinite()
}

func (n *Normal) accumulate(X [][]float64, y []float64, lo, hi int) {
	k := n.Cols
	yb := y[lo:hi]
	for i := range k {
		xi := X[i][lo:hi]
		for j := i; j < k; j++ {
			n.XtX[i*k+j] += floats.Dot(xi, X[j][lo:hi])
		}
		n.Xty[i] += floats.Dot(xi, yb)
	}
	n.YtY += floats.Dot(yb, yb)
	n.YSum += floats.Sum(yb)
	for i := range k {
		for j := i + 1; j < k; j++ {
			n.XtX[j*k+i] = n.XtX[i*k+j]
		}
	}
}

func (n *Normal) checkFinite() error {
	for i := range n.Cols {
		if v := n.XtX[i*n.Cols+i]; math.IsNaN(v) || math.IsInf(v, 0) {
			return fmt.Errorf("regression: column %d has non-finite values", i)
		}
	}
	if math.IsNaN(n.YtY) || math.IsInf(n.YtY, 0) {
		return fmt.Errorf("regression: target has non-finite values")
	}
	return nil
}

// Variance returns the (population) variance of y.
func (n *Normal) Variance() float64 {
	m := n.YSum / float64(n.Rows)
	return math.Max(n.YtY/float64(n.Rows)-m*m, 0)
}

// Scaling records how a problem was rescaled: the physical coefficient of
// column j is c_j · Y / Col[j] for a coefficient c_j fitted on the scaled
// problem.
type Scaling struct {
	Col []float64
	Y   float64
}

// Physical converts a coefficient (or standard deviation) of scaled column j
// into physical units.
func (s *Scaling) Physical(j int, c float64) float64 {
	if s == nil {
		return c
	}
	return c * s.Y / s.Col[j]
}

// Scaled returns the statistics of the problem with every column divided by
// its RMS and y by its standard deviation (the workload's convention), and
// the scaling that maps coefficients back. Columns or targets that are
// identically zero keep scale 1.
func (n *Normal) Scaled() (*Normal, *Scaling) {
	k := n.Cols
	s := &Scaling{Col: make([]float64, k)}
	for j := range k {
		r := math.Sqrt(n.XtX[j*k+j] / float64(n.Rows))
		if r == 0 {
			r = 1
		}
		s.Col[j] = r
	}
	s.Y = math.Sqrt(n.Variance())
	if s.Y == 0 {
		s.Y = 1
	}
	out := &Normal{
		Rows: n.Rows, Cols: k,
		XtX:  make([]float64, k*k),
		Xty:  make([]float64, k),
		YtY:  n.YtY / (s.Y * s.Y),
		YSum: n.YSum / s.Y,
		x:    n.x, y: n.y, rows: n.rows,
		ys: n.ys * s.Y,
	}
	out.xs = make([]float64, k)
	for j := range k {
		out.xs[j] = s.Col[j]
		if n.xs != nil {
			out.xs[j] *= n.xs[j]
		}
		out.Xty[j] = n.Xty[j] / (s.Col[j] * s.Y)
		for i := range k {
			out.XtX[i*k+j] = n.XtX[i*k+j] / (s.Col[i] * s.Col[j])
		}
	}
	return out, s
}

// RSS returns the residual sum of squares ‖y − Xc‖². It uses the Gram form
// yᵀy − 2cᵀXᵀy + cᵀXᵀXc, and recomputes from the data (when it has it) if
// that form has lost more than about half its digits to cancellation.
func (n *Normal) RSS(c []float64) float64 {
	k := n.Cols
	var quad, lin float64
	for i := range k {
		if c[i] == 0 {
			continue
		}
		var s float64
		for j := range k {
			if c[j] != 0 {
				s += n.XtX[i*k+j] * c[j]
			}
		}
		quad += c[i] * s
		lin += c[i] * n.Xty[i]
	}
	r := n.YtY - 2*lin + quad
	if r > 1e-8*n.YtY || n.x == nil {
		return math.Max(r, 0)
	}
	return n.directRSS(c)
}

func (n *Normal) directRSS(c []float64) float64 {
	var active []int
	for j, v := range c {
		if v != 0 {
			active = append(active, j)
		}
	}
	w := make([]float64, len(active))
	for a, j := range active {
		w[a] = c[j]
		if n.xs != nil {
			w[a] /= n.xs[j]
		}
	}
	var rss float64
	row := func(i int) {
		p := n.y[i] / n.ys
		for a, j := range active {
			p -= w[a] * n.x[j][i]
		}
		rss += p * p
	}
	if n.rows != nil {
		for _, i := range n.rows {
			row(i)
		}
	} else {
		for i := range n.y {
			row(i)
		}
	}
	return rss
}

// sub returns the Gram submatrix and Xᵀy restricted to the indices idx.
func (n *Normal) sub(idx []int) (g, b []float64) {
	m := len(idx)
	g = make([]float64, m*m)
	b = make([]float64, m)
	for a, i := range idx {
		b[a] = n.Xty[i]
		for c, j := range idx {
			g[a*m+c] = n.XtX[i*n.Cols+j]
		}
	}
	return g, b
}
