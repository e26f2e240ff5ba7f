-- What one message at a time may hold (journal.Claim). Writers take turns
-- on SQLite's write lock, so the primary key settles which of two
-- messages with one claim is journaled.
CREATE TABLE claims (
    kind       TEXT NOT NULL,
    key        TEXT NOT NULL,
    message_id TEXT NOT NULL REFERENCES messages (id),
    PRIMARY KEY (kind, key)
) STRICT;

-- The claims that messages journaled before this table would hold now.
-- The kinds are the ones the hub's checks take: see
-- internal/courtfiling and internal/verification.

-- The first original final report of each FIR that the court it
-- was filed with did not reject or return.
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
WHERE n = 1;

-- The first supplementary report of each number for each FIR that the
-- court it was filed with did not reject or return.
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
WHERE n = 1;

-- The newest passport verification request of each file, when no report
-- answers it. The hub's escalations (source hub) are copies of a request
-- and hold nothing.
INSERT INTO claims (kind, key, message_id)
SELECT 'open-verification-request', file_number, id
FROM (
    SELECT id, file_number,
        row_number() OVER (PARTITION BY file_number ORDER BY received_at DESC, id DESC) AS n
    FROM (
        SELECT id, received_at,
            json_extract(canonical, '$.verification_request.file_number') AS file_number
        FROM messages
        WHERE type = 'verification_request' AND source <> 'hub'
    )
    WHERE file_number IS NOT NULL
) AS newest
WHERE n = 1 AND NOT EXISTS (
    SELECT 1 FROM messages r
    WHERE r.type = 'verification_report' AND r.correlation_id = newest.id
);
