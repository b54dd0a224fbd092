package integrators

import (
	"context"
	"fmt"
	"math"
)

// denseKind selects an explicit method's continuous extension.
type denseKind int

const (
	denseStagePoly denseKind = iota // u0 + h Σ b_i(θ) k_i with polynomial weights (Tsit5, RK4)
	denseDP5                        // Dormand–Prince / Shampine quartic (Hairer's CONTD5)
	denseVern7                      // Verner's 7th-order interpolant: six extra stages, computed lazily
)

// erk is an explicit Runge–Kutta tableau with an embedded error estimate.
type erk struct {
	name   string
	s      int
	c      []float64
	a      []float64 // row-major s×s, strictly lower triangular
	b      []float64
	btilde []float64 // error = h Σ btilde_i k_i; nil for fixed-step methods
	order  int       // order of the propagated solution
	// errOrder is the exponent base for step control: min(order, embedded)+1.
	errOrder int
	// fsal: the last stage is f(t+h, u1), reused as the next first stage.
	fsal bool
	// stiffA, stiffB: two stages at c = 1 whose difference estimates the
	// dominant eigenvalue (Hairer & Wanner II.7 / IV.2).
	stiffA, stiffB int
	// stabBound is |hλ| at the edge of the stability region on the negative
	// real axis, used by stiffness detection.
	stabBound float64
	dense     denseKind
	// r[i][j] is the coefficient of θ^(j+1) in b_i(θ) for denseStagePoly.
	r [][]float64
	// d holds the DP5 dense-output coefficients (over all stages).
	d []float64
}

// Tsit5 is Tsitouras' 5(4) pair (2011): seven stages with FSAL, a
// fourth-order embedded estimate, a free fourth-order continuous extension,
// and PI step control. It is the default nonstiff method.
func Tsit5() Method { return &explicitRK{tab: tsit5Tab} }

// DP5 is the Dormand–Prince 5(4) pair (as in Hairer's DOPRI5 and MATLAB's
// ode45) with Shampine's dense output and PI step control.
func DP5() Method { return &explicitRK{tab: dp5Tab} }

// Vern7 is Verner's "most efficient" 7(6) pair, for tight tolerances, with
// Verner's own 7th-order continuous extension. The extension needs six more
// stages, one of which is the next step's first: the other five are
// evaluated only for steps that contain a SaveAt time, or for every step
// with Options.Dense.
func Vern7() Method { return &explicitRK{tab: vern7Tab} }

// RK4 is the classical fixed-step fourth-order method with its third-order
// continuous extension; Options.Dt sets the step (the last step is shortened
// to land on T1).
func RK4() Method { return &explicitRK{tab: rk4Tab, fixed: true} }

type explicitRK struct {
	tab   *erk
	fixed bool
	// stiffSwitch, when set, makes solve stop with stiffDetected once the
	// problem has looked stiff for stiffSteps accepted steps in a row.
	stiffSwitch bool
}

func (m *explicitRK) Name() string { return m.tab.name }

// rkStep holds the buffers of one explicit RK run.
type rkStep struct {
	tab   *erk
	n     int
	k     [][]float64
	u, u1 []float64
	tmp   []float64
	ystA  []float64 // stage arguments for stiffness detection
	ystB  []float64
	err   []float64
	t, h  float64
}

// rkInterp is the dense output of one explicit RK step.
type rkInterp struct {
	tab   *erk
	t0, h float64
	u0    []float64
	k     [][]float64 // stages (stage polynomial)
	rc    [][]float64 // DP5: rcont1..5
}

func (in *rkInterp) span() (float64, float64) { return in.t0, in.t0 + in.h }

func (in *rkInterp) clone() interpolant {
	c := &rkInterp{tab: in.tab, t0: in.t0, h: in.h, u0: append([]float64(nil), in.u0...)}
	for _, k := range in.k {
		c.k = append(c.k, append([]float64(nil), k...))
	}
	for _, r := range in.rc {
		c.rc = append(c.rc, append([]float64(nil), r...))
	}
	return c
}

