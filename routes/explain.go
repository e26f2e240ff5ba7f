package routes

import (
	"github.com/sangam-hub/sangam/canonical"
	"github.com/sangam-hub/sangam/internal/policy"
)

// Explanation is the reasoning behind a message's deliveries: every
// route's decision, and the message each selected destination would
// receive after its policy.
type Explanation struct {
	RoutesVersion string          `json:"routes_version"`
	Decisions     []Decision      `json:"decisions"`
	Deliveries    []SharedMessage `json:"deliveries"`
}

// SharedMessage is the message one destination would receive.
type SharedMessage struct {
	Destination string `json:"destination"`
	Route       string `json:"route"`
	Policy      string `json:"policy"`
	// Removed and Masked are the field paths the policy removes and
	// masks.
	Removed []string           `json:"removed,omitempty"`
	Masked  []policy.MaskRule  `json:"masked,omitempty"`
	Message *canonical.Message `json:"message,omitempty"`
	// PolicyRoutes is the routes version whose policy Policy, Removed,
	// Masked and Message show, when it is not the explanation's
	// RoutesVersion: the version in force at the delivery's last attempt,
	// or, for a delivery still pending, the version in force now.
	PolicyRoutes string `json:"policy_routes,omitempty"`
	// Error is the reason nothing would be delivered, such as a policy
	// failure. The API also encodes Message for the destination's agency
	// and gives the encoding error here, as the delivery would.
	Error string `json:"error,omitempty"`
}

// Explain evaluates t for m, as Decide does, and applies each selected
// destination's policy.
func (t *Table) Explain(m *canonical.Message) Explanation {
	ex := Explanation{RoutesVersion: t.Version(), Decisions: t.Decide(m)}
	for _, target := range Targets(ex.Decisions) {
		ex.Deliveries = append(ex.Deliveries, t.Share(m, target.Destination, target.Route))
	}
	return ex
}

// Share applies the policy of destination in t to m, for a delivery by
// route.
func (t *Table) Share(m *canonical.Message, destination, route string) SharedMessage {
	s := SharedMessage{Destination: destination, Route: route}
	p, ok := t.Policy(destination)
	if !ok {
		s.Error = "destination has no compiled policy"
		return s
	}
	s.Policy = p.Name()
	out, decision, err := p.Apply(m)
	switch {
	case err != nil:
		s.Error = err.Error()
	case !decision.Allowed:
		s.Error = "the policy does not accept " + string(m.Type) + " messages"
	default:
		s.Removed, s.Masked, s.Message = decision.Removed, decision.Masked, &out
	}
	return s
}
