-- Webhook subscribers, one or more per agency ('*' receives every draft's events), and what each
-- has been sent: an event is delivered to a subscriber once, in order within each draft.
CREATE TABLE subscribers (
    id          serial      PRIMARY KEY,
    agency_code text        NOT NULL,
    url         text        NOT NULL,
    secret      text        NOT NULL,
    active      boolean     NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (agency_code, url)
);

CREATE TABLE deliveries (
    subscriber_id integer     NOT NULL REFERENCES subscribers (id),
    submission_id text        NOT NULL,
    seq           integer     NOT NULL,
    delivered_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (subscriber_id, submission_id, seq)
);
