-- Scheduling: when each pending delivery is due, whether a command for it
-- is on the bus, the order of one case's deliveries, and replays of dead
-- deliveries.

ALTER TABLE deliveries
    -- The case of the delivery's message, copied so that ordering queries
    -- need no join.
    ADD COLUMN case_key        text NOT NULL DEFAULT '',
    -- Creation order: a delivery is earlier than another when its seq is
    -- lower. Filled for existing rows below, then by an identity.
    ADD COLUMN seq             bigint,
    -- When a pending delivery is due; NULL once it is settled.
    ADD COLUMN next_attempt_at timestamptz,
    -- When the last command for the delivery was published; NULL when no
    -- command is on the bus.
    ADD COLUMN queued_at       timestamptz,
    -- The dead delivery that this one replays; NULL for an original.
    ADD COLUMN replay_of       text REFERENCES deliveries (id),
    -- Who requested the replay; empty for an original.
    ADD COLUMN replayed_by     text NOT NULL DEFAULT '';

UPDATE deliveries d SET case_key = m.case_key
FROM messages m WHERE m.id = d.message_id;

-- Existing deliveries keep the order in which they were accepted.
UPDATE deliveries d SET seq = o.n
FROM (
    SELECT id, row_number() OVER (ORDER BY created_at, message_id, position) AS n
    FROM deliveries
) o
WHERE o.id = d.id;

-- A pending delivery journaled before this migration had its command on
-- the bus until it settled, so it counts as queued since its last change:
-- Requeue publishes a new command once that mark is older than its
-- staleBefore.
UPDATE deliveries SET next_attempt_at = updated_at, queued_at = updated_at
WHERE status = 'pending';

ALTER TABLE deliveries
    ALTER COLUMN seq SET NOT NULL,
    ALTER COLUMN seq ADD GENERATED ALWAYS AS IDENTITY,
    ADD CONSTRAINT deliveries_seq_key UNIQUE (seq);

SELECT setval(pg_get_serial_sequence('deliveries', 'seq'),
    coalesce(max(seq), 0) + 1, false)
FROM deliveries;

-- Requeue: pending deliveries that are due.
CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
-- Blocked and Requeue: earlier pending deliveries of one case to one
-- destination.
CREATE INDEX deliveries_case_order ON deliveries (destination, case_key, status, seq);
-- Replay and DeadLetters: the replays of a delivery.
CREATE INDEX deliveries_replay_of ON deliveries (replay_of) WHERE replay_of IS NOT NULL;

-- When the delivery was due again after this attempt; NULL unless the
-- attempt left it pending.
ALTER TABLE attempts ADD COLUMN next_attempt_at timestamptz;
