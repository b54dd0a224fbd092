//go:build !linux

package codegenbench

// threadCPU is unavailable here; the cpu-ns metric then reads 0.
func threadCPU() int64 { return 0 }
