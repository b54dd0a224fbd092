package egraph

// Justification says why two classes were unioned: by a rule (with the
// match that fired it, when explanations are on) or by congruence.
type Justification struct {
	Rule       string
	congruence bool
	lhs        Searcher
	rhs        applier
	subst      []Id
}

type explainer struct{}

func (x *explainer) addNode(id Id)                    {}
func (x *explainer) union(a, b Id, why Justification) {}
