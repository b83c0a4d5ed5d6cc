package cli

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"dataready/audit"
	"dataready/reports"
	"dataready/snapshot"
)

func diffCommand() *cli.Command {
	return &cli.Command{
		Name:      "diff",
		Usage:     "compare two report.json files: what got worse, what got better",
		ArgsUsage: "OLD NEW (report.json files, or the folders holding them)",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "format", Usage: "text (a table for the terminal), md or json", Value: "text"},
			&cli.StringFlag{Name: "fail-on", Usage: "regression: exit 1 when NEW has regressions since OLD"},
			&cli.Float64Flag{Name: "tolerance", Usage: "relative change past which a metric moving its worse way is a regression", Value: audit.DefaultTolerance},
		},
		Action: diffAction,
	}
}

func diffAction(c *cli.Context) error {
	if c.NArg() != 2 {
		return usageError{fmt.Errorf("diff: give OLD and NEW, two report.json files or their folders (got %d paths)", c.NArg())}
	}
	format := c.String("format")
	switch format {
	case "text", "md", "json":
	default:
		return usageError{fmt.Errorf("diff --format %q: want text, md or json", format)}
	}
	switch c.String("fail-on") {
	case "", "regression":
	default:
		return usageError{fmt.Errorf("diff --fail-on %q: the only value is regression", c.String("fail-on"))}
	}
	if t := c.Float64("tolerance"); t < 0 {
		return usageError{fmt.Errorf("diff --tolerance %v is negative", t)}
	}
	old, oldFile, err := snapshot.Read(c.Args().Get(0))
	if err != nil {
		return err
	}
	cur, curFile, err := snapshot.Read(c.Args().Get(1))
	if err != nil {
		return err
	}
	cmp, err := snapshot.Compare(old, cur, snapshot.Options{Tolerance: c.Float64("tolerance"), BaselinePath: oldFile, CurrentPath: curFile})
	if err != nil {
		return err
	}
	var out []byte
	switch format {
	case "text":
		out = reports.ComparisonText(cmp)
	case "md":
		out = reports.ComparisonMarkdown(cmp)
	case "json":
		if out, err = reports.ComparisonJSON(cmp); err != nil {
			return err
		}
	}
	if _, err := c.App.Writer.Write(out); err != nil {
		return err
	}
	if c.String("fail-on") == "regression" && cmp.Regressions > 0 {
		return errNotReady
	}
	return nil
}

func historyCommand() *cli.Command {
	return &cli.Command{
		Name:      "history",
		Usage:     "chart key metrics over every report.json under the folders, by snapshot time",
		ArgsUsage: "DIR... (folders searched for report.json files, or report files)",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Aliases: []string{"o"}, Usage: "folder to write history.html and history.json into", Value: "audit-history"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print nothing but errors"},
		},
		Action: historyAction,
	}
}

func historyAction(c *cli.Context) error {
	if c.NArg() == 0 {
		return usageError{errors.New("history: give the DIR... holding report.json files")}
	}
	h, err := snapshot.Collect(c.Args().Slice())
	if err != nil {
		return err
	}
	out := c.String("out")
	page, err := reports.HistoryHTML(h)
	if err != nil {
		return err
	}
	data, err := reports.HistoryJSON(h)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("history --out %s: %w", out, err)
	}
	if err := reports.WriteFile(filepath.Join(out, "history.json"), data); err != nil {
		return err
	}
	if err := reports.WriteFile(filepath.Join(out, "history.html"), page); err != nil {
		return err
	}
	if !c.Bool("quiet") {
		fmt.Fprintf(c.App.Writer, "%d snapshots, %s to %s: %s\n", len(h.Snapshots),
			h.Snapshots[0].SnapshotTime.Format("2006-01-02 15:04"), h.Snapshots[len(h.Snapshots)-1].SnapshotTime.Format("2006-01-02 15:04"),
			filepath.Join(out, "history.html"))
	}
	return nil
}
