-- Which run of a draft's workflow wrote each event, and under which of its own numbers: an event a reset
-- run numbers again (the abandoned branch wrote that number) is appended after the last one instead of lost.
ALTER TABLE audit_events
    ADD COLUMN run_id  text,
    ADD COLUMN run_seq integer;

CREATE INDEX audit_events_run_idx ON audit_events (submission_id, run_id, run_seq);
