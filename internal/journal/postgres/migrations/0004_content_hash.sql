-- A digest of each message as its sender sent it, before the hub's own
-- fields and enrichment, so that a sender message id reused for other
-- content is rejected instead of taken for a resend. Empty for messages
-- journaled before this column.
ALTER TABLE messages ADD COLUMN content_hash text NOT NULL DEFAULT '';
