-- A comment's fingerprint names its round (store/public.py `fingerprint`), so that a repeat is found by the fingerprint
-- alone: found by round and fingerprint, a table with no statistics yet was read through the article index, which begins
-- with the round too, the round's every comment for each comment taken. The fingerprints stored before are hashed again
-- with their round, as the API now computes them.
DROP INDEX public_comments_repeat_idx;
UPDATE public_comments SET fingerprint = sha256(sha256(convert_to(submission_id, 'UTF8')) || sha256(convert_to(round_id, 'UTF8')) || fingerprint);
CREATE UNIQUE INDEX public_comments_fingerprint_idx ON public_comments (fingerprint);
