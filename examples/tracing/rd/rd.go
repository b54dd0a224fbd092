// Package rd is the three-species reaction–diffusion system of the
// Symbolics.jl "automated sparse parallelism" tutorial, written once as
// ordinary generic Go code.
//
// The state u[1:N,1:N,1:3] is stored column-major as Julia stores it:
// component r + N·c + N²·s (0-based row r, column c, species s), with
// A, B, C = u[:,:,1], u[:,:,2], u[:,:,3]. With D = 100,
// α₂ = α₃ = β₁ = β₂ = β₃ = r₁ = r₂ = 1 and α₁ = 1 on the columns
// c ≥ 4N/5 (1-based) and 0 elsewhere,
//
//	dA = D(My·A + A·Mx) + α₁ − β₁A − r₁AB + r₂C
//	dB = α₂ − β₂B − r₁AB + r₂C
//	dC = α₃ − β₃C + r₁AB − r₂C
//
// where Mx = My = tridiag(1, −2, 1) with the Neumann corrections
// Mx[2,1] = Mx[N−1,N] = 2 and My[1,2] = My[N,N−1] = 2: the second
// differences reflect at the boundary.
package rd

import "github.com/symcalc/symcalc/symbolic"

// Constants of the tutorial.
const (
	D                                   = 100.0
	Alpha2, Alpha3                      = 1.0, 1.0
	Beta1, Beta2, Beta3, R1, R2         = 1.0, 1.0, 1.0, 1.0, 1.0
	T0, T1                      float64 = 0, 10
)

// Index is the position of (row r, column c, species s) in the state.
func Index(N, r, c, s int) int { return r + N*c + N*N*s }

// Alpha1 is α₁ on the 0-based column c: 1 where the 1-based column index
// X[r,c] = c+1 is at least 4N/5 (the tutorial's X = reshape([i for i in
// 1:N for j in 1:N], N, N) is constant along rows).
func Alpha1(N, c int) float64 {
	if float64(c+1) >= 4*float64(N)/5 {
		return 1
	}
	return 0
}

// reflect returns the neighbours of index i on a line of n points with
// reflective ends: the neighbour outside the line is the one inside.
func reflect(i, n int) (lo, hi int) {
	lo, hi = i-1, i+1
	if i == 0 {
		lo = 1
	}
	if i == n-1 {
		hi = n - 2
	}
	return lo, hi
}

// RHS returns the right-hand side on an N×N grid for any Scalar: the
// function a user writes once. RHS[symbolic.F64] runs on numbers,
// RHS[symbolic.Var] is traced into equations.
func RHS[T symbolic.Scalar[T]](N int) func(du, u, p []T, t T) {
	nn := N * N
	return func(du, u, _ []T, _ T) {
		A, B, C := u[:nn], u[nn:2*nn], u[2*nn:3*nn]
		dA, dB, dC := du[:nn], du[nn:2*nn], du[2*nn:3*nn]
		for c := 0; c < N; c++ {
			cm, cp := reflect(c, N)
			for r := 0; r < N; r++ {
				rm, rp := reflect(r, N)
				k := r + N*c
				a, b, cc := A[k], B[k], C[k]
				// My·A + A·Mx: the second differences down the column
				// and along the row.
				lap := A[rm+N*c].Add(A[rp+N*c]).Add(A[r+N*cm]).Add(A[r+N*cp]).Sub(a.Scale(4))
				ab := a.Mul(b).Scale(R1)
				dA[k] = lap.Scale(D).AddConst(Alpha1(N, c)).Sub(a.Scale(Beta1)).Sub(ab).Add(cc.Scale(R2))
				dB[k] = b.Scale(-Beta2).AddConst(Alpha2).Sub(ab).Add(cc.Scale(R2))
				dC[k] = cc.Scale(-Beta3).AddConst(Alpha3).Add(ab).Sub(cc.Scale(R2))
			}
		}
	}
}

// Plain is the same model as plain float64 Go array code, without the
// Scalar interface: the baseline a user would write by hand.
func Plain(N int) func(du, u, p []float64, t float64) {
	nn := N * N
	alpha1 := make([]float64, N)
	for c := range alpha1 {
		alpha1[c] = Alpha1(N, c)
	}
	return func(du, u, _ []float64, _ float64) {
		A, B, C := u[:nn], u[nn:2*nn], u[2*nn:3*nn]
		dA, dB, dC := du[:nn], du[nn:2*nn], du[2*nn:3*nn]
		for c := 0; c < N; c++ {
			cm, cp := reflect(c, N)
			for r := 0; r < N; r++ {
				rm, rp := reflect(r, N)
				k := r + N*c
				a, b, cc := A[k], B[k], C[k]
				lap := A[rm+N*c] + A[rp+N*c] + A[r+N*cm] + A[r+N*cp] - 4*a
				ab := R1 * a * b
				dA[k] = D*lap + alpha1[c] - Beta1*a - ab + R2*cc
				dB[k] = Alpha2 - Beta2*b - ab + R2*cc
				dC[k] = Alpha3 - Beta3*cc + ab - R2*cc
			}
		}
	}
}

// Size is the number of equations, 3N².
func Size(N int) int { return 3 * N * N }
