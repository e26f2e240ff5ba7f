-- Whether the attempt sent nothing to the destination, because the
-- destination's credential or TLS files could not be used or its route
-- turned retries off. Such attempts do not count towards max_attempts.
-- Rows written before this column mark it only in their error, which
-- starts "not sent: ", so they are set from it. substr compares the
-- prefix exactly, where SQLite's LIKE would ignore its case.
ALTER TABLE attempts ADD COLUMN not_sent INTEGER NOT NULL DEFAULT 0;
UPDATE attempts SET not_sent = 1 WHERE substr(error, 1, 10) = 'not sent: ';
