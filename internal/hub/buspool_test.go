package hub

import (
	"testing"
	"time"
)

// TestBusPoolConfigIdleTimes checks that the bus pool closes unused
// connections after the hub's own times unless the connection string
// sets pgxpool's parameters for them.
func TestBusPoolConfigIdleTimes(t *testing.T) {
	for _, c := range []struct {
		dsn               string
		idle, healthCheck time.Duration
	}{
		{"postgres://u@127.0.0.1:5432/db", busIdleTime, busHealthCheckPeriod},
		{"postgres://u@127.0.0.1:5432/db?pool_max_conn_idle_time=2s", 2 * time.Second, busHealthCheckPeriod},
		{"postgres://u@127.0.0.1:5432/db?pool_health_check_period=1s", busIdleTime, time.Second},
		{"host=127.0.0.1 pool_max_conn_idle_time=3s pool_health_check_period=500ms", 3 * time.Second, 500 * time.Millisecond},
	} {
		cfg, err := busPoolConfig(c.dsn, 8)
		if err != nil {
			t.Fatalf("%s: %v", c.dsn, err)
		}
		if cfg.MaxConnIdleTime != c.idle {
			t.Errorf("%s: idle time %v, want %v", c.dsn, cfg.MaxConnIdleTime, c.idle)
		}
		if cfg.HealthCheckPeriod != c.healthCheck {
			t.Errorf("%s: health check period %v, want %v", c.dsn, cfg.HealthCheckPeriod, c.healthCheck)
		}
		if want := int32(8 + busPoolHeadroom); cfg.MaxConns != want {
			t.Errorf("%s: max connections %d, want %d", c.dsn, cfg.MaxConns, want)
		}
	}
}
