package kafkabus_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/sangam-hub/sangam/internal/bus/kafkabus"
)

// rotatingPassword is a password source whose value a test changes.
type rotatingPassword struct {
	mu       sync.Mutex
	password string
}

func (r *rotatingPassword) set(password string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.password = password
}

func (r *rotatingPassword) get() (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.password, nil
}

func TestSASLUsesPasswordOfEachConnection(t *testing.T) {
	for _, mechanism := range []string{"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"} {
		t.Run(mechanism, func(t *testing.T) {
			cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.EnableSASL(),
				kfake.Superuser(mechanism, "hub", "new-password"))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(cluster.Close)

			password := &rotatingPassword{password: "old-password"}
			sasl, err := kafkabus.NewSASL(strings.ToLower(mechanism), "hub", password.get)
			if err != nil {
				t.Fatal(err)
			}
			if sasl.Name() != mechanism {
				t.Errorf("Name() = %q, want %q", sasl.Name(), mechanism)
			}
			config := kafkabus.Config{Brokers: cluster.ListenAddrs(), SASL: sasl}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()

			err = kafkabus.InitializeTopic(ctx, config, "deliveries")
			if err == nil {
				t.Fatal("InitializeTopic with the old password: got nil error")
			}
			want := `SASL authentication failed for user "hub" on broker ` + cluster.ListenAddrs()[0]
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error %q does not contain %q", err, want)
			}
			if strings.Contains(err.Error(), "old-password") {
				t.Errorf("error %q contains the password", err)
			}

			password.set("new-password")
			if err := kafkabus.InitializeTopic(ctx, config, "deliveries"); err != nil {
				t.Errorf("InitializeTopic with the new password: %v", err)
			}
		})
	}
}

func TestNewSASLRejects(t *testing.T) {
	fixed := func(password string) func() (string, error) {
		return func() (string, error) { return password, nil }
	}
	readErr := errors.New("password file missing")
	cases := []struct {
		name      string
		mechanism string
		username  string
		password  func() (string, error)
		want      string
	}{
		{"unknown mechanism", "GSSAPI", "hub", fixed("pw"), `invalid SASL mechanism "GSSAPI"`},
		{"empty username", "PLAIN", "", fixed("pw"), "username is empty"},
		{"empty password", "SCRAM-SHA-256", "hub", fixed(""), "password is empty"},
		{"password read error", "SCRAM-SHA-256", "hub",
			func() (string, error) { return "", readErr }, readErr.Error()},
		{"password SASLprep rejects", "SCRAM-SHA-512", "hub", fixed("bell\u0007pw"), "SASLprep"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := kafkabus.NewSASL(c.mechanism, c.username, c.password)
			if err == nil {
				t.Fatal("got nil error")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not contain %q", err, c.want)
			}
			if strings.Contains(err.Error(), "bell\u0007pw") {
				t.Errorf("error %q contains the password", err)
			}
		})
	}
}
