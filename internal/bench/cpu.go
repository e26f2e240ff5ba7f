package bench

import "time"

// cpuSample is CPU time used up to one moment: by this process, by the
// PostgreSQL server's processes on this machine, and by the machine as a
// whole. A part the system does not show is zero.
type cpuSample struct {
	self     time.Duration
	postgres time.Duration
	// busy is the time every core of the machine spent running
	// anything, and total its busy and idle time together.
	busy, total time.Duration
}

// cpuUse is the CPU one step used: the difference of two samples.
type cpuUse cpuSample

func (s cpuSample) until(end cpuSample) cpuUse {
	return cpuUse{
		self:     end.self - s.self,
		postgres: end.postgres - s.postgres,
		busy:     end.busy - s.busy,
		total:    end.total - s.total,
	}
}

// record sets the CPU figures of step, which accepted messages.
func (u cpuUse) record(step *Step, messages int, postgres bool) {
	step.CPUMsPerMessage = cpuPerMessage(u.self, messages)
	if postgres && u.postgres > 0 {
		step.PostgresCPUMsPerMessage = cpuPerMessage(u.postgres, messages)
	}
	if u.total > 0 {
		step.MachineBusyPercent = float64(int64(1000*float64(u.busy)/float64(u.total)+0.5)) / 10
	}
}
