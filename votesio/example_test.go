package votesio_test

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/squid-ws/squid/labelmodel"
	"github.com/squid-ws/squid/votesio"
)

// Stream a vote file chunk by chunk into a model's statistics, so memory
// stays bounded whatever the file's size; here a CSV in Snorkel's
// convention (0/1 votes, -1 abstains) from a string.
func ExampleNewSource() {
	csv := "kw,regex,len\n1,1,-1\n0,0,0\n1,-1,1\n0,1,0\n1,1,1\n0,0,-1\n"
	src, err := votesio.NewSource(strings.NewReader(csv), "votes.csv", votesio.Convention{Abstain: -1})
	if err != nil {
		panic(err)
	}
	model, _ := labelmodel.New(labelmodel.Spec{M: src.Cols})
	stats := model.NewStats()
	chunk := make([]int8, 2*src.Cols) // two rows at a time
	for {
		n, err := src.Next(chunk)
		if n > 0 {
			if err := stats.Add(labelmodel.Votes{N: n, M: src.Cols, Data: chunk[:n*src.Cols]}); err != nil {
				panic(err)
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			panic(err)
		}
	}
	fmt.Println(stats.N(), "rows,", stats.M(), "LFs; LF 2 votes -1, 0, +1:", stats.VoteCounts(2))
	// Output: 6 rows, 3 LFs; LF 2 votes -1, 0, +1: [2 2 2]
}
