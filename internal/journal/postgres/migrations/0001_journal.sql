-- Messages the hub accepted, one row per (source, sender_message_id).
CREATE TABLE messages (
    id                text PRIMARY KEY,
    source            text NOT NULL,
    sender_message_id text NOT NULL,
    type              text NOT NULL,
    case_key          text NOT NULL,
    correlation_id    text NOT NULL DEFAULT '',
    raw               bytea NOT NULL,
    content_type      text NOT NULL,
    -- The canonical message as written, so its times keep their offsets.
    canonical         jsonb NOT NULL,
    occurred_at       timestamptz NOT NULL,
    -- occurred_at's original offset from UTC, in seconds east.
    occurred_offset   integer NOT NULL,
    received_at       timestamptz NOT NULL,
    routes_version    text NOT NULL,
    -- Every route's decision: a JSON array of journal.RouteDecision.
    routing           jsonb NOT NULL,
    UNIQUE (source, sender_message_id)
);

CREATE INDEX messages_case_key ON messages (case_key, received_at);
CREATE INDEX messages_received_at ON messages (received_at);
CREATE INDEX messages_correlation_id ON messages (correlation_id)
    WHERE correlation_id <> '';

-- One destination's copy of a message.
CREATE TABLE deliveries (
    id          text PRIMARY KEY,
    message_id  text NOT NULL REFERENCES messages (id),
    -- Index of the delivery in the accepted entry, for a stable order.
    position    integer NOT NULL,
    destination text NOT NULL,
    route       text NOT NULL,
    status      text NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
    -- Why a dead delivery was dead-lettered; empty otherwise.
    reason      text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);

CREATE INDEX deliveries_message_id ON deliveries (message_id, position);
CREATE INDEX deliveries_status ON deliveries (status, destination, updated_at);
CREATE INDEX deliveries_destination ON deliveries (destination, status, updated_at);

-- Every try at sending a delivery, numbered from 1 per delivery.
CREATE TABLE attempts (
    delivery_id text NOT NULL REFERENCES deliveries (id),
    number      integer NOT NULL CHECK (number > 0),
    started_at  timestamptz NOT NULL,
    finished_at timestamptz NOT NULL,
    -- The destination's HTTP status, 0 when no response arrived.
    status_code integer NOT NULL DEFAULT 0,
    error       text NOT NULL DEFAULT '',
    -- The delivery's status after this attempt.
    result      text NOT NULL CHECK (result IN ('pending', 'delivered', 'dead')),
    PRIMARY KEY (delivery_id, number)
);
