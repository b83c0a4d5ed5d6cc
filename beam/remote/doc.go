// Package remote reads audit inputs from buckets: it implements
// source.FS for gs:// (Google Cloud Storage) and s3:// (Amazon S3 and
// S3-compatible stores), so that audit-beam's workers read each unit's
// bytes from the bucket instead of a shared disk.
//
// # What it owns
//
// Register, which audit-beam calls at start (in the launcher and in every
// worker); the two FS types (GCS, S3), each a thin layer over its cloud
// client: object metadata (Stat), listing by prefix (List), and range
// reads (Open); and Blocks, the read cache between the source package's
// ReadAt calls and the range requests, shared by both.
//
// Reads at any offset are what a Parquet file needs (its footer, then
// each column chunk of a row group): Beam's own filesystems only open a
// stream from the start of an object, and its parquetio reads whole files
// into memory. Every ReadAt of the source package becomes reads of
// aligned blocks (BlockSize) through a process-wide cache of recently read
// blocks (CacheBytes in all): a sequential CSV read makes one request per
// block, and the interleaved page reads of a Parquet row group's columns
// hit blocks already fetched.
//
// Credentials and endpoints are the cloud clients' defaults: Application
// Default Credentials and STORAGE_EMULATOR_HOST for GCS; the AWS default
// chain (environment, shared config, instance role) for S3, with
// AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL for an S3-compatible store,
// which is then addressed path-style (http://host/bucket/key), as MinIO
// and most such stores expect.
package remote
