// Package parser is part of symcalc; see README.md.
package parser