func (in *rkInterp) eval(dst []float64, t float64) {
	th := (t - in.t0) / in.h
	switch {
	case in.rc != nil:
		th1 := 1 - th
		r1, r2, r3, r4, r5 := in.rc[0], in.rc[1], in.rc[2], in.rc[3], in.rc[4]
		for i := range dst {
			dst[i] = r1[i] + th*(r2[i]+th1*(r3[i]+th*(r4[i]+th1*r5[i])))
		}
	default:
		copy(dst, in.u0)
		r := in.tab.r
		if in.tab.dense == denseVern7 {
			r = vern7Interp
		}
		for s, ri := range r {
			var w, p float64 = 0, th
			for _, c := range ri {
				w += c * p
				p *= th
			}
			if w == 0 {
				continue
			}
			hw := in.h * w
			ks := in.k[s]
			for i := range dst {
				dst[i] += hw * ks[i]
			}
		}
	}
}

// stages computes k[1..s-1] given k[0] = f(t, u), the new solution u1 and,
// when there is an embedded pair, the error vector.
func (st *rkStep) stages(p *Problem, stats *Stats) {
	tab, n, h := st.tab, st.n, st.h
	u, tmp := st.u, st.tmp
	for i := 1; i < tab.s; i++ {
		ai := tab.a[i*tab.s : i*tab.s+i]
		last := tab.fsal && i == tab.s-1
		dst := tmp
		if last {
			dst = st.u1
		}
		for x := 0; x < n; x++ {
			var acc float64
			for j, aij := range ai {
				if aij != 0 {
					acc += aij * st.k[j][x]
				}
			}
			dst[x] = u[x] + h*acc
		}
		if i == tab.stiffA {
			copy(st.ystA, dst)
		}
		if i == tab.stiffB {
			copy(st.ystB, dst)
		}
		p.F(st.k[i], dst, p.P, st.t+tab.c[i]*h)
		stats.RHSEvals++
	}
	if !tab.fsal {
		for x := 0; x < n; x++ {
			var acc float64
			for j, bj := range tab.b {
				if bj != 0 {
					acc += bj * st.k[j][x]
				}
			}
			st.u1[x] = u[x] + h*acc
		}
	}
	if tab.btilde != nil {
		for x := 0; x < n; x++ {
			var acc float64
			for j, ej := range tab.btilde {
				if ej != 0 {
					acc += ej * st.k[j][x]
				}
			}
			st.err[x] = h * acc
		}
	}
}

// stiffness returns Hairer's estimate h·‖Δf‖/‖Δy‖ of h·|λ_max|.
func (st *rkStep) stiffness() float64 {
	tab := st.tab
	if tab.stiffA == 0 {
		return math.NaN()
	}
	yB := st.ystB
	var num, den float64
	kA, kB := st.k[tab.stiffA], st.k[tab.stiffB]
	for x := 0; x < st.n; x++ {
		d := kB[x] - kA[x]
		num += d * d
		e := yB[x] - st.ystA[x]
		den += e * e
	}
	if den == 0 {
		return 0
	}
	return st.h * math.Sqrt(num/den)
}

// errStiffDetected is the internal signal of explicitRK.solve when stiffness
// detection fires inside AutoSwitch.
type stiffSignal struct {
	t    float64
	u    []float64
	h    float64
	step int
}

func (m *explicitRK) solve(ctx context.Context, p *Problem, opt *Options, tol *tolerances, rec *recorder) (*Solution, error) {
	sol, _, err := m.run(ctx, p, opt, tol, rec)
	return sol, err
}

// stiffSteps is how many consecutive accepted steps must look stiff before
// AutoSwitch hands over (Hairer's DOPRI5 uses 15).
const stiffSteps = 15

