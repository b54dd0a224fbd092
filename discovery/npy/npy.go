// Package npy reads and writes NumPy .npy files holding numeric arrays.
//
// It covers what discovery needs and no more: C-order arrays of float64 or
// float32 (either byte order) are read into float64, and float64 arrays are
// written little-endian in C order (format version 1.0, or 2.0 when the
// header does not fit). Anything else — Fortran order, structured dtypes,
// object arrays, pickles — is rejected with an error naming what was found,
// rather than silently misread.
//
// A general-purpose reader exists (sbinet's npyio module), but it brings
// a reflection-driven decoder, a pickle dependency and a newer x/text into the
// module for a format whose numeric subset fits in one small file.
package npy

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
)

// magic is the six-byte prefix of every .npy file.
const magic = "\x93NUMPY"

// maxHeader bounds the header length we accept, so a corrupt length field
// cannot make us allocate gigabytes.
const maxHeader = 1 << 20

// maxElements bounds the element count of an array we will allocate.
const maxElements = 1 << 34

// Array is an n-dimensional float64 array in C (row-major) order: the last
// index varies fastest.
type Array struct {
	Shape []int
	Data  []float64
}

// Len returns the number of elements the shape describes.
func (a *Array) Len() int {
	n := 1
	for _, s := range a.Shape {
		n *= s
	}
	return n
}

// Header is the parsed header dictionary of a .npy file.
type Header struct {
	Descr        string // dtype string, e.g. "<f8"
	FortranOrder bool
	Shape        []int
}

// ReadFile reads the .npy file at path.
func ReadFile(path string) (*Array, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	a, err := Read(bufio.NewReaderSize(f, 1<<16))
	if err != nil {
		return nil, fmt.Errorf("npy: %s: %w", path, err)
	}
	return a, nil
}

// Read reads one .npy array from r.
func Read(r io.Reader) (*Array, error) {
	h, err := ReadHeader(r)
	if err != nil {
		return nil, err
	}
	if h.FortranOrder {
		return nil, errors.New("Fortran-order arrays are not supported; save with numpy.ascontiguousarray")
	}
	var size int
	var order binary.ByteOrder
	switch h.Descr {
	case "<f8":
		size, order = 8, binary.LittleEndian
	case ">f8":
		size, order = 8, binary.BigEndian
	case "<f4":
		size, order = 4, binary.LittleEndian
	case ">f4":
		size, order = 4, binary.BigEndian
	default:
		return nil, fmt.Errorf("dtype %q is not supported (want float64 or float32: '<f8', '>f8', '<f4', '>f4')", h.Descr)
	}
	n := 1
	for _, s := range h.Shape {
		if s < 0 {
			return nil, fmt.Errorf("negative dimension in shape %v", h.Shape)
		}
		if s > 0 && n > maxElements/s {
			return nil, fmt.Errorf("shape %v has too many elements", h.Shape)
		}
		n *= s
	}
	buf := make([]byte, n*size)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, fmt.Errorf("reading %d elements of shape %v: %w", n, h.Shape, err)
	}
	data := make([]float64, n)
	if size == 8 {
		for i := range data {
			data[i] = math.Float64frombits(order.Uint64(buf[8*i:]))
		}
	} else {
		for i := range data {
			data[i] = float64(math.Float32frombits(order.Uint32(buf[4*i:])))
		}
	}
	return &Array{Shape: h.Shape, Data: data}, nil
}

// ReadHeader reads the magic string, version and header dictionary from r,
// leaving r positioned at the first data byte.
func ReadHeader(r io.Reader) (*Header, error) {
	var pre [8]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return nil, fmt.Errorf("reading magic: %w", err)
	}
	if string(pre[:6]) != magic {
		return nil, fmt.Errorf("not a .npy file: magic %q", pre[:6])
	}
	var hlen int
	switch major := pre[6]; major {
	case 1:
		var b [2]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, fmt.Errorf("reading header length: %w", err)
		}
		hlen = int(binary.LittleEndian.Uint16(b[:]))
	case 2, 3:
		var b [4]byte
		if _, err := io.ReadFull(r, b[:]); err != nil {
			return nil, fmt.Errorf("reading header length: %w", err)
		}
		hlen = int(binary.LittleEndian.Uint32(b[:]))
	default:
		return nil, fmt.Errorf("unsupported .npy format version %d.%d", major, pre[7])
	}
	if hlen > maxHeader {
		return nil, fmt.Errorf("header length %d exceeds %d bytes", hlen, maxHeader)
	}
	hb := make([]byte, hlen)
	if _, err := io.ReadFull(r, hb); err != nil {
		return nil, fmt.Errorf("reading %d-byte header: %w", hlen, err)
	}
	return ParseHeader(string(hb))
}

