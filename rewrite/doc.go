// Package rewrite is part of symcalc; see README.md.
package rewrite
