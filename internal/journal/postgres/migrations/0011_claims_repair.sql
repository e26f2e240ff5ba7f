-- A journal that took the claims table from an earlier build of it may
-- lack the claims of supplementary reports, and may give a FIR's claim
-- to a report that a court rejected or returned, which no longer counts.
-- Each statement below changes nothing in a journal whose claims the
-- table's migration filled in as it is now.

-- Reports that a court rejected or returned hold nothing.
DELETE FROM claims c
WHERE c.kind IN ('original-final-report', 'supplementary-final-report')
    AND EXISTS (SELECT 1 FROM messages r
        WHERE r.type = 'court_registration' AND r.correlation_id = c.message_id
            AND lower(trim(r.canonical->'court_registration'->>'status')) IN ('rejected', 'returned'));

-- The first original final report of each FIR without a claim that no
-- court rejected or returned.
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
                AND lower(trim(c.canonical->'court_registration'->>'status')) IN ('rejected', 'returned'))
) AS originals
ORDER BY key, received_at, id
ON CONFLICT (kind, key) DO NOTHING;

-- The first supplementary report of each number for each FIR without a
-- claim that no court rejected or returned.
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
                AND lower(trim(c.canonical->'court_registration'->>'status')) IN ('rejected', 'returned'))
) AS supplementary
ORDER BY key, received_at, id
ON CONFLICT (kind, key) DO NOTHING;
