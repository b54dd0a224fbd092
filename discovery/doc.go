// Package discovery finds, from observations, an interpretable closed-form
// correction of what a model gets wrong: the sparse-Bayesian model-error
// method (Mojgani, Chattopadhyay & Hassanzadeh, Chaos 2022) and the
// SINDy-style tools around it.
//
// The pipeline, on the chaotic Kuramoto–Sivashinsky workload
// (../shared/workloads/ks):
//
//  1. Observations: pairs (u(t_n), u(t_n+Δt)) of the true system, read with
//     package npy (NumPy .npy) or ReadCSV, split with SplitPairs.
//  2. Target: ModelErrorTarget forms y = (u(t+Δt) − M_Δt[u(t)])/Δt with one
//     step M_Δt of the user's model (SemilinearModel.Stepper takes one
//     ETDRK4 step with package integrators); MidpointModelErrorTarget forms
//     Δu/Δt − f(mid) from the model's right-hand side, second order in Δt
//     and with target noise uncorrelated with the library's.
//  3. Library: candidate terms as named columns (Column: a label, a term in
//     symcalc syntax such as "u*dx(u, 1)", and values). PDELibrary builds
//     u^p ∂^q u from Spectral (gonum FFT) or FiniteDifference derivatives;
//     PolynomialLibrary and FourierLibrary cover ODE states; WeakForm builds
//     the noise-robust weak-form library ∫φ ∂^q(u^p).
//  4. Sparse regression through one Solver interface over Gram-form
//     statistics (Normal), so a 20,480 × 24 fit costs milliseconds: ARD with
//     scikit-learn's ARDRegression semantics, Tipping's RVM and the fast
//     marginal-likelihood RVM of Tipping & Faul (posterior means and
//     standard deviations), STLSQ with ridge and an unbiased refit,
//     BestSubset (exhaustive L0 with BIC), and Bagging for inclusion
//     probabilities. Regress scales columns to unit
//     RMS and y to unit variance and reports physical coefficients.
//  5. Noisy observations: NoiseVariance, a climatological StationaryPrior
//     (its exact Kalman analysis, or an ensemble drawn from it), and the
//     ensemble filters EnKF (stochastic) and ETKF/LETKF with inflation and
//     Gaspari–Cohn localisation, to estimate states before step 2.
//
// The symbolic side: candidate terms and models are symbolic terms in the
// field u, its derivative symbols dx(u, q) (symbolic.FieldDerivSym) and x.
// FieldLibrary lowers a list of terms (PDETerms, WeakTerms, or anything a
// user writes, such as exp(-u^2)*dx(u, 2)) to one tape (package codegen)
// and evaluates it batched over every grid point, after computing the
// derivatives once per snapshot. FieldModel takes a field equation from an
// equation file (a symbolic.System) and steps it with ETDRK4: the linear
// constant-coefficient part as a Fourier symbol, the rest on the tape; the
// three KS case models of examples/ks-discovery reproduce the workload's
// targets to 1e-12 this way. TotalDerivative applies the chain rule in
// these variables, which turns the weak form's ∂^q(u^p) back into
// pointwise terms.
//
// DiscoverCorrection runs steps 2–4 and returns the Correction, printable in
// symcalc syntax ("-1.00172*dx(u, 4)") with per-term standard deviations:
// the numerical core of `symcalc discover`.
//
// Everything that iterates takes a context.Context and an iteration limit
// and reports why it stopped (Fit.Stop).
package discovery
