// Package discovery is part of symcalc; see README.md.
package discovery
