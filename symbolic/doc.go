// Package symbolic is part of symcalc; see README.md.
package symbolic
