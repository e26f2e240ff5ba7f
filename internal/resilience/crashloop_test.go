package resilience

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"
)

func TestCrashLoopSQLite(t *testing.T) {
	testCrashLoop(t, crashLoop{kills: *killsFlag})
}

func TestCrashLoopPostgres(t *testing.T) {
	testCrashLoop(t, crashLoop{
		kills: *killsFlag,
		store: []string{"--postgres", postgresSchema(t, nil)},
	})
}

// TestCrashLoopKafka runs the crash loop with the journal on PostgreSQL
// and the delivery topics on a kfake cluster that outlives the hub.
// After each kill the test takes the killed hub's members out of the
// consumer groups, as Kafka would after their session timeout.
// kafkaCluster.removeMembers explains why kfake cannot be left to do it.
// The restarted hub thus reads its partitions at once, and the next kill
// can land while it delivers. Restarts take about as long as on the
// other stores, so the loop runs the full -kills.
func TestCrashLoopKafka(t *testing.T) {
	kafka := startKafka(t)
	testCrashLoop(t, crashLoop{
		kills:     *killsFlag,
		store:     []string{"--postgres", postgresSchema(t, nil), "--kafka", kafka.Brokers()},
		afterKill: kafka.removeMembers,
	})
	t.Logf("kafka: %d consumer group members of killed hubs removed", kafka.Removed())
}

// crashLoop configures testCrashLoop.
type crashLoop struct {
	// kills is how many times the serving hub is killed.
	kills int
	// store contains the serve flags that choose the journal and bus.
	// Without any, the hub runs on SQLite.
	store []string
	// afterKill, when set, runs after each kill, while no hub runs.
	afterKill func()
}

// testCrashLoop posts chargesheets at a steady rate while it kills the
// serving hub with SIGKILL c.kills times and starts it again on the same
// data. After every fourth of those kills it also kills the new process
// within 200ms of its start, often before it serves. Afterwards every
// acknowledged chargesheet must be delivered once.
func testCrashLoop(t *testing.T, c crashLoop) {
	p := newHubProcess(t, "hub")
	ag := startAgencies(t, p.URL(), agencyOptions{})
	p.args = append(p.args, "--data", filepath.Join(t.TempDir(), "data"),
		"--routes", ag.writeRoutes(t, routeLimits{timeout: 2 * time.Second}))
	p.args = append(p.args, c.store...)
	p.start()

	seed := *seedFlag
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	rng := rand.New(rand.NewPCG(seed, 0))
	t.Logf("kill moments from seed %d (rerun with -seed %d)", seed, seed)

	g := newGenerator(newChargesheets(t, "crash"), p.URL())
	// Each kill cycle takes about a second; a message is posted again
	// until then and two minutes more.
	retryFor := time.Duration(c.kills)*2*time.Second + 2*time.Minute
	giveUp, stopRetries := context.WithTimeout(context.Background(), retryFor)
	defer stopRetries()
	load, stopLoad := context.WithCancel(giveUp)
	loadDone := make(chan struct{})
	go func() {
		defer close(loadDone)
		g.steady(load, giveUp, *rateFlag)
	}()

	began := time.Now()
	var downtimes []time.Duration
	startupKills := 0
	for k := range c.kills {
		time.Sleep(randomDuration(rng, 150*time.Millisecond, 900*time.Millisecond))
		p.kill()
		down := time.Now()
		c.runAfterKill()
		if k%4 == 3 {
			p.launch()
			time.Sleep(randomDuration(rng, 0, 200*time.Millisecond))
			p.kill()
			c.runAfterKill()
			startupKills++
		}
		p.start()
		downtime := time.Since(down)
		downtimes = append(downtimes, downtime)
		if downtime > slowRestart {
			t.Logf("restart %d took %s; the hub's last log lines:\n%s", k+1,
				downtime.Round(time.Millisecond), tail(p.logPath, 10))
		}
	}
	time.Sleep(time.Second) // load on a hub that runs
	stopLoad()
	<-loadDone
	g.wait()
	loadTime := time.Since(began)

	_, ids := checkLoad(t, g)
	report := verifyExactlyOnce(t, p.URL(), ag, ids, 90*time.Second)
	t.Logf("%d SIGKILLs of the serving hub and %d more as it started, in %s; hub down "+
		"%s on average, %s at most, per kill", c.kills, startupKills,
		loadTime.Round(time.Millisecond),
		mean(downtimes).Round(time.Millisecond), longest(downtimes).Round(time.Millisecond))
	t.Logf("delivery: %s; verified %s after the load ended", report,
		time.Since(began.Add(loadTime)).Round(time.Millisecond))
}

func (c crashLoop) runAfterKill() {
	if c.afterKill != nil {
		c.afterKill()
	}
}

// slowRestart is the downtime after which the crash loop logs what the
// restarted hub was doing.
const slowRestart = 3 * time.Second

// randomDuration returns a duration drawn evenly from [low, high).
func randomDuration(rng *rand.Rand, low, high time.Duration) time.Duration {
	if high <= low {
		return low
	}
	return low + time.Duration(rng.Int64N(int64(high-low)))
}

func mean(ds []time.Duration) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	return sum / time.Duration(len(ds))
}

func longest(ds []time.Duration) time.Duration {
	var out time.Duration
	for _, d := range ds {
		out = max(out, d)
	}
	return out
}
