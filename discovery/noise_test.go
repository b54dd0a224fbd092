package discovery

import (
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The noisy-observation study: the workload's obs_noise0.01.npy (1 % white
// noise on both states of every pair), each case's model, and several ways
// to turn the noisy pairs into a regression problem. The metrics are
// computed against the known structural error in each pipeline's own basis
// (pointwise u^p ∂^q u, or the weak form's ∂^q(u^p)).

type noiseScore struct {
	exact    bool
	found    int // true terms kept
	truth    int // true terms in all
	spurious int // other terms kept
	relErr   float64
}

func (s noiseScore) String() string {
	return fmt.Sprintf("exact=%-5v true %d/%d spurious %2d  ‖c−c*‖/‖c*‖ %.3f", s.exact, s.found, s.truth, s.spurious, s.relErr)
}

func scoreFit(f *Fit, want map[int]float64) noiseScore {
	s := noiseScore{truth: len(want)}
	var num, den float64
	for j, c := range f.Coef {
		w, isTrue := want[j]
		if f.Active[j] && c != 0 {
			if isTrue {
				s.found++
			} else {
				s.spurious++
			}
		}
		num += (c - w) * (c - w)
		den += w * w
	}
	s.relErr = math.Sqrt(num / den)
	s.exact = s.spurious == 0 && s.found == len(want)
	return s
}

// pointwise and weak truths: column → coefficient.
var (
	pointTruth = map[string]map[int]float64{"A": {19: -1}, "B": {5: -0.5, 9: -1}, "C": {14: 0.5}}
	weakTruth  = map[string]map[int]float64{"A": {16: -1}, "B": {5: -0.25, 8: -1}, "C": {12: 0.5}}
)

type noisyProblem struct {
	X     [][]float64
	y     []float64
	truth map[int]float64
	names []string
}

type noisePipeline struct {
	name  string
	build func(t *testing.T, c string) noisyProblem
}

// noiseSetup prepares the shared pieces of every pipeline from the noisy
// pairs: the noise variance estimated from the data, the climatological
// prior, and the denoised states.
type noiseSetup struct {
	u0, u1   [][]float64
	nv       float64
	prior    *StationaryPrior
	corrLen  int
	kal      [2][][]float64
	letkf    [2][][]float64
	weakForm *WeakForm
	tiled    *WeakForm // same test functions, N/width of them: no overlap
}

func newNoiseSetup(t *testing.T, pairs int) *noiseSetup {
	a := loadNPY(t, "testdata/ks_obs_noise0.01.npy")
	u0, u1, err := SplitPairs(a)
	require.NoError(t, err)
	s := &noiseSetup{u0: u0[:pairs], u1: u1[:pairs]}
	all := append(append([][]float64{}, s.u0...), s.u1...)
	s.nv, err = NoiseVariance(all, 0.25)
	require.NoError(t, err)
	s.prior, err = EstimateStationaryPrior(all, s.nv, 2)
	require.NoError(t, err)
	s.corrLen = s.prior.CorrelationLength()
	// Test functions as wide as the correlation length: wide enough to
	// average the noise, narrow enough to resolve the field.
	s.weakForm, err = NewWeakForm(ksN, ksL, ksN/4, float64(s.corrLen)*ksL/ksN, 8, 4)
	require.NoError(t, err)
	s.tiled, err = NewWeakForm(ksN, ksL, ksN/s.weakForm.SupportWidth(), float64(s.corrLen)*ksL/ksN, 8, 4)
	require.NoError(t, err)
	return s
}

func (s *noiseSetup) kalman(t *testing.T) [2][][]float64 {
	if s.kal[0] == nil {
		for k, snaps := range [][][]float64{s.u0, s.u1} {
			for _, u := range snaps {
				v, err := s.prior.Analyze(u, s.nv)
				require.NoError(t, err)
				s.kal[k] = append(s.kal[k], v)
			}
		}
	}
	return s.kal
}

func (s *noiseSetup) letkfStates(t *testing.T) [2][][]float64 {
	if s.letkf[0] == nil {
		f := ETKF{Localize: PeriodicGaspariCohn(ksN, float64(s.corrLen)), Batch: 16}
		for k, snaps := range [][][]float64{s.u0, s.u1} {
			d, err := EnsembleDenoise(context.Background(), snaps, s.prior, s.nv, 32, f, uint64(k+1))
			require.NoError(t, err)
			s.letkf[k] = d
		}
	}
	return s.letkf
}

func pointwiseProblem(t *testing.T, c string, x0, x1 [][]float64) noisyProblem {
	ctx := context.Background()
	step, err := ksModels[c].Stepper(ksDt)
	require.NoError(t, err)
	y, err := ModelErrorTarget(ctx, x0, x1, ksDt, step)
	require.NoError(t, err)
	mid, err := Midpoints(x0, x1)
	require.NoError(t, err)
	sp, _ := NewSpectral(ksN, ksL)
	lib, err := PDELibrary(ctx, mid, PDEOptions{MaxP: 4, MaxQ: 4, Deriv: sp})
	require.NoError(t, err)
	return noisyProblem{lib.Matrix(), y, pointTruth[c], lib.Names()}
}

// midpointProblem uses MidpointModelErrorTarget: its target noise is
// uncorrelated with the midpoint library's.
func midpointProblem(t *testing.T, c string, x0, x1 [][]float64) noisyProblem {
	ctx := context.Background()
	rhs, err := ksModels[c].RHS()
	require.NoError(t, err)
	y, err := MidpointModelErrorTarget(ctx, x0, x1, ksDt, rhs)
	require.NoError(t, err)
	mid, err := Midpoints(x0, x1)
	require.NoError(t, err)
	sp, _ := NewSpectral(ksN, ksL)
	lib, err := PDELibrary(ctx, mid, PDEOptions{MaxP: 4, MaxQ: 4, Deriv: sp})
	require.NoError(t, err)
	return noisyProblem{lib.Matrix(), y, pointTruth[c], lib.Names()}
}

// weakMidpointProblem is the weak form of the midpoint target: ∫φ Δu/Δt
// minus the model's own terms on the weak library, so no derivative of the
// noisy data is ever taken.
func weakMidpointProblem(t *testing.T, c string, w *WeakForm, x0, x1 [][]float64) noisyProblem {
	ctx := context.Background()
	mid, err := Midpoints(x0, x1)
	require.NoError(t, err)
	lib, err := w.Library(ctx, mid, 4, 4)
	require.NoError(t, err)
	var du []float64
	for p := range x0 {
		for i := range x0[p] {
			du = append(du, (x1[p][i]-x0[p][i])/ksDt)
		}
	}
	y, err := w.Project(du)
	require.NoError(t, err)
	cm, err := ksModels[c].WeakCoefficients(4, 4)
	require.NoError(t, err)
	for j, col := range lib.Columns {
		for i := range y {
			y[i] -= cm[j] * col.Values[i]
		}
	}
	return noisyProblem{lib.Matrix(), y, weakTruth[c], lib.Names()}
}

func weakProblem(t *testing.T, c string, w *WeakForm, x0, x1 [][]float64) noisyProblem {
	ctx := context.Background()
	step, err := ksModels[c].Stepper(ksDt)
	require.NoError(t, err)
	y, err := ModelErrorTarget(ctx, x0, x1, ksDt, step)
	require.NoError(t, err)
	mid, err := Midpoints(x0, x1)
	require.NoError(t, err)
	lib, err := w.Library(ctx, mid, 4, 4)
	require.NoError(t, err)
	wy, err := w.Project(y)
	require.NoError(t, err)
	return noisyProblem{lib.Matrix(), wy, weakTruth[c], lib.Names()}
}

func (s *noiseSetup) pipelines() []noisePipeline {
	return []noisePipeline{
		{"baseline (raw, pointwise)", func(t *testing.T, c string) noisyProblem { return pointwiseProblem(t, c, s.u0, s.u1) }},
		// Not a method: the clean library with the raw noisy target, to show
		// how much of the failure is the library's noise.
		{"oracle: clean library, raw target", func(t *testing.T, c string) noisyProblem {
			p := pointwiseProblem(t, c, s.u0, s.u1)
			lib := ksLibrary(t, len(s.u0))
			p.X = lib.Matrix()
			return p
		}},
		{"weak form (raw)", func(t *testing.T, c string) noisyProblem { return weakProblem(t, c, s.weakForm, s.u0, s.u1) }},
		{"Kalman prior analysis, pointwise", func(t *testing.T, c string) noisyProblem {
			k := s.kalman(t)
			return pointwiseProblem(t, c, k[0], k[1])
		}},
		{"LETKF (32), pointwise", func(t *testing.T, c string) noisyProblem {
			k := s.letkfStates(t)
			return pointwiseProblem(t, c, k[0], k[1])
		}},
		{"LETKF (32) + weak form", func(t *testing.T, c string) noisyProblem {
			k := s.letkfStates(t)
			return weakProblem(t, c, s.weakForm, k[0], k[1])
		}},
		{"weak form (raw), tiled", func(t *testing.T, c string) noisyProblem { return weakProblem(t, c, s.tiled, s.u0, s.u1) }},
		{"LETKF (32) + weak form, tiled", func(t *testing.T, c string) noisyProblem {
			k := s.letkfStates(t)
			return weakProblem(t, c, s.tiled, k[0], k[1])
		}},
		{"Kalman, midpoint target", func(t *testing.T, c string) noisyProblem {
			k := s.kalman(t)
			return midpointProblem(t, c, k[0], k[1])
		}},
		{"LETKF (32), weak midpoint target", func(t *testing.T, c string) noisyProblem {
			k := s.letkfStates(t)
			return weakMidpointProblem(t, c, s.weakForm, k[0], k[1])
		}},
	}
}

// enkfPipeline denoises with the stochastic EnKF (64 members, localised at
// the correlation length).
func (s *noiseSetup) enkfPipeline() noisePipeline {
	var states [2][][]float64
	return noisePipeline{"EnKF (64), pointwise", func(t *testing.T, c string) noisyProblem {
		if states[0] == nil {
			f := EnKF{Localize: PeriodicGaspariCohn(ksN, float64(s.corrLen)), Seed: 7}
			for k, snaps := range [][][]float64{s.u0, s.u1} {
				d, err := EnsembleDenoise(context.Background(), snaps, s.prior, s.nv, 64, f, uint64(k+1))
				require.NoError(t, err)
				states[k] = d
			}
		}
		return pointwiseProblem(t, c, states[0], states[1])
	}}
}

// crbFloor is the Cramér–Rao floor on the standard deviation of each true
// coefficient even with a noise-free library: the target's noise has
// covariance σ²(I + JJᵀ)/Δt² ⪰ σ²/Δt² I, so sd(ĉ_j) ≥ (σ/Δt)·√[(ΘᵀΘ)⁻¹]_jj
// with the clean library Θ restricted to the columns in cols.
func crbFloor(t *testing.T, c string, pairs int, sigma float64, cols []int) map[int]float64 {
	lib := ksLibrary(t, pairs)
	n, err := NewNormal(context.Background(), lib.Matrix(), make([]float64, lib.Rows))
	require.NoError(t, err)
	g, _ := n.sub(cols)
	inv := pinvSym(g, len(cols))
	out := map[int]float64{}
	for a, j := range cols {
		if _, ok := pointTruth[c][j]; ok {
			out[j] = sigma / ksDt * math.Sqrt(inv[a*len(cols)+a])
		}
	}
	return out
}

var noiseSolvers = []struct {
	name string
	s    Solver
}{{"ARD", ARD{}}, {"STLSQ", STLSQ{Threshold: 0.05}}, {"L0≤3", BestSubset{Threshold: 0.05}}, {"EBIC≤3", BestSubset{Threshold: 0.05, Gamma: 1}}}

// runNoiseStudy scores every pipeline × case × solver and returns the
// scores keyed "pipeline/case/solver", logging a table.
func runNoiseStudy(t *testing.T, s *noiseSetup, pipes []noisePipeline) map[string]noiseScore {
	out := map[string]noiseScore{}
	var b strings.Builder
	for _, p := range pipes {
		for _, c := range []string{"A", "B", "C"} {
			prob := p.build(t, c)
			for _, sv := range noiseSolvers {
				f, err := Regress(context.Background(), prob.X, prob.y, sv.s)
				require.NoError(t, err)
				sc := scoreFit(f, prob.truth)
				out[p.name+"/"+c+"/"+sv.name] = sc
				fmt.Fprintf(&b, "%-34s %s %-5s %s\n", p.name, c, sv.name, sc)
				if strings.HasSuffix(sv.name, "≤3") {
					fmt.Fprintf(&b, "%40s %s\n", "", f.Format(prob.names))
				}
			}
		}
	}
	t.Logf("noise %.4g (estimated sd), correlation length %d points\n%s", math.Sqrt(s.nv), s.corrLen, b.String())
	return out
}

// Plain regression on raw 1 %-noise observations fails: for every case and
// both solvers the recovered support is wrong. The denoising and weak-form
// pipelines are measured against it on the same data.
func TestNoisyObservations(t *testing.T) {
	s := newNoiseSetup(t, 20)
	scores := runNoiseStudy(t, s, s.pipelines())
	all := make([]int, len(ksLabels))
	for j := range all {
		all[j] = j
	}
	for _, c := range []string{"A", "B", "C"} {
		var known []int
		for j := range pointTruth[c] {
			known = append(known, j)
		}
		slices.Sort(known)
		floorKnown := crbFloor(t, c, 20, math.Sqrt(s.nv), known)
		floorAll := crbFloor(t, c, 20, math.Sqrt(s.nv), all)
		for _, j := range known {
			w := math.Abs(pointTruth[c][j])
			t.Logf("case %s, %s = %g: information floor sd ≥ %.3f (%.0f %%) with the support known, ≥ %.3f (%.0f %%) in the 24-term model",
				c, ksLabels[j], pointTruth[c][j], floorKnown[j], 100*floorKnown[j]/w, floorAll[j], 100*floorAll[j]/w)
		}
	}
	for _, c := range []string{"A", "B", "C"} {
		baseBest, otherBest := math.Inf(1), math.Inf(1)
		for _, sv := range noiseSolvers {
			sc := scores["baseline (raw, pointwise)/"+c+"/"+sv.name]
			require.False(t, sc.exact, "baseline %s %s unexpectedly recovered the support", c, sv.name)
			baseBest = math.Min(baseBest, sc.relErr)
		}
		for key, sc := range scores {
			parts := strings.Split(key, "/") // pipeline, case, solver
			if parts[1] == c && !strings.HasPrefix(parts[0], "baseline") && !strings.HasPrefix(parts[0], "oracle") {
				otherBest = math.Min(otherBest, sc.relErr)
			}
		}
		t.Logf("case %s: best relative coefficient error, baseline %.3f, denoising/weak-form pipelines %.3f", c, baseBest, otherBest)
		assert.Less(t, otherBest, baseBest, "case %s: no pipeline improves on the baseline", c)
	}
	// How sure is the tiled weak-form selection? Bag whole snapshots.
	for _, c := range []string{"A", "B", "C"} {
		p := weakProblem(t, c, s.tiled, s.u0, s.u1)
		r, err := Bagging{Solver: BestSubset{Threshold: 0.05}, Bags: 20, Block: s.tiled.Centers}.Run(context.Background(), p.X, p.y)
		require.NoError(t, err)
		var parts []string
		for j, pr := range r.Inclusion {
			if pr >= 0.2 {
				parts = append(parts, fmt.Sprintf("%s %.2f", p.names[j], pr))
			}
		}
		t.Logf("case %s, tiled weak form + BestSubset, 20 bags of half the snapshots: inclusion ≥ 0.2: %s", c, strings.Join(parts, ", "))
	}
	// The exact recoveries at 1 % noise (deterministic: no sampling in these
	// pipelines): case A by the weak form on the raw pairs with the extended
	// BIC, and cases A and C with non-overlapping test functions and BIC.
	assert.True(t, scores["weak form (raw)/A/EBIC≤3"].exact, "weak form + EBIC no longer recovers case A")
	assert.True(t, scores["weak form (raw), tiled/A/L0≤3"].exact, "tiled weak form + BIC no longer recovers case A")
	assert.True(t, scores["weak form (raw), tiled/C/L0≤3"].exact, "tiled weak form + BIC no longer recovers case C")
}

// The stochastic EnKF path (its perturbed-observation analyses of the full
// 1,024-point grid cost ~0.5 s per snapshot here) on the first 2 pairs,
// against the baseline on the same pairs. Set SYMCALC_DISCOVERY_LONG=1 to
// run it on all 20 pairs (~30 s).
func TestNoisyObservationsEnKF(t *testing.T) {
	pairs := 2
	if os.Getenv("SYMCALC_DISCOVERY_LONG") != "" {
		pairs = 20
	}
	s := newNoiseSetup(t, pairs)
	pipes := s.pipelines()
	runNoiseStudy(t, s, []noisePipeline{pipes[0], s.enkfPipeline()})
}
