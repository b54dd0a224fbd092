package codegen

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Opcode is one operation of the linear IR. Every opcode reads up to three
// operands and defines one value, except OpStore, which writes an output.
type Opcode uint8

// Opcodes. Arithmetic first, then the calls, then comparisons and logic.
const (
	OpInvalid Opcode = iota
	OpAdd            // a + b
	OpSub            // a - b
	OpMul            // a * b
	OpDiv            // a / b
	OpNeg            // -a
	OpFMA            // a*b + c, rounded once (math.FMA)
	OpSqrt           // sqrt(a)
	OpPow            // a ^ b (math.Pow)
	OpSin
	OpCos
	OpTan
	OpAsin
	OpAcos
	OpAtan
	OpAtan2 // atan2(a, b)
	OpSinh
	OpCosh
	OpTanh
	OpExp
	OpLog
	OpLog1p
	OpCbrt
	OpAbs
	OpSign
	OpFloor
	OpCeil
	OpMin // math.Min(a, b)
	OpMax // math.Max(a, b)
	OpLt  // 1 if a < b else 0
	OpLe
	OpGt
	OpGe
	OpEq
	OpNe
	OpAnd    // 1 if a ≠ 0 and b ≠ 0 else 0
	OpOr     // 1 if a ≠ 0 or b ≠ 0 else 0
	OpNot    // 1 if a == 0 else 0
	OpSelect // b if a ≠ 0 else c
	OpStore  // out[Dst] = a
	opcodeCount
)

var opcodeNames = [opcodeCount]string{
	OpInvalid: "invalid", OpAdd: "add", OpSub: "sub", OpMul: "mul", OpDiv: "div",
	OpNeg: "neg", OpFMA: "fma", OpSqrt: "sqrt", OpPow: "pow", OpSin: "sin", OpCos: "cos",
	OpTan: "tan", OpAsin: "asin", OpAcos: "acos", OpAtan: "atan", OpAtan2: "atan2",
	OpSinh: "sinh", OpCosh: "cosh", OpTanh: "tanh", OpExp: "exp", OpLog: "log",
	OpLog1p: "log1p", OpCbrt: "cbrt", OpAbs: "abs", OpSign: "sign", OpFloor: "floor",
	OpCeil: "ceil", OpMin: "min", OpMax: "max", OpLt: "lt", OpLe: "le", OpGt: "gt",
	OpGe: "ge", OpEq: "eq", OpNe: "ne", OpAnd: "and", OpOr: "or", OpNot: "not",
	OpSelect: "select", OpStore: "store",
}

// String returns the mnemonic used in disassembly.
func (o Opcode) String() string {
	if o < opcodeCount {
		return opcodeNames[o]
	}
	return "op" + strconv.Itoa(int(o))
}

// Arity returns the number of operands the opcode reads.
func (o Opcode) Arity() int {
	switch o {
	case OpFMA, OpSelect:
		return 3
	case OpAdd, OpSub, OpMul, OpDiv, OpPow, OpAtan2, OpMin, OpMax,
		OpLt, OpLe, OpGt, OpGe, OpEq, OpNe, OpAnd, OpOr:
		return 2
	}
	return 1
}

// Instr is one IR instruction: Dst = Op(A, B, C). Operands and Dst are
// value numbers (see Program for the numbering); for OpStore, Dst is the
// output index and A the value stored.
type Instr struct {
	Op      Opcode
	Dst     int32
	A, B, C int32
}

// Program is a straight-line SSA program over float64 values that computes
// a vector of outputs from states u, parameters p and time t.
//
// Values are numbered in one space so that an operand can name an input
// directly, without a load instruction:
//
//	[0, len(Consts))              constants
//	[StateBase, +NumStates)       u[i]
//	[ParamBase, +NumParams)       p[i]
//	TimeReg                       t
//	[TempBase, NumValues)         values defined by Code, each exactly once
//
// Every temporary is defined before it is used, and every output index in
// [0, NumOutputs) is stored exactly once, in increasing order.
type Program struct {
	Consts     []float64
	NumStates  int
	NumParams  int
	NumOutputs int
	NumValues  int
	Code       []Instr

	// Names used by the disassembly and generated code comments.
	StateNames, ParamNames []string
}

// StateBase is the value number of u[0].
func (p *Program) StateBase() int32 { return int32(len(p.Consts)) }

// ParamBase is the value number of p[0].
func (p *Program) ParamBase() int32 { return p.StateBase() + int32(p.NumStates) }

// TimeReg is the value number of t.
func (p *Program) TimeReg() int32 { return p.ParamBase() + int32(p.NumParams) }

// TempBase is the first value number defined by an instruction.
func (p *Program) TempBase() int32 { return p.TimeReg() + 1 }

// NumTemps is the number of values the code defines.
func (p *Program) NumTemps() int { return p.NumValues - int(p.TempBase()) }

// Stats counts instructions by opcode.
func (p *Program) Stats() map[Opcode]int {
	m := map[Opcode]int{}
	for _, in := range p.Code {
		m[in.Op]++
	}
	return m
}

// formatFloat prints a constant so that it parses back to the same bits.
func formatFloat(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN"
	case math.IsInf(v, 1):
		return "+Inf"
	case math.IsInf(v, -1):
		return "-Inf"
	}
	s := strconv.FormatFloat(v, 'g', -1, 64)
	if !strings.ContainsAny(s, ".eEn") {
		s += ".0"
	}
	return s
}

