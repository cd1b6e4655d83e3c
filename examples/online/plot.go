package main

import (
	"image/color"
	"io"
	"os"
	"path/filepath"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"

	"github.com/squid-ws/squid/votesio"
)

// plotCurves draws test accuracy against training step for each run: the
// mean over the seeds as a line and their range (min to max) as a band.
// The y axis runs from 0.5 (chance) to 1 so that small differences look
// small, and the legend sits in the empty bottom-right corner, below every
// curve. The PNG is written atomically.
func plotCurves(path string, curves map[string][][]float64, order []string) error {
	p := plot.New()
	p.Title.Text = "Online training: test accuracy (mean and range over seeds)"
	p.X.Label.Text = "training step (mini-batches of 64)"
	p.Y.Label.Text = "test accuracy"
	p.Y.Min, p.Y.Max = 0.5, 1
	p.Legend.Top = false
	p.Legend.Left = false
	p.Add(plotter.NewGrid())
	colors := []color.RGBA{{0, 0, 0, 255}, {200, 30, 30, 255}, {40, 90, 200, 255}}
	for k, name := range order {
		runs := curves[name]
		n := len(runs[0])
		line, lo, hi := make(plotter.XYs, n), make(plotter.XYs, n), make(plotter.XYs, n)
		for i := 0; i < n; i++ {
			x := float64(i * evalEvery)
			lo[i].X, hi[n-1-i].X, line[i].X = x, x, x
			lo[i].Y, hi[n-1-i].Y = 1, 0
			for _, run := range runs {
				a := max(run[i], p.Y.Min) // an early point below chance is drawn at the axis
				lo[i].Y, hi[n-1-i].Y = min(lo[i].Y, a), max(hi[n-1-i].Y, a)
				line[i].Y += a / float64(len(runs))
			}
		}
		band, err := plotter.NewPolygon(append(lo, hi...))
		if err != nil {
			return err
		}
		c := colors[k%len(colors)]
		band.Color = color.NRGBA{c.R, c.G, c.B, 50}
		band.LineStyle.Width = 0
		l, err := plotter.NewLine(line)
		if err != nil {
			return err
		}
		l.Color = c
		l.Width = vg.Points(1.5)
		p.Add(band, l)
		p.Legend.Add(name, l)
	}
	// Draw into a canvas cropped by a right margin: gonum/plot otherwise
	// lets the last tick label and the legend run off the right edge.
	img := vgimg.New(7*vg.Inch, 4*vg.Inch)
	p.Draw(draw.Crop(draw.New(img), 0, -vg.Points(14), 0, 0))
	w := vgimg.PngCanvas{Canvas: img}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return votesio.WriteFileAtomic(path, func(f io.Writer) error { _, err := w.WriteTo(f); return err })
}
