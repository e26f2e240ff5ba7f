package bus

import "time"

// Waiting describes the messages of one SQL bus topic that no subscriber
// has acknowledged yet.
type Waiting struct {
	// Messages is their count, including those a subscriber is handling.
	Messages int64
	// Oldest is when the oldest of them was published; zero when none
	// waits.
	Oldest time.Time
}
