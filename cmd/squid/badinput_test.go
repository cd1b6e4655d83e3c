//go:build unix

package main

import (
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/squid-ws/squid/internal/testutil"
)

// npyFile is a .npy file with the given header fields and raw data.
func npyFile(descr, fortran, shape string, data []byte) string {
	dict := fmt.Sprintf("{'descr': '%s', 'fortran_order': %s, 'shape': %s, }", descr, fortran, shape)
	h := []byte("\x93NUMPY\x01\x00")
	h = binary.LittleEndian.AppendUint16(h, uint16(len(dict)+1))
	return string(h) + dict + "\n" + string(data)
}

// badInputs are inputs a user may give the CLI by mistake, each with a
// piece of the error that must name what is wrong. $D is the directory,
// which holds good votes L.npy and L.csv (5 LFs), a fitted model.json and
// Y.csv (one gold label per row of L.csv) besides the files of the case.
var badInputs = []struct {
	name  string
	files map[string]string
	args  string
	want  string
}{
	// CSV votes.
	{"csv typo line 1", map[string]string{"v.csv": "1,O,-1,0,1\n1,1,1,1,1\n"}, "fit --votes $D/v.csv -o $D/m2.json", `$D/v.csv: line 1: value at row 0, column 1 is "O"`},
	{"csv typo later", map[string]string{"v.csv": "1,0,-1,0,1\n1,1,1,1,1\n1,1,x,1,1\n"}, "predict --model $D/model.json --votes $D/v.csv -o $D/p.npy", `line 3: value at row 2, column 2 is "x"`},
	{"csv bad vote", map[string]string{"v.csv": "1,0,-1,0,1\n1,1,2,1,1\n"}, "fit --votes $D/v.csv -o $D/m2.json", "row 1, column 2 is 2, want -1, +1 or 0"},
	{"csv fraction", map[string]string{"v.csv": "1,0,-1,0,0.5\n"}, "fit --votes $D/v.csv -o $D/m2.json", "row 0, column 4 is 0.5"},
	{"csv NaN", map[string]string{"v.csv": "1,0,-1,0,1\nNaN,0,1,1,1\n"}, "analyze --votes $D/v.csv", "row 1, column 0 is NaN"},
	{"csv overflow", map[string]string{"v.csv": "1,0,-1,0,1\n1e999,0,1,1,1\n"}, "analyze --votes $D/v.csv", `row 1, column 0 is "1e999", want a number`},
	{"csv empty field", map[string]string{"v.csv": "1,0,,0,1\n"}, "fit --votes $D/v.csv -o $D/m2.json", `column 2 is "", want a number`},
	{"csv ragged", map[string]string{"v.csv": "1,0,1,0,1\n1,0,1\n"}, "fit --votes $D/v.csv -o $D/m2.json", "line 2 (row 1) has 3 fields, want 5"},
	{"csv blank line", map[string]string{"v.csv": "1,0,1,0,1\n\n1,0,1,0,1\n"}, "analyze --votes $D/v.csv", "line 2 is blank"},
	{"csv utf-16", map[string]string{"v.csv": "\xff\xfe1\x00,\x000\x00\n\x00"}, "analyze --votes $D/v.csv", "UTF-16"},
	{"csv empty", map[string]string{"v.csv": ""}, "fit --votes $D/v.csv -o $D/m2.json", "$D/v.csv: empty CSV file"},
	{"csv bare quote", map[string]string{"v.csv": "1,0,1,0,1\n1,\"0,1,0,1\n"}, "fit --votes $D/v.csv -o $D/m2.json", "$D/v.csv: "},
	{"csv header as data", map[string]string{"v.csv": "a,b,c,d,e\n1,0,1,0,1\n"}, "fit --no-header --votes $D/v.csv -o $D/m2.json", `line 1: value at row 0, column 0 is "a"`},
	{"csv binary junk", map[string]string{"v.csv": "\x00\x01\x02,\x03\n\x04,\x05\n"}, "analyze --votes $D/v.csv", "$D/v.csv: line 2"},
	{"csv wrong m for model", map[string]string{"v.csv": "1,0,1\n"}, "predict --model $D/model.json --votes $D/v.csv -o $D/p.csv", "$D/v.csv"},
	{"csv snorkel value", map[string]string{"v.csv": "1,0,-1,0,1\n1,0,2,0,1\n"}, "fit --abstain -1 --votes $D/v.csv -o $D/m2.json", "row 1, column 2 is 2, want 0 (negative), 1 (positive) or -1 (abstain)"},
	{"csv multiclass value", map[string]string{"v.csv": "1,0,2,0,3\n"}, "fit --classes 3 --votes $D/v.csv -o $D/m2.json", "row 0, column 4 is 3, want a class in [0, 3)"},
	// .npy votes.
	{"npy not npy", map[string]string{"v.npy": "hello, not numpy"}, "fit --votes $D/v.npy -o $D/m2.json", "$D/v.npy: not a .npy file"},
	{"npy empty", map[string]string{"v.npy": ""}, "fit --votes $D/v.npy -o $D/m2.json", "$D/v.npy: not a .npy file"},
	{"npy truncated data", map[string]string{"v.npy": npyFile("|i1", "False", "(4, 5)", make([]byte, 13))}, "fit --votes $D/v.npy -o $D/m2.json", "the file is truncated"},
	{"npy truncated header", map[string]string{"v.npy": npyFile("|i1", "False", "(4, 5)", nil)[:30]}, "fit --votes $D/v.npy -o $D/m2.json", "$D/v.npy: not a .npy file"},
	{"npy fortran", map[string]string{"v.npy": npyFile("|i1", "True", "(2, 5)", make([]byte, 10))}, "fit --votes $D/v.npy -o $D/m2.json", "Fortran order"},
	{"npy 3-D", map[string]string{"v.npy": npyFile("|i1", "False", "(2, 5, 1)", make([]byte, 10))}, "fit --votes $D/v.npy -o $D/m2.json", "shape"},
	{"npy complex", map[string]string{"v.npy": npyFile("<c16", "False", "(1, 5)", make([]byte, 80))}, "fit --votes $D/v.npy -o $D/m2.json", "unsupported dtype"},
	{"npy bad vote", map[string]string{"v.npy": npyFile("|i1", "False", "(2, 5)", []byte{1, 0, 1, 0, 1, 1, 0, 3, 0, 1})}, "predict --model $D/model.json --votes $D/v.npy -o $D/p.npy", "$D/v.npy: value at row 1, column 2 is 3"},
	{"npy missing", nil, "fit --votes $D/none.npy -o $D/m2.json", "$D/none.npy"},
	// Models and graphs.
	{"model garbage", map[string]string{"bad.json": "not json"}, "predict --model $D/bad.json --votes $D/L.npy -o $D/p.npy", "$D/bad.json: not a squid model"},
	{"model empty", map[string]string{"bad.json": ""}, "predict --model $D/bad.json --votes $D/L.npy -o $D/p.npy", "$D/bad.json"},
	{"model missing", nil, "accuracies --model $D/none.json", "$D/none.json"},
	{"graph unknown field", map[string]string{"g.json": `{"m": 5, "lf_edgez": []}`}, "fit --votes $D/L.npy --graph $D/g.json -o $D/m2.json", `$D/g.json: bad graph file: json: unknown field "lf_edgez"`},
	{"graph wrong m", map[string]string{"g.json": `{"m": 7}`}, "fit --votes $D/L.npy --graph $D/g.json -o $D/m2.json", "$D/g.json: graph has m = 7 LFs but the votes have 5 columns"},
	{"graph not json", map[string]string{"g.json": `{"m": `}, "fit --votes $D/L.npy --graph $D/g.json -o $D/m2.json", "$D/g.json: bad graph file"},
	// Gold labels.
	{"dev label 0", map[string]string{"y.csv": "1\n0\n"}, "fit --votes $D/L.npy --dev-labels $D/y.csv -o $D/m2.json", "$D/y.csv: line 2: value at row 1, column 0 is 0, want -1 or +1 (a gold label cannot be 0"},
	{"dev label 2", map[string]string{"y.csv": "1\n2\n"}, "analyze --votes $D/L.csv --dev-labels $D/y.csv", "$D/y.csv: line 2"},
	{"dev labels columns", map[string]string{"y.csv": "1,1\n-1,1\n"}, "fit --votes $D/L.npy --dev-labels $D/y.csv -o $D/m2.json", "$D/y.csv: gold labels are a 2 x 2 matrix (rows x columns), want one column"},
	{"dev labels too few", map[string]string{"y.csv": "1\n-1\n"}, "analyze --votes $D/L.csv --dev-labels $D/y.csv", "$D/y.csv has 2 labels"},
	{"dev labels missing", nil, "fit --votes $D/L.npy --dev-labels $D/none.csv -o $D/m2.json", "$D/none.csv"},
	// Flags.
	{"abstain 5", nil, "fit --abstain 5 --votes $D/L.npy -o $D/m2.json", "--abstain 5"},
	{"classes 1", nil, "fit --classes 1 --votes $D/L.npy -o $D/m2.json", "--classes 1"},
	{"chunk 0", nil, "fit --chunk 0 --votes $D/L.npy -o $D/m2.json", "--chunk 0"},
	{"header and no-header", nil, "fit --header --no-header --votes $D/L.csv -o $D/m2.json", "--header or --no-header"},
	{"compat unknown", nil, "fit --compat snorkel --votes $D/L.npy -o $D/m2.json", `--compat "snorkel"`},
	{"class balance text", nil, "fit --class-balance a,b --votes $D/L.npy -o $D/m2.json", `--class-balance: "a"`},
	{"balance and dev", nil, "fit --class-balance 0.5,0.5 --dev-labels $D/Y.csv --votes $D/L.npy -o $D/m2.json", "not both"},
	{"marginal multiclass", nil, "predict --marginal --model $D/model.json --votes $D/L.npy -o $D/p.npy", "--marginal applies to binary models"},
	{"unknown command", nil, "frobnicate", "unknown command"},
	{"missing -o", nil, "fit --votes $D/L.npy", "fit: -o is required"},
	// Outputs.
	{"fit -o votes", nil, "fit --votes $D/L.npy -o $D/L.npy", "output $D/L.npy is the input $D/L.npy"},
	{"fit -o csv votes", nil, "fit --votes $D/L.csv -o $D/L.csv", "is the input $D/L.csv"},
	{"fit -o dev labels", nil, "fit --votes $D/L.csv --dev-labels $D/Y.csv -o $D/Y.csv", "is the input $D/Y.csv"},
	{"predict -o votes", nil, "predict --model $D/model.json --votes $D/L.npy -o $D/L.npy", "is the input $D/L.npy"},
	{"predict -o model", nil, "predict --model $D/model.json --votes $D/L.npy -o $D/model.json", "is the input $D/model.json"},
	{"predict -o link to votes", map[string]string{"@link.npy": "L.npy"}, "predict --model $D/model.json --votes $D/L.npy -o $D/link.npy", "is the input $D/L.npy"},
	{"fit -o directory", nil, "fit --votes $D/L.npy -o $D", "a directory"},
	{"fit -o fifo", map[string]string{"|fifo": ""}, "fit --votes $D/L.npy -o $D/fifo", "a FIFO"},
	{"predict -o a device", nil, "predict --model $D/model.json --votes $D/L.npy -o $DEV", "a character device"},
	{"fit -o missing dir", nil, "fit --votes $D/none.npy -o $D/no/m2.json", "output $D/no/m2.json: directory $D/no"},
	{"fit -o dangling link", map[string]string{"@m2.json": "no/where.json"}, "fit --votes $D/L.npy -o $D/m2.json", "leads nowhere"},
}

