-- Court registrations of a CNR that reject or return their filing, one
-- row each, so that a case whose CNR has only these gets a reason that
-- names them. A declined registration without a FIR that was indexed
-- before this table existed is not in it.
CREATE TABLE verification_declined_registrations (
	cnr        TEXT NOT NULL,
	message_id TEXT NOT NULL,
	-- The filing status as the court wrote it: rejected or returned.
	status     TEXT NOT NULL,
	PRIMARY KEY (cnr, message_id)
) STRICT;
