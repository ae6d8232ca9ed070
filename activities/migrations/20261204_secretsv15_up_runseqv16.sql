-- An event is the same event as one already in the trail when it has the same number in its run and either the same
-- run or the same content (a reset run replays its parent's events, wherever the parent placed them; see
-- activities/audit.py). Both lookups go by the run's own number.
DROP INDEX audit_events_run_idx;
CREATE INDEX audit_events_run_seq_idx ON audit_events (submission_id, run_seq);
