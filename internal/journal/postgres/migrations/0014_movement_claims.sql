-- The claims of prisoner movements journaled before the hub took them:
-- the first report of each movement holds it (internal/movementclaim).
-- The key is the prison code, the prisoner number, the kind and the
-- time in microseconds since the Unix epoch, from occurred_at.
INSERT INTO claims (kind, key, message_id)
SELECT 'prisoner-movement', key, id
FROM (
    SELECT id, key,
        row_number() OVER (PARTITION BY key ORDER BY received_at, id) AS n
    FROM (
        SELECT id, received_at,
            (canonical -> 'prisoner_movement' -> 'prisoner' ->> 'prison_code') || '/' ||
            (canonical -> 'prisoner_movement' -> 'prisoner' ->> 'number') || '/' ||
            (canonical -> 'prisoner_movement' ->> 'kind') || '/' ||
            (extract(epoch FROM occurred_at) * 1000000)::bigint AS key
        FROM messages
        WHERE type = 'prisoner_movement'
            AND coalesce(canonical -> 'prisoner_movement' -> 'prisoner' ->> 'number', '') != ''
    ) movements
) numbered
WHERE n = 1
ON CONFLICT DO NOTHING;
