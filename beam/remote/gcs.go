package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"
	"sync"

	"cloud.google.com/go/storage"
	"google.golang.org/api/iterator"

	"dataready/source"
)

// GCS reads gs://bucket/object URLs through a Cloud Storage client made
// on first use with the client's default credentials and endpoint.
type GCS struct {
	once   sync.Once
	client *storage.Client
	err    error
	cache  *blockCache
}

var _ source.FS = (*GCS)(nil)

// bucketURL is the part of url before the object name name:
// "scheme://bucket/", to which listed names are appended.
func bucketURL(url, name string) string {
	head := strings.TrimSuffix(url, name)
	if !strings.HasSuffix(head, "/") {
		head += "/"
	}
	return head
}

// bucketObject splits a gs:// or s3:// URL into bucket and object name.
func bucketObject(url string) (bucket, object string, err error) {
	_, rest, ok := strings.Cut(url, "://")
	if !ok {
		return "", "", fmt.Errorf("%s is not a URL", url)
	}
	bucket, object, _ = strings.Cut(rest, "/")
	if bucket == "" {
		return "", "", fmt.Errorf("%s names no bucket", url)
	}
	return bucket, object, nil
}

func (g *GCS) bucket(ctx context.Context, url string) (*storage.BucketHandle, string, error) {
	g.once.Do(func() {
		g.client, g.err = storage.NewClient(context.WithoutCancel(ctx))
		if g.err != nil {
			g.err = fmt.Errorf("google cloud storage client: %w", g.err)
		}
	})
	if g.err != nil {
		return nil, "", g.err
	}
	b, o, err := bucketObject(url)
	if err != nil {
		return nil, "", err
	}
	return g.client.Bucket(b), o, nil
}

// attrs returns the metadata of the object of url.
func (g *GCS) attrs(ctx context.Context, url string) (*storage.ObjectHandle, *storage.ObjectAttrs, error) {
	b, name, err := g.bucket(ctx, url)
	if err != nil {
		return nil, nil, err
	}
	if name == "" || strings.HasSuffix(name, "/") {
		return nil, nil, fmt.Errorf("not an object: %w", fs.ErrNotExist)
	}
	obj := b.Object(name)
	a, err := obj.Attrs(ctx)
	if errors.Is(err, storage.ErrObjectNotExist) || errors.Is(err, storage.ErrBucketNotExist) {
		return nil, nil, fmt.Errorf("%w (%w)", fs.ErrNotExist, err)
	}
	if err != nil {
		return nil, nil, err
	}
	// Later reads get this generation, or fail: never a mix of two
	// versions of the object.
	return obj.Generation(a.Generation), a, nil
}

// Stat returns the object's size and update time.
func (g *GCS) Stat(ctx context.Context, url string) (source.FileInfo, error) {
	_, a, err := g.attrs(ctx, url)
	if err != nil {
		return source.FileInfo{}, err
	}
	return source.FileInfo{Size: a.Size, ModTime: a.Updated}, nil
}

// Open opens the object's current generation for range reads.
func (g *GCS) Open(ctx context.Context, url string) (source.ReadAtCloser, error) {
	obj, a, err := g.attrs(ctx, url)
	if err != nil {
		return nil, err
	}
	fetch := func(ctx context.Context, p []byte, off int64) error {
		r, err := obj.NewRangeReader(ctx, off, int64(len(p)))
		if err != nil {
			return fmt.Errorf("read %d bytes at %d: %w", len(p), off, err)
		}
		defer r.Close()
		if _, err := io.ReadFull(r, p); err != nil {
			return fmt.Errorf("read %d bytes at %d: %w", len(p), off, err)
		}
		return nil
	}
	return &object{ctx: context.WithoutCancel(ctx), key: fmt.Sprintf("%s#%d", url, a.Generation), size: a.Size, fetch: fetch, cache: g.cache}, nil
}

// List returns the URLs of the objects whose URL starts with prefix,
// leaving out folder placeholders (names ending in "/").
func (g *GCS) List(ctx context.Context, prefix string) ([]string, error) {
	b, name, err := g.bucket(ctx, prefix)
	if err != nil {
		return nil, err
	}
	head := bucketURL(prefix, name)
	var urls []string
	it := b.Objects(ctx, &storage.Query{Prefix: name, Projection: storage.ProjectionNoACL})
	for {
		a, err := it.Next()
		if err == iterator.Done {
			break
		}
		if errors.Is(err, storage.ErrBucketNotExist) {
			return nil, fmt.Errorf("%w (%w)", fs.ErrNotExist, err)
		}
		if err != nil {
			return nil, err
		}
		if !strings.HasSuffix(a.Name, "/") {
			urls = append(urls, head+a.Name)
		}
	}
	return urls, nil
}
