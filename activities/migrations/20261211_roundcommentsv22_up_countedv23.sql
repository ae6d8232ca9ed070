-- When the next cut-off a draft records is a date approved at its stage, within the cut-off counted back from the
-- sitting (the session moved later after the approval), that counted cut-off too (workflows.sessions.registry_cutoffs):
-- the date stands wherever the sitting goes, the counted one moves with it. What a calendar move's refusal and the
-- board's draft page read, where they read the audit trail before (which a draft back at its stage by a decision dated
-- back, a dead letter or a reset run misled). A row written before this revision has none recorded (counted_recorded
-- false) until the draft's next event writes it; meanwhile the readers ask the audit trail as before.
ALTER TABLE submissions ADD COLUMN cutoff_counted date;
ALTER TABLE submissions ADD COLUMN counted_recorded boolean NOT NULL DEFAULT false;