// Every bad input is a one-line error that names what is wrong, and no
// file of the user's is changed, replaced or left behind.
func TestBadInputs(t *testing.T) {
	base := t.TempDir()
	model := fitGolden(t, base)
	csvVotes, n := votesCSV(t, base, "L.csv", "")
	goodFiles := map[string]string{"model.json": mustRead(t, model), "L.csv": mustRead(t, csvVotes),
		"L.npy": mustRead(t, filepath.Join(golden, "basics", "L_train.npy")), "Y.csv": strings.Repeat("1\n", n)}
	clean, clobbered := 0, 0
	for _, c := range badInputs {
		dir := t.TempDir()
		for name, text := range goodFiles {
			os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644)
		}
		for name, text := range c.files {
			switch path := filepath.Join(dir, name[1:]); name[0] {
			case '@':
				os.Symlink(filepath.Join(dir, text), path)
			case '|':
				syscall.Mkfifo(path, 0o644)
			default:
				os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644)
			}
		}
		if c.name == "marginal multiclass" {
			if _, err := squid(t, "fit", "--classes", "3", "--votes", filepath.Join(dir, "L.npy"), "-o", filepath.Join(dir, "model.json")); err != nil {
				t.Fatal(err)
			}
		}
		before := snapshot(t, dir)
		args := strings.ReplaceAll(c.args, "$DEV", testutil.CharDevice(t)) // never /dev/null as root
		out, err := squid(t, strings.Fields(strings.ReplaceAll(args, "$D", dir))...)
		want := strings.ReplaceAll(c.want, "$D", dir)
		switch {
		case err == nil:
			t.Errorf("%s: accepted; output %q", c.name, out)
		case strings.Contains(err.Error(), "\n"):
			t.Errorf("%s: error of several lines: %q", c.name, err)
		case !strings.Contains(err.Error(), want):
			t.Errorf("%s: error %q, want it to contain %q", c.name, err, want)
		default:
			clean++
		}
		after := snapshot(t, dir)
		if len(after) != len(before) {
			clobbered++
		} else {
			for path, b := range before {
				if after[path] != b {
					clobbered++
					break
				}
			}
		}
		sameSnapshot(t, c.name, before, after)
	}
	t.Logf("%d bad inputs through the CLI: %d clean errors, %d with files changed or left behind", len(badInputs), clean, clobbered)
}
