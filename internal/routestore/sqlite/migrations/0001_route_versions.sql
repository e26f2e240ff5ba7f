-- Versions of the routes document, never changed or deleted.
CREATE TABLE route_versions (
    number        INTEGER PRIMARY KEY CHECK (number > 0),
    -- The YAML document, byte for byte as saved.
    document      TEXT NOT NULL,
    created_by    TEXT NOT NULL,
    comment       TEXT NOT NULL,
    -- Microseconds since the Unix epoch.
    created_at    INTEGER NOT NULL,
    -- The earlier version whose document this version restored, or NULL.
    restored_from INTEGER REFERENCES route_versions (number),
    CHECK (restored_from IS NULL OR (restored_from > 0 AND restored_from < number))
) STRICT;
