-- Dead letters: a message an activity could not carry out because of its data (the database refused a value, a
-- receiver refused an event's body), kept with the reason instead of retried without end, so that nothing queued
-- behind it waits. `legis dead-letters retry` carries it out again once the cause is fixed.
CREATE TABLE dead_letters (
    id            bigserial   PRIMARY KEY,
    -- What was refused: AUDIT (an audit event with its registry row), WEBHOOK (one event to one subscriber).
    kind          text        NOT NULL CHECK (kind IN ('AUDIT', 'WEBHOOK')),
    -- Unique per kind, so that an activity retried after it dead-lettered a message records it once:
    -- AUDIT <run_id>:<run_seq>, WEBHOOK <subscriber_id>:<submission_id>:<seq>.
    key           text        NOT NULL,
    submission_id text        NOT NULL,
    seq           integer     NOT NULL,
    event         text        NOT NULL,
    workflow_id   text,
    run_id        text,
    subscriber_id bigint,
    -- The message as JSON text, not jsonb: jsonb refuses some of what a refused message may hold (\u0000).
    payload       text        NOT NULL,
    sqlstate      text,
    reason        text        NOT NULL,
    classified    boolean     NOT NULL DEFAULT false,
    created_at    timestamptz NOT NULL DEFAULT now(),
    retries       integer     NOT NULL DEFAULT 0,
    last_retry_at timestamptz,
    last_error    text,
    -- Set when a retry carried it out (AUDIT: written in its place; WEBHOOK: handed back to delivery).
    resolved_at   timestamptz,
    UNIQUE (kind, key)
);
CREATE INDEX dead_letters_open_idx ON dead_letters (created_at) WHERE resolved_at IS NULL;
CREATE INDEX dead_letters_submission_idx ON dead_letters (submission_id, seq);
