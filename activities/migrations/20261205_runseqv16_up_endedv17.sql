-- A draft whose workflow ended outside its own rules (terminated, timed out, failed, cancelled), as Temporal reports it
-- (workers/ended_drafts.py): the registry stops counting it as open. A draft that writes again (reset and running) clears it.
ALTER TABLE submissions
    ADD COLUMN ended text CHECK (ended IN ('TERMINATED', 'TIMED_OUT', 'FAILED', 'CANCELED')),
    ADD COLUMN ended_at timestamptz;
