package main

import (
	"crypto/tls"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/twmb/franz-go/pkg/kfake"

	"github.com/sangam-hub/sangam/internal/hub"
	"github.com/sangam-hub/sangam/internal/outbound/outboundtest"
)

// kafkaSettings is the part of hub.Config that kafkaFlags sets.
type kafkaSettings struct {
	tls               bool
	caFile            string
	certFile          string
	keyFile           string
	sasl              string
	saslUsername      string
	saslPasswordFile  string
	partitions        int
	replicationFactor int
}

// checkKafkaSettings reports each Kafka field of cfg that differs from want.
func checkKafkaSettings(t *testing.T, cfg hub.Config, want kafkaSettings) {
	t.Helper()
	if cfg.KafkaTLS != want.tls {
		t.Errorf("KafkaTLS = %t, want %t", cfg.KafkaTLS, want.tls)
	}
	for _, c := range []struct{ field, got, want string }{
		{"KafkaCAFile", cfg.KafkaCAFile, want.caFile},
		{"KafkaCertFile", cfg.KafkaCertFile, want.certFile},
		{"KafkaKeyFile", cfg.KafkaKeyFile, want.keyFile},
		{"KafkaSASL", cfg.KafkaSASL, want.sasl},
		{"KafkaSASLUsername", cfg.KafkaSASLUsername, want.saslUsername},
		{"KafkaSASLPasswordFile", cfg.KafkaSASLPasswordFile, want.saslPasswordFile},
	} {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.field, c.got, c.want)
		}
	}
	if cfg.KafkaPartitions != want.partitions {
		t.Errorf("KafkaPartitions = %d, want %d", cfg.KafkaPartitions, want.partitions)
	}
	if cfg.KafkaReplicationFactor != want.replicationFactor {
		t.Errorf("KafkaReplicationFactor = %d, want %d", cfg.KafkaReplicationFactor, want.replicationFactor)
	}
}

func TestKafkaFlagsSetHubConfig(t *testing.T) {
	cfg, err := parseHubFlags(t,
		"--kafka", "k1:9093,k2:9093",
		"--kafka-tls",
		"--kafka-ca-file", "/etc/kafka/ca.pem",
		"--kafka-cert-file", "/etc/kafka/hub.pem",
		"--kafka-key-file", "/etc/kafka/hub-key.pem",
		"--kafka-sasl", "scram-sha-512",
		"--kafka-sasl-username", "sangam",
		"--kafka-sasl-password-file", "/etc/kafka/password",
		"--kafka-partitions", "6",
		"--kafka-replication-factor", "3",
	)
	if err != nil {
		t.Fatal(err)
	}
	checkKafkaSettings(t, cfg, kafkaSettings{
		tls:               true,
		caFile:            "/etc/kafka/ca.pem",
		certFile:          "/etc/kafka/hub.pem",
		keyFile:           "/etc/kafka/hub-key.pem",
		sasl:              "scram-sha-512",
		saslUsername:      "sangam",
		saslPasswordFile:  "/etc/kafka/password",
		partitions:        6,
		replicationFactor: 3,
	})
	if err := cfg.Validate(); err != nil {
		t.Errorf("Validate: %v", err)
	}
}

func TestKafkaFlagsFromEnvironment(t *testing.T) {
	env := map[string]string{
		"SANGAM_KAFKA":                    "k1:9093",
		"SANGAM_KAFKA_TLS":                "true",
		"SANGAM_KAFKA_CA_FILE":            "/env/ca.pem",
		"SANGAM_KAFKA_CERT_FILE":          "/env/hub.pem",
		"SANGAM_KAFKA_KEY_FILE":           "/env/hub-key.pem",
		"SANGAM_KAFKA_SASL":               "plain",
		"SANGAM_KAFKA_SASL_USERNAME":      "env-user",
		"SANGAM_KAFKA_SASL_PASSWORD_FILE": "/env/password",
		"SANGAM_KAFKA_PARTITIONS":         "4",
		"SANGAM_KAFKA_REPLICATION_FACTOR": "2",
	}
	for name, value := range env {
		t.Setenv(name, value)
	}

	cfg, err := parseHubFlags(t)
	if err != nil {
		t.Fatal(err)
	}
	checkKafkaSettings(t, cfg, kafkaSettings{
		tls:               true,
		caFile:            "/env/ca.pem",
		certFile:          "/env/hub.pem",
		keyFile:           "/env/hub-key.pem",
		sasl:              "plain",
		saslUsername:      "env-user",
		saslPasswordFile:  "/env/password",
		partitions:        4,
		replicationFactor: 2,
	})

	// A flag on the command line wins over its variable, even when it
	// sets the zero value.
	cfg, err = parseHubFlags(t, "--kafka-tls=false", "--kafka-partitions", "0",
		"--kafka-sasl-username", "flag-user")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.KafkaTLS {
		t.Error("with --kafka-tls=false: KafkaTLS = true")
	}
	if cfg.KafkaPartitions != 0 {
		t.Errorf("with --kafka-partitions 0: KafkaPartitions = %d", cfg.KafkaPartitions)
	}
	if cfg.KafkaSASLUsername != "flag-user" {
		t.Errorf("with --kafka-sasl-username flag-user: KafkaSASLUsername = %q", cfg.KafkaSASLUsername)
	}
}

func TestKafkaFlagsRejectInvalidEnvironment(t *testing.T) {
	cases := []struct {
		env, value string
		want       []string
	}{
		{"SANGAM_KAFKA_TLS", "yes please", []string{"$SANGAM_KAFKA_TLS", "--kafka-tls", "not a boolean"}},
		{"SANGAM_KAFKA_PARTITIONS", "many", []string{"$SANGAM_KAFKA_PARTITIONS", "--kafka-partitions",
			"not an integer"}},
		{"SANGAM_KAFKA_REPLICATION_FACTOR", "3.0", []string{"$SANGAM_KAFKA_REPLICATION_FACTOR",
			"--kafka-replication-factor", "not an integer"}},
	}
	for _, c := range cases {
		t.Run(c.env, func(t *testing.T) {
			t.Setenv(c.env, c.value)
			_, err := parseHubFlags(t)
			if err == nil {
				t.Fatal("got nil error")
			}
			for _, want := range c.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
		})
	}
}

func TestServeWrongKafkaPasswordExits(t *testing.T) {
	pki := outboundtest.NewPKI(t)
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1),
		kfake.GroupMinSessionTimeout(100*time.Millisecond),
		kfake.TLS(pki.ServerConfig(tls.NoClientCert)),
		kfake.EnableSASL(),
		kfake.Superuser("SCRAM-SHA-512", "sangam", "right-password"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close)
	password := filepath.Join(t.TempDir(), "password")
	if err := os.WriteFile(password, []byte("wrong-password\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	code, _, errOut := runCLI(t, "serve", "--listen", "127.0.0.1:0", "--data", t.TempDir(),
		"--kafka", cluster.ListenAddrs()[0],
		"--kafka-ca-file", pki.CAFile,
		"--kafka-sasl", "scram-sha-512",
		"--kafka-sasl-username", "sangam",
		"--kafka-sasl-password-file", password)
	if code != exitSetup {
		t.Errorf("exit %d, want %d", code, exitSetup)
	}
	want := `SASL authentication failed for user "sangam" on broker ` + cluster.ListenAddrs()[0]
	if !strings.Contains(errOut, want) {
		t.Errorf("stderr does not contain %q:\n%s", want, errOut)
	}
	if strings.Contains(errOut, "wrong-password") {
		t.Errorf("stderr contains the password:\n%s", errOut)
	}
}
