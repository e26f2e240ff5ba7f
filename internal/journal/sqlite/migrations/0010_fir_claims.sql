-- The claims of FIR documents journaled before the hub took them: the
-- first FIR document of each FIR holds it (internal/firclaim). An FIR
-- document's case key is its FIR's key.
INSERT OR IGNORE INTO claims (kind, key, message_id)
SELECT 'fir-document', case_key, id
FROM (
    SELECT id, case_key,
        row_number() OVER (PARTITION BY case_key ORDER BY received_at, id) AS n
    FROM messages
    WHERE type = 'fir'
)
WHERE n = 1;