func (m *explicitRK) run(ctx context.Context, p *Problem, opt *Options, tol *tolerances, rec *recorder) (*Solution, *stiffSignal, error) {
	tab := m.tab
	n := len(p.U0)
	st := &rkStep{tab: tab, n: n, u: append([]float64(nil), p.U0...), u1: make([]float64, n), tmp: make([]float64, n), ystA: make([]float64, n), ystB: make([]float64, n), err: make([]float64, n)}
	st.k = make([][]float64, tab.s)
	for i := range st.k {
		st.k[i] = make([]float64, n)
	}
	stats := &rec.sol.Stats
	wantInterp := rec.dense || len(rec.saveAt) > 0
	var interp *rkInterp
	if wantInterp {
		interp = &rkInterp{tab: tab}
		if tab.dense == denseDP5 {
			interp.rc = make([][]float64, 5)
			for i := range interp.rc {
				interp.rc[i] = make([]float64, n)
			}
		}
		if tab.dense == denseVern7 {
			interp.k = make([][]float64, 16)
			for i := 10; i < 16; i++ {
				interp.k[i] = make([]float64, n)
			}
		}
	}
	xarg := make([]float64, n)
	t := p.T0
	p.F(st.k[0], st.u, p.P, t)
	stats.RHSEvals++
	if i := firstNonFinite(st.k[0]); i >= 0 {
		sol, err := rec.fail(NotFinite, t, 0, i, fmt.Errorf("f(u0) is not finite"))
		return sol, nil, err
	}
	h := opt.Dt
	if m.fixed {
		if h <= 0 {
			return nil, nil, fmt.Errorf("integrators: fixed-step method %s needs Options.Dt > 0", tab.name)
		}
	} else if h == 0 {
		h = initialStep(p, tol, tab.order, st.k[0], stats, opt.DtMax)
	}
	h = math.Min(h, opt.DtMax)
	errOld := 1e-4
	beta1 := 0.7 / float64(tab.errOrder)
	beta2 := 0.4 / float64(tab.errOrder)
	nsteps := 0
	stiffCount := 0
	for t < p.T1 {
		if nsteps%64 == 0 {
			if err := rec.cancelled(); err != nil {
				sol, e := rec.fail(Cancelled, t, h, -1, err)
				return sol, nil, e
			}
		}
		if nsteps >= opt.MaxSteps {
			sol, err := rec.fail(MaxStepsReached, t, h, -1, nil)
			return sol, nil, err
		}
		nsteps++
		last := false
		if t+h >= p.T1 || (m.fixed && t+h*(1+1e-12) >= p.T1) {
			h = p.T1 - t
			last = true
		}
		hmin := opt.DtMin
		if hmin == 0 {
			hmin = 16 * math.Nextafter(math.Abs(t), math.Inf(1)) * 1e-16
			hmin = math.Max(hmin, 1e-300)
		}
		if h < hmin {
			sol, err := rec.fail(StepUnderflow, t, h, -1, nil)
			return sol, nil, err
		}
		st.t, st.h = t, h
		st.stages(p, stats)
		var en float64
		if !m.fixed {
			en = tol.errNorm(st.err, st.u, st.u1)
		}
		if math.IsNaN(en) || math.IsInf(en, 0) {
			if i := firstNonFinite(st.u1); i >= 0 && h <= hmin*1e3 {
				sol, err := rec.fail(NotFinite, t, h, i, nil)
				return sol, nil, err
			}
			en = 1e10
		}
		stiff := math.NaN()
		if rec.heur || m.stiffSwitch {
			stiff = st.stiffness()
		}
		if en <= 1 {
			if i := firstNonFinite(st.u1); i >= 0 {
				sol, err := rec.fail(NotFinite, t, h, i, nil)
				return sol, nil, err
			}
			rec.step(StepInfo{T: t, H: h, Order: tab.order, ErrEst: en, Stiffness: stiff, Accepted: true})
			stats.Accepted++
			tNew := t + h
			if last {
				tNew = p.T1
			}
			// Next first stage: FSAL reuses the last stage; otherwise one
			// evaluation at the new point, which Vern7's output also uses.
			var fNew []float64
			if tab.fsal {
				fNew = st.k[tab.s-1]
			} else {
				fNew = st.tmp
				p.F(fNew, st.u1, p.P, tNew)
				stats.RHSEvals++
			}
			if wantInterp {
				interp.t0, interp.h = t, h
				switch tab.dense {
				case denseDP5:
					r := interp.rc
					for x := 0; x < n; x++ {
						dy := st.u1[x] - st.u[x]
						bs := h*st.k[0][x] - dy
						r[0][x] = st.u[x]
						r[1][x] = dy
						r[2][x] = bs
						r[3][x] = dy - h*st.k[6][x] - bs
						var acc float64
						for j, dj := range tab.d {
							if dj != 0 {
								acc += dj * st.k[j][x]
							}
						}
						r[4][x] = h * acc
					}
				case denseVern7:
					// Only steps that hold an output point (or all of them
					// for Dense) pay the five extra evaluations.
					need := rec.dense || (rec.next < len(rec.saveAt) && rec.saveAt[rec.next] <= tNew)
					interp.u0 = st.u
					copy(interp.k[:10], st.k)
					copy(interp.k[10], fNew)
					if need {
						vern7Extra(p, st, interp.k, xarg, t, h)
						stats.RHSEvals += 5
					}
				default:
					interp.u0 = st.u
					interp.k = st.k
				}
				rec.accept(tNew, st.u1, interp)
			} else {
				rec.accept(tNew, st.u1, nil)
			}
			st.u, st.u1 = st.u1, st.u
			if tab.fsal {
				st.k[0], st.k[tab.s-1] = st.k[tab.s-1], st.k[0]
			} else {
				st.k[0], st.tmp = st.tmp, st.k[0]
			}
			if i := firstNonFinite(st.k[0]); i >= 0 {
				sol, err := rec.fail(NotFinite, tNew, h, i, fmt.Errorf("right-hand side not finite"))
				return sol, nil, err
			}
			t = tNew
			if m.stiffSwitch && !last {
				if stiff > tab.stabBound*0.9 {
					stiffCount++
					if stiffCount >= stiffSteps {
						return rec.sol, &stiffSignal{t: t, u: append([]float64(nil), st.u...), h: h, step: stats.Accepted}, nil
					}
				} else {
					stiffCount = 0
				}
			}
			if last {
				break
			}
			if !m.fixed {
				e := math.Max(en, 1e-10)
				fac := 0.9 * math.Pow(e, -beta1) * math.Pow(errOld, beta2)
				fac = math.Min(10, math.Max(0.2, fac))
				errOld = math.Max(en, 1e-4)
				h = math.Min(h*fac, opt.DtMax)
			}
		} else {
			rec.step(StepInfo{T: t, H: h, Order: tab.order, ErrEst: en, Stiffness: stiff, Accepted: false})
			stats.Rejected++
			fac := math.Max(0.2, 0.9*math.Pow(en, -1/float64(tab.errOrder)))
			h *= fac
		}
	}
	rec.sol.Reason = Finished
	return rec.sol, nil, nil
}

