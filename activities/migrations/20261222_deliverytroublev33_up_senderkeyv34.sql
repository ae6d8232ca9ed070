-- The key of the public senders' hashes is derived from the payload keys, which no database holds (`store.public.sender_key`):
-- kept beside the fingerprints, it gave back a commenter's address to whoever read the database (found by the public's
-- trial). Dropped, so that the fingerprints already stored cannot be tried against addresses either.
DROP TABLE public_sender_key;
