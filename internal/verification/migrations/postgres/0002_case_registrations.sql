-- The FIR of each CNR, one row per court registration that names both.
CREATE TABLE verification_case_registrations (
	cnr         text NOT NULL,
	message_id  text NOT NULL,
	-- The canonical.FIRRef as JSON.
	fir_ref     text NOT NULL,
	-- When the hub received the registration, in microseconds since the
	-- Unix epoch.
	received_at bigint NOT NULL,
	PRIMARY KEY (cnr, message_id)
);
