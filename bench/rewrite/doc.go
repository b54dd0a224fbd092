// Package rewritebench holds the benchmarks of rule-based simplification:
// rule-matching throughput on a 10,000-term sum, Simplify on a term that
// is already simple, and Simplify on the peer workload list. See README.md.
package rewritebench
