-- Every time column holds microseconds since the Unix epoch, an instant
-- that reads the same whatever the host's time zone.

-- Messages the hub accepted, one row per (source, sender_message_id).
CREATE TABLE messages (
    id                TEXT PRIMARY KEY,
    source            TEXT NOT NULL,
    sender_message_id TEXT NOT NULL,
    type              TEXT NOT NULL,
    case_key          TEXT NOT NULL,
    correlation_id    TEXT NOT NULL DEFAULT '',
    raw               BLOB NOT NULL,
    content_type      TEXT NOT NULL,
    -- The canonical message's JSON as written, so its times keep their
    -- offsets.
    canonical         TEXT NOT NULL,
    occurred_at       INTEGER NOT NULL,
    -- occurred_at's original offset from UTC, in seconds east.
    occurred_offset   INTEGER NOT NULL,
    received_at       INTEGER NOT NULL,
    routes_version    TEXT NOT NULL,
    -- Every route's decision: a JSON array of journal.RouteDecision.
    routing           TEXT NOT NULL,
    UNIQUE (source, sender_message_id)
) STRICT;

CREATE INDEX messages_case_key ON messages (case_key, received_at);
CREATE INDEX messages_received_at ON messages (received_at);
CREATE INDEX messages_correlation_id ON messages (correlation_id)
    WHERE correlation_id <> '';

-- One destination's copy of a message.
CREATE TABLE deliveries (
    id          TEXT PRIMARY KEY,
    message_id  TEXT NOT NULL REFERENCES messages (id),
    -- Index of the delivery in the accepted entry, for a stable order.
    position    INTEGER NOT NULL,
    destination TEXT NOT NULL,
    route       TEXT NOT NULL,
    status      TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
    -- Why a dead delivery was dead-lettered; empty otherwise.
    reason      TEXT NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE INDEX deliveries_message_id ON deliveries (message_id, position);
CREATE INDEX deliveries_status ON deliveries (status, destination, updated_at);
CREATE INDEX deliveries_destination ON deliveries (destination, status, updated_at);

-- Every try at sending a delivery, numbered from 1 per delivery.
CREATE TABLE attempts (
    delivery_id TEXT NOT NULL REFERENCES deliveries (id),
    number      INTEGER NOT NULL CHECK (number > 0),
    started_at  INTEGER NOT NULL,
    finished_at INTEGER NOT NULL,
    -- The destination's HTTP status, 0 when no response arrived.
    status_code INTEGER NOT NULL DEFAULT 0,
    error       TEXT NOT NULL DEFAULT '',
    -- The delivery's status after this attempt.
    result      TEXT NOT NULL CHECK (result IN ('pending', 'delivered', 'dead')),
    PRIMARY KEY (delivery_id, number)
) STRICT;
