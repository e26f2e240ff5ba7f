-- The FIR of each CNR, one row per court registration that names both.
CREATE TABLE verification_case_registrations (
	cnr         TEXT NOT NULL,
	message_id  TEXT NOT NULL,
	-- The canonical.FIRRef as JSON.
	fir_ref     TEXT NOT NULL,
	-- When the hub received the registration, in microseconds since the
	-- Unix epoch.
	received_at INTEGER NOT NULL,
	PRIMARY KEY (cnr, message_id)
) STRICT;
