-- The Idempotency-Key that every attempt of a delivery carries. A replay
-- keeps the key of the delivery it replays, so that a destination which
-- processed an attempt whose answer never reached the hub recognises the
-- replay as a repeat. A forced replay and every earlier delivery have an
-- empty value here, which stands for the delivery's own id.
ALTER TABLE deliveries ADD COLUMN idempotency_key text NOT NULL DEFAULT '';