// ParseHeader parses the Python dict literal of a .npy header, e.g.
// {'descr': '<f8', 'fortran_order': False, 'shape': (20, 2, 1024), }.
func ParseHeader(s string) (*Header, error) {
	s = strings.TrimSpace(s)
	if !strings.HasPrefix(s, "{") || !strings.HasSuffix(s, "}") {
		return nil, fmt.Errorf("header %q is not a dict literal", s)
	}
	p := &dictParser{s: s[1 : len(s)-1]}
	h := &Header{}
	seen := map[string]bool{}
	for {
		p.skipSpace()
		if p.done() {
			break
		}
		key, err := p.str()
		if err != nil {
			return nil, fmt.Errorf("header key: %w", err)
		}
		p.skipSpace()
		if !p.eat(':') {
			return nil, fmt.Errorf("header: expected ':' after key %q at %q", key, p.rest())
		}
		p.skipSpace()
		switch key {
		case "descr":
			if h.Descr, err = p.str(); err != nil {
				return nil, fmt.Errorf("header 'descr': %w (structured dtypes are not supported)", err)
			}
		case "fortran_order":
			switch {
			case p.word("True"):
				h.FortranOrder = true
			case p.word("False"):
				h.FortranOrder = false
			default:
				return nil, fmt.Errorf("header 'fortran_order': expected True or False at %q", p.rest())
			}
		case "shape":
			if h.Shape, err = p.tuple(); err != nil {
				return nil, fmt.Errorf("header 'shape': %w", err)
			}
		default:
			return nil, fmt.Errorf("header: unknown key %q", key)
		}
		seen[key] = true
		p.skipSpace()
		if !p.eat(',') {
			p.skipSpace()
			if !p.done() {
				return nil, fmt.Errorf("header: expected ',' at %q", p.rest())
			}
		}
	}
	for _, k := range []string{"descr", "fortran_order", "shape"} {
		if !seen[k] {
			return nil, fmt.Errorf("header lacks key %q", k)
		}
	}
	return h, nil
}

type dictParser struct {
	s string
	i int
}

func (p *dictParser) done() bool   { return p.i >= len(p.s) }
func (p *dictParser) rest() string { return p.s[p.i:] }

func (p *dictParser) skipSpace() {
	for p.i < len(p.s) && (p.s[p.i] == ' ' || p.s[p.i] == '\n' || p.s[p.i] == '\t') {
		p.i++
	}
}

func (p *dictParser) eat(c byte) bool {
	if p.i < len(p.s) && p.s[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *dictParser) word(w string) bool {
	if strings.HasPrefix(p.s[p.i:], w) {
		p.i += len(w)
		return true
	}
	return false
}

func (p *dictParser) str() (string, error) {
	if p.done() || (p.s[p.i] != '\'' && p.s[p.i] != '"') {
		return "", fmt.Errorf("expected a quoted string at %q", p.rest())
	}
	q := p.s[p.i]
	j := strings.IndexByte(p.s[p.i+1:], q)
	if j < 0 {
		return "", fmt.Errorf("unterminated string at %q", p.rest())
	}
	v := p.s[p.i+1 : p.i+1+j]
	p.i += j + 2
	return v, nil
}

func (p *dictParser) tuple() ([]int, error) {
	if !p.eat('(') {
		return nil, fmt.Errorf("expected '(' at %q", p.rest())
	}
	shape := []int{}
	for {
		p.skipSpace()
		if p.eat(')') {
			return shape, nil
		}
		j := p.i
		for j < len(p.s) && p.s[j] >= '0' && p.s[j] <= '9' {
			j++
		}
		if j == p.i {
			return nil, fmt.Errorf("expected a dimension at %q", p.rest())
		}
		v, err := strconv.Atoi(p.s[p.i:j])
		if err != nil {
			return nil, fmt.Errorf("dimension %q: %w", p.s[p.i:j], err)
		}
		shape = append(shape, v)
		p.i = j
		p.skipSpace()
		if !p.eat(',') {
			p.skipSpace()
			if !p.eat(')') {
				return nil, fmt.Errorf("expected ',' or ')' at %q", p.rest())
			}
			return shape, nil
		}
	}
}

// WriteFile writes data with the given shape to path as a little-endian
// float64 C-order .npy file.
func WriteFile(path string, shape []int, data []float64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<16)
	if err := Write(w, shape, data); err != nil {
		f.Close()
		return fmt.Errorf("npy: %s: %w", path, err)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Write writes data with the given shape to w as a little-endian float64
// C-order .npy array. It fails if len(data) does not match the shape.
func Write(w io.Writer, shape []int, data []float64) error {
	n := 1
	for _, s := range shape {
		if s < 0 {
			return fmt.Errorf("negative dimension in shape %v", shape)
		}
		n *= s
	}
	if n != len(data) {
		return fmt.Errorf("shape %v holds %d elements, data has %d", shape, n, len(data))
	}
	var dims strings.Builder
	dims.WriteByte('(')
	for i, s := range shape {
		if i > 0 {
			dims.WriteString(", ")
		}
		dims.WriteString(strconv.Itoa(s))
	}
	if len(shape) == 1 {
		dims.WriteByte(',')
	}
	dims.WriteByte(')')
	dict := fmt.Sprintf("{'descr': '<f8', 'fortran_order': False, 'shape': %s, }", dims.String())
	// Pad with spaces and a newline so the data starts on a 64-byte boundary.
	var buf bytes.Buffer
	pre := 6 + 2 + 2
	version := byte(1)
	if len(dict)+1+pre > math.MaxUint16 {
		version, pre = 2, 6+2+4
	}
	total := pre + len(dict) + 1
	pad := (64 - total%64) % 64
	hlen := len(dict) + pad + 1
	buf.WriteString(magic)
	buf.WriteByte(version)
	buf.WriteByte(0)
	if version == 1 {
		binary.Write(&buf, binary.LittleEndian, uint16(hlen))
	} else {
		binary.Write(&buf, binary.LittleEndian, uint32(hlen))
	}
	buf.WriteString(dict)
	buf.WriteString(strings.Repeat(" ", pad))
	buf.WriteByte('\n')
	if _, err := w.Write(buf.Bytes()); err != nil {
		return err
	}
	out := make([]byte, 8*4096)
	for i := 0; i < len(data); i += 4096 {
		m := min(4096, len(data)-i)
		for j := 0; j < m; j++ {
			binary.LittleEndian.PutUint64(out[8*j:], math.Float64bits(data[i+j]))
		}
		if _, err := w.Write(out[:8*m]); err != nil {
			return err
		}
	}
	return nil
}
