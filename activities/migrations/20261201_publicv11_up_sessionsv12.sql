-- A session may sit in phases (đợt): their first and last days, as a JSON list of {"starts_on", "ends_on"}.
ALTER TABLE na_sessions ADD COLUMN phases jsonb NOT NULL DEFAULT '[]';
-- A regular and an extraordinary session of one legislature may share an ordinal (16-2 and 16-E2): the code tells them apart.
ALTER TABLE na_sessions DROP CONSTRAINT na_sessions_legislature_session_key;
ALTER TABLE na_sessions ADD CONSTRAINT na_sessions_legislature_session_kind_key UNIQUE (legislature, session, extraordinary);
