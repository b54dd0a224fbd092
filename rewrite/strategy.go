package rewrite

import (
	"context"
	"errors"

	"github.com/symcalc/symcalc/symbolic"
)

// ErrStepLimit is the reason a rewrite stopped when it used up its steps.
var ErrStepLimit = errors.New("rewrite: step limit reached")

// DefaultMaxSteps bounds the rule applications of one run when the caller
// sets no limit.
const DefaultMaxSteps = 100000

// Env is the state of one rewriting run: its context, the facts assumed,
// and the step budget. Strategies stop (return nil: "did not apply") once
// the context is done or the steps are used up; Err says which.
type Env struct {
	Ctx      context.Context
	Assume   *Assumptions
	MaxSteps int

	steps int
	polls int
	err   error
	ops   map[*symbolic.Expr]uint64 // operation masks of terms seen (rule prefilter)
}

// NewEnv returns a run state. maxSteps <= 0 means DefaultMaxSteps; a nil
// ctx means context.Background().
func NewEnv(ctx context.Context, assume *Assumptions, maxSteps int) *Env {
	if ctx == nil {
		ctx = context.Background()
	}
	if maxSteps <= 0 {
		maxSteps = DefaultMaxSteps
	}
	return &Env{Ctx: ctx, Assume: assume, MaxSteps: maxSteps}
}

// Steps returns the number of rewrites applied so far.
func (env *Env) Steps() int { return env.steps }

// Err returns why the run stopped early (ErrStepLimit or the context's
// error), or nil.
func (env *Env) Err() error { return env.err }

// liveNow is live with the context checked now, not every 64th call: for
// the points before long steps (a candidate normal form's cancellation).
func (env *Env) liveNow() bool {
	if env != nil && env.err == nil && env.Ctx != nil {
		if err := env.Ctx.Err(); err != nil {
			env.err = err
		}
	}
	return env.live()
}

// live reports whether work may continue, polling the context now and then.
func (env *Env) live() bool {
	if env == nil {
		return true
	}
	if env.err != nil {
		return false
	}
	env.polls++
	if env.polls&63 == 0 && env.Ctx != nil {
		if err := env.Ctx.Err(); err != nil {
			env.err = err
			return false
		}
	}
	return true
}

func (env *Env) step() {
	if env == nil {
		return
	}
	env.steps++
	if env.MaxSteps > 0 && env.steps >= env.MaxSteps && env.err == nil {
		env.err = ErrStepLimit
	}
}

// Strategy rewrites a term; it returns nil when it does not apply (or did
// not change the term). Strategies compose with the combinators below.
type Strategy func(env *Env, e *symbolic.Expr) *symbolic.Expr

// Run applies s to e under a fresh Env and returns the result (e itself
// when s did not apply) and why it stopped early, if it did.
func Run(ctx context.Context, s Strategy, e *symbolic.Expr, assume *Assumptions, maxSteps int) (*symbolic.Expr, error) {
	env := NewEnv(ctx, assume, maxSteps)
	out := s(env, e)
	if out == nil {
		out = e
	}
	return out, env.Err()
}

// Chain applies each strategy in turn to the result of the previous one;
// a strategy that does not apply leaves the term as it is. It applies if
// any step did.
func Chain(ss ...Strategy) Strategy {
	return func(env *Env, e *symbolic.Expr) *symbolic.Expr {
		cur, changed := e, false
		for _, s := range ss {
			if !env.live() {
				break
			}
			if out := s(env, cur); out != nil && out != cur {
				cur, changed = out, true
			}
		}
		if !changed {
			return nil
		}
		return cur
	}
}

// RestartedChain tries the strategies in order; when one applies it starts
// again from the first, until none applies (or the run stops).
func RestartedChain(ss ...Strategy) Strategy {
	return func(env *Env, e *symbolic.Expr) *symbolic.Expr {
		cur, changed := e, false
	outer:
		for env.live() {
			for _, s := range ss {
				if out := s(env, cur); out != nil && out != cur {
					cur, changed = out, true
					continue outer
				}
			}
			break
		}
		if !changed {
			return nil
		}
		return cur
	}
}

// Fixpoint applies s until it no longer changes the term.
func Fixpoint(s Strategy) Strategy {
	return func(env *Env, e *symbolic.Expr) *symbolic.Expr {
		cur, changed := e, false
		for env.live() {
			out := s(env, cur)
			if out == nil || out == cur {
				break
			}
			cur, changed = out, true
		}
		if !changed {
			return nil
		}
		return cur
	}
}

// IfElse applies yes where cond holds for the term and no elsewhere (a nil
// strategy does nothing).
func IfElse(cond func(*symbolic.Expr) bool, yes, no Strategy) Strategy {
	return func(env *Env, e *symbolic.Expr) *symbolic.Expr {
		s := no
		if cond(e) {
			s = yes
		}
		if s == nil {
			return nil
		}
		return s(env, e)
	}
}

// PassThrough makes s total: where s does not apply it returns the term
// unchanged instead of nil. (Every combinator here already treats a
// non-applying step as the identity; PassThrough is for callers of a bare
// Strategy that want a term back in every case.)
func PassThrough(s Strategy) Strategy {
	return func(env *Env, e *symbolic.Expr) *symbolic.Expr {
		if out := s(env, e); out != nil {
			return out
		}
		return e
	}
}

