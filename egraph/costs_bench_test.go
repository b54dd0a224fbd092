package egraph

import (
	"math"
	"math/rand/v2"
	"testing"
)

// BenchmarkOpCost measures the time of one float64 operation, per element
// over a 1024-element slice (independent evaluations, as in a batched
// kernel). Its ns/op figures, divided by the add figure, are the CPUCost
// table in costs.go. Regenerate with
//
//	go test ./egraph -run '^$' -bench OpCost -count 5
func BenchmarkOpCost(b *testing.B) {
	const n = 1024
	rng := rand.New(rand.NewPCG(1, 2))
	x, y, out := make([]float64, n), make([]float64, n), make([]float64, n)
	u := make([]float64, n) // in (-0.9, 0.9), inside asin's and acos's domain
	for i := range x {
		x[i] = 0.5 + rng.Float64()
		y[i] = 0.5 + rng.Float64()
		u[i] = -0.9 + 1.8*rng.Float64()
	}
	ops := []struct {
		name string
		f    func()
	}{
		{"add", func() {
			for i := range out {
				out[i] = x[i] + y[i]
			}
		}},
		{"sub", func() {
			for i := range out {
				out[i] = x[i] - y[i]
			}
		}},
		{"mul", func() {
			for i := range out {
				out[i] = x[i] * y[i]
			}
		}},
		{"div", func() {
			for i := range out {
				out[i] = x[i] / y[i]
			}
		}},
		{"neg", func() {
			for i := range out {
				out[i] = -x[i]
			}
		}},
		{"abs", func() {
			for i := range out {
				out[i] = math.Abs(x[i])
			}
		}},
		{"sqrt", func() {
			for i := range out {
				out[i] = math.Sqrt(x[i])
			}
		}},
		{"exp", func() {
			for i := range out {
				out[i] = math.Exp(x[i])
			}
		}},
		{"log", func() {
			for i := range out {
				out[i] = math.Log(x[i])
			}
		}},
		{"pow", func() {
			for i := range out {
				out[i] = math.Pow(x[i], y[i])
			}
		}},
		{"sin", func() {
			for i := range out {
				out[i] = math.Sin(x[i])
			}
		}},
		{"cos", func() {
			for i := range out {
				out[i] = math.Cos(x[i])
			}
		}},
		{"tan", func() {
			for i := range out {
				out[i] = math.Tan(x[i])
			}
		}},
		{"tanh", func() {
			for i := range out {
				out[i] = math.Tanh(x[i])
			}
		}},
		{"atan", func() {
			for i := range out {
				out[i] = math.Atan(x[i])
			}
		}},
		{"atan2", func() {
			for i := range out {
				out[i] = math.Atan2(x[i], y[i])
			}
		}},
		{"asin", func() {
			for i := range out {
				out[i] = math.Asin(u[i])
			}
		}},
		{"acos", func() {
			for i := range out {
				out[i] = math.Acos(u[i])
			}
		}},
		{"sinh", func() {
			for i := range out {
				out[i] = math.Sinh(x[i])
			}
		}},
		{"cosh", func() {
			for i := range out {
				out[i] = math.Cosh(x[i])
			}
		}},
		{"cbrt", func() {
			for i := range out {
				out[i] = math.Cbrt(x[i])
			}
		}},
		{"log1p", func() {
			for i := range out {
				out[i] = math.Log1p(x[i])
			}
		}},
		{"floor", func() {
			for i := range out {
				out[i] = math.Floor(x[i])
			}
		}},
		{"ceil", func() {
			for i := range out {
				out[i] = math.Ceil(x[i])
			}
		}},
		{"min", func() {
			for i := range out {
				out[i] = math.Min(x[i], y[i])
			}
		}},
		{"max", func() {
			for i := range out {
				out[i] = math.Max(x[i], y[i])
			}
		}},
		{"sign", func() {
			for i := range out {
				out[i] = signOf(u[i])
			}
		}},
		// A comparison and a choice, as codegen lowers < and ifelse: a
		// 0/1 result and a select on it.
		{"cmp", func() {
			for i := range out {
				out[i] = b2f(x[i] < y[i])
			}
		}},
		{"ifelse", func() {
			for i := range out {
				if u[i] > 0 {
					out[i] = x[i]
				} else {
					out[i] = y[i]
				}
			}
		}},
	}
	for _, op := range ops {
		b.Run(op.name, func(b *testing.B) {
			for b.Loop() {
				op.f()
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/n, "ns/elem")
		})
	}
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
