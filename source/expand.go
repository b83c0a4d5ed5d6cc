package source

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ErrNoMatch is returned by Expand for a glob that matches nothing or a
// directory without data files.
var ErrNoMatch = errors.New("no data files")

// dataSuffixes are the names Expand picks up in a directory.
var dataSuffixes = []string{".csv", ".tsv", ".csv.gz", ".tsv.gz", ".parquet"}

// Expand turns command-line paths into a list of files. Each path is a file
// (kept whatever its extension, so that Open can say what is wrong with
// it), a glob (filepath.Match syntax; matches in sorted order, a matched
// directory expanded like a directory), or a directory: every .csv, .tsv,
// .csv.gz, .tsv.gz and .parquet file below it, recursively, sorted by path.
// Inside a directory, names starting with "." or "_" are skipped (hidden
// files, and Spark/Hive markers such as _SUCCESS and _temporary/).
//
// The result keeps the arguments' order and drops repeats. A glob matching
// nothing or a directory without data files is an *Error wrapping
// ErrNoMatch; a missing path wraps fs.ErrNotExist.
//
// A URL ("gs://bucket/data/") is expanded by the FS registered for its
// scheme (see RegisterFS), alike: a file, a glob (path.Match syntax: "*"
// does not cross "/"), or a folder (the data files whose URL starts with
// it and "/").
func Expand(ctx context.Context, paths []string) ([]string, error) {
	var out []string
	seen := make(map[string]bool)
	add := func(p string) {
		key := p
		if !IsURL(p) {
			key = filepath.Clean(p)
		}
		if !seen[key] {
			seen[key] = true
			out = append(out, p)
		}
	}
	for _, p := range paths {
		if IsURL(p) {
			files, err := expandURL(ctx, p)
			if err != nil {
				return nil, err
			}
			for _, f := range files {
				add(f)
			}
			continue
		}
		if hasMeta(p) {
			matches, err := filepath.Glob(p)
			if err != nil {
				return nil, &Error{File: p, Err: fmt.Errorf("bad pattern: %w", err)}
			}
			var files []string
			for _, m := range matches {
				fi, err := os.Stat(m)
				if err != nil {
					return nil, osError(m, err)
				}
				if !fi.IsDir() {
					files = append(files, m)
					continue
				}
				found, err := walkData(m)
				if err != nil {
					return nil, err
				}
				files = append(files, found...)
			}
			if len(files) == 0 {
				return nil, &Error{File: p, Err: fmt.Errorf("%w: the pattern matches nothing", ErrNoMatch)}
			}
			for _, f := range files {
				add(f)
			}
			continue
		}
		fi, err := os.Stat(p)
		if err != nil {
			return nil, osError(p, err)
		}
		if !fi.IsDir() {
			add(p)
			continue
		}
		found, err := walkData(p)
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, &Error{File: p, Err: fmt.Errorf("%w in the directory (want %s)", ErrNoMatch, strings.Join(dataSuffixes, ", "))}
		}
		for _, f := range found {
			add(f)
		}
	}
	return out, nil
}

// hasMeta reports whether p holds glob metacharacters.
func hasMeta(p string) bool {
	return strings.ContainsAny(p, `*?[`)
}

// walkData lists the data files below dir, sorted.
func walkData(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return osError(p, err)
		}
		name := d.Name()
		if p != dir && skipped(name) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() || !isDataName(name) {
			return nil
		}
		if !d.Type().IsRegular() {
			fi, err := os.Stat(p) // follow a symlink to a file
			if err != nil || !fi.Mode().IsRegular() {
				return nil
			}
		}
		files = append(files, p)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	return files, nil
}

// skipped reports whether a name inside a folder is left out: hidden
// (".") or a Spark/Hive marker ("_").
func skipped(name string) bool {
	return strings.HasPrefix(name, ".") || strings.HasPrefix(name, "_")
}

// isDataName reports whether a file name has a data file suffix.
func isDataName(name string) bool {
	name = strings.ToLower(name)
	for _, s := range dataSuffixes {
		if strings.HasSuffix(name, s) {
			return true
		}
	}
	return false
}
