-- Why a subscriber's events wait, for `legis subscribers list` (found by a new user: a worker without the allowed hosts held
-- every delivery and said so in its log alone): the latest delivery round's failure (held: the URL or secret cannot be
-- used by this worker; or the receiver's answer), and since when its rounds fail. Cleared by a round that sends all it fetched.
ALTER TABLE subscribers ADD COLUMN failure text, ADD COLUMN failing_since timestamptz;