// Postwalk applies s at every node bottom-up: children first, then the
// rebuilt node. Shared subterms are rewritten once per walk.
func Postwalk(s Strategy) Strategy {
	return func(env *Env, e *symbolic.Expr) *symbolic.Expr {
		w := walker{env: env, s: s, memo: map[*symbolic.Expr]*symbolic.Expr{}}
		out := w.post(e)
		if out == e {
			return nil
		}
		return out
	}
}

// Prewalk applies s at every node top-down: the node first, then the
// children of the result.
func Prewalk(s Strategy) Strategy {
	return func(env *Env, e *symbolic.Expr) *symbolic.Expr {
		w := walker{env: env, s: s, memo: map[*symbolic.Expr]*symbolic.Expr{}}
		out := w.pre(e)
		if out == e {
			return nil
		}
		return out
	}
}

type walker struct {
	env  *Env
	s    Strategy
	memo map[*symbolic.Expr]*symbolic.Expr
}

func (w *walker) post(e *symbolic.Expr) *symbolic.Expr {
	leaf := e.Kind() == symbolic.KSym || e.Kind() == symbolic.KNum
	if !leaf {
		if r, ok := w.memo[e]; ok {
			return r
		}
	}
	cur := mapChildren(e, w.post)
	if w.env.live() {
		if out := w.s(w.env, cur); out != nil {
			cur = out
		}
	}
	if !leaf {
		w.memo[e] = cur
	}
	return cur
}

func (w *walker) pre(e *symbolic.Expr) *symbolic.Expr {
	if r, ok := w.memo[e]; ok {
		return r
	}
	cur := e
	if w.env.live() {
		if out := w.s(w.env, cur); out != nil {
			cur = out
		}
	}
	cur = mapChildren(cur, w.pre)
	w.memo[e] = cur
	return cur
}

// mapChildren rebuilds e with f applied to each operand, keeping the
// polynomial form: sum coefficients are kept and the coefficient-free
// terms visited; a product's factors are visited as the powers they are;
// a power's base and symbolic exponent are visited.
func mapChildren(e *symbolic.Expr, f func(*symbolic.Expr) *symbolic.Expr) *symbolic.Expr {
	return mapChildrenPow(e, f, nil)
}

// mapChildrenPow is mapChildren where asPower decides which product
// factors b^x are visited as power nodes (nil: all); the others have
// their base (and symbolic exponent) visited, which builds nothing.
func mapChildrenPow(e *symbolic.Expr, f func(*symbolic.Expr) *symbolic.Expr, asPower func(b, x *symbolic.Expr) bool) *symbolic.Expr {
	switch e.Kind() {
	case symbolic.KNum, symbolic.KBool, symbolic.KSym:
		return e
	case symbolic.KAdd:
		c, terms, coefs := e.AddParts()
		var sb *symbolic.SumBuilder
		for i, t := range terms {
			nt := f(t)
			if nt != t && sb == nil {
				sb = symbolic.NewSumBuilder()
				sb.Add(symbolic.NumExpr(c))
				for k := 0; k < i; k++ {
					sb.AddScaled(coefs[k], terms[k])
				}
			}
			if sb != nil {
				sb.AddScaled(coefs[i], nt)
			}
		}
		if sb == nil {
			return e
		}
		return sb.Build()
	case symbolic.KMul:
		// A factor b^x (x != 1) is visited as the power node it stands
		// for, so rules on powers (sqrt(~x^2)) see it inside products.
		c, bases, exps := e.MulParts()
		var args []*symbolic.Expr
		for i := range bases {
			var nf *symbolic.Expr
			changed := false
			if exps[i].IsOne() {
				nf = f(bases[i])
				changed = nf != bases[i]
			} else if asPower != nil && !asPower(bases[i], exps[i]) {
				nb, nx := f(bases[i]), exps[i]
				if _, isNum := nx.IsNumber(); !isNum {
					nx = f(nx)
				}
				changed = nb != bases[i] || nx != exps[i]
				if changed {
					nf = symbolic.Pow(nb, nx)
				}
			} else {
				pw := symbolic.Pow(bases[i], exps[i])
				nf = f(pw)
				changed = nf != pw
			}
			if changed && args == nil {
				args = make([]*symbolic.Expr, 0, len(bases)+1)
				args = append(args, symbolic.NumExpr(c))
				for k := 0; k < i; k++ {
					args = append(args, symbolic.Pow(bases[k], exps[k]))
				}
			}
			if args != nil {
				if changed {
					args = append(args, nf)
				} else {
					args = append(args, symbolic.Pow(bases[i], exps[i]))
				}
			}
		}
		if args == nil {
			return e
		}
		return symbolic.Mul(args...)
	case symbolic.KPow:
		b, x := e.PowParts()
		nb, nx := f(b), x
		if _, isNum := x.IsNumber(); !isNum {
			nx = f(x)
		}
		if nb == b && nx == x {
			return e
		}
		return symbolic.Pow(nb, nx)
	}
	args := e.CallArgs()
	var out []*symbolic.Expr
	for i, a := range args {
		na := f(a)
		if na != a && out == nil {
			out = make([]*symbolic.Expr, len(args))
			copy(out, args[:i])
		}
		if out != nil {
			out[i] = na
		}
	}
	if out == nil {
		return e
	}
	return symbolic.Make(e.Op(), e.Name(), out)
}
