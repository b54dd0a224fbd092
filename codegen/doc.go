// Package codegen is part of symcalc; see README.md.
package codegen
