-- The raw body and the canonical message are a few kilobytes each, so
-- PostgreSQL compresses them when it stores them. lz4 takes a fraction of
-- the CPU of the default pglz. A server built without lz4, or older than
-- PostgreSQL 14, keeps pglz. Rows written before this change keep the
-- compression they were written with; both read back the same.
DO $$
BEGIN
    IF current_setting('server_version_num')::int >= 140000 THEN
        EXECUTE 'ALTER TABLE messages
            ALTER COLUMN raw SET COMPRESSION lz4,
            ALTER COLUMN canonical SET COMPRESSION lz4';
    END IF;
EXCEPTION WHEN feature_not_supported THEN
    RAISE NOTICE 'this server has no lz4; message bodies stay compressed with pglz';
END
$$;
