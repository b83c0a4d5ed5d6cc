package main

import (
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strings"

	_ "github.com/duckdb/duckdb-go/v2" // registers the "duckdb" database/sql driver
)

// Query is one of the six reference queries.
type Query struct {
	ID    string // Q1 ... Q6
	Title string
	// SQL reads the view src; NORM(x) stands for the SQL form of the
	// audit's norm (see normSQL).
	SQL string
	// Reduce turns the result rows into the Answer compared across engines.
	Reduce func(rows [][]any) (Answer, error)
}

// Answer is a query's result as named integers: what the engines and the
// audit's report must agree on.
type Answer map[string]int64

// normSQL is norm(s) of package dataready/audit/norm written in DuckDB SQL
// for ASCII text ({x} stands for the argument): lower case, every run of
// ASCII white space (the six bytes norm's ASCII path treats as space)
// replaced by one space, then trimmed. The regular expression, which doubles
// the cost of Q4 and Q5, runs only on texts that hold a control white-space
// byte or two spaces in a row; on the others lower and trim give the same
// result. norm also applies Unicode NFKC and Unicode white space; the
// generated data holds no character that NFKC changes and no non-ASCII space
// (its only non-ASCII characters are € and £), which TestNormSQLMatchesAudit
// checks.
const normSQL = `trim(CASE WHEN regexp_matches({x}, '[\t\n\x0B\f\r]|  ') ` +
	`THEN regexp_replace(lower({x}), '[ \t\n\x0B\f\r]+', ' ', 'g') ELSE lower({x}) END)`

// expandNorm expands every NORM(x) in q, x a column name.
func expandNorm(q string) string {
	for {
		i := strings.Index(q, "NORM(")
		if i < 0 {
			return q
		}
		j := strings.IndexByte(q[i:], ')')
		arg := q[i+len("NORM(") : i+j]
		q = q[:i] + strings.ReplaceAll(normSQL, "{x}", arg) + q[i+j+1:]
	}
}

// Queries are Q1–Q6 as the issue defines them, in DuckDB SQL. Splits are
// named train and holdout as the generator writes them.
var Queries = []Query{
	{
		ID: "Q1", Title: "row count",
		SQL:    `SELECT count(*) FROM src`,
		Reduce: single("rows"),
	},
	{
		ID: "Q2", Title: "label counts per split",
		SQL:    `SELECT split, label, count(*) FROM src GROUP BY split, label`,
		Reduce: keyed(2),
	},
	{
		ID: "Q3", Title: "counts by region × channel × label",
		SQL:    `SELECT region, channel, label, count(*) FROM src GROUP BY region, channel, label`,
		Reduce: groups,
	},
	{
		ID: "Q4", Title: "normalized texts with more than one distinct label",
		SQL: `SELECT count(*), coalesce(sum(n), 0) FROM (
  SELECT NORM(text) AS t, count(*) AS n FROM src WHERE label IS NOT NULL
  GROUP BY t HAVING count(DISTINCT label) > 1)`,
		Reduce: single("texts", "rows"),
	},
	{
		ID: "Q5", Title: "holdout rows whose normalized text occurs in train",
		SQL: `SELECT count(*) FROM src
WHERE split = 'holdout' AND NORM(text) IN (SELECT NORM(text) FROM src WHERE split = 'train')`,
		Reduce: single("rows"),
	},
	{
		ID: "Q6", Title: "user_ids in both splits",
		SQL: `SELECT count(*) FROM (
  SELECT user_id FROM src WHERE split = 'train' AND user_id IS NOT NULL
  INTERSECT
  SELECT user_id FROM src WHERE split = 'holdout')`,
		Reduce: single("user_ids"),
	},
}

// queryByID returns the query with id.
func queryByID(id string) (Query, bool) {
	for _, q := range Queries {
		if q.ID == id {
			return q, true
		}
	}
	return Query{}, false
}

// single reads one row of integers named names.
func single(names ...string) func([][]any) (Answer, error) {
	return func(rows [][]any) (Answer, error) {
		if len(rows) != 1 || len(rows[0]) != len(names) {
			return nil, fmt.Errorf("want 1 row of %d values, got %d rows", len(names), len(rows))
		}
		a := Answer{}
		for i, n := range names {
			v, err := toInt(rows[0][i])
			if err != nil {
				return nil, fmt.Errorf("%s: %w", n, err)
			}
			a[n] = v
		}
		return a, nil
	}
}

