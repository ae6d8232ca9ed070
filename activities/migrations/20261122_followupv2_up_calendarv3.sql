-- The National Assembly's sessions as operators announce them; running drafts are told of each change.
CREATE TABLE na_sessions (
    code          text        PRIMARY KEY,
    legislature   integer     NOT NULL,
    session       integer     NOT NULL,
    opens_on      date        NOT NULL,
    extraordinary boolean     NOT NULL DEFAULT false,
    changed_by    text        NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    UNIQUE (legislature, session)
);
