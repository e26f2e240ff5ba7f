package main

import (
	"os"
	"runtime/debug"
)

// hubGCPercent is the garbage collector's target, in percent of the live
// heap, for the commands that run a hub. Almost all that a message
// allocates (decoded trees, schema validation, encoded bodies) is garbage
// within milliseconds, while the live heap stays small, so Go's default
// of 100 collects several times a second under load. At 200, sangam
// bench on PostgreSQL measured about 10 % less CPU per message, and heap
// in use grew by 6 MiB per 1,000 messages waiting for delivery instead of
// 3 MiB (docs/BENCHMARKS.md).
const hubGCPercent = 200

// tuneGC sets the collector's target to hubGCPercent unless the GOGC
// environment variable sets one, so an operator's GOGC always wins.
func tuneGC() {
	if os.Getenv("GOGC") != "" {
		return
	}
	debug.SetGCPercent(hubGCPercent)
}
