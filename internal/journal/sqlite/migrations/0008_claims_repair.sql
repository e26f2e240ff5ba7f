-- A journal that took the claims table from an earlier build of it may
-- lack the claims of supplementary reports, and may give a FIR's claim
-- to a report that the court it was filed with rejected or returned,
-- which no longer counts, or take it from a report that another court
-- claimed to reject.
-- Each statement below changes nothing in a journal whose claims the
-- table's migration filled in as it is now.

-- Reports that their court rejected or returned hold nothing.
DELETE FROM claims
WHERE kind IN ('original-final-report', 'supplementary-final-report')
    AND EXISTS (SELECT 1 FROM messages c, messages m
        WHERE m.id = claims.message_id
            AND c.type = 'court_registration' AND c.correlation_id = m.id
            AND lower(trim(json_extract(c.canonical, '$.court_registration.status')))
                IN ('rejected', 'returned')
            AND (coalesce(json_extract(c.canonical, '$.court_registration.court.code'), '') = ''
                OR coalesce(json_extract(m.canonical, '$.chargesheet.court.code'), '') = ''
                OR upper(json_extract(c.canonical, '$.court_registration.court.code'))
                    = upper(json_extract(m.canonical, '$.chargesheet.court.code'))));

-- For each FIR without a claim, its first original final report that
-- its court did not reject or return.
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
                        IN ('rejected', 'returned')
                    AND (coalesce(json_extract(c.canonical, '$.court_registration.court.code'), '') = ''
                        OR coalesce(json_extract(messages.canonical, '$.chargesheet.court.code'), '') = ''
                        OR upper(json_extract(c.canonical, '$.court_registration.court.code'))
                            = upper(json_extract(messages.canonical, '$.chargesheet.court.code'))))
    )
)
WHERE n = 1
ON CONFLICT (kind, key) DO NOTHING;

-- For each FIR and supplementary number without a claim, the first
-- such report that its court did not reject or return.
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
                        IN ('rejected', 'returned')
                    AND (coalesce(json_extract(c.canonical, '$.court_registration.court.code'), '') = ''
                        OR coalesce(json_extract(messages.canonical, '$.chargesheet.court.code'), '') = ''
                        OR upper(json_extract(c.canonical, '$.court_registration.court.code'))
                            = upper(json_extract(messages.canonical, '$.chargesheet.court.code'))))
    )
)
WHERE n = 1
ON CONFLICT (kind, key) DO NOTHING;
