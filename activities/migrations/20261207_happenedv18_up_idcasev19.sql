-- A new submission whose ID differs from one the registry holds only in letter case is refused before it starts
-- (activities/rulebook.py, `check_start`): upstream systems that write BGDDT-2026-018 and bgddt-2026-018 mean one draft.
CREATE INDEX submissions_folded_id_idx ON submissions (lower(submission_id));
