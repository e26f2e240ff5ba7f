-- The messages the index has read, so a rebuild reads each only once.
CREATE TABLE verification_indexed (
	message_id TEXT PRIMARY KEY,
	-- Microseconds since the Unix epoch.
	indexed_at INTEGER NOT NULL
) STRICT;

-- One row per person key, case and role a message records.
CREATE TABLE verification_person_keys (
	-- The matched-by value, a colon and the normalised key.
	match_key  TEXT NOT NULL,
	role       TEXT NOT NULL,
	case_key   TEXT NOT NULL,
	-- The canonical.CaseRef as JSON.
	case_ref   TEXT NOT NULL,
	message_id TEXT NOT NULL,
	PRIMARY KEY (match_key, case_key, role, message_id)
) STRICT;

-- Verification requests and where each stands: open, reported or
-- escalated.
CREATE TABLE verification_requests (
	message_id    TEXT PRIMARY KEY,
	file_number   TEXT NOT NULL,
	-- YYYY-MM-DD.
	due_on        TEXT NOT NULL,
	state         TEXT NOT NULL,
	escalation_id TEXT NOT NULL DEFAULT '',
	-- Microseconds since the Unix epoch.
	updated_at    INTEGER NOT NULL
) STRICT;

CREATE INDEX verification_requests_open ON verification_requests (state, due_on);
