// Package remotetest serves files as a fake Cloud Storage service, for
// tests of gs:// inputs without a network.
package remotetest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// GCS is a fake of the parts of the Cloud Storage JSON and XML APIs that
// the storage client uses to read: object metadata, listing by prefix and
// (ranged) media downloads. Objects are read-only.
type GCS struct {
	// Addr is the server's host:port, for STORAGE_EMULATOR_HOST.
	Addr string
	// Reads counts media downloads.
	Reads atomic.Int64

	objects map[string][]byte // "bucket/name" → content
	updated time.Time
}

// Generation is the generation of every object of the fake.
const Generation = 7

// NewGCS serves objects ("bucket/name" → content) until the test ends;
// every object was last updated at updated.
func NewGCS(t testing.TB, objects map[string][]byte, updated time.Time) *GCS {
	g := &GCS{objects: objects, updated: updated}
	srv := httptest.NewServer(http.HandlerFunc(g.serve))
	t.Cleanup(srv.Close)
	g.Addr = srv.Listener.Addr().String()
	return g
}

func (g *GCS) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		http.Error(w, "read-only fake", http.StatusMethodNotAllowed)
		return
	}
	p := r.URL.EscapedPath()
	switch {
	case strings.HasPrefix(p, "/storage/v1/b/"):
		bucket, rest, _ := strings.Cut(strings.TrimPrefix(p, "/storage/v1/b/"), "/")
		switch {
		case rest == "o":
			g.list(w, bucket, r.URL.Query().Get("prefix"))
		case strings.HasPrefix(rest, "o/"):
			name, err := url.PathUnescape(strings.TrimPrefix(rest, "o/"))
			if err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			if r.URL.Query().Get("alt") == "media" {
				g.media(w, r, bucket+"/"+name)
				return
			}
			g.metadata(w, bucket, name)
		default:
			http.NotFound(w, r)
		}
	case strings.HasPrefix(p, "/download/storage/v1/b/"):
		bucket, rest, _ := strings.Cut(strings.TrimPrefix(p, "/download/storage/v1/b/"), "/")
		name, err := url.PathUnescape(strings.TrimPrefix(rest, "o/"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		g.media(w, r, bucket+"/"+name)
	default: // XML API: /bucket/name
		key, err := url.PathUnescape(strings.TrimPrefix(p, "/"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		g.media(w, r, key)
	}
}

// resource is an object's JSON metadata.
func (g *GCS) resource(bucket, name string) map[string]string {
	return map[string]string{
		"kind": "storage#object", "bucket": bucket, "name": name,
		"size":       strconv.Itoa(len(g.objects[bucket+"/"+name])),
		"generation": strconv.Itoa(Generation), "metageneration": "1",
		"updated": g.updated.UTC().Format(time.RFC3339Nano), "timeCreated": g.updated.UTC().Format(time.RFC3339Nano),
		"contentType": "application/octet-stream",
	}
}

func (g *GCS) metadata(w http.ResponseWriter, bucket, name string) {
	if _, ok := g.objects[bucket+"/"+name]; !ok {
		notFound(w)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(g.resource(bucket, name))
}

func (g *GCS) list(w http.ResponseWriter, bucket, prefix string) {
	var names []string
	for key := range g.objects {
		if b, name, _ := strings.Cut(key, "/"); b == bucket && strings.HasPrefix(name, prefix) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	items := []map[string]string{}
	for _, n := range names {
		items = append(items, g.resource(bucket, n))
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(map[string]any{"kind": "storage#objects", "items": items})
}

// media answers a download, whole or of the range asked for.
func (g *GCS) media(w http.ResponseWriter, r *http.Request, key string) {
	data, ok := g.objects[key]
	if !ok {
		notFound(w)
		return
	}
	if gen := r.URL.Query().Get("generation"); gen != "" && gen != strconv.Itoa(Generation) {
		notFound(w)
		return
	}
	g.Reads.Add(1)
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("X-Goog-Generation", strconv.Itoa(Generation))
	h.Set("X-Goog-Metageneration", "1")
	h.Set("X-Goog-Stored-Content-Length", strconv.Itoa(len(data)))
	h.Set("Last-Modified", g.updated.UTC().Format(http.TimeFormat))
	start, end := 0, len(data)
	if rng := r.Header.Get("Range"); rng != "" {
		var first, last int
		if n, _ := fmt.Sscanf(rng, "bytes=%d-%d", &first, &last); n >= 1 {
			start = first
			if n == 2 && last+1 < end {
				end = last + 1
			}
		}
		if start >= len(data) {
			w.WriteHeader(http.StatusRequestedRangeNotSatisfiable)
			return
		}
		h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, end-1, len(data)))
		h.Set("Content-Length", strconv.Itoa(end-start))
		w.WriteHeader(http.StatusPartialContent)
	} else {
		h.Set("Content-Length", strconv.Itoa(len(data)))
	}
	w.Write(data[start:end])
}

func notFound(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusNotFound)
	fmt.Fprint(w, `{"error":{"code":404,"message":"No such object.","errors":[{"reason":"notFound"}]}}`)
}
