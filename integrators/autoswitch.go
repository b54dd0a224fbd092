package integrators

import (
	"context"
	"fmt"
)

// AutoSwitch starts with Tsit5 and hands over to stiff (BDF() or Rodas4())
// once the problem has looked stiff for 15 consecutive accepted steps:
// Hairer's estimate h·|λ| ≈ h‖f(y₇)−f(y₆)‖/‖y₇−y₆‖ from two Tsit5 stages
// at the same time (free: no extra RHS evaluation) stays near the edge of
// Tsit5's stability region, which means stability, not accuracy, limits the
// step. The switch is one way. Stats.Switches and Solution.Method record it.
func AutoSwitch(stiff Method) Method {
	if stiff == nil {
		stiff = BDF()
	}
	return &autoSwitch{stiff: stiff}
}

type autoSwitch struct{ stiff Method }

func (a *autoSwitch) Name() string { return "AutoSwitch(Tsit5→" + a.stiff.Name() + ")" }

func (a *autoSwitch) solve(ctx context.Context, p *Problem, opt *Options, tol *tolerances, rec *recorder) (*Solution, error) {
	ex := &explicitRK{tab: tsit5Tab, stiffSwitch: true}
	sol, sig, err := ex.run(ctx, p, opt, tol, rec)
	if err != nil || sig == nil {
		return sol, err
	}
	rec.sol.Stats.Switches++
	rec.sol.Method = fmt.Sprintf("Tsit5 until t=%.6g, then %s", sig.t, a.stiff.Name())
	switch m := a.stiff.(type) {
	case bdfMethod:
		return bdfRun(ctx, p, sig.t, sig.u, sig.h, opt, tol, rec)
	case *rodas:
		return m.run(ctx, p, sig.t, sig.u, sig.h, opt, tol, rec)
	}
	return nil, fmt.Errorf("integrators: AutoSwitch cannot hand over to %s (use BDF or Rodas4)", a.stiff.Name())
}
