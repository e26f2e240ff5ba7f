-- The claims of arrest memos journaled before the hub took them: the
-- first memo of each arrest holds it (internal/arrestclaim). The key is
-- the FIR's case key, the arrest time in whole seconds, which
-- occurred_at holds in microseconds, and the accused's first CCTNS
-- person id. Memos whose accused has none have keys made from a digest
-- that SQL does not compute, and stay without a claim.
INSERT OR IGNORE INTO claims (kind, key, message_id)
SELECT 'arrest-memo', key, id
FROM (
    SELECT id, key,
        row_number() OVER (PARTITION BY key ORDER BY received_at, id) AS n
    FROM (
        SELECT id, received_at,
            case_key || '/' || (occurred_at / 1000000) || '/cctns_person/' || (
                SELECT json_extract(value, '$.value')
                FROM json_each(canonical, '$.arrest.person.identifiers')
                WHERE json_extract(value, '$.type') = 'cctns_person'
                    AND coalesce(json_extract(value, '$.value'), '') != ''
                ORDER BY key
                LIMIT 1
            ) AS key
        FROM messages
        WHERE type = 'arrest'
    )
)
WHERE n = 1 AND key IS NOT NULL;
