package cli

import (
	"errors"
	"fmt"
	"os"

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
			files, err := source.Expand(paths)
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
			if err := reports.WriteFile(out, []byte(inspect.YAML(g, paths, cols))); err != nil {
				return err
			}
			fmt.Fprintf(c.App.Writer, "wrote %s (label: %q, text: %q); check the guesses before running\n", out, g.Label, g.Text)
			return nil
		},
	}
}
