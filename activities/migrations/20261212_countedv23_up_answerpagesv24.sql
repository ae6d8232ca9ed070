-- A public round's answers are read a page at a time, in article order (the draft as a whole first), by anyone reading
-- its public page: found by their round and position, where every read scanned the answers of every round.
CREATE INDEX public_answers_page_idx ON public_answers (submission_id, round_id, (coalesce(article, 0)), answer_id);
