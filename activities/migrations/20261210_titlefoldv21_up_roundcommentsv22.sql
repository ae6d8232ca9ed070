-- The comments of the opinions a consultation round took, by their texts' SHA-256, and the lead ministry's answer to
-- each once the round is compiled: what `GET .../consultations/{round_id}/opinions` and `legis consult comments` read.
-- Written by the round (behind its patch `opinion-comments-recorded`); rounds' opinions taken before it are not here.
-- The texts are not a foreign key: a message sent past the API and the CLI may name a text never stored, and its
-- record must not fail for ever; a reader is told the text is missing.
-- `position` is the round's own number for the comment, in the order it took the opinions (not the order the writes
-- landed: a retried write is not listed after the opinions that came after it).
CREATE TABLE round_comments (
    submission_id       text        NOT NULL,
    round_id            text        NOT NULL,
    position            integer     NOT NULL,
    consultee           text        NOT NULL,
    official            text        NOT NULL DEFAULT '',
    comment_id          text        NOT NULL,
    article             integer,
    text_sha256         text        NOT NULL,
    received_at         timestamptz NOT NULL,
    response            text,
    explanation_sha256  text,
    answered_at         timestamptz,
    PRIMARY KEY (submission_id, round_id, consultee, comment_id)
);
CREATE INDEX round_comments_order_idx ON round_comments (submission_id, round_id, position);
