package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/sony/gobreaker/v2"

	"github.com/sangam-hub/sangam/internal/delivery"
)

var breakerStateDesc = prometheus.NewDesc(namespace+"_breaker_state",
	"Circuit breaker of each destination on this replica: 0 closed, 1 half-open, 2 open.",
	[]string{"destination"}, nil)

// breakerCollector reads the breakers' states at each scrape, which costs
// no more than the lock of each breaker.
type breakerCollector struct {
	breakers     *delivery.Breakers
	destinations func() []string
}

func (c *breakerCollector) Describe(ch chan<- *prometheus.Desc) { ch <- breakerStateDesc }

// Collect reports every destination of the routes in force, and every
// other that has a breaker. A destination that no attempt has reached on
// this replica has no breaker yet and is reported closed.
func (c *breakerCollector) Collect(ch chan<- prometheus.Metric) {
	states := map[string]string{}
	for _, d := range c.destinations() {
		states[d] = "closed"
	}
	for _, s := range c.breakers.States() {
		states[s.Destination] = s.State
	}
	for dest, state := range states {
		ch <- prometheus.MustNewConstMetric(breakerStateDesc, prometheus.GaugeValue,
			breakerValue(state), dest)
	}
}

// breakerValue returns the gauge value of a breaker state as
// delivery.BreakerState names it, with gobreaker's State.String.
func breakerValue(state string) float64 {
	switch state {
	case gobreaker.StateHalfOpen.String():
		return 1
	case gobreaker.StateOpen.String():
		return 2
	}
	return 0
}
