package main

import (
	"os"
	"runtime/debug"
)

// hubGCPercent is the garbage collector's target, in percent of the live
// heap, for the commands that run a hub. Almost all that a message
// allocates (decoded trees, schema validation, encoded bodies) is garbage
// within milliseconds, while the live heap stays small, so Go's default
// of 100 collects several times a second under load. sangam bench on
// PostgreSQL measured 2.6 to 2.7 ms of CPU per message at 150 against
// 2.7 to 3.0 at 100. Heap in use grew by 4.3 to 4.6 MiB per 1,000
// messages waiting for delivery at 150, against 2.7 to 3.0 at 100. At
// 200 the CPU fell further, to 2.4 to 2.5 ms, but the growth reached
// 9.5 MiB in one run, close to the 10 MB per 1,000 that
// docs/BENCHMARKS.md holds the hub to.
const hubGCPercent = 150

// tuneGC sets the collector's target to hubGCPercent unless the GOGC
// environment variable sets one, so an operator's GOGC always wins.
func tuneGC() {
	if os.Getenv("GOGC") != "" {
		return
	}
	debug.SetGCPercent(hubGCPercent)
}