// operand names a value for the disassembly: a constant prints as its
// value, inputs by their kind and index, temporaries as rN.
func (p *Program) operand(v int32) string {
	switch {
	case v < 0:
		return "?"
	case v < p.StateBase():
		return formatFloat(p.Consts[v])
	case v < p.ParamBase():
		return fmt.Sprintf("u%d", v-p.StateBase())
	case v < p.TimeReg():
		return fmt.Sprintf("p%d", v-p.ParamBase())
	case v == p.TimeReg():
		return "t"
	}
	return fmt.Sprintf("r%d", v-p.TempBase())
}

// Disassemble returns a readable listing of the program, one instruction
// per line, for golden tests and for looking at what lowering produced.
func (p *Program) Disassemble() string {
	var b strings.Builder
	fmt.Fprintf(&b, "; %d states, %d params, %d outputs, %d consts, %d temps, %d instrs\n",
		p.NumStates, p.NumParams, p.NumOutputs, len(p.Consts), p.NumTemps(), len(p.Code))
	for i, name := range p.StateNames {
		fmt.Fprintf(&b, "; u%d = %s\n", i, name)
	}
	for i, name := range p.ParamNames {
		fmt.Fprintf(&b, "; p%d = %s\n", i, name)
	}
	for _, in := range p.Code {
		if in.Op == OpStore {
			fmt.Fprintf(&b, "out%d = %s\n", in.Dst, p.operand(in.A))
			continue
		}
		fmt.Fprintf(&b, "%s = %s", p.operand(in.Dst), in.Op)
		args := [3]int32{in.A, in.B, in.C}
		for k := 0; k < in.Op.Arity(); k++ {
			b.WriteByte(' ')
			b.WriteString(p.operand(args[k]))
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// Validate checks the SSA invariants that every backend relies on; it
// returns the first violation found.
func (p *Program) Validate() error {
	defined := make([]bool, p.NumValues)
	for v := int32(0); v < p.TempBase() && int(v) < p.NumValues; v++ {
		defined[v] = true
	}
	next := int32(0)
	for i, in := range p.Code {
		if in.Op == OpInvalid || in.Op >= opcodeCount {
			return fmt.Errorf("instr %d: invalid opcode %d", i, in.Op)
		}
		args := [3]int32{in.A, in.B, in.C}
		for k := 0; k < in.Op.Arity(); k++ {
			a := args[k]
			if a < 0 || int(a) >= p.NumValues || !defined[a] {
				return fmt.Errorf("instr %d (%s): operand %d is value %d, not defined before use", i, in.Op, k, a)
			}
		}
		if in.Op == OpStore {
			if in.Dst != next {
				return fmt.Errorf("instr %d: stores output %d, want %d", i, in.Dst, next)
			}
			next++
			continue
		}
		if in.Dst < p.TempBase() || int(in.Dst) >= p.NumValues || defined[in.Dst] {
			return fmt.Errorf("instr %d (%s): destination %d is not a fresh temporary", i, in.Op, in.Dst)
		}
		defined[in.Dst] = true
	}
	if int(next) != p.NumOutputs {
		return fmt.Errorf("program stores %d outputs, want %d", next, p.NumOutputs)
	}
	return nil
}

// b2f converts a truth value to the IR's 0/1 encoding.
func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// Apply evaluates one opcode on scalars. It is the reference semantics of
// the IR: constant folding uses it, and every backend must agree with it
// bit for bit on the arithmetic opcodes.
func Apply(op Opcode, a, b, c float64) float64 {
	switch op {
	case OpAdd:
		return a + b
	case OpSub:
		return a - b
	case OpMul:
		return a * b
	case OpDiv:
		return a / b
	case OpNeg:
		return -a
	case OpFMA:
		return math.FMA(a, b, c)
	case OpSqrt:
		return math.Sqrt(a)
	case OpPow:
		return math.Pow(a, b)
	case OpSin:
		return math.Sin(a)
	case OpCos:
		return math.Cos(a)
	case OpTan:
		return math.Tan(a)
	case OpAsin:
		return math.Asin(a)
	case OpAcos:
		return math.Acos(a)
	case OpAtan:
		return math.Atan(a)
	case OpAtan2:
		return math.Atan2(a, b)
	case OpSinh:
		return math.Sinh(a)
	case OpCosh:
		return math.Cosh(a)
	case OpTanh:
		return math.Tanh(a)
	case OpExp:
		return math.Exp(a)
	case OpLog:
		return math.Log(a)
	case OpLog1p:
		return math.Log1p(a)
	case OpCbrt:
		return math.Cbrt(a)
	case OpAbs:
		return math.Abs(a)
	case OpSign:
		return sign(a)
	case OpFloor:
		return math.Floor(a)
	case OpCeil:
		return math.Ceil(a)
	case OpMin:
		return math.Min(a, b)
	case OpMax:
		return math.Max(a, b)
	case OpLt:
		return b2f(a < b)
	case OpLe:
		return b2f(a <= b)
	case OpGt:
		return b2f(a > b)
	case OpGe:
		return b2f(a >= b)
	case OpEq:
		return b2f(a == b)
	case OpNe:
		return b2f(a != b)
	case OpAnd:
		return b2f(a != 0 && b != 0)
	case OpOr:
		return b2f(a != 0 || b != 0)
	case OpNot:
		return b2f(a == 0)
	case OpSelect:
		if a != 0 {
			return b
		}
		return c
	}
	return math.NaN()
}

func sign(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	case x == 0:
		return 0
	}
	return math.NaN()
}
