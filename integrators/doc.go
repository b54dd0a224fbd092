// Package integrators is part of symcalc; see README.md.
package integrators
