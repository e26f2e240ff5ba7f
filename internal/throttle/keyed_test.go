package throttle

import (
	"fmt"
	"slices"
	"testing"
	"time"
)

var keyedStart = time.Date(2026, 12, 6, 10, 0, 0, 0, time.UTC)

func TestKeyedSamplerOneLinePerKey(t *testing.T) {
	s := KeyedSampler{Interval: 5 * time.Second}
	for i, key := range []string{"principal:alice", "principal:bob", "remote:192.0.2.7"} {
		d := s.Allow("other agency", key, keyedStart.Add(time.Duration(i)*time.Millisecond))
		if !d.OK {
			t.Errorf("first event of %s held back, want it let through", key)
		}
		if d.Shared {
			t.Errorf("first event of %s went through the shared limit", key)
		}
	}
	for i := range 3 {
		d := s.Allow("other agency", "principal:bob", keyedStart.Add(time.Duration(10+i)*time.Millisecond))
		if d.OK {
			t.Errorf("event %d of bob within the interval let through", i+2)
		}
	}

	d := s.Allow("other agency", "principal:bob", keyedStart.Add(5*time.Second+time.Millisecond))
	if !d.OK {
		t.Fatal("event of bob after the interval held back")
	}
	if d.Suppressed != 3 {
		t.Errorf("bob's suppressed = %d, want 3", d.Suppressed)
	}
	if len(d.Expired) != 0 {
		t.Errorf("expired %v, want none: alice's entry had nothing held back", d.Expired)
	}
}

func TestKeyedSamplerKindsApart(t *testing.T) {
	s := KeyedSampler{Interval: 5 * time.Second}
	s.Allow("unknown token", "remote:192.0.2.7", keyedStart)
	if d := s.Allow("other agency", "remote:192.0.2.7", keyedStart); !d.OK {
		t.Error("another kind of the same key held back")
	}
}

func TestKeyedSamplerExpiredCountsReported(t *testing.T) {
	s := KeyedSampler{Interval: 5 * time.Second}
	s.Allow("unknown token", "remote:192.0.2.7", keyedStart)
	s.Allow("unknown token", "remote:192.0.2.7", keyedStart.Add(time.Second))
	s.Allow("unknown token", "remote:192.0.2.7", keyedStart.Add(2*time.Second))

	// Another key's event after the interval expires the entry.
	d := s.Allow("other agency", "principal:bob", keyedStart.Add(5*time.Second))
	if len(d.Expired) != 1 {
		t.Fatalf("expired %v, want the entry of 192.0.2.7", d.Expired)
	}
	want := HeldBack{Kind: "unknown token", Key: "remote:192.0.2.7", Suppressed: 2, Since: keyedStart}
	if d.Expired[0] != want {
		t.Errorf("expired %+v, want %+v", d.Expired[0], want)
	}

	// The count is reported once.
	d = s.Allow("unknown token", "remote:192.0.2.7", keyedStart.Add(6*time.Second))
	if !d.OK {
		t.Error("event of the expired key held back")
	}
	if d.Suppressed != 0 {
		t.Errorf("suppressed = %d after the count was reported, want 0", d.Suppressed)
	}
}

func TestKeyedSamplerFlush(t *testing.T) {
	s := KeyedSampler{Interval: 5 * time.Second, MaxKeys: 2}
	s.Allow("unknown token", "remote:192.0.2.1", keyedStart)
	s.Allow("unknown token", "remote:192.0.2.1", keyedStart.Add(time.Second))
	s.Allow("unknown token", "remote:192.0.2.2", keyedStart)
	// The table is full, so two more hosts share one limit, which holds
	// back the second.
	s.Allow("unknown token", "remote:192.0.2.3", keyedStart)
	s.Allow("unknown token", "remote:192.0.2.4", keyedStart)

	if held := s.Flush(keyedStart.Add(5*time.Second - time.Nanosecond)); len(held) != 0 {
		t.Errorf("flush within the interval returned %+v, want none", held)
	}
	held := s.Flush(keyedStart.Add(5 * time.Second))
	want := []HeldBack{
		{Kind: "unknown token", Key: "remote:192.0.2.1", Suppressed: 1, Since: keyedStart},
		{Kind: "unknown token", Suppressed: 1, Since: keyedStart},
	}
	if !slices.Equal(held, want) {
		t.Errorf("flush after the interval returned %+v, want %+v", held, want)
	}
	if held := s.Flush(keyedStart.Add(time.Minute)); len(held) != 0 {
		t.Errorf("second flush returned %+v, want none: each count is returned once", held)
	}

	// The entries expired, so each host is let through again.
	d := s.Allow("unknown token", "remote:192.0.2.1", keyedStart.Add(time.Minute))
	if !d.OK || d.Shared || d.Suppressed != 0 {
		t.Errorf("event after the flush = %+v, want let through on its own entry, none suppressed", d)
	}
}

