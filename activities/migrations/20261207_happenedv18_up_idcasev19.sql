-- A submission ID names one draft whatever its letters' case: a new submission whose ID differs from one already taken
-- only in case is refused before it starts (activities/rulebook.py, `check_start`). The API and the CLI claim an ID in
-- `submission_ids` as they start it, so that two starts close together cannot both pass, with whose it is (the refusal
-- names the ID taken only to whom may see its draft); the registry's index finds a draft started otherwise (by a
-- Temporal client) once its first event is written.
CREATE TABLE submission_ids (
    folded        text    PRIMARY KEY,
    submission_id text    NOT NULL,
    lead_ministry text    NOT NULL,
    classified    boolean NOT NULL
);
INSERT INTO submission_ids (folded, submission_id, lead_ministry, classified)
SELECT DISTINCT ON (lower(submission_id)) lower(submission_id), submission_id, lead_ministry, classified
FROM submissions ORDER BY lower(submission_id), submission_id;
CREATE INDEX submissions_folded_id_idx ON submissions (lower(submission_id));
