//go:build !unix

package main

import "log/slog"

// warnWritableTokenFile does nothing here, because the file mode bits of
// this system do not tell who may write a file.
func warnWritableTokenFile(*slog.Logger, string) {}
