//go:build !unix

package bench

// sampleCPU returns zero times: CPU time is read on Unix systems only.
func sampleCPU() cpuSample { return cpuSample{} }
