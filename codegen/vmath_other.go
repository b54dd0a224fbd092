//go:build !amd64 || purego

package codegen

// Without the assembly every block goes to the pure-Go twin.

func expBlocks(dst, x *float64, blocks int) int  { return 0 }
func logBlocks(dst, x *float64, blocks int) int  { return 0 }
func sinBlocks(dst, x *float64, blocks int) int  { return 0 }
func cosBlocks(dst, x *float64, blocks int) int  { return 0 }
func tanBlocks(dst, x *float64, blocks int) int  { return 0 }
func sinhBlocks(dst, x *float64, blocks int) int { return 0 }
func coshBlocks(dst, x *float64, blocks int) int { return 0 }
func tanhBlocks(dst, x *float64, blocks int) int { return 0 }

func vmBlocks(k func(dst, x *float64, blocks int) int, dst, x []float64, blocks int) int { return 0 }

func vmPowBlocks(dst, x, y []float64, blocks int) int { return 0 }

// vmHasAsm reports whether the Vec functions run the assembly here.
func vmHasAsm() bool { return false }
