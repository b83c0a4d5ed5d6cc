package remote_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"dataready/audit"
	"dataready/audit/registry"
	"dataready/beam/remote"
	"dataready/beam/remote/remotetest"
	"dataready/source"
)

// fixture is the bundled dataset: its folder, files and their newest
// modification time (the report's snapshot time).
const fixture = "../../fixtures/support-tickets/"

var fixtureFiles = []string{"train.csv", "holdout.parquet"}

// fixtureObjects returns the fixture's files as objects below prefix
// ("bucket/folder/"), and their newest modification time.
func fixtureObjects(t *testing.T, prefix string) (map[string][]byte, time.Time) {
	objects := map[string][]byte{}
	var newest time.Time
	for _, name := range fixtureFiles {
		data, err := os.ReadFile(fixture + name)
		if err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(fixture + name)
		if err != nil {
			t.Fatal(err)
		}
		if fi.ModTime().After(newest) {
			newest = fi.ModTime()
		}
		objects[prefix+name] = data
	}
	// Not data, and hidden: a folder read must leave them out.
	objects[prefix+"README.md"] = []byte("# tickets\n")
	objects[prefix+"_SUCCESS"] = nil
	return objects, newest
}

// reportJSON runs every check on cfg (findings too) and returns the report
// as JSON, with the config shown instead of cfg and without run metadata.
func reportJSON(t *testing.T, cfg, shown *audit.Config) string {
	t.Helper()
	rep, err := audit.Run(t.Context(), cfg, audit.RunOptions{Specs: registry.Checks(), Findings: true, ChunkBytes: 16 << 10, BatchRows: 128})
	if err != nil {
		t.Fatal(err)
	}
	rep.Run = audit.RunInfo{}
	rep.Config = shown
	b, err := json.MarshalIndent(rep, "", " ")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// compareWithLocal audits the fixture from the folder URL dir and from the
// disk, and checks the reports are the same but for the files' names.
func compareWithLocal(t *testing.T, dir string) {
	local, err := audit.LoadConfig(fixture + "audit.yaml")
	if err != nil {
		t.Fatal(err)
	}
	remote := *local
	remote.Train = []string{dir + "train.csv"}
	remote.Holdout = []string{dir + "*.parquet"}
	remote.Dir = t.TempDir() // nothing is read from the disk
	got := reportJSON(t, &remote, &remote)
	want := strings.ReplaceAll(reportJSON(t, local, &remote), filepath.Clean(fixture)+"/", dir)
	if got != want {
		t.Errorf("the report of %s differs from the local one:\n%s", dir, firstDiff(got, want))
	}
	if !strings.Contains(got, dir+"holdout.parquet") {
		t.Errorf("the report does not name %sholdout.parquet", dir)
	}
}

// firstDiff shows the first line where got and want differ.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := range min(len(g), len(w)) {
		if g[i] != w[i] {
			return fmt.Sprintf("line %d:\n got:  %s\n want: %s", i+1, g[i], w[i])
		}
	}
	return "one is a prefix of the other"
}

// TestGCS audits the fixture from a fake Cloud Storage service, through
// the storage client and STORAGE_EMULATOR_HOST, and checks the report
// equals the local run's.
func TestGCS(t *testing.T) {
	objects, updated := fixtureObjects(t, "data/tickets/")
	srv := remotetest.NewGCS(t, objects, updated)
	t.Setenv("STORAGE_EMULATOR_HOST", srv.Addr)
	remote.SmallBlocks(t)
	remote.Register()
	defer remote.Register()
	compareWithLocal(t, "gs://data/tickets/")
	// train.csv is 10 blocks, holdout.parquet 1.
	if n, reads := remote.Requests(), srv.Reads.Load(); n < 11 || reads != n {
		t.Errorf("%d range requests through the cache, %d downloads served: want at least 11, and as many served", n, reads)
	}
	got, err := source.Expand(t.Context(), []string{"gs://data/tickets"})
	if want := []string{"gs://data/tickets/holdout.parquet", "gs://data/tickets/train.csv"}; err != nil || strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("Expand(folder) = %q, %v; want %q", got, err, want)
	}
	for _, url := range []string{"gs://data/tickets/missing.csv", "gs://nobucket/a.csv", "gs://data/tickets/"} {
		if _, err := source.Open(t.Context(), url, source.Options{}); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), url) {
			t.Errorf("Open(%s) = %v; want an error naming it, wrapping fs.ErrNotExist", url, err)
		}
	}
}

// TestS3 audits the fixture from a fake S3 service (gofakes3), path-style,
// and checks the report equals the local run's.
func TestS3(t *testing.T) {
	objects, updated := fixtureObjects(t, "tickets/")
	fake := gofakes3.New(s3mem.New(), gofakes3.WithTimeSource(gofakes3.FixedTimeSource(updated)), gofakes3.WithTimeSkewLimit(0))
	srv := httptest.NewServer(fake.Server())
	defer srv.Close()
	client := s3.New(s3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		UsePathStyle: true,
		Credentials:  credentials.NewStaticCredentialsProvider("key", "secret", ""),
	})
	if _, err := client.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String("data")}); err != nil {
		t.Fatal(err)
	}
	for key, data := range objects {
		if _, err := client.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String("data"), Key: aws.String(key), Body: strings.NewReader(string(data))}); err != nil {
			t.Fatal(err)
		}
	}
	source.RegisterFS("s3", remote.NewS3(client))
	defer remote.Register()
	compareWithLocal(t, "s3://data/tickets/")
	for _, url := range []string{"s3://data/tickets/missing.csv", "s3://data/tickets/"} {
		if _, err := source.Open(t.Context(), url, source.Options{}); !errors.Is(err, fs.ErrNotExist) || !strings.Contains(err.Error(), url) {
			t.Errorf("Open(%s) = %v; want an error naming it, wrapping fs.ErrNotExist", url, err)
		}
	}
}
