-- The comments of the opinions a consultation round took, by their texts' SHA-256, and the lead ministry's answer to
-- each once the round is compiled: what `GET .../consultations/{round_id}/opinions` and `legis consult comments` read.
-- Written by the round (behind its patch `opinion-comments-recorded`); rounds' opinions taken before it are not here.
-- The texts are not a foreign key: a message sent past the API and the CLI may name a text never stored, and its
-- record must not fail for ever; a reader is told the text is missing.
CREATE TABLE round_comments (
    position            bigserial   PRIMARY KEY,
    submission_id       text        NOT NULL,
    round_id            text        NOT NULL,
    consultee           text        NOT NULL,
    official            text        NOT NULL DEFAULT '',
    comment_id          text        NOT NULL,
    article             integer,
    text_sha256         text        NOT NULL,
    received_at         timestamptz NOT NULL,
    response            text,
    explanation_sha256  text,
    answered_at         timestamptz,
    UNIQUE (submission_id, round_id, consultee, comment_id)
);
