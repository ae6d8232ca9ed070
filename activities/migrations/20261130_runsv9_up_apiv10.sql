-- Tokens may expire; an expired token is refused with its own rule.
ALTER TABLE api_tokens ADD COLUMN expires_at timestamptz;

-- Idempotency keys of the HTTP API's POSTs, per token: the request's hash and the first answer, recorded before any
-- check, so that a retry gets that answer again and a key reused for another body is told so.
CREATE TABLE idempotency_keys (
    token_id       text        NOT NULL,
    key            text        NOT NULL,
    method         text        NOT NULL,
    path           text        NOT NULL,
    request_sha256 text        NOT NULL,
    status         integer,
    headers        jsonb,
    body           bytea,
    created_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (token_id, key)
);
CREATE INDEX idempotency_keys_created_idx ON idempotency_keys (created_at);
