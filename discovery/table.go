package discovery

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/symcalc/symcalc/discovery/npy"
)

// Table is a dense row-major matrix of observations: Rows × Cols values, the
// column index varying fastest, with optional column names from a CSV header.
type Table struct {
	Names []string // column names, empty when the input had no header
	Rows  int
	Cols  int
	Data  []float64 // len Rows*Cols
}

// Row returns row i as a slice sharing memory with the table.
func (t *Table) Row(i int) []float64 { return t.Data[i*t.Cols : (i+1)*t.Cols] }

// ReadCSV reads numeric comma-separated values. Blank lines and lines that
// start with '#' are skipped. The first record is taken as a header of
// column names when any of its fields is not a number. Every row must have
// the same number of fields; a malformed field is reported with its line and
// column so the user can find it.
func ReadCSV(r io.Reader) (*Table, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.TrimLeadingSpace = true
	cr.ReuseRecord = true
	t := &Table{}
	first := true
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("csv: %w", err)
		}
		line, _ := cr.FieldPos(0)
		if first {
			first = false
			t.Cols = len(rec)
			if !allNumbers(rec) {
				t.Names = make([]string, len(rec))
				for i, s := range rec {
					t.Names[i] = strings.TrimSpace(s)
				}
				continue
			}
		}
		if len(rec) != t.Cols {
			return nil, fmt.Errorf("csv: line %d has %d fields, want %d", line, len(rec), t.Cols)
		}
		for j, s := range rec {
			v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil {
				_, col := cr.FieldPos(j)
				return nil, fmt.Errorf("csv: line %d, column %d: field %q is not a number", line, col, s)
			}
			t.Data = append(t.Data, v)
		}
		t.Rows++
	}
	if t.Rows == 0 {
		return nil, errors.New("csv: no data rows")
	}
	return t, nil
}

func allNumbers(rec []string) bool {
	for _, s := range rec {
		if _, err := strconv.ParseFloat(strings.TrimSpace(s), 64); err != nil {
			return false
		}
	}
	return true
}

// ReadTable reads observations from a .npy file (a 1-D or 2-D float array;
// higher-dimensional arrays are flattened to rows of the last dimension) or a
// CSV file, chosen by the file's extension.
func ReadTable(path string) (*Table, error) {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".npy":
		a, err := npy.ReadFile(path)
		if err != nil {
			return nil, err
		}
		return tableFromArray(a), nil
	case ".csv", ".txt":
		f, err := os.Open(path)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		t, err := ReadCSV(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		return t, nil
	default:
		return nil, fmt.Errorf("%s: unknown data format %q (want .npy or .csv)", path, filepath.Ext(path))
	}
}

func tableFromArray(a *npy.Array) *Table {
	switch len(a.Shape) {
	case 0:
		return &Table{Rows: 1, Cols: 1, Data: a.Data}
	case 1:
		return &Table{Rows: 1, Cols: a.Shape[0], Data: a.Data}
	}
	cols := a.Shape[len(a.Shape)-1]
	rows := 0
	if cols > 0 {
		rows = len(a.Data) / cols
	}
	return &Table{Rows: rows, Cols: cols, Data: a.Data}
}
