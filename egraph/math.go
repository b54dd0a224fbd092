package egraph

// MathLanguage returns the language of egg's math test suite: d, i, +, -,
// *, /, pow (binary) and ln, sqrt, sin, cos (unary), plus constants and
// symbols.
func MathLanguage() *Language {
	l, err := NewLanguage(
		OpDecl{"d", 2}, OpDecl{"i", 2},
		OpDecl{"+", 2}, OpDecl{"-", 2}, OpDecl{"*", 2}, OpDecl{"/", 2}, OpDecl{"pow", 2},
		OpDecl{"ln", 1}, OpDecl{"sqrt", 1}, OpDecl{"sin", 1}, OpDecl{"cos", 1},
	)
	if err != nil {
		panic(err) // the declarations above are fixed and valid
	}
	return l
}

// MathRules returns egg's 36 math rules, in egg's order, for a language
// made by MathLanguage. Conditions read a ConstantAnalysis (NewConstFold).
func MathRules(l *Language) []*Rewrite {
	r := func(name, lhs, rhs string, c Condition) *Rewrite { return l.MustParseRewrite(name, lhs, rhs, c) }
	return []*Rewrite{
		r("comm-add", "(+ ?a ?b)", "(+ ?b ?a)", nil),
		r("comm-mul", "(* ?a ?b)", "(* ?b ?a)", nil),
		r("assoc-add", "(+ ?a (+ ?b ?c))", "(+ (+ ?a ?b) ?c)", nil),
		r("assoc-mul", "(* ?a (* ?b ?c))", "(* (* ?a ?b) ?c)", nil),
		r("sub-canon", "(- ?a ?b)", "(+ ?a (* -1 ?b))", nil),
		r("div-canon", "(/ ?a ?b)", "(* ?a (pow ?b -1))", NotZero("?b")),
		r("zero-add", "(+ ?a 0)", "?a", nil),
		r("zero-mul", "(* ?a 0)", "0", nil),
		r("one-mul", "(* ?a 1)", "?a", nil),
		r("add-zero", "?a", "(+ ?a 0)", nil),
		r("mul-one", "?a", "(* ?a 1)", nil),
		r("cancel-sub", "(- ?a ?a)", "0", nil),
		r("cancel-div", "(/ ?a ?a)", "1", NotZero("?a")),
		r("distribute", "(* ?a (+ ?b ?c))", "(+ (* ?a ?b) (* ?a ?c))", nil),
		r("factor", "(+ (* ?a ?b) (* ?a ?c))", "(* ?a (+ ?b ?c))", nil),
		r("pow-mul", "(* (pow ?a ?b) (pow ?a ?c))", "(pow ?a (+ ?b ?c))", nil),
		r("pow0", "(pow ?x 0)", "1", NotZero("?x")),
		r("pow1", "(pow ?x 1)", "?x", nil),
		r("pow2", "(pow ?x 2)", "(* ?x ?x)", nil),
		r("pow-recip", "(pow ?x -1)", "(/ 1 ?x)", NotZero("?x")),
		r("recip-mul-div", "(* ?x (/ 1 ?x))", "1", NotZero("?x")),
		r("d-variable", "(d ?x ?x)", "1", IsSym("?x")),
		r("d-constant", "(d ?x ?c)", "0", And(IsSym("?x"), ConstOrDistinctVar("?c", "?x"))),
		r("d-add", "(d ?x (+ ?a ?b))", "(+ (d ?x ?a) (d ?x ?b))", nil),
		r("d-mul", "(d ?x (* ?a ?b))", "(+ (* ?a (d ?x ?b)) (* ?b (d ?x ?a)))", nil),
		r("d-sin", "(d ?x (sin ?x))", "(cos ?x)", nil),
		r("d-cos", "(d ?x (cos ?x))", "(* -1 (sin ?x))", nil),
		r("d-ln", "(d ?x (ln ?x))", "(/ 1 ?x)", NotZero("?x")),
		r("d-power", "(d ?x (pow ?f ?g))", "(* (pow ?f ?g) (+ (* (d ?x ?f) (/ ?g ?f)) (* (d ?x ?g) (ln ?f))))", And(NotZero("?f"), NotZero("?g"))),
		r("i-one", "(i 1 ?x)", "?x", nil),
		r("i-power-const", "(i (pow ?x ?c) ?x)", "(/ (pow ?x (+ ?c 1)) (+ ?c 1))", IsConst("?c")),
		r("i-cos", "(i (cos ?x) ?x)", "(sin ?x)", nil),
		r("i-sin", "(i (sin ?x) ?x)", "(* -1 (cos ?x))", nil),
		r("i-sum", "(i (+ ?f ?g) ?x)", "(+ (i ?f ?x) (i ?g ?x))", nil),
		r("i-dif", "(i (- ?f ?g) ?x)", "(- (i ?f ?x) (i ?g ?x))", nil),
		r("i-parts", "(i (* ?a ?b) ?x)", "(- (* ?a (i ?b ?x)) (i (* (d ?x ?a) (i ?b ?x)) ?x))", nil),
	}
}
