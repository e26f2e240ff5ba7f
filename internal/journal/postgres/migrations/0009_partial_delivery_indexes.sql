-- The scheduler and the dead-letter views read only pending and dead
-- deliveries, yet the indexes they used covered every delivery, and
-- status, updated_at or next_attempt_at changes with each attempt. Each
-- attempt's update therefore wrote an entry into every one of them. A
-- partial index takes entries only from rows that match its condition,
-- so a delivered delivery leaves the pending indexes and enters none.
--
-- Building each new index reads the whole deliveries table and locks it
-- against writes until the migration commits, so on a large journal the
-- hub's first start with this migration takes longer.

DROP INDEX deliveries_status;
DROP INDEX deliveries_destination;
DROP INDEX deliveries_due;
DROP INDEX deliveries_case_order;

-- Requeue: pending deliveries that are due.
CREATE INDEX deliveries_pending_due ON deliveries (next_attempt_at)
    WHERE status = 'pending';
-- Delivery and Requeue: earlier pending deliveries of one case
-- to one destination. Backlog counts pending deliveries per destination.
CREATE INDEX deliveries_pending_case ON deliveries (destination, case_key, seq)
    WHERE status = 'pending';
-- DeadLetters and Backlog: dead deliveries, newest first.
CREATE INDEX deliveries_dead ON deliveries (updated_at, seq)
    WHERE status = 'dead';
