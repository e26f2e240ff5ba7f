package bench

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
	"time"
)

// clockTick is the unit of the CPU times in /proc: USER_HZ, 100 per
// second on Linux whatever the kernel's own tick rate.
const clockTick = 10 * time.Millisecond

// sampleCPU reads this process's CPU time from getrusage, the PostgreSQL
// processes' from /proc/PID/stat, and the machine's from /proc/stat.
func sampleCPU() cpuSample {
	var s cpuSample
	var u syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &u) == nil {
		s.self = time.Duration(u.Utime.Nano() + u.Stime.Nano())
	}
	s.postgres = postgresCPU()
	s.busy, s.total = machineCPU()
	return s
}

// postgresCPU adds up the CPU time of every process named "postgres":
// the server and its backends, with their own time and that of exited
// children they waited for. The postmaster waits for backends that
// exit, so the sum keeps their time after they end.
func postgresCPU() time.Duration {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return 0
	}
	var ticks int64
	for _, e := range entries {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		ticks += postgresTicks(stat)
	}
	return time.Duration(ticks) * clockTick
}

// postgresTicks returns utime + stime + cutime + cstime from the text of
// a /proc/PID/stat file, or 0 when the process is not named "postgres".
func postgresTicks(stat []byte) int64 {
	open, end := bytes.IndexByte(stat, '('), bytes.LastIndexByte(stat, ')')
	if open < 0 || end < open || string(stat[open+1:end]) != "postgres" {
		return 0
	}
	// The fields after the name start at state, field 3, so utime,
	// stime, cutime and cstime (fields 14 to 17) are entries 11 to 14.
	fields := bytes.Fields(stat[end+1:])
	if len(fields) < 15 {
		return 0
	}
	var sum int64
	for _, f := range fields[11:15] {
		n, err := strconv.ParseInt(string(f), 10, 64)
		if err != nil {
			return 0
		}
		sum += n
	}
	return sum
}

// machineCPU returns the time all cores spent busy and in total, from the
// first line of /proc/stat. Idle and I/O wait count as not busy.
func machineCPU() (busy, total time.Duration) {
	data, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	line, _, _ := bytes.Cut(data, []byte("\n"))
	fields := bytes.Fields(line)
	if len(fields) < 6 || string(fields[0]) != "cpu" {
		return 0, 0
	}
	var all, idle int64
	for i, f := range fields[1:] {
		n, err := strconv.ParseInt(string(f), 10, 64)
		if err != nil {
			return 0, 0
		}
		// Guest time (fields 9 and 10) is already part of user time.
		if i >= 8 {
			break
		}
		all += n
		if i == 3 || i == 4 {
			idle += n
		}
	}
	return time.Duration(all-idle) * clockTick, time.Duration(all) * clockTick
}
