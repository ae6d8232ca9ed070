-- Deadlines followed up: every event carries the deadline in force when it happened, so that
-- "late" and "overdue" are judged against the deadline of the time, after any postponement.
ALTER TABLE audit_events
    ADD COLUMN deadline           date,
    ADD COLUMN label              text,
    ADD COLUMN escalation_level   text,
    ADD COLUMN requested_deadline date,
    ADD COLUMN approved           boolean,
    ADD COLUMN late_request       boolean;

CREATE INDEX audit_events_event_idx ON audit_events (event, occurred_at);

-- Who is expected to act on the draft now: the lead ministry's code, or the deciding body.
ALTER TABLE submissions ADD COLUMN responsible text NOT NULL DEFAULT '';