// Verner's extra stages 12–16 of the 7(6) pair for its 7th-order
// interpolant (stage 11 is f(t+h, u1), the next step's first stage).
// Stage indices are 0-based; row entries pair a stage with its coefficient.
var (
	vern7ExtraC = [5]float64{0.29, 0.125, 0.25, 0.53, 0.79}
	vern7ExtraA = [5][][2]float64{
		{{0, 0.0523222769159969}, {3, 0.22495861826705715}, {4, 0.017443709248776376}, {5, -0.007669379876829393}, {6, 0.03435896044073285}, {7, -0.0410209723009395}, {8, 0.025651133005205617}, {10, -0.0160443457}},
		{{0, 0.053053341257859085}, {3, 0.12195301011401886}, {4, 0.017746840737602496}, {5, -0.0005928372667681495}, {6, 0.008381833970853752}, {7, -0.01293369259698612}, {8, 0.009412056815253861}, {10, -0.005353253107275676}, {11, -0.06666729992455811}},
		{{0, 0.03887903257436304}, {3, -0.0024403203308301317}, {4, -0.0013928917214672623}, {5, -0.00047446291558680135}, {6, 0.00039207932413159514}, {7, -0.00040554733285128004}, {8, 0.00019897093147716726}, {10, -0.00010278198793179169}, {11, 0.03385661513870267}, {12, 0.1814893063199928}},
		{{0, 0.05723681204690013}, {3, 0.22265948066761182}, {4, 0.12344864200186899}, {5, 0.04006332526666491}, {6, -0.05269894848581452}, {7, 0.04765971214244523}, {8, -0.02138895885042213}, {10, 0.015193891064036402}, {11, 0.12060546716289655}, {12, -0.022779423016187374}},
		{{0, 0.051372038802756814}, {3, 0.5414214473439406}, {4, 0.350399806692184}, {5, 0.14193112269692182}, {6, 0.10527377478429423}, {7, -0.031081847805874016}, {8, -0.007401883149519145}, {10, -0.006377932504865363}, {11, -0.17325495908361865}, {12, -0.18228156777622026}},
	}
	// vern7Interp[i][p] is the coefficient of θ^(p+1) in b_i(θ).
	vern7Interp = [][]float64{
		{1, -8.413387198332767, 33.675508884490895, -70.80159089484886, 80.64695108301298, -47.19413969837522, 11.133813442539243},
		nil, nil,
		{0, 8.754921980674396, -88.4596828699771, 346.9017638429916, -629.2580030059837, 529.6773755604193, -167.35886986514018},
		{0, 8.913387586637922, -90.06081846893218, 353.1807459217058, -640.6476819744374, 539.2646279047156, -170.38809442991547},
		{0, 5.1733120298478, -52.271115900055385, 204.9853867374073, -371.8306118563603, 312.9880934374529, -98.89290352172495},
		{0, 16.79537744079696, -169.70040000059728, 665.4937727009246, -1207.1638892336007, 1016.1291515818546, -321.06001557237494},
		{0, -10.005997536098665, 101.1005433052275, -396.47391512378437, 719.1787707014183, -605.3681033918824, 191.27439892797935},
		{0, 2.764708833638599, -27.934602637390462, 109.54779186137893, -198.7128113064482, 167.26633571640318, -52.85010499525706},
		nil,
		{0, -2.1696320280163506, 22.016696037569876, -86.90152427798948, 159.22388973861476, -135.9618306534588, 43.792401183280006},
		{0, -4.890070188793804, 22.75407737425176, -30.78034218537731, -2.797194317207249, 31.369456637508403, -15.655927320381801},
		{0, 10.862170929551967, -50.542971417827104, 68.37148040407511, 6.213326521632409, -69.68006323194157, 34.776056794509195},
		{0, -11.37286691922923, 130.79058078246717, -488.65113677785604, 832.2148793276441, -664.7743368554426, 201.79288044241662},
		{0, -5.919778732715007, 63.27679965889219, -265.432682088738, 520.1009254140611, -467.412109533902, 155.3868452824017},
		{0, -10.492146197961823, 105.35538525188011, -409.43975011988937, 732.831448907654, -606.3044574733512, 188.0495196316683},
	}
)

// vern7Extra fills k[11..15] (stages 12–16) given k[0..10].
func vern7Extra(p *Problem, st *rkStep, k [][]float64, xarg []float64, t, h float64) {
	for e := 0; e < 5; e++ {
		for x := range xarg {
			var acc float64
			for _, ij := range vern7ExtraA[e] {
				acc += ij[1] * k[int(ij[0])][x]
			}
			xarg[x] = st.u[x] + h*acc
		}
		p.F(k[11+e], xarg, p.P, t+vern7ExtraC[e]*h)
	}
}
