//go:build !nocuda

package cuda_test

import (
	"fmt"

	"github.com/squid-ws/squid/cpu"
	"github.com/squid-ws/squid/cuda"
)

// Votes uploaded once are counted on the device as often as needed; only
// the counts come back.
func ExampleDevice_CountDevice() {
	d, err := cuda.Open(0)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer d.Release()
	// 4 rows x 3 LFs.
	votes := []int8{
		1, 1, -1,
		1, 0, -1,
		-1, -1, 1,
		0, 1, 1,
	}
	v, err := d.Upload(votes, 3)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer v.Free()
	counts := cpu.NewCounts(3)
	if err := d.CountDevice(counts, v); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("positives", counts.Pos, "negatives", counts.Neg)
	fmt.Printf("LFs 0 and 2: %+v\n", counts.Pairs[cpu.PairIndex(0, 2, 3)])
	// Output:
	// positives [2 2 2] negatives [1 1 2]
	// LFs 0 and 2: {PP:0 PN:2 NP:1 NN:0}
}
