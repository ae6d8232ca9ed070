-- Tokens of the HTTP API's callers. Only a SHA-256 of each token's secret is kept: the secret is
-- shown once, when the token is issued.
CREATE TABLE api_tokens (
    token_id      text        PRIMARY KEY,
    agency_code   text        NOT NULL,
    role          text        NOT NULL,
    label         text        NOT NULL DEFAULT '',
    secret_sha256 bytea       NOT NULL,
    issued_by     text        NOT NULL,
    issued_at     timestamptz NOT NULL DEFAULT now(),
    revoked_at    timestamptz,
    revoked_by    text
);

-- Refused attempts are part of the audit trail, append-only like the events of the drafts.
CREATE TABLE access_refusals (
    id            bigserial   PRIMARY KEY,
    occurred_at   timestamptz NOT NULL DEFAULT now(),
    token_id      text,
    agency_code   text,
    role          text,
    action        text        NOT NULL,
    submission_id text,
    status        integer     NOT NULL,
    field         text        NOT NULL,
    rule          text        NOT NULL,
    message       text        NOT NULL
);

CREATE INDEX access_refusals_submission_idx ON access_refusals (submission_id, occurred_at);

CREATE FUNCTION append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;

CREATE TRIGGER access_refusals_no_change BEFORE UPDATE OR DELETE ON access_refusals
    FOR EACH ROW EXECUTE FUNCTION append_only();
