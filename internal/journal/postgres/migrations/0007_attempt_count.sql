-- How many attempts each delivery has. Recording an attempt increments it
-- in the statement that locks the delivery and inserts the attempt with
-- the new count as its number, so the record takes one round trip.
ALTER TABLE deliveries ADD COLUMN attempt_count integer NOT NULL DEFAULT 0;

UPDATE deliveries d SET attempt_count = a.n
FROM (SELECT delivery_id, max(number) AS n FROM attempts GROUP BY delivery_id) a
WHERE a.delivery_id = d.id;
