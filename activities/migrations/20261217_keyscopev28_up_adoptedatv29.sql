-- The Standing Committee meeting that adopts an ordinance at STANDING_COMMITTEE_OPINION (workflows.sittings.registry_cutoffs):
-- the board lists it under that meeting, a law's opinion under the next one (found by an official's trial and a breaker:
-- `committee_meeting` is the meeting before the session for both, which the board cannot tell apart). NULL for every
-- other draft, and for a row written before this revision until the draft's next event writes it.
ALTER TABLE submissions ADD COLUMN adopted_at text;
