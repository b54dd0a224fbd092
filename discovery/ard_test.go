package discovery

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type ardRef struct {
	Name     string    `json:"name"`
	Rows     int       `json:"rows"`
	Cols     int       `json:"cols"`
	Coef     []float64 `json:"coef"`
	Lambda   []float64 `json:"lambda"`
	Alpha    float64   `json:"alpha"`
	Support  []int     `json:"support"`
	PhysCoef []float64 `json:"physical_coef"`
}

func loadARDRefs(t *testing.T) []ardRef {
	b, err := os.ReadFile(filepath.Join("testdata", "ard_reference.json"))
	require.NoError(t, err)
	var doc struct {
		Cases []ardRef `json:"cases"`
	}
	require.NoError(t, json.Unmarshal(b, &doc))
	require.NotEmpty(t, doc.Cases)
	return doc.Cases
}

// columnsOf turns a row-major (rows, cols) array into column slices.
func columnsOf(data []float64, rows, cols int) [][]float64 {
	out := make([][]float64, cols)
	for j := range out {
		out[j] = make([]float64, rows)
		for i := range rows {
			out[j][i] = data[i*cols+j]
		}
	}
	return out
}

// refProblem rebuilds the exact regression problem scikit-learn was given.
func refProblem(t *testing.T, r ardRef) (*Normal, *Scaling) {
	ctx := context.Background()
	switch {
	case strings.HasPrefix(r.Name, "ks_"):
		c := r.Name[3:4]
		pairs := r.Rows / ksN
		n, err := NewNormal(ctx, ksLibrary(t, pairs).Matrix(), ksTarget(t, c, pairs))
		require.NoError(t, err)
		return n.Scaled()
	default:
		X := loadNPY(t, filepath.Join("testdata", "ard_"+r.Name+"_X.npy"))
		y := loadNPY(t, filepath.Join("testdata", "ard_"+r.Name+"_y.npy"))
		n, err := NewNormal(ctx, columnsOf(X.Data, X.Shape[0], X.Shape[1]), y.Data)
		require.NoError(t, err)
		return n, nil
	}
}

// ARD parity with scikit-learn 1.2.1: same support, coefficients within 1e-6
// relative, on the scaled KS problems (1 and 20 pairs, cases A–C), a noisy
// synthetic problem and a wide one (fewer rows than columns).
func TestARDParityWithScikitLearn(t *testing.T) {
	for _, r := range loadARDRefs(t) {
		t.Run(r.Name, func(t *testing.T) {
			n, sc := refProblem(t, r)
			f, err := ARD{ThresholdLambda: 1e4}.Solve(context.Background(), n, sc)
			require.NoError(t, err)
			assert.Equal(t, r.Support, f.Support(), "support")
			worst := 0.0
			for j, want := range r.Coef {
				if want != 0 {
					worst = math.Max(worst, math.Abs((f.Coef[j]-want)/want))
				}
			}
			t.Logf("%s: %d iterations, worst relative coefficient difference %.2g", r.Name, f.Iterations, worst)
			for j, want := range r.Coef {
				if want == 0 {
					assert.Zero(t, f.Coef[j], "coef %d", j)
					continue
				}
				assert.InDelta(t, 0, (f.Coef[j]-want)/want, 1e-6, "coef %d: got %.12g want %.12g", j, f.Coef[j], want)
			}
			assert.InDelta(t, 0, (f.NoisePrecision-r.Alpha)/r.Alpha, 1e-6, "alpha")
			for _, j := range r.Support {
				assert.InDelta(t, 0, (f.Precisions[j]-r.Lambda[j])/r.Lambda[j], 1e-5, "lambda %d", j)
			}
			if sc != nil {
				f.ToPhysical(sc)
				for j, want := range r.PhysCoef {
					if want != 0 {
						assert.InDelta(t, 0, (f.Coef[j]-want)/want, 1e-6, "physical coef %d", j)
					}
				}
			}
		})
	}
}

func TestARDErrorsAndLimits(t *testing.T) {
	n, err := NewNormal(context.Background(), [][]float64{{1, 2, 3}}, []float64{1, 2, 3.5})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = ARD{}.Solve(ctx, n, nil)
	assert.ErrorIs(t, err, context.Canceled)
	f, err := ARD{MaxIter: 1}.Solve(context.Background(), n, nil)
	require.NoError(t, err)
	assert.False(t, f.Converged)
	assert.Equal(t, "iteration limit", f.Stop)
	assert.Equal(t, 1, f.Iterations)
	_, err = ARD{MaxIter: -1}.Solve(context.Background(), n, nil)
	assert.Error(t, err)
	assert.False(t, math.IsNaN(f.Coef[0]))
}
