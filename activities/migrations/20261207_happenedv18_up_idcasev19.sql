-- A submission ID names one draft whatever its letters' case: a new submission whose ID differs from one already taken
-- only in case is refused before it starts (activities/rulebook.py, `check_start`). The API and the CLI claim an ID in
-- `submission_ids` as they start it, so that two starts close together cannot both pass; the registry's index finds a
-- draft started otherwise (by a Temporal client) once its first event is written.
CREATE TABLE submission_ids (
    folded        text PRIMARY KEY,
    submission_id text NOT NULL
);
INSERT INTO submission_ids (folded, submission_id)
SELECT lower(submission_id), min(submission_id) FROM submissions GROUP BY lower(submission_id);
CREATE INDEX submissions_folded_id_idx ON submissions (lower(submission_id));
