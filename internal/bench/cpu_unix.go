//go:build unix && !linux

package bench

import (
	"syscall"
	"time"
)

// sampleCPU reads this process's CPU time from getrusage. The PostgreSQL
// server's time and the machine's are read on Linux only.
func sampleCPU() cpuSample {
	var u syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &u) != nil {
		return cpuSample{}
	}
	return cpuSample{self: time.Duration(u.Utime.Nano() + u.Stime.Nano())}
}