func TestKeyedSamplerFullTableShared(t *testing.T) {
	s := KeyedSampler{Interval: 5 * time.Second, MaxKeys: 2}
	s.Allow("unknown token", "remote:192.0.2.1", keyedStart)
	s.Allow("unknown token", "remote:192.0.2.2", keyedStart)

	d := s.Allow("unknown token", "remote:192.0.2.3", keyedStart.Add(time.Second))
	if !d.OK {
		t.Error("first event through the shared limit held back")
	}
	if !d.Shared {
		t.Error("event of a third key with two entries in use did not go through the shared limit")
	}
	for i := 4; i < 14; i++ {
		key := fmt.Sprintf("remote:192.0.2.%d", i)
		if d := s.Allow("unknown token", key, keyedStart.Add(2*time.Second)); d.OK {
			t.Errorf("%s let through within the shared interval", key)
		}
	}
	// The tracked keys keep their own limit.
	if d := s.Allow("unknown token", "remote:192.0.2.1", keyedStart.Add(3*time.Second)); d.OK || d.Shared {
		t.Errorf("tracked key decided %+v, want held back by its own limit", d)
	}

	// At 5 s the first two entries expire, so a new key gets an entry.
	d = s.Allow("unknown token", "remote:192.0.2.99", keyedStart.Add(5*time.Second))
	if !d.OK || d.Shared {
		t.Errorf("new key after the entries expired decided %+v, want its own entry", d)
	}
	want := []HeldBack{{Kind: "unknown token", Key: "remote:192.0.2.1", Suppressed: 1, Since: keyedStart}}
	if len(d.Expired) != 1 || d.Expired[0] != want[0] {
		t.Errorf("expired %+v, want %+v", d.Expired, want)
	}

	// At 6 s the shared limit expires with the ten keys it held back.
	d = s.Allow("unknown token", "remote:192.0.2.100", keyedStart.Add(6*time.Second))
	want = []HeldBack{{Kind: "unknown token", Suppressed: 10, Since: keyedStart.Add(time.Second)}}
	if len(d.Expired) != 1 || d.Expired[0] != want[0] {
		t.Errorf("expired %+v, want %+v", d.Expired, want)
	}
}

func TestKeyedSamplerSharedCountsOnNextLine(t *testing.T) {
	s := KeyedSampler{Interval: 5 * time.Second, MaxKeys: 1}
	s.Allow("unknown token", "remote:192.0.2.1", keyedStart)
	s.Allow("unknown token", "remote:192.0.2.2", keyedStart.Add(4*time.Second))
	// The tracked key's entry is renewed at 5 s, so it holds the only
	// entry until 10 s.
	s.Allow("unknown token", "remote:192.0.2.1", keyedStart.Add(5*time.Second))
	s.Allow("unknown token", "remote:192.0.2.3", keyedStart.Add(5*time.Second))
	s.Allow("unknown token", "remote:192.0.2.4", keyedStart.Add(6*time.Second))
	if d := s.Allow("unknown token", "remote:192.0.2.5", keyedStart.Add(8900*time.Millisecond)); d.OK {
		t.Fatalf("event within the shared interval let through: %+v", d)
	}

	d := s.Allow("unknown token", "remote:192.0.2.6", keyedStart.Add(9*time.Second))
	if !d.OK || !d.Shared {
		t.Fatalf("decided %+v, want let through by the shared limit", d)
	}
	if d.Suppressed != 3 {
		t.Errorf("suppressed = %d, want 3", d.Suppressed)
	}
	if len(d.Expired) != 0 {
		t.Errorf("expired %+v, want none: the shared count is on this line", d.Expired)
	}
}
