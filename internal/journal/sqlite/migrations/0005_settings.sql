-- Values the journal must keep across restarts and share between
-- replicas, such as the fingerprint of the key that makes Aadhaar tokens.
CREATE TABLE journal_settings (
    name  text PRIMARY KEY,
    value text NOT NULL
);
