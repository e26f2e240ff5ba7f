-- Registrations that reject or return their filing tie no CNR to an FIR.
-- Forgetting every court registration here makes Rebuild, at the next
-- start, index them again, and it records only the accepted ones.
DELETE FROM verification_indexed
	WHERE message_id IN (SELECT message_id FROM verification_case_registrations);
DELETE FROM verification_case_registrations;
