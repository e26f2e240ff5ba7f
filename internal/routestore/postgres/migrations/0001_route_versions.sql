-- Versions of the routes document, never changed or deleted.
CREATE TABLE route_versions (
    number        integer PRIMARY KEY CHECK (number > 0),
    -- The YAML document, byte for byte as saved.
    document      text NOT NULL,
    created_by    text NOT NULL,
    comment       text NOT NULL,
    created_at    timestamptz NOT NULL,
    -- The earlier version whose document this version restored, or NULL.
    restored_from integer REFERENCES route_versions (number),
    CHECK (restored_from IS NULL OR (restored_from > 0 AND restored_from < number))
);
