package hub

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/segmentio/kafka-go"
	"github.com/twmb/franz-go/pkg/kfake"
	"github.com/twmb/franz-go/pkg/kmsg"

	"github.com/sangam-hub/sangam/internal/bus/kafkabus"
	"github.com/sangam-hub/sangam/internal/delivery"
	"github.com/sangam-hub/sangam/internal/journal"
	"github.com/sangam-hub/sangam/internal/outbound/outboundtest"
)

// kafkaUser is the SASL user of the test clusters.
const kafkaUser = "sangam-hub"

// startKafka starts a kfake cluster of one broker on 127.0.0.1 with
// opts, and returns its bootstrap addresses. The cluster stops when the
// test ends.
func startKafka(t *testing.T, opts ...kfake.Opt) []string {
	t.Helper()
	opts = append([]kfake.Opt{
		kfake.NumBrokers(1),
		kfake.GroupMinSessionTimeout(100 * time.Millisecond),
	}, opts...)
	cluster, err := kfake.NewCluster(opts...)
	if err != nil {
		t.Fatalf("starting kfake cluster: %v", err)
	}
	t.Cleanup(cluster.Close)
	return cluster.ListenAddrs()
}

// writePassword writes password into a new file and returns its path.
func writePassword(t *testing.T, password string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "kafka-password")
	if err := os.WriteFile(path, []byte(password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// openHubErr opens a hub with cfg on loopback, expecting an error, and
// returns it. A hub that opens is closed, and the test fails.
func openHubErr(t *testing.T, cfg Config) error {
	t.Helper()
	cfg.Listen = "127.0.0.1:0"
	if cfg.DataDir == "" {
		cfg.DataDir = t.TempDir()
	}
	if cfg.Log == nil {
		cfg.Log = quietLog()
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	h, err := Open(ctx, cfg)
	if err == nil {
		t.Error("Open: got nil error")
		runCtx, stop := context.WithCancel(context.Background())
		stop()
		_ = h.Run(runCtx)
	}
	return err
}

func TestKafkaTLSAndSCRAMDeliverEndToEnd(t *testing.T) {
	pki := outboundtest.NewPKI(t)
	brokers := startKafka(t,
		kfake.TLS(pki.ServerConfig(tls.RequireAndVerifyClientCert)),
		kfake.EnableSASL(),
		kfake.Superuser("SCRAM-SHA-256", kafkaUser, "s3cret-scram"),
	)
	testChargesheetToCNR(t, Config{
		PostgresDSN:           postgresDSN(t),
		KafkaBrokers:          brokers,
		KafkaCAFile:           pki.CAFile,
		KafkaCertFile:         pki.CertFile,
		KafkaKeyFile:          pki.KeyFile,
		KafkaSASL:             "scram-sha-256",
		KafkaSASLUsername:     kafkaUser,
		KafkaSASLPasswordFile: writePassword(t, "s3cret-scram"),
	})
}

func TestKafkaPlainOverTLSDeliversEndToEnd(t *testing.T) {
	pki := outboundtest.NewPKI(t)
	brokers := startKafka(t,
		kfake.TLS(pki.ServerConfig(tls.NoClientCert)),
		kfake.EnableSASL(),
		kfake.Superuser("PLAIN", kafkaUser, "s3cret-plain"),
	)
	log, logged := capturedLog()
	testChargesheetToCNR(t, Config{
		PostgresDSN:           postgresDSN(t),
		KafkaBrokers:          brokers,
		KafkaCAFile:           pki.CAFile,
		KafkaSASL:             "PLAIN",
		KafkaSASLUsername:     kafkaUser,
		KafkaSASLPasswordFile: writePassword(t, "s3cret-plain"),
		Log:                   log,
	})
	if got := logged.String(); strings.Contains(got, "in clear") {
		t.Errorf("PLAIN over TLS logged the warning for PLAIN without TLS:\n%s", got)
	}
}

func TestKafkaPlainWithoutTLSWarns(t *testing.T) {
	brokers := startKafka(t,
		kfake.EnableSASL(),
		kfake.Superuser("PLAIN", kafkaUser, "s3cret-plain"),
	)
	log, logged := capturedLog()
	startHub(t, Config{
		DataDir:               t.TempDir(),
		KafkaBrokers:          brokers,
		KafkaSASL:             "plain",
		KafkaSASLUsername:     kafkaUser,
		KafkaSASLPasswordFile: writePassword(t, "s3cret-plain"),
		Log:                   log,
	})
	got := logged.String()
	if !strings.Contains(got, "level=WARN") || !strings.Contains(got, "SASL PLAIN without TLS") {
		t.Errorf("log lacks the warning about SASL PLAIN without TLS:\n%s", got)
	}
	if strings.Contains(got, "s3cret-plain") {
		t.Errorf("log contains the password:\n%s", got)
	}
}

func TestKafkaWrongPasswordFailsAtStart(t *testing.T) {
	pki := outboundtest.NewPKI(t)
	brokers := startKafka(t,
		kfake.TLS(pki.ServerConfig(tls.NoClientCert)),
		kfake.EnableSASL(),
		kfake.Superuser("SCRAM-SHA-256", kafkaUser, "right-password"),
	)
	err := openHubErr(t, Config{
		PostgresDSN:           postgresDSN(t),
		KafkaBrokers:          brokers,
		KafkaCAFile:           pki.CAFile,
		KafkaSASL:             "scram-sha-256",
		KafkaSASLUsername:     kafkaUser,
		KafkaSASLPasswordFile: writePassword(t, "wrong-password"),
	})
	if err == nil {
		return
	}
	want := `SASL authentication failed for user "` + kafkaUser + `" on broker ` + brokers[0]
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
	if !strings.Contains(err.Error(), "SCRAM-SHA-256") {
		t.Errorf("error %q does not name the mechanism SCRAM-SHA-256", err)
	}
	if strings.Contains(err.Error(), "wrong-password") {
		t.Errorf("error %q contains the password", err)
	}
}

func TestKafkaUnknownCAFailsNamingTLS(t *testing.T) {
	brokerPKI := outboundtest.NewPKI(t)
	otherPKI := outboundtest.NewPKI(t)
	brokers := startKafka(t, kfake.TLS(brokerPKI.ServerConfig(tls.NoClientCert)))
	err := openHubErr(t, Config{
		KafkaBrokers: brokers,
		KafkaCAFile:  otherPKI.CAFile,
	})
	if err == nil {
		return
	}
	for _, want := range []string{"TLS handshake with broker " + brokers[0] + " failed", "x509"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestKafkaPlaintextToTLSBrokerFailsAtStart(t *testing.T) {
	pki := outboundtest.NewPKI(t)
	brokers := startKafka(t, kfake.TLS(pki.ServerConfig(tls.NoClientCert)))
	err := openHubErr(t, Config{KafkaBrokers: brokers})
	if err == nil {
		return
	}
	for _, want := range []string{"broker " + brokers[0], "may require TLS"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestKafkaTopicsGetPartitionsAndReplicas(t *testing.T) {
	cluster, err := kfake.NewCluster(kfake.NumBrokers(3),
		kfake.GroupMinSessionTimeout(100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(cluster.Close)
	brokers := cluster.ListenAddrs()
	w := newWorld(t, Config{
		KafkaBrokers:           brokers,
		KafkaPartitions:        5,
		KafkaReplicationFactor: 1,
	}, 5)

	var topics []string
	for _, d := range w.hub.table.Load().Config().Destinations {
		for shard := range d.Concurrency {
			topics = append(topics, delivery.Topic(d.Name, shard))
		}
	}
	client := &kafka.Client{Addr: kafka.TCP(brokers...)}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	meta, err := client.Metadata(ctx, &kafka.MetadataRequest{Topics: topics})
	if err != nil {
		t.Fatal(err)
	}
	if len(meta.Topics) != len(topics) {
		t.Fatalf("metadata lists %d topics, want %d: %v", len(meta.Topics), len(topics), topics)
	}
	for _, topic := range meta.Topics {
		if topic.Error != nil {
			t.Errorf("topic %s: %v", topic.Name, topic.Error)
			continue
		}
		if len(topic.Partitions) != 5 {
			t.Errorf("topic %s has %d partitions, want 5", topic.Name, len(topic.Partitions))
		}
		for _, p := range topic.Partitions {
			if len(p.Replicas) != 1 {
				t.Errorf("topic %s partition %d has %d replicas, want 1",
					topic.Name, p.ID, len(p.Replicas))
			}
		}
	}
}

func TestKafkaReplicationFactorAboveBrokersFailsAtStart(t *testing.T) {
	brokers := startKafka(t)
	err := openHubErr(t, Config{KafkaBrokers: brokers, KafkaReplicationFactor: 2})
	if err == nil {
		return
	}
	for _, want := range []string{"replication factor 2", "Invalid Replication Factor"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
}

func TestKafkaSettingsRejected(t *testing.T) {
	pki := outboundtest.NewPKI(t)
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "not-pem")
	if err := os.WriteFile(notPEM, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing")
	password := writePassword(t, "s3cret")
	brokers := []string{"127.0.0.1:9"}

	cases := []struct {
		name string
		cfg  Config
		want []string
	}{
		{"unknown mechanism",
			Config{KafkaBrokers: brokers, KafkaSASL: "gssapi", KafkaSASLUsername: kafkaUser,
				KafkaSASLPasswordFile: password},
			[]string{"--kafka-sasl", `"gssapi"`, "plain, scram-sha-256, scram-sha-512"}},
		{"username without password file",
			Config{KafkaBrokers: brokers, KafkaSASL: "plain", KafkaSASLUsername: kafkaUser},
			[]string{"--kafka-sasl-password-file", "missing"}},
		{"password file without username",
			Config{KafkaBrokers: brokers, KafkaSASL: "plain", KafkaSASLPasswordFile: password},
			[]string{"--kafka-sasl-username", "missing"}},
		{"username without mechanism",
			Config{KafkaBrokers: brokers, KafkaSASLUsername: kafkaUser, KafkaSASLPasswordFile: password},
			[]string{"(--kafka-sasl)", "missing"}},
		{"cert without key",
			Config{KafkaBrokers: brokers, KafkaCertFile: pki.CertFile},
			[]string{"--kafka-key-file", "missing"}},
		{"key without cert",
			Config{KafkaBrokers: brokers, KafkaKeyFile: pki.KeyFile},
			[]string{"--kafka-cert-file", "missing"}},
		{"negative partitions",
			Config{KafkaBrokers: brokers, KafkaPartitions: -1},
			[]string{"--kafka-partitions", "-1"}},
		{"replication factor out of range",
			Config{KafkaBrokers: brokers, KafkaReplicationFactor: 40000},
			[]string{"--kafka-replication-factor", "40000"}},
		{"TLS without brokers",
			Config{KafkaTLS: true},
			[]string{"--kafka-tls", "--kafka)", "empty"}},
		{"missing CA file",
			Config{KafkaBrokers: brokers, KafkaCAFile: missing},
			[]string{"--kafka-ca-file", missing, "no such file"}},
		{"CA file not PEM",
			Config{KafkaBrokers: brokers, KafkaCAFile: notPEM},
			[]string{"--kafka-ca-file", notPEM, "no PEM certificate"}},
		{"key file not PEM",
			Config{KafkaBrokers: brokers, KafkaCertFile: pki.CertFile, KafkaKeyFile: notPEM},
			[]string{"--kafka-cert-file", "--kafka-key-file", notPEM}},
		{"missing password file",
			Config{KafkaBrokers: brokers, KafkaSASL: "scram-sha-512", KafkaSASLUsername: kafkaUser,
				KafkaSASLPasswordFile: missing},
			[]string{"--kafka-sasl-password-file", missing, "no such file"}},
		{"empty password file",
			Config{KafkaBrokers: brokers, KafkaSASL: "scram-sha-512", KafkaSASLUsername: kafkaUser,
				KafkaSASLPasswordFile: empty},
			[]string{"--kafka-sasl-password-file", empty, "empty"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.cfg.DataDir = t.TempDir()
			err := openHubErr(t, c.cfg)
			if err == nil {
				return
			}
			for _, want := range c.want {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error %q does not contain %q", err, want)
				}
			}
			// Rejected before the hub made its key or its journal.
			entries, err := os.ReadDir(c.cfg.DataDir)
			if err != nil {
				t.Fatal(err)
			}
			if len(entries) > 0 {
				t.Errorf("the rejected start left %d files in the data folder, want none", len(entries))
			}
		})
	}
}

// TestKafkaLostTopicCreatedAgain deletes a delivery topic while the hub
// runs, as an operator's mistake or a cluster that lost its data would.
// The hub creates it again, and a final report posted after the deletion
// still reaches the court.
func TestKafkaLostTopicCreatedAgain(t *testing.T) {
	brokers := startKafka(t)
	log, logged := capturedLog()
	w := newWorld(t, Config{PostgresDSN: postgresDSN(t), KafkaBrokers: brokers,
		KafkaTopicCheck: 100 * time.Millisecond, Log: log}, 5)

	topic := delivery.Topic("ecourts-kerala", 0)
	client := &kafka.Client{Addr: kafka.TCP(brokers...)}
	res, err := client.DeleteTopics(context.Background(), &kafka.DeleteTopicsRequest{Topics: []string{topic}})
	if err == nil {
		err = res.Errors[topic]
	}
	if err != nil {
		t.Fatalf("deleting %s: %v", topic, err)
	}

	status, posted, body := post(t, w.url, "police", sample(t, "chargesheet-2025-bns-malayalam"))
	if status != http.StatusAccepted {
		t.Fatalf("inbound status = %d, body %s", status, body)
	}
	if j := settledJourney(t, w.url, posted.MessageID); j.Status != "delivered" {
		t.Errorf("journey status %s after the topic was lost, want delivered: %+v", j.Status, j.Deliveries)
	}
	waitFor(t, "the log line of the topic created again", func() bool {
		return strings.Contains(logged.String(), "created a lost Kafka topic again") &&
			strings.Contains(logged.String(), topic)
	})

	metrics := getText(t, w.url+"/metrics")
	published := regexp.MustCompile(`(?m)^sangam_outbox_published_total ([0-9.e+]+)$`).FindStringSubmatch(metrics)
	if published == nil || published[1] == "0" {
		t.Errorf("metrics lack a count of published outbox commands:\n%s", metrics)
	}
	if !strings.Contains(metrics, "sangam_outbox_publish_failures_total ") {
		t.Errorf("metrics lack the count of failed outbox publishes")
	}
}

// TestKafkaOutboxBacklogInMetrics makes the cluster reject every produce
// request, so that delivery commands stay in the outbox, and reads their
// count and age in the metrics. Once Kafka takes them again the command
// is delivered and the outbox is empty.
func TestKafkaOutboxBacklogInMetrics(t *testing.T) {
	for _, store := range []string{"sqlite", "postgres"} {
		t.Run(store, func(t *testing.T) {
			var rejecting atomic.Bool
			var rejected atomic.Int32
			cluster, brokers := startKafkaCluster(t)
			cluster.ControlKey(int16(kmsg.Produce), func(kmsg.Request) (kmsg.Response, error, bool) {
				cluster.KeepControl()
				if rejecting.Load() {
					rejected.Add(1)
					return nil, errors.New("rejected by the test"), true
				}
				return nil, nil, false
			})
			cfg := Config{KafkaBrokers: brokers, MetricsCacheFor: time.Millisecond}
			if store == "postgres" {
				cfg.PostgresDSN = postgresDSN(t)
			}
			w := newWorld(t, cfg, 5)
			outbox := regexp.MustCompile(`(?m)^sangam_outbox_commands ([0-9.e+]+)$`)
			oldest := regexp.MustCompile(`(?m)^sangam_outbox_oldest_command_timestamp_seconds ([0-9.e+]+)$`)

			rejecting.Store(true)
			before := time.Now()
			status, posted, body := post(t, w.url, "police", sample(t, "chargesheet-2025-bns-malayalam"))
			if status != http.StatusAccepted {
				t.Fatalf("inbound status = %d, body %s", status, body)
			}
			waitFor(t, "a rejected produce request", func() bool { return rejected.Load() > 0 })
			var metrics string
			waitFor(t, "a command waiting in the outbox", func() bool {
				metrics = getText(t, w.url+"/metrics")
				m := outbox.FindStringSubmatch(metrics)
				return m != nil && m[1] != "0"
			})
			m := oldest.FindStringSubmatch(metrics)
			if m == nil {
				t.Fatalf("metrics lack the oldest outbox command's time:\n%s", metrics)
			}
			at, err := strconv.ParseFloat(m[1], 64)
			if err != nil {
				t.Fatal(err)
			}
			if written := time.UnixMicro(int64(at * 1e6)); written.Before(before.Add(-time.Second)) ||
				written.After(time.Now()) {
				t.Errorf("oldest outbox command written at %s, want after %s", written, before)
			}

			rejecting.Store(false)
			if j := settledJourney(t, w.url, posted.MessageID); j.Status != "delivered" {
				t.Errorf("journey status %s once Kafka took commands again, want delivered", j.Status)
			}
			waitFor(t, "an empty outbox", func() bool {
				metrics = getText(t, w.url+"/metrics")
				m := outbox.FindStringSubmatch(metrics)
				return m != nil && m[1] == "0" && !oldest.MatchString(metrics)
			})
		})
	}
}

// closedPort returns a loopback address and its port that nothing
// listens on, from a listener closed at once, so that connections to it
// are refused until a test listens there.
func closedPort(t *testing.T) (string, int) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String(), l.Addr().(*net.TCPAddr).Port
}

// startKafkaCluster starts a kfake cluster as startKafka does and
// returns it with its bootstrap addresses.
func startKafkaCluster(t *testing.T) (*kfake.Cluster, []string) {
	t.Helper()
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1),
		kfake.GroupMinSessionTimeout(100*time.Millisecond))
	if err != nil {
		t.Fatalf("starting kfake cluster: %v", err)
	}
	t.Cleanup(cluster.Close)
	return cluster, cluster.ListenAddrs()
}

// TestKafkaDownAtStart starts the hub while no broker listens at its
// Kafka address. It takes a chargesheet meanwhile, keeps the delivery
// command in the outbox, and delivers it once a broker listens there.
func TestKafkaDownAtStart(t *testing.T) {
	addr, port := closedPort(t)
	log, logged := capturedLog()
	w := newWorld(t, Config{PostgresDSN: postgresDSN(t), KafkaBrokers: []string{addr},
		KafkaTopicCheck: 100 * time.Millisecond, MetricsCacheFor: time.Millisecond, Log: log}, 5)
	unstarted := regexp.MustCompile(`(?m)^sangam_kafka_topics_unstarted ([0-9.e+]+)$`)

	status, posted, body := post(t, w.url, "police", sample(t, "chargesheet-2025-bns-malayalam"))
	if status != http.StatusAccepted {
		t.Fatalf("inbound status = %d while Kafka is down, body %s", status, body)
	}
	if m := unstarted.FindStringSubmatch(getText(t, w.url+"/metrics")); m == nil || m[1] == "0" {
		t.Errorf("sangam_kafka_topics_unstarted = %v while Kafka is down, want more than 0", m)
	}
	if !strings.Contains(logged.String(), "no Kafka broker answers") {
		t.Errorf("no log line says that Kafka is down:\n%s", logged)
	}
	var j journal.Journey
	if getJSON(t, w.url, "/api/v1/messages/"+posted.MessageID, &j) != http.StatusOK || j.Status != "in_progress" {
		t.Errorf("journey status %q while Kafka is down, want in_progress", j.Status)
	}

	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.Ports(port),
		kfake.GroupMinSessionTimeout(100*time.Millisecond))
	if err != nil {
		t.Fatalf("starting kfake cluster on port %d: %v", port, err)
	}
	t.Cleanup(cluster.Close)
	if j := settledJourney(t, w.url, posted.MessageID); j.Status != "delivered" {
		t.Errorf("journey status %s once Kafka answered, want delivered: %+v", j.Status, j.Deliveries)
	}
	if m := unstarted.FindStringSubmatch(getText(t, w.url+"/metrics")); m == nil || m[1] != "0" {
		t.Errorf("sangam_kafka_topics_unstarted = %v once Kafka answered, want 0", m)
	}
	// The court's topic, of three partitions, has this replica alone in
	// its group.
	topic := delivery.Topic("ecourts-kerala", 0)
	for _, want := range []string{`sangam_kafka_group_joined{topic="` + topic + `"} 1`,
		`sangam_kafka_partitions{topic="` + topic + `"} 3`} {
		waitFor(t, want, func() bool { return strings.Contains(getText(t, w.url+"/metrics"), want) })
	}
	waitFor(t, "the log line that the topics started", func() bool {
		return strings.Contains(logged.String(), "Kafka answers: the delivery topics that waited for it started")
	})
}

// TestKafkaTopicCheckLogsOutageOnce checks the topics every 10 ms while
// no broker listens, then starts one: one warning covers the failed
// checks, and one line logs that checking recovered.
func TestKafkaTopicCheckLogsOutageOnce(t *testing.T) {
	addr, port := closedPort(t)
	log, logged := capturedLog()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan struct{})
	go func() {
		defer close(done)
		keepKafkaTopics(ctx, kafkabus.Config{Brokers: []string{addr}}, 10*time.Millisecond,
			func() []string { return []string{"deliveries.court"} }, log)
	}()
	waitFor(t, "the first failed check", func() bool {
		return strings.Contains(logged.String(), "checking the Kafka topics failed")
	})
	time.Sleep(300 * time.Millisecond) // some thirty more failed checks
	cluster, err := kfake.NewCluster(kfake.NumBrokers(1), kfake.Ports(port),
		kfake.SeedTopics(1, "deliveries.court"))
	if err != nil {
		t.Fatalf("starting kfake cluster on port %d: %v", port, err)
	}
	t.Cleanup(cluster.Close)
	waitFor(t, "the line that checking recovered", func() bool {
		return strings.Contains(logged.String(), "checking the Kafka topics recovered")
	})
	cancel()
	<-done
	if n := strings.Count(logged.String(), "checking the Kafka topics failed"); n != 1 {
		t.Errorf("%d warnings for one outage, want 1:\n%s", n, logged)
	}
}
