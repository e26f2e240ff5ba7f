-- The messages the index has read, so a rebuild reads each only once.
CREATE TABLE verification_indexed (
	message_id text PRIMARY KEY,
	-- Microseconds since the Unix epoch.
	indexed_at bigint NOT NULL
);

-- One row per person key, case and role a message records.
CREATE TABLE verification_person_keys (
	-- The matched-by value, a colon and the normalised key.
	match_key  text NOT NULL,
	role       text NOT NULL,
	case_key   text NOT NULL,
	-- The canonical.CaseRef as JSON.
	case_ref   text NOT NULL,
	message_id text NOT NULL,
	PRIMARY KEY (match_key, case_key, role, message_id)
);

-- Verification requests and where each stands: open, reported or
-- escalated.
CREATE TABLE verification_requests (
	message_id    text PRIMARY KEY,
	file_number   text NOT NULL,
	-- YYYY-MM-DD.
	due_on        text NOT NULL,
	state         text NOT NULL,
	escalation_id text NOT NULL DEFAULT '',
	-- Microseconds since the Unix epoch.
	updated_at    bigint NOT NULL
);

CREATE INDEX verification_requests_open ON verification_requests (state, due_on);
