package integrators

import (
	"bufio"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Reference problems of ../shared/workloads/peers (DEFINITIONS.md), written
// by hand; their reference solutions are copied into testdata/.

func lorenzProblem(t1 float64) *Problem {
	return &Problem{
		F: func(du, u, _ []float64, _ float64) {
			du[0] = 10 * (u[1] - u[0])
			du[1] = u[0]*(28-u[2]) - u[1]
			du[2] = u[0]*u[1] - (8.0/3.0)*u[2]
		},
		Jac: func(J, u, _ []float64, _ float64) {
			J[0], J[1], J[2] = -10, 10, 0
			J[3], J[4], J[5] = 28-u[2], -1, -u[0]
			J[6], J[7], J[8] = u[1], u[0], -8.0/3.0
		},
		U0: []float64{1, 0, 0}, T1: t1, Autonomous: true,
	}
}

func roberProblem(t1 float64) *Problem {
	return &Problem{
		F: func(du, u, _ []float64, _ float64) {
			du[0] = -0.04*u[0] + 1e4*u[1]*u[2]
			du[1] = 0.04*u[0] - 1e4*u[1]*u[2] - 3e7*u[1]*u[1]
			du[2] = 3e7 * u[1] * u[1]
		},
		Jac: func(J, u, _ []float64, _ float64) {
			J[0], J[1], J[2] = -0.04, 1e4*u[2], 1e4*u[1]
			J[3], J[4], J[5] = 0.04, -1e4*u[2]-6e7*u[1], -1e4*u[1]
			J[6], J[7], J[8] = 0, 6e7*u[1], 0
		},
		U0: []float64{1, 0, 0}, T1: t1, Autonomous: true,
	}
}

func readVec(t testing.TB, path string) []float64 {
	t.Helper()
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	var v []float64
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		s := strings.TrimSpace(sc.Text())
		if s == "" {
			continue
		}
		x, err := strconv.ParseFloat(s, 64)
		require.NoError(t, err)
		v = append(v, x)
	}
	return v
}

// errs returns max |y-r| and max |y-r|/|r| (over r ≠ 0), as the peers do.
func errs(y, r []float64) (abs, rel float64) {
	for i := range y {
		d := math.Abs(y[i] - r[i])
		abs = math.Max(abs, d)
		if r[i] != 0 {
			rel = math.Max(rel, d/math.Abs(r[i]))
		}
	}
	return
}
