//go:build unix

package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
)

// warnWritableTokenFile logs a warning when the token file file may be
// written by its group or by others (mode & 0o022). Anyone who can write
// it can grant themselves a token at the next start or SIGHUP.
func warnWritableTokenFile(log *slog.Logger, file string) {
	if file == "" {
		return
	}
	info, err := os.Stat(file)
	if err != nil {
		// Reading the file reports the error.
		return
	}
	if mode := info.Mode().Perm(); mode&0o022 != 0 {
		log.Warn("token file is writable by its group or others, who could grant themselves "+
			"a token: make it writable by its owner alone, such as with chmod 600",
			"file", file, "mode", mode.String())
	}
}

// warnReadableTokenFile writes a warning to w when the client token file
// file, given with the flag named flagName, may be read by its group or
// by others (mode & 0o044), who could then act with its token.
func warnReadableTokenFile(w io.Writer, flagName, file string) {
	info, err := os.Stat(file)
	if err != nil {
		return
	}
	if mode := info.Mode().Perm(); mode&0o044 != 0 {
		fmt.Fprintf(w, "warning: --%s %s: the file is readable by its group or others (mode %s), "+
			"who could use the token: make it readable by its owner alone, such as with chmod 600\n",
			flagName, file, mode)
	}
}
