// Command mkvotes writes a large synthetic int8 vote matrix as .npy, in
// chunks (bounded memory), for measuring the streaming fit; on a terminal
// a progress bar on standard error counts the rows written. -float64
// writes the same votes as float64 (what numpy users often hand over):
//
//	go run ./bench/mkvotes -n 100000000 -m 20 -o /tmp/votes.npy
//	/usr/bin/time -v go run -tags nocuda ./cmd/squid fit --votes /tmp/votes.npy -o /tmp/model.json
package main

import (
	"bufio"
	"encoding/binary"
	"flag"
	"fmt"
	"log"
	"math"
	"os"

	"github.com/squid-ws/squid/internal/progress"
	"github.com/squid-ws/squid/synth"
)

func main() {
	n := flag.Int("n", 100_000_000, "rows")
	m := flag.Int("m", 20, "LFs")
	out := flag.String("o", "votes.npy", "output .npy")
	seed := flag.Uint64("seed", 1, "random seed")
	f64 := flag.Bool("float64", false, "write float64 votes ('<f8') instead of int8")
	flag.Parse()
	descr := "|i1"
	if *f64 {
		descr = "<f8"
	}
	f, err := os.Create(*out)
	if err != nil {
		log.Fatal(err)
	}
	w := bufio.NewWriterSize(f, 1<<22)
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': False, 'shape': (%d, %d), }", descr, *n, *m)
	pad := 64 - (10+len(dict)+1)%64
	header := []byte("\x93NUMPY\x01\x00")
	header = binary.LittleEndian.AppendUint16(header, uint16(len(dict)+pad+1))
	header = append(header, dict...)
	for ; pad > 0; pad-- {
		header = append(header, ' ')
	}
	header = append(header, '\n')
	w.Write(header)
	const chunk = 1 << 20
	lfs := synth.Spread(*m, 0.55, 0.9, 0.3, 0.95)
	bar := progress.New(os.Stderr, int64(*n), *out)
	for r0, s := 0, *seed*1000003; r0 < *n; r0, s = r0+chunk, s+1 {
		d, err := synth.Generate(synth.Config{N: min(chunk, *n-r0), LFs: lfs, Seed: s})
		if err != nil {
			log.Fatal(err)
		}
		for _, v := range d.Votes {
			if *f64 {
				var b [8]byte
				binary.LittleEndian.PutUint64(b[:], math.Float64bits(float64(v)))
				w.Write(b[:])
			} else {
				w.WriteByte(byte(v))
			}
		}
		bar.Add(d.N)
	}
	bar.Finish()
	if err := w.Flush(); err != nil {
		log.Fatal(err)
	}
	if err := f.Close(); err != nil {
		log.Fatal(err)
	}
}
