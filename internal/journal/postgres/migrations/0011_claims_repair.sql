-- A journal that took the claims table from an earlier build of it may
-- lack the claims of supplementary reports, and may give a FIR's claim
-- to a report that the court it was filed with rejected or returned,
-- which no longer counts, or take it from a report that another court
-- claimed to reject.
-- Each statement below changes nothing in a journal whose claims the
-- table's migration filled in as it is now.

-- Reports that their court rejected or returned hold nothing.
DELETE FROM claims cl
WHERE cl.kind IN ('original-final-report', 'supplementary-final-report')
    AND EXISTS (SELECT 1 FROM messages c, messages m
        WHERE m.id = cl.message_id
            AND c.type = 'court_registration' AND c.correlation_id = m.id
            AND lower(trim(c.canonical->'court_registration'->>'status')) IN ('rejected', 'returned')
            AND (coalesce(c.canonical->'court_registration'->'court'->>'code', '') = ''
                OR coalesce(m.canonical->'chargesheet'->'court'->>'code', '') = ''
                OR upper(c.canonical->'court_registration'->'court'->>'code')
                    = upper(m.canonical->'chargesheet'->'court'->>'code')));

-- For each FIR without a claim, its first original final report that
-- its court did not reject or return.
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
ORDER BY key, received_at, id
ON CONFLICT (kind, key) DO NOTHING;

-- For each FIR and supplementary number without a claim, the first
-- such report that its court did not reject or return.
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
ORDER BY key, received_at, id
ON CONFLICT (kind, key) DO NOTHING;
