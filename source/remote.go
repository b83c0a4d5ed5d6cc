package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strings"
	"sync"
	"time"
)

// FS reads input files that are not on a local disk: objects of a bucket
// named by a URL ("gs://bucket/data/train.csv"), chosen by the URL's
// scheme. The source package has none of its own: a program registers one
// per scheme with RegisterFS (audit-beam registers gs:// and s3://). Local
// paths never go through an FS. Its methods are called from many
// goroutines at once.
type FS interface {
	// Stat describes the file at url; a missing file is an error that
	// wraps fs.ErrNotExist.
	Stat(ctx context.Context, url string) (FileInfo, error)
	// Open opens the file at url for reads at any offset, from any
	// number of goroutines at once.
	Open(ctx context.Context, url string) (ReadAtCloser, error)
	// List returns the URL of every file whose URL starts with prefix, in
	// any order.
	List(ctx context.Context, prefix string) ([]string, error)
}

// FileInfo describes a file of an FS.
type FileInfo struct {
	Size    int64
	ModTime time.Time
}

// ReadAtCloser is an open file of an FS.
type ReadAtCloser interface {
	io.ReaderAt
	io.Closer
}

var filesystems = struct {
	sync.RWMutex
	m map[string]FS
}{m: map[string]FS{}}

// RegisterFS makes fsys read the paths of a URL scheme ("gs" reads
// "gs://..." paths), replacing any FS registered for it before.
func RegisterFS(scheme string, fsys FS) {
	filesystems.Lock()
	defer filesystems.Unlock()
	filesystems.m[scheme] = fsys
}

// IsURL reports whether p names a file by URL ("scheme://...") rather
// than by a local path; relative paths of a config are not resolved
// against its folder when they are URLs.
func IsURL(p string) bool { return scheme(p) != "" }

// scheme returns the URL scheme of p, "" for a local path. A scheme is a
// letter followed by letters, digits, "+", "-" or ".", then "://"; a
// one-letter scheme is taken for a Windows drive, not a URL.
func scheme(p string) string {
	i := strings.Index(p, "://")
	if i < 2 {
		return ""
	}
	for j, c := range p[:i] {
		letter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if !letter && (j == 0 || !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return ""
		}
	}
	return strings.ToLower(p[:i])
}

// ErrNoFS is wrapped by the error of a URL whose scheme has no registered
// FS.
var ErrNoFS = errors.New("this program cannot read")

// fsOf returns the FS of url.
func fsOf(url string) (FS, error) {
	s := scheme(url)
	filesystems.RLock()
	fsys := filesystems.m[s]
	filesystems.RUnlock()
	if fsys == nil {
		return nil, &Error{File: url, Err: fmt.Errorf("%w %s:// paths (audit run reads local files; audit-beam also reads gs:// and s3://)", ErrNoFS, s)}
	}
	return fsys, nil
}

// Stat returns the size and modification time of the file at p, a local
// path or a URL of a registered FS. Errors name the file.
func Stat(ctx context.Context, p string) (FileInfo, error) {
	if !IsURL(p) {
		fi, err := os.Stat(p)
		if err != nil {
			return FileInfo{}, osError(p, err)
		}
		return FileInfo{Size: fi.Size(), ModTime: fi.ModTime()}, nil
	}
	fsys, err := fsOf(p)
	if err != nil {
		return FileInfo{}, err
	}
	fi, err := fsys.Stat(ctx, p)
	if err != nil {
		return FileInfo{}, remoteError(p, err)
	}
	return fi, nil
}

// remoteError wraps an error of an FS with the URL, unless it names a file
// already.
func remoteError(url string, err error) error {
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &Error{File: url, Err: err}
}

// openAt opens p for reads at any offset: a local file or a file of a
// registered FS.
func openAt(ctx context.Context, p string) (ReadAtCloser, error) {
	if !IsURL(p) {
		f, err := os.Open(p)
		if err != nil {
			return nil, osError(p, err)
		}
		return f, nil
	}
	fsys, err := fsOf(p)
	if err != nil {
		return nil, err
	}
	r, err := fsys.Open(ctx, p)
	if err != nil {
		return nil, remoteError(p, err)
	}
	return r, nil
}

// sequential reads a ReadAtCloser from its start, one ReadAt per Read.
type sequential struct {
	*io.SectionReader
	io.Closer
}

// openStream opens p (size bytes) for reading from its start.
func openStream(ctx context.Context, p string, size int64) (io.ReadCloser, error) {
	r, err := openAt(ctx, p)
	if err != nil {
		return nil, err
	}
	if f, ok := r.(*os.File); ok {
		return f, nil
	}
	return sequential{io.NewSectionReader(r, 0, size), r}, nil
}

// expandURL expands one URL argument as Expand expands a path: a file, a
// glob (path.Match syntax, "*" not crossing "/"), or a "folder" (every
// data file whose URL starts with the argument and "/", hidden and "_"
// names skipped).
func expandURL(ctx context.Context, p string) ([]string, error) {
	fsys, err := fsOf(p)
	if err != nil {
		return nil, err
	}
	if hasMeta(p) {
		if _, err := path.Match(p, ""); err != nil {
			return nil, &Error{File: p, Err: fmt.Errorf("bad pattern: %w", err)}
		}
		prefix := p[:strings.IndexAny(p, `*?[`)]
		all, err := fsys.List(ctx, prefix)
		if err != nil {
			return nil, remoteError(p, err)
		}
		var files []string
		for _, f := range all {
			if globMatch(p, f) {
				files = append(files, f)
			}
		}
		if len(files) == 0 {
			return nil, &Error{File: p, Err: fmt.Errorf("%w: the pattern matches nothing", ErrNoMatch)}
		}
		slices.Sort(files)
		return files, nil
	}
	_, statErr := fsys.Stat(ctx, p)
	if statErr == nil {
		return []string{p}, nil
	}
	dir := strings.TrimSuffix(p, "/") + "/"
	all, err := fsys.List(ctx, dir)
	if err != nil {
		return nil, remoteError(p, err)
	}
	if len(all) == 0 {
		return nil, remoteError(p, statErr)
	}
	var files []string
	for _, f := range all {
		if strings.HasPrefix(f, dir) && dataUnder(f[len(dir):]) {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		return nil, &Error{File: p, Err: fmt.Errorf("%w in the folder (want %s)", ErrNoMatch, strings.Join(dataSuffixes, ", "))}
	}
	slices.Sort(files)
	return files, nil
}

// globMatch reports whether the file url is matched by pattern, itself or
// as a data file below a "folder" the pattern matches (as a local glob
// matching a directory expands it).
func globMatch(pattern, url string) bool {
	if ok, _ := path.Match(pattern, url); ok {
		return true
	}
	for i := len(url) - 1; i > 0; i-- {
		if url[i] != '/' {
			continue
		}
		if ok, _ := path.Match(pattern, url[:i]); ok {
			return dataUnder(url[i+1:])
		}
	}
	return false
}

// dataUnder reports whether rel, a path below a folder, names a data file
// and no part of it is hidden or starts with "_".
func dataUnder(rel string) bool {
	parts := strings.Split(rel, "/")
	for _, part := range parts {
		if part == "" || skipped(part) {
			return false
		}
	}
	return isDataName(parts[len(parts)-1])
}
