-- The token holder who posted each message, so that an audit can tell
-- which of an agency's systems sent it. Empty for messages posted to a
-- hub without tokens and for those journaled before this column.
ALTER TABLE messages ADD COLUMN posted_by text NOT NULL DEFAULT '';
