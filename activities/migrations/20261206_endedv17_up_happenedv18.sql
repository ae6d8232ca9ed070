-- The deadline report counts a step on the day it happened: the day it was entered as happening (occurred_on, a step
-- entered afterwards or imported), else the day it was recorded, in Ha Noi (activities/reports.py). Its index finds the
-- events of a period by that day; the one by the instant recorded, which only the report read, goes.
CREATE INDEX audit_events_happened_idx ON audit_events (event, coalesce(occurred_on, (occurred_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date));
DROP INDEX audit_events_event_idx;
