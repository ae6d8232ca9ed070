-- When an event happened, when it was entered afterwards, and which steps a draft had passed before it
-- was entered into legis (imported with their real dates).
ALTER TABLE audit_events
    ADD COLUMN occurred_on date,
    ADD COLUMN imported    boolean NOT NULL DEFAULT false;

-- Long texts (opinions' comments, explanations), content-addressed: messages carry the SHA-256 and size,
-- so that no workflow update, reply or state grows with what consultees write.
CREATE TABLE texts (
    sha256     text        PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    body       text        NOT NULL,
    size_bytes integer     NOT NULL CHECK (size_bytes = octet_length(body)),
    stored_at  timestamptz NOT NULL DEFAULT now()
);
