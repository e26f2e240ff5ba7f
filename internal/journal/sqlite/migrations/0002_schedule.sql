-- Scheduling: when each pending delivery is due, whether a command for it
-- is on the bus, the order of one case's deliveries, and replays of dead
-- deliveries. Times are microseconds since the Unix epoch, as in 0001.

-- The case of the delivery's message, copied so that ordering queries need
-- no join.
ALTER TABLE deliveries ADD COLUMN case_key TEXT NOT NULL DEFAULT '';
-- Creation order: a delivery is earlier than another when its seq is
-- lower. Each insert takes one more than the largest seq, under the
-- database's write lock. The default only lets the column be added.
ALTER TABLE deliveries ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
-- When a pending delivery is due; NULL once it is settled.
ALTER TABLE deliveries ADD COLUMN next_attempt_at INTEGER;
-- When the last command for the delivery was published; NULL when no
-- command is on the bus.
ALTER TABLE deliveries ADD COLUMN queued_at INTEGER;
-- The dead delivery that this one replays; NULL for an original.
ALTER TABLE deliveries ADD COLUMN replay_of TEXT REFERENCES deliveries (id);
-- Who requested the replay; empty for an original.
ALTER TABLE deliveries ADD COLUMN replayed_by TEXT NOT NULL DEFAULT '';

UPDATE deliveries SET case_key = (
    SELECT m.case_key FROM messages m WHERE m.id = deliveries.message_id
);

-- Existing deliveries keep the order in which they were accepted.
UPDATE deliveries SET seq = o.n
FROM (
    SELECT id, row_number() OVER (ORDER BY created_at, message_id, position) AS n
    FROM deliveries
) AS o
WHERE o.id = deliveries.id;

-- A pending delivery journaled before this migration had its command on
-- the bus until it settled, so it counts as queued since its last change:
-- Requeue publishes a new command once that mark is older than its
-- staleBefore.
UPDATE deliveries SET next_attempt_at = updated_at, queued_at = updated_at
WHERE status = 'pending';

CREATE UNIQUE INDEX deliveries_seq ON deliveries (seq);
-- Requeue: pending deliveries that are due.
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
-- Blocked and Requeue: earlier pending deliveries of one case to one
-- destination.
CREATE INDEX deliveries_case_order ON deliveries (destination, case_key, status, seq);
-- Replay and DeadLetters: the replays of a delivery.
CREATE INDEX deliveries_replay_of ON deliveries (replay_of) WHERE replay_of IS NOT NULL;

-- When the delivery was due again after this attempt; NULL unless the
-- attempt left it pending.
ALTER TABLE attempts ADD COLUMN next_attempt_at INTEGER;
