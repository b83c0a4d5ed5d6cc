package main

import (
	"context"
	_ "embed"
	"fmt"
	"os/exec"
	"strings"
)

// pandasScript runs one query in pandas; see its header.
//
//go:embed pandas_queries.py
var pandasScript string

// Pandas is a Python interpreter that can import pandas.
type Pandas struct {
	Python  string // the interpreter to run
	Version string // pandas.__version__
	// Parquet is set when pandas can read Parquet (pyarrow or fastparquet).
	Parquet bool
}

// pythonCandidates are tried in order when -python is not given: the first
// python3 on PATH, then Debian's, which is where python3-pandas installs.
var pythonCandidates = []string{"python3", "/usr/bin/python3"}

// findPandas returns the first of candidates that imports pandas, or ok false.
func findPandas(ctx context.Context, candidates []string) (p Pandas, ok bool) {
	for _, c := range candidates {
		path, err := exec.LookPath(c)
		if err != nil {
			continue
		}
		out, err := exec.CommandContext(ctx, path, "-c", "import pandas; print(pandas.__version__)").Output()
		if err != nil {
			continue
		}
		p = Pandas{Python: path, Version: strings.TrimSpace(string(out))}
		for _, engine := range []string{"pyarrow", "fastparquet"} {
			if exec.CommandContext(ctx, path, "-c", "import "+engine).Run() == nil {
				p.Parquet = true
				break
			}
		}
		return p, true
	}
	return Pandas{}, false
}

// args is the command line running query q on the file at path.
func (p Pandas) args(q, format, path string) []string {
	return []string{"-c", pandasScript, q, format, path}
}

func (p Pandas) String() string { return fmt.Sprintf("pandas %s", p.Version) }
