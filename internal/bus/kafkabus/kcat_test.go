package kafkabus_test

import (
	"bytes"
	"context"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ThreeDotsLabs/watermill/message"

	"github.com/sangam-hub/sangam/internal/bus/kafkabus"
)

// kcatTimeout bounds one kcat run.
const kcatTimeout = 30 * time.Second

// kcatPath returns the path of kcat, skipping the test when it is missing.
func kcatPath(t *testing.T) string {
	t.Helper()

	path, err := exec.LookPath("kcat")
	if err != nil {
		t.Skip("skipping: kcat is not installed (Debian package kcat: apt-get install -y kcat)")
	}
	return path
}

// runKcat runs kcat with args and stdin and returns its standard output.
func runKcat(t *testing.T, path string, stdin string, args ...string) string {
	t.Helper()

	ctx, cancel := context.WithTimeout(context.Background(), kcatTimeout)
	defer cancel()

	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout = &stdout
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("kcat %s: %v\nstderr:\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return stdout.String()
}

// kcatRecord is one message as kcat printed it.
type kcatRecord struct {
	partition int
	key       string
	headers   map[string]string
	payload   string
}

// kcatFormat makes kcat print one message per line as fields separated by
// a tab, which neither the keys, headers nor payloads of these tests
// contain.
const kcatFormat = "%p\t%k\t%h\t%s\n"

func parseKcat(t *testing.T, output string) []kcatRecord {
	t.Helper()

	var records []kcatRecord
	for line := range strings.Lines(output) {
		fields := strings.Split(strings.TrimSuffix(line, "\n"), "\t")
		if len(fields) != 4 {
			t.Fatalf("kcat line %q has %d tab-separated fields, expected 4", line, len(fields))
		}
		partition, err := strconv.Atoi(fields[0])
		if err != nil {
			t.Fatalf("kcat line %q: partition: %v", line, err)
		}

		headers := map[string]string{}
		for pair := range strings.SplitSeq(fields[2], ",") {
			if name, value, ok := strings.Cut(pair, "="); ok {
				headers[name] = value
			}
		}
		records = append(records, kcatRecord{
			partition: partition,
			key:       fields[1],
			headers:   headers,
			payload:   fields[3],
		})
	}
	return records
}

func TestKcatReadsPublishedMessages(t *testing.T) {
	kcat := kcatPath(t)
	brokers := startCluster(t)
	const topic, partitions = "to-kcat", 3
	initializeTopic(t, brokers, topic, partitions)
	publisher := newPublisher(t, brokers)

	keyed := caseMessage("uuid-keyed", "KL-TVM-2024-0001")
	keyed.Metadata.Set("agency", "cctns")
	unkeyed := message.NewMessage("uuid-unkeyed", []byte("no case"))
	if err := publisher.Publish(topic, keyed, unkeyed); err != nil {
		t.Fatalf("Publish: %v", err)
	}

	output := runKcat(t, kcat, "", "-b", brokers[0], "-C", "-t", topic,
		"-o", "beginning", "-e", "-q", "-f", kcatFormat)
	records := parseKcat(t, output)
	if len(records) != 2 {
		t.Fatalf("kcat read %d messages, expected 2:\n%s", len(records), output)
	}

	byUUID := map[string]kcatRecord{}
	for _, record := range records {
		byUUID[record.headers[kafkabus.UUIDHeader]] = record
	}

	got, ok := byUUID["uuid-keyed"]
	if !ok {
		t.Fatalf("kcat output has no message with %s=uuid-keyed:\n%s", kafkabus.UUIDHeader, output)
	}
	if got.key != "KL-TVM-2024-0001" {
		t.Errorf("key is %q, expected the case_key KL-TVM-2024-0001", got.key)
	}
	if got.payload != "payload of uuid-keyed" {
		t.Errorf("payload is %q, expected %q", got.payload, "payload of uuid-keyed")
	}
	if got.headers["agency"] != "cctns" {
		t.Errorf("header agency is %q, expected cctns", got.headers["agency"])
	}
	if got.headers[kafkabus.CaseKeyMetadata] != "KL-TVM-2024-0001" {
		t.Errorf("header case_key is %q, expected KL-TVM-2024-0001", got.headers[kafkabus.CaseKeyMetadata])
	}
	if want := expectedPartition("KL-TVM-2024-0001", partitions); got.partition != want {
		t.Errorf("partition is %d, expected %d", got.partition, want)
	}

	got, ok = byUUID["uuid-unkeyed"]
	if !ok {
		t.Fatalf("kcat output has no message with %s=uuid-unkeyed:\n%s", kafkabus.UUIDHeader, output)
	}
	if got.key != "" {
		t.Errorf("message without case_key has key %q, expected none", got.key)
	}
	if got.payload != "no case" {
		t.Errorf("payload is %q, expected %q", got.payload, "no case")
	}
}

func TestSubscriberReadsKcatMessages(t *testing.T) {
	kcat := kcatPath(t)
	brokers := startCluster(t)
	const topic, partitions, caseKey = "from-kcat", 3, "KL-EKM-2024-0117"
	initializeTopic(t, brokers, topic, partitions)

	// murmur2_random is the partitioner the bus's publisher uses, so kcat
	// must put the case on the same partition.
	produce := []string{"-b", brokers[0], "-P", "-t", topic, "-k", caseKey,
		"-X", "topic.partitioner=murmur2_random", "-H", "agency=ecourts"}
	runKcat(t, kcat, "first\n", append(produce, "-H", kafkabus.UUIDHeader+"=uuid-from-kcat")...)
	runKcat(t, kcat, "second\n", produce...)

	// Both messages share a partition, which hands out the second only
	// after the first is acked.
	_, messages := subscribe(t, brokers, "kcat-check", topic)
	first := receive(t, messages)
	first.Ack()
	second := receive(t, messages)
	second.Ack()

	if first.UUID != "uuid-from-kcat" {
		t.Errorf("first UUID is %q, expected the header's uuid-from-kcat", first.UUID)
	}
	if string(first.Payload) != "first" {
		t.Errorf("first payload is %q, expected %q", first.Payload, "first")
	}
	if first.Metadata.Get("agency") != "ecourts" {
		t.Errorf("first metadata agency is %q, expected ecourts", first.Metadata.Get("agency"))
	}
	if _, ok := first.Metadata[kafkabus.UUIDHeader]; ok {
		t.Errorf("the UUID header also appears in metadata: %v", first.Metadata)
	}

	partition := expectedPartition(caseKey, partitions)
	wantUUID := "kafka:" + topic + "/" + strconv.Itoa(partition) + "/1"
	if second.UUID != wantUUID {
		t.Errorf("second UUID is %q, expected %q for a message without a UUID header", second.UUID, wantUUID)
	}
	if string(second.Payload) != "second" {
		t.Errorf("second payload is %q, expected %q", second.Payload, "second")
	}
	if position, _ := kafkabus.PositionFromContext(second.Context()); position.Partition != partition {
		t.Errorf("kcat put the case on partition %d, the publisher would use %d", position.Partition, partition)
	}
}
