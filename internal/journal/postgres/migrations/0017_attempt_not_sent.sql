-- Whether the attempt sent nothing to the destination, because the
-- destination's credential or TLS files could not be used or its route
-- turned retries off. Such attempts do not count towards max_attempts.
-- Rows written before this column mark it only in their error, which
-- starts "not sent: ", so they are set from it.
ALTER TABLE attempts ADD COLUMN not_sent boolean NOT NULL DEFAULT false;
UPDATE attempts SET not_sent = true WHERE error LIKE 'not sent: %';
