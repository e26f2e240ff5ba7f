-- When the hub received each request, in microseconds since the Unix
-- epoch. A request indexed before this column has 0 until Rebuild copies
-- its received time from the journal.
ALTER TABLE verification_requests ADD COLUMN received_at bigint NOT NULL DEFAULT 0;

-- The newest request of each file, and the listing by due date.
CREATE INDEX verification_requests_file ON verification_requests (file_number, received_at);
CREATE INDEX verification_requests_due ON verification_requests (due_on, file_number);
