package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"dataready/source"
)

// S3 reads s3://bucket/key URLs through an S3 client made on first use
// from the AWS default configuration; with an endpoint configured
// (AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL: an S3-compatible store),
// requests are path-style.
type S3 struct {
	// Client, when set, is used instead of the default one (tests).
	Client *s3.Client

	once  sync.Once
	err   error
	cache *blockCache
}

var _ source.FS = (*S3)(nil)

func (f *S3) client(ctx context.Context) (*s3.Client, error) {
	f.once.Do(func() {
		if f.Client != nil {
			return
		}
		cfg, err := config.LoadDefaultConfig(context.WithoutCancel(ctx))
		if err != nil {
			f.err = fmt.Errorf("aws configuration: %w", err)
			return
		}
		f.Client = s3.NewFromConfig(cfg, func(o *s3.Options) {
			o.UsePathStyle = o.BaseEndpoint != nil
		})
	})
	return f.Client, f.err
}

// notFound turns an S3 404 into an error wrapping fs.ErrNotExist.
func notFound(err error) error {
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.HTTPStatusCode() == http.StatusNotFound {
		return fmt.Errorf("%w (%w)", fs.ErrNotExist, err)
	}
	return err
}

// head returns the size, update time and ETag of the object of url.
func (f *S3) head(ctx context.Context, url string) (*s3.Client, string, string, *s3.HeadObjectOutput, error) {
	c, err := f.client(ctx)
	if err != nil {
		return nil, "", "", nil, err
	}
	bucket, key, err := bucketObject(url)
	if err != nil {
		return nil, "", "", nil, err
	}
	if key == "" || strings.HasSuffix(key, "/") {
		return nil, "", "", nil, fmt.Errorf("not an object: %w", fs.ErrNotExist)
	}
	out, err := c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: &bucket, Key: &key})
	if err != nil {
		return nil, "", "", nil, notFound(err)
	}
	return c, bucket, key, out, nil
}

// Stat returns the object's size and modification time.
func (f *S3) Stat(ctx context.Context, url string) (source.FileInfo, error) {
	_, _, _, out, err := f.head(ctx, url)
	if err != nil {
		return source.FileInfo{}, err
	}
	return source.FileInfo{Size: aws.ToInt64(out.ContentLength), ModTime: aws.ToTime(out.LastModified)}, nil
}

// Open opens the object for range reads; every read asks for the ETag
// Open saw (If-Match), so a replaced object fails the read instead of
// mixing two versions.
func (f *S3) Open(ctx context.Context, url string) (source.ReadAtCloser, error) {
	c, bucket, key, out, err := f.head(ctx, url)
	if err != nil {
		return nil, err
	}
	etag := out.ETag
	fetch := func(ctx context.Context, p []byte, off int64) error {
		rng := fmt.Sprintf("bytes=%d-%d", off, off+int64(len(p))-1)
		got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: &bucket, Key: &key, Range: &rng, IfMatch: etag})
		if err != nil {
			return fmt.Errorf("read %d bytes at %d: %w", len(p), off, err)
		}
		defer got.Body.Close()
		if _, err := io.ReadFull(got.Body, p); err != nil {
			return fmt.Errorf("read %d bytes at %d: %w", len(p), off, err)
		}
		return nil
	}
	return &object{ctx: context.WithoutCancel(ctx), key: url + "#" + aws.ToString(etag), size: aws.ToInt64(out.ContentLength), fetch: fetch, cache: f.cache}, nil
}

// List returns the URLs of the objects whose URL starts with prefix,
// leaving out folder placeholders (keys ending in "/").
func (f *S3) List(ctx context.Context, prefix string) ([]string, error) {
	c, err := f.client(ctx)
	if err != nil {
		return nil, err
	}
	bucket, key, err := bucketObject(prefix)
	if err != nil {
		return nil, err
	}
	head := bucketURL(prefix, key)
	var urls []string
	pages := s3.NewListObjectsV2Paginator(c, &s3.ListObjectsV2Input{Bucket: &bucket, Prefix: &key})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, notFound(err)
		}
		for _, o := range page.Contents {
			if k := aws.ToString(o.Key); !strings.HasSuffix(k, "/") {
				urls = append(urls, head+k)
			}
		}
	}
	return urls, nil
}

// NewS3 returns an S3 that reads through client (a test's, or one with
// options of the caller's own) with the process's block cache.
func NewS3(client *s3.Client) *S3 { return &S3{Client: client, cache: shared} }
