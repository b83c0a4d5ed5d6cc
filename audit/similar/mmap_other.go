//go:build !unix

package similar

import "os"

// mapFile does not map files on this platform: texts are read with ReadAt.
func mapFile(*os.File, int64) ([]byte, error) { return nil, nil }

// unmapFile undoes mapFile.
func unmapFile([]byte) error { return nil }
