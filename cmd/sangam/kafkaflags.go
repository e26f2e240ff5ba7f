package main

import (
	"flag"

	"github.com/sangam-hub/sangam/internal/hub"
)

// kafkaFlags registers the flags of the Kafka cluster's security and of
// the delivery topics the hub creates, and returns a function that sets
// them in a hub configuration once fs is parsed. hub.Config.Validate
// checks the values.
func kafkaFlags(fs *flag.FlagSet) func(*hub.Config) error {
	useTLS := envBool(fs, "kafka-tls", "SANGAM_KAFKA_TLS",
		"connect to Kafka over TLS, verified against the system's roots unless --kafka-ca-file "+
			"is set; --kafka-ca-file, --kafka-cert-file or --kafka-key-file turns TLS on without this flag",
		"no TLS unless a Kafka CA, certificate or key file is set")
	caFile := envSetting(fs, "kafka-ca-file", "SANGAM_KAFKA_CA_FILE",
		"PEM file of the CA certificates that the Kafka brokers' certificates must chain to, "+
			"in place of the system's roots",
		"a PEM file", "the system's roots")
	certFile := envSetting(fs, "kafka-cert-file", "SANGAM_KAFKA_CERT_FILE",
		"PEM client certificate to present to Kafka brokers that request one; needs --kafka-key-file",
		"a PEM file", "no client certificate")
	keyFile := envSetting(fs, "kafka-key-file", "SANGAM_KAFKA_KEY_FILE",
		"PEM private key of --kafka-cert-file",
		"a PEM file", "no client key")
	mechanism := envSetting(fs, "kafka-sasl", "SANGAM_KAFKA_SASL",
		"SASL mechanism to authenticate to Kafka with: plain, scram-sha-256 or scram-sha-512; "+
			"needs --kafka-sasl-username and --kafka-sasl-password-file",
		"plain, scram-sha-256 or scram-sha-512", "no SASL authentication")
	username := envSetting(fs, "kafka-sasl-username", "SANGAM_KAFKA_SASL_USERNAME",
		"SASL username for Kafka",
		"a SASL username", "no SASL username")
	passwordFile := envSetting(fs, "kafka-sasl-password-file", "SANGAM_KAFKA_SASL_PASSWORD_FILE",
		"file containing the SASL password for Kafka alone on one line; "+
			"read again when it changes",
		"the path of a password file", "no SASL password")
	partitions := envInt(fs, "kafka-partitions", "SANGAM_KAFKA_PARTITIONS",
		"partition count of the delivery topics the hub creates; existing topics keep theirs "+
			"(0 means 3)",
		"a whole number of partitions", "3 partitions")
	replicationFactor := envInt(fs, "kafka-replication-factor", "SANGAM_KAFKA_REPLICATION_FACTOR",
		"replica count of the delivery topics the hub creates; existing topics keep theirs "+
			"(0 means the broker's default.replication.factor)",
		"a whole number of replicas", "the broker's default.replication.factor")

	return func(cfg *hub.Config) error {
		var err error
		if cfg.KafkaTLS, err = useTLS(); err != nil {
			return err
		}
		if cfg.KafkaPartitions, err = partitions(); err != nil {
			return err
		}
		if cfg.KafkaReplicationFactor, err = replicationFactor(); err != nil {
			return err
		}
		for _, setting := range []struct {
			value func() (string, error)
			field *string
		}{
			{caFile, &cfg.KafkaCAFile},
			{certFile, &cfg.KafkaCertFile},
			{keyFile, &cfg.KafkaKeyFile},
			{mechanism, &cfg.KafkaSASL},
			{username, &cfg.KafkaSASLUsername},
			{passwordFile, &cfg.KafkaSASLPasswordFile},
		} {
			if *setting.field, err = setting.value(); err != nil {
				return err
			}
		}
		return nil
	}
}
