package discovery

import (
	"fmt"

	"github.com/symcalc/symcalc/discovery/npy"
)

// SplitPairs splits a (pairs, 2, N) array of observation pairs — the layout
// of the KS workload's truth_pairs.npy and obs_noise*.npy — into the states
// at t_n and at t_n+Δt. The returned slices share memory with a.
func SplitPairs(a *npy.Array) (before, after [][]float64, err error) {
	if len(a.Shape) != 3 || a.Shape[1] != 2 {
		return nil, nil, fmt.Errorf("observation pairs: want shape (pairs, 2, N), got %v", a.Shape)
	}
	p, n := a.Shape[0], a.Shape[2]
	before = make([][]float64, p)
	after = make([][]float64, p)
	for i := range p {
		before[i] = a.Data[(2*i)*n : (2*i+1)*n]
		after[i] = a.Data[(2*i+1)*n : (2*i+2)*n]
	}
	return before, after, nil
}

// Snapshots splits a (snapshots, N) array into its rows, sharing memory.
func Snapshots(a *npy.Array) ([][]float64, error) {
	if len(a.Shape) != 2 {
		return nil, fmt.Errorf("snapshots: want shape (snapshots, N), got %v", a.Shape)
	}
	out := make([][]float64, a.Shape[0])
	for i := range out {
		out[i] = a.Data[i*a.Shape[1] : (i+1)*a.Shape[1]]
	}
	return out, nil
}
