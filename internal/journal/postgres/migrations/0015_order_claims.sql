-- The claims of numbered court orders journaled before the hub took
-- them: the first copy of each holds it (internal/orderclaim). The key
-- is the court's code, the kind, the prison's code, the prisoner number
-- and the court's order number in capitals. Orders without a number or without a
-- prisoner number have keys made from a digest that SQL does not
-- compute, and stay without a claim.
INSERT INTO claims (kind, key, message_id)
SELECT 'court-order', key, id
FROM (
    SELECT id, key,
        row_number() OVER (PARTITION BY key ORDER BY received_at, id) AS n
    FROM (
        SELECT id, received_at,
            (canonical -> 'court_order' -> 'court' ->> 'code') || '/' ||
            (canonical -> 'court_order' ->> 'kind') || '/' ||
            coalesce(canonical -> 'court_order' -> 'prisoner' ->> 'prison_code', '') || '/' ||
            (canonical -> 'court_order' -> 'prisoner' ->> 'number') || '/number/' ||
            upper(canonical -> 'court_order' ->> 'number') AS key
        FROM messages
        WHERE type = 'court_order'
            AND coalesce(canonical -> 'court_order' ->> 'number', '') != ''
            AND coalesce(canonical -> 'court_order' -> 'prisoner' ->> 'number', '') != ''
    ) orders
) numbered
WHERE n = 1 AND key IS NOT NULL
ON CONFLICT DO NOTHING;
