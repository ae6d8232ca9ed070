-- The deadline of the stage an event moves a draft to, as the draft enters it (tenth generation on): a webhook receiver
-- learns the new limit with the decision that sets it. Earlier events have none.
ALTER TABLE audit_events ADD COLUMN to_stage_deadline date;
