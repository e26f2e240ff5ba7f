// Package resilience tests the hub's delivery promise under failures:
// every message the hub acknowledges reaches each destination once, as
// one distinct request per delivery id, and the journal records it
// delivered. The tests kill the sangam process at random moments under
// load and restart PostgreSQL under the hub. They take a destination
// down, run the journal on a small connection pool, run two replicas on
// one database and stop the hub while deliveries are in flight.
//
// The crash loop runs on each bus: SQLite, PostgreSQL, and Kafka with
// the journal on PostgreSQL (TestCrashLoopKafka). Two replicas share
// deliveries on the PostgreSQL bus and on Kafka
// (TestTwoReplicasShareDeliveriesKafka). The Kafka tests start a kfake
// cluster of three brokers on loopback in the test process, so it
// outlives the killed hubs. kfake keeps some members of killed hubs in
// their consumer groups for good, so the crash loop removes them after
// each kill, as Kafka would after their session timeout.
//
// The package has tests only. They run on loopback with the mock court
// and police station, and they build the sangam binary once per test
// binary where a real process must be killed. The PostgreSQL tests use
// $SANGAM_TEST_POSTGRES (default the local server's database test) and
// skip with a message when it is unreachable. The PostgreSQL restart
// test starts a private cluster with the server's initdb and skips when
// none is installed.
//
// Flags lengthen a run: -kills sets the SIGKILLs per store in the crash
// loop (default 20) and -rate the messages per second of the steady
// load (default 20). `make resilience` runs a longer loop.
package resilience
