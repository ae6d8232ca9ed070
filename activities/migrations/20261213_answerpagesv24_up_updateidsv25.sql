-- The Temporal update that recorded an event: an update a reset run applies again records the same events at new
-- moments, and is known by it (activities/audit.py).
ALTER TABLE audit_events ADD COLUMN update_id text;
