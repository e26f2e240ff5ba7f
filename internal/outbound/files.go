package outbound

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"sync"
)

// maxFileBytes caps the size of a secret, key or certificate file. Real
// ones take a few kilobytes, and the cap stops a path that names the
// wrong, large file from being read into memory at every change.
const maxFileBytes = 1 << 20

// fileError is an error about the file that a field of a destination's
// routes entry names.
type fileError struct {
	// field is the entry's field, such as "tls.ca_file".
	field string
	// path is the file's path, as the field gives it.
	path string
	// err names the field and the path, and never repeats the file's
	// content.
	err error
}

// fieldError returns a *fileError about the file at path, which field
// names, whose message starts with the field.
func fieldError(field, path string, err error) error {
	return &fileError{field: field, path: path, err: fmt.Errorf("%s: %w", field, err)}
}

func (e *fileError) Error() string { return e.err.Error() }

func (e *fileError) Unwrap() error { return e.err }

// file is a file that a destination's routes entry names.
type file struct {
	// field is the entry's field that names the file, such as
	// "bearer_token_file", for error messages.
	field string
	path  string
}

// reloader caches a value parsed from files, and reads and parses them
// again when one of them changes: another file at the path, another size
// or another modification time. It is safe for concurrent use.
type reloader[T any] struct {
	files []file
	parse func(contents [][]byte) (T, error)
	// reserved, when set, lists what the files may not be. Each file is
	// checked against it whenever it changes.
	reserved *Reserved

	mu    sync.Mutex
	stats []os.FileInfo // nil until the first successful load
	value T
}

// load returns the value, read again when a file changed since the last
// successful load. The error joins one error for each file that cannot
// be used, each naming the field and the path, and never repeats a
// file's content.
func (r *reloader[T]) load() (T, error) {
	var zero T
	stats := make([]os.FileInfo, len(r.files))
	problems := make([]error, len(r.files))
	for i, f := range r.files {
		st, err := os.Stat(f.path)
		if err != nil {
			problems[i] = fieldError(f.field, f.path, err)
		}
		stats[i] = st
	}
	if err := errors.Join(problems...); err != nil {
		return zero, errors.Join(r.readProblems(stats, problems)...)
	}

	r.mu.Lock()
	defer r.mu.Unlock()
	if r.stats != nil && sameFiles(r.stats, stats) {
		return r.value, nil
	}

	contents := make([][]byte, len(r.files))
	read := make([]os.FileInfo, len(r.files))
	for i, f := range r.files {
		b, st, err := readFile(f.path, r.reserved)
		if err != nil {
			problems[i] = fieldError(f.field, f.path, err)
		}
		contents[i], read[i] = b, st
	}
	if err := errors.Join(problems...); err != nil {
		return zero, err
	}

	v, err := r.parse(contents)
	if err != nil {
		return zero, err
	}
	// The cache keeps the os.FileInfo of each file as it was opened, so
	// a file replaced after the read differs from it at the next load,
	// which reads and checks it again.
	r.stats, r.value = read, v
	return v, nil
}

// readProblems returns problems, one per file, with the problem of
// reading each file that has a stat and none yet, so that the error of
// a load names every file that cannot be used, not only the missing ones.
func (r *reloader[T]) readProblems(stats []os.FileInfo, problems []error) []error {
	for i, f := range r.files {
		if stats[i] == nil || problems[i] != nil {
			continue
		}
		if _, _, err := readFile(f.path, r.reserved); err != nil {
			problems[i] = fieldError(f.field, f.path, err)
		}
	}
	return problems
}

func sameFiles(a, b []os.FileInfo) bool {
	for i := range a {
		if !os.SameFile(a[i], b[i]) || !a[i].ModTime().Equal(b[i].ModTime()) ||
			a[i].Size() != b[i].Size() {
			return false
		}
	}
	return true
}

// readFile reads path, up to maxFileBytes, and returns the os.FileInfo
// of the file it opened. It checks that file after opening it, so a path
// that is switched between a check and the read still gets an error,
// never the content of a reserved file. A file that is not a regular
// file, such as a named pipe, is an error, returned without waiting for
// a writer.
func readFile(path string, reserved *Reserved) ([]byte, os.FileInfo, error) {
	f, err := os.OpenFile(path, openFlags, 0)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if !st.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("%s is %s, not a regular file: name a file that contains "+
			"the secret, key or certificate itself", path, fileKind(st.Mode()))
	}
	if err := reserved.check(path, st); err != nil {
		return nil, nil, err
	}
	b, err := io.ReadAll(io.LimitReader(f, maxFileBytes+1))
	if err != nil {
		return nil, nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(b) > maxFileBytes {
		return nil, nil, fmt.Errorf("%s is larger than %d bytes, too large for a secret, key or "+
			"certificate: check the path", path, maxFileBytes)
	}
	return b, st, nil
}

// fileKind names the kind of a file that is not a regular file.
func fileKind(mode fs.FileMode) string {
	switch {
	case mode.IsDir():
		return "a directory"
	case mode&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case mode&fs.ModeSocket != 0:
		return "a socket"
	case mode&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}

// SecretFile returns a function that returns the secret in the file at
// path, without surrounding white space. The function reads the file
// again when it changes, so a rotated secret takes effect at the next
// call. Its error starts with field, the setting that names the file,
// and never repeats the file's content. An empty file, or a secret with
// a control character such as a line break inside it, is an error.
func SecretFile(field, path string) func() (string, error) {
	return secretFile(field, path, nil, func(secret string) string { return secret })
}

// secretFile returns a function that returns the value that convert
// makes of the secret in the file at path, as SecretFile reads it, and
// an error when the file is one of reserved. convert runs once per
// change of the file, not once per call.
func secretFile[T any](field, path string, reserved *Reserved, convert func(secret string) T) func() (T, error) {
	r := &reloader[T]{
		reserved: reserved,
		files:    []file{{field, path}},
		parse: func(contents [][]byte) (T, error) {
			secret, err := secretText(field, path, contents[0])
			if err != nil {
				var zero T
				return zero, err
			}
			return convert(secret), nil
		},
	}
	return r.load
}
