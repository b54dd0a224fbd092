//go:build !unix

package parser

import "time"

// processCPU is unavailable here: the CPU metrics read 0.
func processCPU() time.Duration { return 0 }
