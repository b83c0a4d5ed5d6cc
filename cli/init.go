package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"dataready/audit"
	"dataready/inspect"
	"dataready/reports"
	"dataready/source"
)

func initCommand() *cli.Command {
	return &cli.Command{
		Name:      "init",
		Usage:     "inspect the data and write a starting audit.yaml that guesses column roles",
		ArgsUsage: "PATH...",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Value: "audit.yaml", Usage: "file to write"},
			&cli.BoolFlag{Name: "force", Usage: "overwrite an existing file"},
			&cli.IntFlag{Name: "rows", Value: inspect.SampleRows, Usage: "rows to inspect"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return usageError{errors.New("init: give the data PATH... to inspect")}
			}
			paths := c.Args().Slice()
			files, err := source.Expand(c.Context, paths)
			if err != nil {
				return err
			}
			out := c.String("out")
			if _, err := os.Stat(out); err == nil && !c.Bool("force") {
				return usageError{fmt.Errorf("init: %s exists; use --force to overwrite it", out)}
			}
			cols, err := inspect.Sample(c.Context, files[0], source.Options{NullValues: audit.DefaultNullValues}, c.Int("rows"))
			if err != nil {
				return err
			}
			g := inspect.Roles(cols)
			if err := reports.WriteFile(out, []byte(inspect.YAML(g, relativeTo(out, paths), cols))); err != nil {
				return err
			}
			fmt.Fprintf(c.App.Writer, "wrote %s (label: %q, text: %q); check the guesses before running\n", out, g.Label, g.Text)
			return nil
		},
	}
}

// relativeTo rewrites relative paths so that they resolve against the
// folder of the config file at out, as audit.yaml's inputs do.
func relativeTo(out string, paths []string) []string {
	dir, err := filepath.Abs(filepath.Dir(out))
	if err != nil {
		return paths
	}
	res := make([]string, len(paths))
	for i, p := range paths {
		res[i] = p
		if filepath.IsAbs(p) {
			continue
		}
		abs, err := filepath.Abs(p)
		if err != nil {
			continue
		}
		if rel, err := filepath.Rel(dir, abs); err == nil {
			res[i] = filepath.ToSlash(rel)
		}
	}
	return res
}
