-- What one message at a time may hold (journal.Claim). The primary key
-- makes the second of two transactions that take one claim wait for the
-- first and fail once it commits, so a check and its commit cannot be
-- split by another message.
CREATE TABLE claims (
    kind       text NOT NULL,
    key        text NOT NULL,
    message_id text NOT NULL REFERENCES messages (id),
    PRIMARY KEY (kind, key)
);

-- The claims that messages journaled before this table would hold now.
-- The kinds are the ones the hub's checks take: see
-- internal/courtfiling and internal/verification.

-- The first original final report of each FIR that the court it
-- was filed with did not reject or return.
INSERT INTO claims (kind, key, message_id)
SELECT DISTINCT ON (key) 'original-final-report', key, id
FROM (
    SELECT m.id, m.received_at, format('FIR/%s/%s/%s/%s/%s',
            f->>'state', f->>'district', f->>'police_station', f->>'year', f->>'number') AS key
    FROM messages m, jsonb_extract_path(m.canonical, 'chargesheet', 'fir') AS f
    WHERE m.type = 'chargesheet'
        AND f IS NOT NULL
        AND coalesce((m.canonical->'chargesheet'->>'supplementary')::integer, 0) = 0
        AND NOT EXISTS (SELECT 1 FROM messages c
            WHERE c.type = 'court_registration' AND c.correlation_id = m.id
                AND lower(trim(c.canonical->'court_registration'->>'status')) IN ('rejected', 'returned')
                AND (coalesce(c.canonical->'court_registration'->'court'->>'code', '') = ''
                    OR coalesce(m.canonical->'chargesheet'->'court'->>'code', '') = ''
                    OR upper(c.canonical->'court_registration'->'court'->>'code')
                        = upper(m.canonical->'chargesheet'->'court'->>'code')))
) AS originals
ORDER BY key, received_at, id;

-- The first supplementary report of each number for each FIR that the
-- court it was filed with did not reject or return.
INSERT INTO claims (kind, key, message_id)
SELECT DISTINCT ON (key) 'supplementary-final-report', key, id
FROM (
    SELECT m.id, m.received_at, format('FIR/%s/%s/%s/%s/%s/%s',
            f->>'state', f->>'district', f->>'police_station', f->>'year', f->>'number',
            m.canonical->'chargesheet'->>'supplementary') AS key
    FROM messages m, jsonb_extract_path(m.canonical, 'chargesheet', 'fir') AS f
    WHERE m.type = 'chargesheet'
        AND f IS NOT NULL
        AND coalesce((m.canonical->'chargesheet'->>'supplementary')::integer, 0) > 0
        AND NOT EXISTS (SELECT 1 FROM messages c
            WHERE c.type = 'court_registration' AND c.correlation_id = m.id
                AND lower(trim(c.canonical->'court_registration'->>'status')) IN ('rejected', 'returned')
                AND (coalesce(c.canonical->'court_registration'->'court'->>'code', '') = ''
                    OR coalesce(m.canonical->'chargesheet'->'court'->>'code', '') = ''
                    OR upper(c.canonical->'court_registration'->'court'->>'code')
                        = upper(m.canonical->'chargesheet'->'court'->>'code')))
) AS supplementary
ORDER BY key, received_at, id;

-- The newest passport verification request of each file, when no report
-- answers it. The hub's escalations (source hub) are copies of a request
-- and hold nothing.
INSERT INTO claims (kind, key, message_id)
SELECT 'open-verification-request', newest.file_number, newest.id
FROM (
    SELECT DISTINCT ON (file_number) m.id, file_number
    FROM messages m, jsonb_extract_path_text(m.canonical,
            'verification_request', 'file_number') AS file_number
    WHERE m.type = 'verification_request' AND m.source <> 'hub' AND file_number IS NOT NULL
    ORDER BY file_number, m.received_at DESC, m.id DESC
) AS newest
WHERE NOT EXISTS (
    SELECT 1 FROM messages r
    WHERE r.type = 'verification_report' AND r.correlation_id = newest.id
);
