package resilience

import (
	"bufio"
	"context"
	"os"
	"regexp"
	"testing"
	"time"

	"github.com/sangam-hub/sangam/routes"
)

// TestTwoReplicasShareDeliveries runs two sangam serve processes on one
// PostgreSQL schema and posts chargesheets to each in turn. With no
// crash, each delivery must be sent once, by one replica: one distinct
// filing per chargesheet, no repeated request and one journaled attempt
// each.
//
// Repeats can still happen without a crash when an attempt outlives its
// command's acknowledgement deadline (the destination's timeout plus
// 30s), or when a queued delivery waits longer than the hub's
// StaleAfter (5 minutes) and is queued again. This test stays far from
// both.
func TestTwoReplicasShareDeliveries(t *testing.T) {
	testTwoReplicas(t, []string{"--postgres", postgresSchema(t, nil)}, nil)
}

// TestTwoReplicasShareDeliveriesKafka runs the replicas with the
// delivery topics on one kfake cluster, so that the replicas split each
// topic's partitions in its consumer group.
//
// On Kafka a rebalance is one more way to repeat a delivery without a
// crash. A replica that loses a partition while one of its attempts is
// in flight does not commit the command's offset. The replica that gets
// the partition then sends the delivery again, unless the attempt was
// journaled first. The test therefore posts only once both replicas are
// members of every delivery topic's group.
func TestTwoReplicasShareDeliveriesKafka(t *testing.T) {
	kafka := startKafka(t)
	store := []string{"--postgres", postgresSchema(t, nil), "--kafka", kafka.Brokers(),
		"--kafka-session-timeout", "10s"}
	testTwoReplicas(t, store, func() {
		// Each of the two destinations has DefaultConcurrency topics, and
		// each topic a consumer group of its own.
		kafka.waitForMembers(2*routes.DefaultConcurrency, 2, 30*time.Second)
	})
}

// testTwoReplicas runs the replicas with store as their serve flags that
// choose the journal and bus. ready, when set, runs after both replicas
// serve and before the load starts.
func testTwoReplicas(t *testing.T, store []string, ready func()) {
	a := newHubProcess(t, "replica-a")
	b := newHubProcess(t, "replica-b")
	// The court calls back replica a; its registrations reach the
	// station through whichever replica takes the command.
	ag := startAgencies(t, a.URL(), agencyOptions{})
	routesFile := ag.writeRoutes(t, routeLimits{timeout: 2 * time.Second})
	for _, p := range []*hubProcess{a, b} {
		p.args = append(p.args, "--routes", routesFile, "--data", t.TempDir())
		p.args = append(p.args, store...)
	}
	a.start()
	b.start()
	if ready != nil {
		ready()
	}

	g := newGenerator(newChargesheets(t, "replicas"), a.URL(), b.URL())
	giveUp, stopRetries := context.WithTimeout(context.Background(), time.Minute)
	defer stopRetries()
	load, stopLoad := context.WithTimeout(giveUp, 4*time.Second)
	defer stopLoad()
	began := time.Now()
	g.steady(load, giveUp, *rateFlag)
	g.wait()

	counts, ids := checkLoad(t, g)
	report := verifyExactlyOnce(t, a.URL(), ag, ids, time.Minute)
	if counts.NoResponse+counts.Unavailable > 0 {
		t.Errorf("%d posts failed although no replica stopped",
			counts.NoResponse+counts.Unavailable)
	}
	if report.FilingRepeats != 0 || report.NotificationRepeats != 0 {
		t.Errorf("%d filings and %d notifications were sent again although nothing failed",
			report.FilingRepeats, report.NotificationRepeats)
	}
	if report.Attempts != report.Messages {
		t.Errorf("%d attempts journaled for %d chargesheets, want one each",
			report.Attempts, report.Messages)
	}

	byA, byB := deliveredIDs(t, a), deliveredIDs(t, b)
	for id := range byA {
		if byB[id] {
			t.Errorf("delivery %s was sent by both replicas", id)
		}
	}
	total := report.Messages + report.CNRs
	if n := len(byA) + len(byB); n != total {
		t.Errorf("the replicas logged %d deliveries, want %d chargesheets and CNRs", n, total)
	}
	t.Logf("delivery: %s; settled %s after the load began", report,
		time.Since(began).Round(time.Millisecond))
	t.Logf("deliveries sent: %d by replica a, %d by replica b", len(byA), len(byB))
}

// deliveredLine matches the hub's log line of a delivered delivery.
var deliveredLine = regexp.MustCompile(`msg=delivered delivery_id=(\S+)`)

// deliveredIDs returns the delivery ids that p's log records delivered.
func deliveredIDs(t *testing.T, p *hubProcess) map[string]bool {
	t.Helper()
	f, err := os.Open(p.logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ids := map[string]bool{}
	scanner := bufio.NewScanner(f)
	scanner.Buffer(make([]byte, 64<<10), 1<<20)
	for scanner.Scan() {
		if m := deliveredLine.FindStringSubmatch(scanner.Text()); m != nil {
			ids[m[1]] = true
		}
	}
	if err := scanner.Err(); err != nil {
		t.Fatal(err)
	}
	return ids
}
