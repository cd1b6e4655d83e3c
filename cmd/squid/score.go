package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/squid-ws/squid/internal/fitflags"
	"github.com/squid-ws/squid/labelmodel"
	"github.com/squid-ws/squid/multiclass"
)

// scoreReport is what squid score prints (as JSON with --json).
type scoreReport struct {
	Rows         int64             `json:"rows"`
	LFs          int               `json:"lfs"`
	LFNames      []string          `json:"lf_names,omitempty"`
	Classes      int               `json:"classes"`
	TiePolicy    string            `json:"tie_policy"`
	LabelModel   labelmodel.Scores `json:"label_model"`
	MajorityVote labelmodel.Scores `json:"majority_vote"`
}

func cmdScore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("score", stderr)
	var in fitflags.Input
	in.Register(fs)
	fs.Lookup("classes").Usage = "number of classes of the votes: the model's; another value is an error"
	modelPath := fs.String("model", "", "fitted model (JSON from squid fit), one task or multiclass")
	votesPath := fs.String("votes", "", "vote matrix L (.npy or .csv, n x m) of the rows with gold labels, streamed in chunks; - reads standard input")
	devPath := fs.String("dev-labels", "", "gold labels of the same rows (.npy or .csv, n): -1/+1 (0/1 with --abstain -1), or 0..k-1")
	var tie tieFlags
	tie.register(fs)
	asJSON := fs.Bool("json", false, "print JSON instead of a table")
	if err := parse(fs, args, stdout); err != nil {
		return err
	}
	if err := required(fs, stderr, "model", "votes", "dev-labels"); err != nil {
		return err
	}
	model, err := fitflags.ReadModel(*modelPath)
	if err != nil {
		return err
	}
	if model.Binary != nil && model.Binary.Spec().Tasks() != 1 {
		return fmt.Errorf("%s: score compares one task with majority vote; the model has %d tasks", *modelPath, model.Binary.Spec().Tasks())
	}
	conv, err := modelConvention(model, fs, *modelPath, in)
	if err != nil {
		return err
	}
	in.Classes = model.Classes()
	lm, err := tie.labeler()
	if err != nil {
		return err
	}
	mv, _ := tie.labeler() // a labeler of its own: random ties draw separately
	gold, err := readGold(ctx, *devPath, conv)
	if err != nil {
		return err
	}
	src, err := openVotes(ctx, model, *votesPath, conv)
	if err != nil {
		return err
	}
	defer src.Close()
	var lmLabels, mvLabels []int8
	var rows int64
	err = eachChunk(ctx, src, in.Chunk, stderr, func(data []int8, n, first int) error {
		if rows += int64(n); first+n > len(gold.Data) {
			return nil // too few labels: count the rows for the error
		}
		var labels []int8
		var err error
		if model.Multi != nil {
			labels, err = model.Multi.PredictLabels(multiclass.Votes{N: n, M: src.Cols, Data: data}, lm)
			for r := range n {
				mvLabels = append(mvLabels, labelmodel.MajorityVoteClass(data[r*src.Cols:(r+1)*src.Cols], model.Classes(), mv))
			}
		} else {
			v := labelmodel.Votes{N: n, M: src.Cols, Data: data}
			labels, err = model.Binary.PredictLabels(v, lm)
			mvLabels = append(mvLabels, labelmodel.MajorityVoteLabels(v, mv)...)
		}
		if err != nil {
			return fmt.Errorf("%s: rows from %d: %w", src.Name, first, err)
		}
		lmLabels = append(lmLabels, labels...)
		return nil
	})
	if err != nil {
		return err
	}
	if int64(len(gold.Data)) != rows {
		return fitflags.GoldRowsError(*devPath, len(gold.Data), src.Name, rows)
	}
	rep := scoreReport{Rows: int64(len(gold.Data)), LFs: src.Cols, LFNames: model.Spec().LFNames, Classes: model.Classes(), TiePolicy: string(lm.Policy())}
	if rep.LabelModel, err = labelmodel.Score(lmLabels, gold.Data, rep.Classes); err != nil {
		return err
	}
	if rep.MajorityVote, err = labelmodel.Score(mvLabels, gold.Data, rep.Classes); err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	return rep.writeTable(stdout)
}

// writeTable prints the report as a table, one line per predictor.
func (rep scoreReport) writeTable(w io.Writer) error {
	f1 := "F1(+1)"
	if rep.Classes > 2 {
		f1 = "macro-F1"
	}
	if len(rep.LFNames) > 0 {
		fmt.Fprintf(w, "LFs: %s\n", strings.Join(rep.LFNames, ", "))
	}
	fmt.Fprintf(w, "%d rows, %d LFs, %d classes; ties: %s; accuracy and %s over the rows each predictor labels\n", rep.Rows, rep.LFs, rep.Classes, rep.TiePolicy, f1)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "predictor\tlabeled\tcoverage\taccuracy\t%s\t\n", f1)
	for _, p := range []struct {
		name string
		s    labelmodel.Scores
	}{{"label model", rep.LabelModel}, {"majority vote", rep.MajorityVote}} {
		fmt.Fprintf(tw, "%s\t%d\t%.4f\t%.4f\t%.4f\t\n", p.name, p.s.Labeled, p.s.Coverage, p.s.Accuracy, p.s.F1)
	}
	return tw.Flush()
}
