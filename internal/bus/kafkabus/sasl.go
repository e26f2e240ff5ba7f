package kafkabus

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/segmentio/kafka-go/sasl"
	"github.com/segmentio/kafka-go/sasl/plain"
	"github.com/segmentio/kafka-go/sasl/scram"
)

// The SASL mechanisms that NewSASL accepts, named as Kafka's
// sasl.enabled.mechanisms names them.
const (
	SASLPlain       = "PLAIN"
	SASLScramSHA256 = "SCRAM-SHA-256"
	SASLScramSHA512 = "SCRAM-SHA-512"
)

// NewSASL returns the SASL mechanism called name (PLAIN, SCRAM-SHA-256 or
// SCRAM-SHA-512, in any case) that authenticates as username. Each new
// connection calls password, so a changed password takes effect at the
// next connection. Because of that, password should cache what it reads.
// NewSASL calls password once and returns its error, so that a missing
// password fails at start.
//
// InitializeTopic names the username when the broker rejects a connection.
func NewSASL(name, username string, password func() (string, error)) (sasl.Mechanism, error) {
	canonical := strings.ToUpper(name)
	switch canonical {
	case SASLPlain, SASLScramSHA256, SASLScramSHA512:
	default:
		return nil, fmt.Errorf("invalid SASL mechanism %q: use %s, %s or %s",
			name, SASLPlain, SASLScramSHA256, SASLScramSHA512)
	}
	if username == "" {
		return nil, fmt.Errorf("SASL %s: the username is empty", canonical)
	}
	m := &passwordMechanism{name: canonical, username: username, password: password}
	if _, err := m.current(); err != nil {
		return nil, err
	}
	return m, nil
}

// passwordMechanism is a SASL mechanism whose password can change while
// the bus runs. It builds kafka-go's mechanism for each new password it
// gets, and keeps the last one, because a SCRAM mechanism caches the
// keys it derives from the password.
type passwordMechanism struct {
	name     string
	username string
	password func() (string, error)

	mu           sync.Mutex
	lastPassword string
	last         sasl.Mechanism // nil until the first password
}

func (m *passwordMechanism) Name() string { return m.name }

// Username returns the user that the mechanism authenticates as.
func (m *passwordMechanism) Username() string { return m.username }

func (m *passwordMechanism) Start(ctx context.Context) (sasl.StateMachine, []byte, error) {
	current, err := m.current()
	if err != nil {
		return nil, nil, err
	}
	return current.Start(ctx)
}

// current returns kafka-go's mechanism for the password that m.password
// returns now.
func (m *passwordMechanism) current() (sasl.Mechanism, error) {
	password, err := m.password()
	if err != nil {
		return nil, err
	}
	if password == "" {
		return nil, fmt.Errorf("SASL %s for user %q: the password is empty", m.name, m.username)
	}

	m.mu.Lock()
	defer m.mu.Unlock()
	if m.last != nil && password == m.lastPassword {
		return m.last, nil
	}
	mechanism, err := newMechanism(m.name, m.username, password)
	if err != nil {
		return nil, err
	}
	m.lastPassword, m.last = password, mechanism
	return mechanism, nil
}

// newMechanism returns kafka-go's mechanism called name for username and
// password.
func newMechanism(name, username, password string) (sasl.Mechanism, error) {
	var algorithm scram.Algorithm
	switch name {
	case SASLPlain:
		return plain.Mechanism{Username: username, Password: password}, nil
	case SASLScramSHA256:
		algorithm = scram.SHA256
	default:
		algorithm = scram.SHA512
	}
	mechanism, err := scram.Mechanism(algorithm, username, password)
	if err == nil {
		return mechanism, nil
	}
	// The SCRAM client rejects a username or password that SASLprep
	// (RFC 4013) cannot normalize, and its error repeats the password, so
	// it is returned only when the username is at fault.
	if _, userErr := scram.Mechanism(algorithm, username, "password"); userErr != nil {
		return nil, fmt.Errorf("SASL %s: invalid username: %w", name, userErr)
	}
	return nil, fmt.Errorf("SASL %s for user %q: the password contains a character that "+
		"SASLprep (RFC 4013) rejects, such as a control character", name, username)
}

// saslUsername returns the user that m authenticates as, or "" when m
// has no method or field that returns it.
func saslUsername(m sasl.Mechanism) string {
	switch m := m.(type) {
	case interface{ Username() string }:
		return m.Username()
	case plain.Mechanism:
		return m.Username
	case *plain.Mechanism:
		return m.Username
	}
	return ""
}
