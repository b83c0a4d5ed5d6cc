// Package sourcetest serves test files to the source package as if they
// were remote.
package sourcetest

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"

	"dataready/source"
)

// DirFS is a source.FS that serves the local folder Root under the URL
// prefix Prefix ("mem://bucket/"): the URL Prefix+"a/b.csv" is the file
// Root/a/b.csv. It counts the calls made to it, so a test can tell the
// files were read through it.
type DirFS struct {
	Prefix string
	Root   string
	// Opens and Reads count Open and ReadAt calls.
	Opens, Reads atomic.Int64
}

var _ source.FS = (*DirFS)(nil)

// local returns the file of url.
func (d *DirFS) local(url string) (string, error) {
	rel, ok := strings.CutPrefix(url, d.Prefix)
	if !ok {
		return "", fmt.Errorf("%s is not below %s", url, d.Prefix)
	}
	return filepath.Join(d.Root, filepath.FromSlash(rel)), nil
}

// Stat describes the file of url; a folder does not exist, as in a bucket.
func (d *DirFS) Stat(_ context.Context, url string) (source.FileInfo, error) {
	p, err := d.local(url)
	if err != nil {
		return source.FileInfo{}, err
	}
	fi, err := os.Stat(p)
	if err == nil && fi.IsDir() {
		err = fs.ErrNotExist
	}
	if err != nil {
		return source.FileInfo{}, fmt.Errorf("stat: %w", err)
	}
	return source.FileInfo{Size: fi.Size(), ModTime: fi.ModTime()}, nil
}

// Open opens the file of url.
func (d *DirFS) Open(_ context.Context, url string) (source.ReadAtCloser, error) {
	p, err := d.local(url)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if err != nil {
		return nil, err
	}
	d.Opens.Add(1)
	return &countedFile{f, &d.Reads}, nil
}

// List returns the URLs of the files below Root whose URL starts with
// prefix.
func (d *DirFS) List(_ context.Context, prefix string) ([]string, error) {
	var urls []string
	err := filepath.WalkDir(d.Root, func(p string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() {
			return err
		}
		rel, err := filepath.Rel(d.Root, p)
		if err != nil {
			return err
		}
		if url := d.Prefix + filepath.ToSlash(rel); strings.HasPrefix(url, prefix) {
			urls = append(urls, url)
		}
		return nil
	})
	return urls, err
}

// countedFile counts its ReadAt calls.
type countedFile struct {
	*os.File
	reads *atomic.Int64
}

func (f *countedFile) ReadAt(p []byte, off int64) (int, error) {
	f.reads.Add(1)
	return f.File.ReadAt(p, off)
}
