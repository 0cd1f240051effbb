package main

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// writeError says in Danish why a file could not be written to path: a
// read-only folder (a locked USB stick, a CD, a folder of another user), a
// folder that does not exist, a full disk; the library's own words follow
// in parentheses for IT.
func writeError(path string, err error) error {
	dir := filepath.Dir(path)
	switch {
	case errors.Is(err, fs.ErrPermission) || isReadOnlyFS(err):
		return fmt.Errorf("kan ikke skrive %s: mappen %s er skrivebeskyttet, eller du har ikke adgang til den; vælg en anden mappe (%v)", path, dir, err)
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("kan ikke skrive %s: mappen %s findes ikke (%v)", path, dir, err)
	case isDiskFull(err):
		return fmt.Errorf("kan ikke skrive %s: der er ikke plads på disken (%v)", path, err)
	}
	return fmt.Errorf("kan ikke skrive %s: %w", path, err)
}

// checkWritable makes and removes a file in path's folder, so that a
// read-only destination is reported in Danish before any work is done.
func checkWritable(path string) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".lokalraad-*")
	if err != nil {
		return writeError(path, err)
	}
	f.Close()
	return os.Remove(f.Name())
}
