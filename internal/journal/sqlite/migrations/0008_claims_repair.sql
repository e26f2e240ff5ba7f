-- A journal that took the claims table from an earlier build of it may
-- lack the claims of supplementary reports, and may give a FIR's claim
-- to a report that a court rejected or returned, which no longer counts.
-- Each statement below changes nothing in a journal whose claims the
-- table's migration filled in as it is now.

-- Reports that a court rejected or returned hold nothing.
DELETE FROM claims
WHERE kind IN ('original-final-report', 'supplementary-final-report')
    AND EXISTS (SELECT 1 FROM messages r
        WHERE r.type = 'court_registration' AND r.correlation_id = claims.message_id
            AND lower(trim(json_extract(r.canonical, '$.court_registration.status')))
                IN ('rejected', 'returned'));

-- The first original final report of each FIR without a claim that no
-- court rejected or returned.
INSERT INTO claims (kind, key, message_id)
SELECT 'original-final-report', key, id
FROM (
    SELECT id, key, row_number() OVER (PARTITION BY key ORDER BY received_at, id) AS n
    FROM (
        SELECT id, received_at, 'FIR/' ||
            json_extract(canonical, '$.chargesheet.fir.state') || '/' ||
            json_extract(canonical, '$.chargesheet.fir.district') || '/' ||
            json_extract(canonical, '$.chargesheet.fir.police_station') || '/' ||
            json_extract(canonical, '$.chargesheet.fir.year') || '/' ||
            json_extract(canonical, '$.chargesheet.fir.number') AS key
        FROM messages
        WHERE type = 'chargesheet'
            AND json_extract(canonical, '$.chargesheet.fir') IS NOT NULL
            AND coalesce(json_extract(canonical, '$.chargesheet.supplementary'), 0) = 0
            AND NOT EXISTS (SELECT 1 FROM messages c
                WHERE c.type = 'court_registration' AND c.correlation_id = messages.id
                    AND lower(trim(json_extract(c.canonical, '$.court_registration.status')))
                        IN ('rejected', 'returned'))
    )
)
WHERE n = 1
ON CONFLICT (kind, key) DO NOTHING;

-- The first supplementary report of each number for each FIR without a
-- claim that no court rejected or returned.
INSERT INTO claims (kind, key, message_id)
SELECT 'supplementary-final-report', key, id
FROM (
    SELECT id, key, row_number() OVER (PARTITION BY key ORDER BY received_at, id) AS n
    FROM (
        SELECT id, received_at, 'FIR/' ||
            json_extract(canonical, '$.chargesheet.fir.state') || '/' ||
            json_extract(canonical, '$.chargesheet.fir.district') || '/' ||
            json_extract(canonical, '$.chargesheet.fir.police_station') || '/' ||
            json_extract(canonical, '$.chargesheet.fir.year') || '/' ||
            json_extract(canonical, '$.chargesheet.fir.number') || '/' ||
            json_extract(canonical, '$.chargesheet.supplementary') AS key
        FROM messages
        WHERE type = 'chargesheet'
            AND json_extract(canonical, '$.chargesheet.fir') IS NOT NULL
            AND coalesce(json_extract(canonical, '$.chargesheet.supplementary'), 0) > 0
            AND NOT EXISTS (SELECT 1 FROM messages c
                WHERE c.type = 'court_registration' AND c.correlation_id = messages.id
                    AND lower(trim(json_extract(c.canonical, '$.court_registration.status')))
                        IN ('rejected', 'returned'))
    )
)
WHERE n = 1
ON CONFLICT (kind, key) DO NOTHING;
