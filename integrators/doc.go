// Package integrators solves ordinary differential equations: explicit
// adaptive Runge–Kutta methods, stiff methods (BDF, Rosenbrock) with dense,
// sparse or matrix-free linear algebra, and an exponential integrator for
// spectral semilinear problems. It is pure numerics: problems are plain Go
// functions, so hand-written code, generated code and the tape VM all plug
// in the same way.
//
// # Problems
//
// A Problem is u' = F(u, P, t) with u(T0) = U0 on [T0, T1]:
//
//	p := &integrators.Problem{
//		F:  func(du, u, p []float64, t float64) { du[0] = -p[0] * u[0] },
//		U0: []float64{1}, P: []float64{2}, T1: 10,
//	}
//
// The implicit methods use, in order of preference, Problem.Sparse (a
// SparseJacobian: a fixed CSR pattern plus a Fill function that writes the
// values in pattern order — what a code generator emits), Problem.Jac (a
// dense row-major Jacobian), or finite differences. Problem.JVP, a
// Jacobian-vector product, serves the matrix-free Newton–Krylov solver.
//
// # Methods
//
//   - Tsit5 (default nonstiff), DP5, Vern7 (tight tolerances): embedded
//     pairs with PI step control and continuous output; RK4 at fixed step.
//   - BDF: variable order 1–5 with CVODE's order/step selection, Jacobian
//     and factorisation reuse. Options.Linear picks dense LU (gonum/LAPACK),
//     sparse LU (package integrators/sparse: approximate-minimum-degree
//     ordering and a symbolic analysis done once per run; the Jacobian's
//     values are loaded once per evaluation and refactored numerically for
//     each new γ), or GMRES with a preconditioner hook
//     (Options.Preconditioner).
//   - Rodas4: L-stable Rosenbrock method of order 4 with dense output.
//   - AutoSwitch(stiff): Tsit5 until its free stiffness estimate says the
//     step is stability-limited, then the stiff method.
//   - ETDRK4 (NewETDRK4): exponential fourth-order Runge–Kutta for
//     v' = Lv + N(v) with diagonal L, one step at a time; Periodic1D gives
//     the real FFTs and spectral derivatives of periodic fields (a radix-4
//     real FFT of its own for power-of-two sizes, package integrators/fft,
//     gonum's otherwise), and Semilinear1D / KuramotoSivashinsky build L
//     and N for u_t = Σ c_q ∂^q u + a·u u_x.
//
// One ETDRK4 step of a spectral model from an observed state u (the
// model-error target of package discovery) is
//
//	L, N := integrators.Semilinear1D(grid, []float64{0, 0, -1, 0, -1}, -1)
//	step, _ := integrators.NewETDRK4(L, N, 1e-3)
//	grid.Forward(v, u); step.Step(v, 0); grid.Inverse(uNext, v)
//
// # Solving and output
//
// Solve(ctx, problem, method, options) returns a Solution with the stored
// times and states (every accepted step, or only Options.SaveAt times,
// interpolated with the method's own continuous extension), Stats (RHS and
// Jacobian evaluations, LU factorisations, linear solves, accepted and
// rejected steps, Newton iterations and failures), per-step heuristics
// (StepInfo: local error estimate, stiffness estimate, step size, order)
// when Options.Heuristics is set, and dense output via Solution.At when
// Options.Dense is set.
//
// # Stopping
//
// Every run checks its context: cancellation stops it cleanly with Reason
// Cancelled and the solution so far. Failures — step-size underflow, Newton
// divergence, a singular Newton matrix, NaN or Inf in the state — return a
// *SolveError naming the reason, the time, the step number and, where one is
// to blame, the state component, together with the solution computed until
// then. Bad input (no RHS, a malformed sparse pattern, tolerances of the
// wrong length) is an ordinary error; nothing panics on user input.
package integrators
