-- The claims of prisoner movements journaled before the hub took them:
-- the first report of each movement holds it (internal/movementclaim).
-- The key is the prison code, the prisoner number, the kind and the
-- time in microseconds, which occurred_at holds.
INSERT OR IGNORE INTO claims (kind, key, message_id)
SELECT 'prisoner-movement', key, id
FROM (
    SELECT id, key,
        row_number() OVER (PARTITION BY key ORDER BY received_at, id) AS n
    FROM (
        SELECT id, received_at,
            json_extract(canonical, '$.prisoner_movement.prisoner.prison_code') || '/' ||
            json_extract(canonical, '$.prisoner_movement.prisoner.number') || '/' ||
            json_extract(canonical, '$.prisoner_movement.kind') || '/' ||
            occurred_at AS key
        FROM messages
        WHERE type = 'prisoner_movement'
            AND coalesce(json_extract(canonical, '$.prisoner_movement.prisoner.number'), '') != ''
    )
)
WHERE n = 1;
