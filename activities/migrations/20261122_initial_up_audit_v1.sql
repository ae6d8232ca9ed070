-- The append-only audit trail: one row per event of a draft, keyed by the workflow's own sequence
-- number so that a retried activity cannot write an event twice.
CREATE TABLE audit_events (
    submission_id text        NOT NULL,
    seq           integer     NOT NULL CHECK (seq >= 1),
    workflow_id   text        NOT NULL,
    occurred_at   timestamptz NOT NULL,
    event         text        NOT NULL,
    stage         text        NOT NULL,
    to_stage      text,
    outcome       text,
    actor         text,
    agency_code   text,
    role          text,
    official      text,
    reasons       text        NOT NULL DEFAULT '',
    documents     jsonb       NOT NULL DEFAULT '[]',
    vote          jsonb,
    loop          integer     NOT NULL DEFAULT 0,
    recorded_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (submission_id, seq)
);

CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_events is append-only';
END $$;

CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only();

-- The registry: one row per draft with where it stands, a projection rebuilt from the workflows.
CREATE TABLE submissions (
    submission_id   text        PRIMARY KEY,
    workflow_id     text        NOT NULL,
    title           text,
    lead_ministry   text        NOT NULL,
    process_version text        NOT NULL,
    target_session  text        NOT NULL,
    stage           text        NOT NULL,
    stage_since     timestamptz NOT NULL,
    stage_deadline  date,
    classified      boolean     NOT NULL,
    last_seq        integer     NOT NULL,
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX submissions_stage_idx ON submissions (stage, lead_ministry);
CREATE INDEX submissions_deadline_idx ON submissions (stage_deadline) WHERE stage_deadline IS NOT NULL;
