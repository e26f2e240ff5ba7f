-- The hub id of the final report that each court registration names,
-- empty for a filing the hub did not send. A callback that rejects or
-- returns a final report withdraws the accepted registrations of that
-- report, so a court order that names the case by CNR takes no FIR from
-- them. Declined registrations without a CNR are recorded too, with an
-- empty CNR, because they withdraw a report all the same. Forgetting
-- every court registration in these tables makes Rebuild, at the next
-- start, index them again with their filing ids. A declined registration
-- without a CNR that was indexed before this migration is in neither
-- table, so it withdraws nothing.
ALTER TABLE verification_case_registrations ADD COLUMN filing_id text NOT NULL DEFAULT '';
ALTER TABLE verification_declined_registrations ADD COLUMN filing_id text NOT NULL DEFAULT '';
CREATE INDEX verification_declined_registrations_filing
	ON verification_declined_registrations (filing_id);
DELETE FROM verification_indexed
	WHERE message_id IN (SELECT message_id FROM verification_case_registrations)
	OR message_id IN (SELECT message_id FROM verification_declined_registrations);
DELETE FROM verification_case_registrations;
DELETE FROM verification_declined_registrations;
