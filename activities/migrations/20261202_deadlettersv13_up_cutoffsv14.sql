-- The board's marks read what each draft computes of its next cut-off (workflows.sessions.cutoff_ahead), so that the
-- board and the draft never count a cut-off two ways. A row written before this revision has none recorded yet
-- (cutoffs_recorded false) until the draft's next event writes it.
ALTER TABLE submissions ADD COLUMN cutoff date;
ALTER TABLE submissions ADD COLUMN cutoff_stage text;
ALTER TABLE submissions ADD COLUMN cutoff_sitting text;
ALTER TABLE submissions ADD COLUMN committee_meeting text;
ALTER TABLE submissions ADD COLUMN cutoffs_recorded boolean NOT NULL DEFAULT false;
CREATE INDEX submissions_target_session_idx ON submissions (target_session);
