package bench

import "testing"

func TestPostgresTicks(t *testing.T) {
	tests := map[string]struct {
		stat string
		want int64
	}{
		"backend": {
			"4242 (postgres) S 900 4242 4242 0 -1 4194560 812 0 0 0 170 35 7 2 20 0 1 0 99 1 2 3",
			170 + 35 + 7 + 2,
		},
		"other process": {
			"17 (sangam) S 1 17 17 0 -1 4194560 812 0 0 0 170 35 7 2 20 0 1 0 99 1 2 3",
			0,
		},
		"name with a parenthesis and spaces": {
			"18 (postgres) x) S 1 18 18 0 -1 0 0 0 0 0 5 5 0 0 20 0 1 0 99 1 2 3",
			0,
		},
		"cut short": {"19 (postgres) S 1 19", 0},
		"not a number": {
			"20 (postgres) S 900 20 20 0 -1 4194560 812 0 0 0 x 35 7 2 20 0 1 0 99 1 2 3",
			0,
		},
	}
	for name, tt := range tests {
		if got := postgresTicks([]byte(tt.stat)); got != tt.want {
			t.Errorf("%s: postgresTicks = %d, want %d", name, got, tt.want)
		}
	}
}

func TestMachineCPU(t *testing.T) {
	busy, total := machineCPU()
	if total <= 0 || busy <= 0 || busy > total {
		t.Fatalf("machineCPU() = busy %v, total %v; want 0 < busy <= total", busy, total)
	}
}
