package parser

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// FuzzParseModel checks that no input makes the equation-file parser
// panic, and that every failure is a positioned *Error (or a cancelled
// expansion of a huge grid). Seeds: the examples and the error corpus.
func FuzzParseModel(f *testing.F) {
	files, _ := filepath.Glob("../examples/*.eq")
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(string(b))
		}
	}
	if data, err := os.ReadFile(filepath.Join("testdata", "errors.txt")); err == nil {
		for _, c := range readCorpusText(string(data)) {
			f.Add(c)
		}
	}
	f.Add("grid i in 1..3 neumann\nstate u[i] = 0\nder(u[i]) = u[i+7]\n")
	f.Add("state x = ((((((((((1))))))))))\nder(x) = -x\n")
	f.Fuzz(func(t *testing.T, src string) {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		s, err := ParseModel(ctx, "fuzz.eq", src)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) && !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("error without a position: %v", err)
			}
			return
		}
		if s == nil {
			t.Fatal("nil system without an error")
		}
		_ = s.String()
	})
}

// readCorpusText returns the model sources of an error corpus.
func readCorpusText(data string) []string {
	var out []string
	cur := ""
	in := false
	for _, line := range splitLines(data) {
		if len(line) > 6 && line[:3] == "-- " && line[len(line)-3:] == " --" {
			if in && cur != "" {
				out = append(out, cur)
			}
			cur, in = "", line != "-- want --"
			continue
		}
		if in {
			cur += line + "\n"
		}
	}
	return out
}

func splitLines(s string) []string {
	var out []string
	for len(s) > 0 {
		i := 0
		for i < len(s) && s[i] != '\n' {
			i++
		}
		out = append(out, s[:i])
		if i < len(s) {
			i++
		}
		s = s[i:]
	}
	return out
}
