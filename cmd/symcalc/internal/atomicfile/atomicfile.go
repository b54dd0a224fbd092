// Package atomicfile writes output files so that a reader never sees a
// half-written file: the data goes to a temporary file beside the target,
// which is then renamed over it.
package atomicfile

import (
	"os"
	"path/filepath"
)

// Write writes data to path atomically, with mode 0644. On failure the
// temporary file is removed and path is left as it was.
func Write(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(name, 0o644)
	}
	if err == nil {
		err = os.Rename(name, path)
	}
	if err != nil {
		os.Remove(name)
	}
	return err
}
