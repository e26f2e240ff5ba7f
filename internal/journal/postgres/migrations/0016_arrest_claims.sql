-- The claims of arrest memos journaled before the hub took them: the
-- first memo of each arrest holds it (internal/arrestclaim). The key is
-- the FIR's case key, the arrest time in whole seconds since the Unix
-- epoch, from occurred_at, and the accused's first CCTNS person id.
-- Memos whose accused has none have keys made from a digest that SQL
-- does not compute, and stay without a claim.
INSERT INTO claims (kind, key, message_id)
SELECT 'arrest-memo', key, id
FROM (
    SELECT id, key,
        row_number() OVER (PARTITION BY key ORDER BY received_at, id) AS n
    FROM (
        SELECT id, received_at,
            case_key || '/' || floor(extract(epoch FROM occurred_at))::bigint || '/cctns_person/' || (
                SELECT i.value ->> 'value'
                FROM jsonb_array_elements(
                    CASE jsonb_typeof(canonical -> 'arrest' -> 'person' -> 'identifiers')
                        WHEN 'array' THEN canonical -> 'arrest' -> 'person' -> 'identifiers'
                        ELSE '[]'::jsonb
                    END) WITH ORDINALITY AS i (value, position)
                WHERE i.value ->> 'type' = 'cctns_person'
                    AND coalesce(i.value ->> 'value', '') != ''
                ORDER BY i.position
                LIMIT 1
            ) AS key
        FROM messages
        WHERE type = 'arrest'
    ) arrests
) numbered
WHERE n = 1 AND key IS NOT NULL
ON CONFLICT DO NOTHING;
