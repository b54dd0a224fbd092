package sparse_test

import (
	"fmt"

	"github.com/symcalc/symcalc/integrators/sparse"
)

// A Newton matrix I − γJ factorised for two values of γ from one loaded
// Jacobian: the analysis (ordering, symbolic factors) runs once per
// pattern, Load once per Jacobian, Refactor once per γ.
func ExampleLU_Refactor() {
	// J = [[-2, 1, 0], [1, -2, 1], [0, 1, -2]] in CSR form.
	rowPtr := []int{0, 2, 5, 7}
	colIdx := []int{0, 1, 0, 1, 2, 1, 2}
	J := []float64{-2, 1, 1, -2, 1, 1, -2}
	lu, err := sparse.NewLU(3, rowPtr, colIdx)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := lu.Load(J); err != nil {
		fmt.Println(err)
		return
	}
	for _, gamma := range []float64{0.5, 0.1} {
		if err := lu.Refactor(1, -gamma); err != nil { // M = I − γJ
			fmt.Println(err)
			return
		}
		// Solve M x = M·1, so x = 1.
		b := []float64{1 + gamma, 1, 1 + gamma}
		lu.Solve(b)
		fmt.Printf("γ = %.1f: x = [%.3f %.3f %.3f]\n", gamma, b[0], b[1], b[2])
	}
	// Output:
	// γ = 0.5: x = [1.000 1.000 1.000]
	// γ = 0.1: x = [1.000 1.000 1.000]
}

// The fill-reducing ordering on its own: a permutation of the unknowns.
func ExampleApproximateMinimumDegree() {
	// An arrow matrix: row and column 0 full, plus the diagonal.
	// Eliminating the hub first fills the whole matrix; AMD eliminates
	// the leaves first and nothing fills.
	n := 5
	rowPtr := []int{0}
	var colIdx []int
	for i := 0; i < n; i++ {
		if i == 0 {
			for j := 0; j < n; j++ {
				colIdx = append(colIdx, j)
			}
		} else {
			colIdx = append(colIdx, 0, i)
		}
		rowPtr = append(rowPtr, len(colIdx))
	}
	perm, err := sparse.ApproximateMinimumDegree(n, rowPtr, colIdx)
	if err != nil {
		fmt.Println(err)
		return
	}
	amd, _ := sparse.NewLUOrdered(n, rowPtr, colIdx, perm)
	natural, _ := sparse.NewLUOrdered(n, rowPtr, colIdx, []int{0, 1, 2, 3, 4})
	fmt.Println("entries of L+U: natural order", natural.NNZ(), "AMD", amd.NNZ(), "pattern", len(colIdx))
	// Output:
	// entries of L+U: natural order 25 AMD 13 pattern 13
}
