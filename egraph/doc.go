// Package egraph is part of symcalc; see README.md.
package egraph
