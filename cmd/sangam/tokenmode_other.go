//go:build !unix

package main

import (
	"io"
	"log/slog"
)

// warnWritableTokenFile does nothing here, because the file mode bits of
// this system do not tell who may write a file.
func warnWritableTokenFile(*slog.Logger, string) {}

// warnReadableTokenFile does nothing here, for the same reason.
func warnReadableTokenFile(io.Writer, string, string) {}
