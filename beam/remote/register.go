package remote

import "dataready/source"

// shared is the block cache of every object a process opens.
var shared = newBlockCache(BlockSize, CacheBytes)

// Register makes the source package read gs:// and s3:// inputs. The
// cloud clients are made on first use, so registering costs nothing in a
// run without such inputs.
func Register() {
	source.RegisterFS("gs", &GCS{cache: shared})
	source.RegisterFS("s3", &S3{cache: shared})
}
