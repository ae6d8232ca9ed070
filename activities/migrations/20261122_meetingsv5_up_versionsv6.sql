-- Versions of the dossier: which version an event created, and which version a decision was taken on.
ALTER TABLE audit_events
    ADD COLUMN version       integer,
    ADD COLUMN about_version integer;
