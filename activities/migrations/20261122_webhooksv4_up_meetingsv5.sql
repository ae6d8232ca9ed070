-- Meetings of the National Assembly Standing Committee, which operators announce with the sessions.
CREATE TABLE standing_committee_meetings (
    code       text        PRIMARY KEY,
    meets_on   date        NOT NULL,
    changed_by text        NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
);
