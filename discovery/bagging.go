package discovery

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"sync"
)

// Bagging fits the same solver on many random row subsets and reports how
// often each column is selected (its inclusion probability) together with the
// spread of its coefficient. A term that appears in nearly every bag is
// supported by the whole data set, not by a few rows; that is the
// ensemble-SINDy answer to "how sure is this support?".
//
// Rows are drawn without replacement in blocks of Block consecutive rows
// (for fields, a block can be a whole snapshot, so that spatially correlated
// rows travel together). Each bag is scaled and solved like Regress, and its
// coefficients are reported in physical units.
//
// Zero values mean: Bags 50, Fraction 0.5, Block 1, Seed 1, Workers 1.
type Bagging struct {
	Solver   Solver
	Bags     int
	Fraction float64
	Block    int
	Seed     uint64
	Workers  int
}

// BaggingResult summarises the bags.
type BaggingResult struct {
	Inclusion []float64 // fraction of bags in which column j was active
	Mean      []float64 // mean coefficient over the bags (0 where inactive)
	Std       []float64 // standard deviation of the coefficient over the bags
	Fits      []*Fit    // each bag's fit, in bag order
}

// Run performs the bagging on columns X and target y.
func (b Bagging) Run(ctx context.Context, X [][]float64, y []float64) (*BaggingResult, error) {
	if b.Solver == nil {
		return nil, errors.New("bagging: no solver")
	}
	if b.Bags == 0 {
		b.Bags = 50
	}
	if b.Fraction == 0 {
		b.Fraction = 0.5
	}
	if b.Block == 0 {
		b.Block = 1
	}
	if b.Seed == 0 {
		b.Seed = 1
	}
	if b.Workers <= 0 {
		b.Workers = 1
	}
	if b.Bags < 0 || b.Fraction <= 0 || b.Fraction > 1 || b.Block < 0 {
		return nil, fmt.Errorf("bagging: invalid options (bags %d, fraction %g, block %d)", b.Bags, b.Fraction, b.Block)
	}
	rows := len(y)
	nblocks := (rows + b.Block - 1) / b.Block
	take := max(1, int(math.Round(b.Fraction*float64(nblocks))))
	// Draw every bag's rows up front from one seeded stream, so the result
	// does not depend on the number of workers.
	subsets := make([][]int, b.Bags)
	rng := rand.New(rand.NewPCG(b.Seed, 0x5eed))
	for k := range subsets {
		perm := rng.Perm(nblocks)[:take]
		slices.Sort(perm)
		var r []int
		for _, blk := range perm {
			for i := blk * b.Block; i < min((blk+1)*b.Block, rows); i++ {
				r = append(r, i)
			}
		}
		subsets[k] = r
	}
	fits := make([]*Fit, b.Bags)
	errs := make([]error, b.Bags)
	var wg sync.WaitGroup
	next := make(chan int)
	for range b.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range next {
				n, err := NewNormalRows(ctx, X, y, subsets[k])
				if err == nil {
					fits[k], err = RegressNormal(ctx, n, b.Solver)
				}
				errs[k] = err
			}
		}()
	}
feed:
	for k := range b.Bags {
		select {
		case next <- k:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("bagging: %w", err)
	}
	for k, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("bagging: bag %d: %w", k, err)
		}
	}
	cols := len(X)
	res := &BaggingResult{Inclusion: make([]float64, cols), Mean: make([]float64, cols), Std: make([]float64, cols), Fits: fits}
	for _, f := range fits {
		for j := range cols {
			if f.Active[j] {
				res.Inclusion[j]++
			}
			res.Mean[j] += f.Coef[j]
		}
	}
	nb := float64(b.Bags)
	for j := range cols {
		res.Inclusion[j] /= nb
		res.Mean[j] /= nb
	}
	for _, f := range fits {
		for j := range cols {
			d := f.Coef[j] - res.Mean[j]
			res.Std[j] += d * d
		}
	}
	for j := range cols {
		res.Std[j] = math.Sqrt(res.Std[j] / nb)
	}
	return res, nil
}
