-- Public consultation at national scale: a PUBLIC_POSTING round's comments live here, not in its workflow, which
-- learns totals when the round closes. Comments arrive through the HTTP API straight into this table.
CREATE TABLE public_rounds (
    submission_id text        NOT NULL,
    round_id      text        NOT NULL,
    lead_ministry text        NOT NULL,
    articles      integer     CHECK (articles BETWEEN 1 AND 10000),
    opened_at     timestamptz NOT NULL,
    closes_at     timestamptz NOT NULL,
    closed_at     timestamptz,
    compiled_at   timestamptz,
    PRIMARY KEY (submission_id, round_id)
);
CREATE INDEX public_rounds_open_idx ON public_rounds (closes_at) WHERE closed_at IS NULL;

-- One answer of the lead ministry (tiếp thu / giải trình) given to a group of comments (all of an article) or to one.
CREATE TABLE public_answers (
    answer_id     bigserial   PRIMARY KEY,
    submission_id text        NOT NULL,
    round_id      text        NOT NULL,
    article       integer,
    response      text        NOT NULL CHECK (response IN ('ACCEPTED', 'EXPLAINED')),
    explanation   text        NOT NULL DEFAULT '',
    official      text        NOT NULL,
    answered_at   timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (submission_id, round_id) REFERENCES public_rounds
);

-- A comment of the public: the draft as a whole (article NULL) or one numbered article (Điều). `sender` is a keyed
-- hash of the client's address, never the address itself; a repeated submission (same sender, same text, same
-- article) is the same row.
CREATE TABLE public_comments (
    comment_id    bigserial   PRIMARY KEY,
    submission_id text        NOT NULL,
    round_id      text        NOT NULL,
    article       integer     CHECK (article BETWEEN 1 AND 10000),
    body          text        NOT NULL,
    fingerprint   bytea       NOT NULL,
    received_at   timestamptz NOT NULL DEFAULT now(),
    answer_id     bigint      REFERENCES public_answers,
    FOREIGN KEY (submission_id, round_id) REFERENCES public_rounds
);
CREATE UNIQUE INDEX public_comments_repeat_idx ON public_comments (submission_id, round_id, fingerprint);
-- Grouping by article and counting the unanswered ones reads this index alone.
CREATE INDEX public_comments_article_idx ON public_comments (submission_id, round_id, article, answer_id);

-- The key of the senders' hashes, made once by the first API process that needs it (one row).
CREATE TABLE public_sender_key (
    id  integer PRIMARY KEY CHECK (id = 1),
    key bytea   NOT NULL CHECK (octet_length(key) = 32)
);