// keyed reads rows of k key columns and a count into "k1/k2": count.
// A null key is written (null).
func keyed(k int) func([][]any) (Answer, error) {
	return func(rows [][]any) (Answer, error) {
		a := Answer{}
		for _, r := range rows {
			if len(r) != k+1 {
				return nil, fmt.Errorf("want %d columns, got %d", k+1, len(r))
			}
			parts := make([]string, k)
			for i := range k {
				parts[i] = keyString(r[i])
			}
			v, err := toInt(r[k])
			if err != nil {
				return nil, err
			}
			a[strings.Join(parts, "/")] += v
		}
		return a, nil
	}
}

// groups reads rows of group keys and a count into the number of groups and
// the sum of the counts.
func groups(rows [][]any) (Answer, error) {
	var sum int64
	for _, r := range rows {
		if len(r) == 0 {
			return nil, fmt.Errorf("empty row")
		}
		v, err := toInt(r[len(r)-1])
		if err != nil {
			return nil, err
		}
		sum += v
	}
	return Answer{"groups": int64(len(rows)), "rows": sum}, nil
}

func keyString(v any) string {
	switch v := v.(type) {
	case nil:
		return "(null)"
	case string:
		return v
	case []byte:
		return string(v)
	}
	return fmt.Sprint(v)
}

func toInt(v any) (int64, error) {
	switch v := v.(type) {
	case int64:
		return v, nil
	case int32:
		return int64(v), nil
	case int:
		return int64(v), nil
	case uint64:
		return int64(v), nil
	case float64:
		if v == float64(int64(v)) {
			return int64(v), nil
		}
	case nil:
		return 0, nil
	}
	// HUGEINT sums arrive as *big.Int, which prints as its decimal value.
	var n int64
	if _, err := fmt.Sscan(fmt.Sprint(v), &n); err == nil {
		return n, nil
	}
	return 0, fmt.Errorf("not an integer: %v (%T)", v, v)
}

// sourceSQL is the DuckDB table function reading path in format.
func sourceSQL(format, path string) (string, error) {
	lit := "'" + strings.ReplaceAll(path, "'", "''") + "'"
	switch format {
	case "csv":
		return "read_csv(" + lit + ")", nil
	case "parquet":
		return "read_parquet(" + lit + ")", nil
	}
	return "", fmt.Errorf("unknown format %q (want csv or parquet)", format)
}

// runDuckDB runs q on the file at path in an in-memory DuckDB with its
// default settings (threads = cores) and returns its Answer.
func runDuckDB(ctx context.Context, q Query, format, path string) (Answer, error) {
	src, err := sourceSQL(format, path)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return nil, err
	}
	defer db.Close()
	// One connection, so the view is visible to the query.
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "CREATE TEMP VIEW src AS SELECT * FROM "+src); err != nil {
		return nil, fmt.Errorf("%s: create view: %w", q.ID, err)
	}
	rows, err := conn.QueryContext(ctx, expandNorm(q.SQL))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", q.ID, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return nil, err
	}
	var all [][]any
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return nil, fmt.Errorf("%s: %w", q.ID, err)
		}
		all = append(all, vals)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", q.ID, err)
	}
	return q.Reduce(all)
}

// duckDBVersion is the version of the linked DuckDB library.
func duckDBVersion(ctx context.Context) (string, error) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		return "", err
	}
	defer db.Close()
	var v string
	err = db.QueryRowContext(ctx, "SELECT version()").Scan(&v)
	return v, err
}

// Diff lists the differences between got and want, one line per key, in key
// order; empty when they are equal.
func Diff(got, want Answer) []string {
	seen := Answer{}
	maps.Copy(seen, got)
	maps.Copy(seen, want)
	keys := slices.Sorted(maps.Keys(seen))
	var out []string
	for _, k := range keys {
		g, gok := got[k]
		w, wok := want[k]
		switch {
		case !gok:
			out = append(out, fmt.Sprintf("%s: missing, want %d", k, w))
		case !wok:
			out = append(out, fmt.Sprintf("%s: got %d, not expected", k, g))
		case g != w:
			out = append(out, fmt.Sprintf("%s: got %d, want %d", k, g, w))
		}
	}
	return out
}
