package outbound

import (
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
)

// Reserved is the hub's own secret files and folders. A destination's
// bearer_token_file or basic_auth password_file may name none of them:
// the hub sends that file's content to the destination, so a routes
// version naming the Aadhaar key file would send the key to any URL an
// operator chooses.
type Reserved struct {
	// Files maps a description, such as "the hub's Aadhaar key file", to
	// a path. A hard link or symbolic link to the file is the file.
	Files map[string]string
	// Folders maps a description, such as "the hub's data folder", to a
	// folder whose files, at any depth, are the hub's own.
	Folders map[string]string
}

// check returns an error when the file at path, which st describes, is
// one of r's files or lies in one of r's folders. A nil r reserves
// nothing.
func (r *Reserved) check(path string, st os.FileInfo) error {
	if r == nil {
		return nil
	}
	for _, description := range slices.Sorted(maps.Keys(r.Files)) {
		other, err := os.Stat(r.Files[description])
		if err == nil && os.SameFile(st, other) {
			return reservedError(path, description)
		}
	}
	// The folder's files are compared with the opened file itself, not
	// by path, because a hard link outside the folder to a file in it has
	// a path of its own.
	for _, description := range slices.Sorted(maps.Keys(r.Folders)) {
		folder, err := filepath.EvalSymlinks(r.Folders[description])
		if err == nil && holdsFile(folder, st) {
			return inFolderError(path, description)
		}
	}
	return nil
}

// holdsFile reports whether st is one of the regular files in folder, at
// any depth. It reads the folder at each call, because a data folder contains
// a few files and the check runs only when a credentials file changes.
func holdsFile(folder string, st os.FileInfo) bool {
	found := false
	_ = filepath.WalkDir(folder, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return nil // The walk skips an entry it cannot read and goes on.
		}
		info, err := d.Info()
		if err == nil && os.SameFile(st, info) {
			found = true
			return filepath.SkipAll
		}
		return nil
	})
	return found
}

func inFolderError(path, description string) error {
	return fmt.Errorf("%s is in %s, whose files are the hub's own and must not be sent "+
		"to a destination: name a file that contains only this destination's secret", path, description)
}

func reservedError(path, description string) error {
	return fmt.Errorf("%s is %s, whose content must not be sent to a destination: name a file "+
		"that contains only this destination's secret", path, description)
}
