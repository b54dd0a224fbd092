package main

import (
	"bytes"
	"fmt"
	"image/color"
	"path/filepath"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
)

// maxSeries bounds the number of lines drawn: a network or a PDE grid has
// thousands of states, and a plot of them all says nothing.
const maxSeries = 12

// plotResult draws the trajectories (outputs when the model has them and
// there are many states) to a PNG file, written atomically.
func plotResult(res *result, path, title string) error {
	if !strings.EqualFold(filepath.Ext(path), ".png") {
		return usagef("--plot writes PNG: give a file name ending in .png")
	}
	p := plot.New()
	if title != "" {
		p.Title.Text = title
	}
	p.X.Label.Text = "time"
	p.Legend.Top = true
	cols := make([]int, 0, maxSeries)
	first := 1
	// With more states than fit, draw the outputs (BioNetGen groups) instead.
	if res.nOutputs > 0 && len(res.names)-1-res.nOutputs > maxSeries {
		first = len(res.names) - res.nOutputs
	}
	for j := first; j < len(res.names) && len(cols) < maxSeries; j++ {
		cols = append(cols, j)
	}
	palette := []color.Color{
		color.RGBA{31, 119, 180, 255}, color.RGBA{255, 127, 14, 255}, color.RGBA{44, 160, 44, 255},
		color.RGBA{214, 39, 40, 255}, color.RGBA{148, 103, 189, 255}, color.RGBA{140, 86, 75, 255},
		color.RGBA{227, 119, 194, 255}, color.RGBA{127, 127, 127, 255}, color.RGBA{188, 189, 34, 255},
		color.RGBA{23, 190, 207, 255}, color.RGBA{0, 0, 0, 255}, color.RGBA{100, 100, 255, 255},
	}
	for k, j := range cols {
		pts := make(plotter.XYs, len(res.rows))
		for i, row := range res.rows {
			pts[i].X, pts[i].Y = row[0], row[j]
		}
		line, err := plotter.NewLine(pts)
		if err != nil {
			return fmt.Errorf("plot %s: %w", res.names[j], err)
		}
		line.Color = palette[k%len(palette)]
		line.Width = vg.Points(1)
		p.Add(line)
		p.Legend.Add(res.names[j], line)
	}
	img := vgimg.New(8*vg.Inch, 5*vg.Inch)
	p.Draw(draw.New(img))
	var buf bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: img}).WriteTo(&buf); err != nil {
		return err
	}
	return writeFileAtomic(path, buf.Bytes())
}
