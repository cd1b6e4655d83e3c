package main

import (
	"image/color"
	"io"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/squid-ws/squid/votesio"
)

// plotCurves draws test accuracy against training step for each run and
// writes a PNG atomically.
func plotCurves(path string, curves map[string][]float64, order []string) error {
	p := plot.New()
	p.Title.Text = "Online training: test accuracy"
	p.X.Label.Text = "training step (mini-batches of 64)"
	p.Y.Label.Text = "test accuracy"
	p.Legend.Top = false
	p.Legend.Left = false
	p.Add(plotter.NewGrid())
	colors := []color.Color{color.RGBA{0, 0, 0, 255}, color.RGBA{200, 30, 30, 255}, color.RGBA{40, 90, 200, 255}}
	for k, name := range order {
		pts := make(plotter.XYs, len(curves[name]))
		for i, a := range curves[name] {
			pts[i].X, pts[i].Y = float64(i*evalEvery), a
		}
		line, err := plotter.NewLine(pts)
		if err != nil {
			return err
		}
		line.Color = colors[k%len(colors)]
		line.Width = vg.Points(1.5)
		p.Add(line)
		p.Legend.Add(name, line)
	}
	w, err := p.WriterTo(7*vg.Inch, 4*vg.Inch, "png")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return votesio.WriteFileAtomic(path, func(f io.Writer) error { _, err := w.WriteTo(f); return err })
}
