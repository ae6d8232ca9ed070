"""Reports on deadlines, computed in PostgreSQL from the audit trail and the registry.

Like the Government Office's yearly figures: per agency and overall, stages finished on time and
late (against the deadline in force when they finished, after any postponement; late too where the draft slipped to a
later session for the stage's cut-off missed), drafts overdue
now, postponements granted, and postponements asked late.
"""

from __future__ import annotations

import csv
from datetime import date, datetime, time, timedelta
from typing import IO

import asyncpg
from pydantic import BaseModel, computed_field

from schemas.calendar import out_of_reach
from schemas.refusal import RefusalKind, Refused
from store import registry
from workflows.deadlines import VIETNAM

# The agency expected to act on a draft overdue now: a classified draft's ministry is counted as CLASSIFIED.
_OVERDUE_AGENCY = "CASE WHEN classified AND responsible = lead_ministry THEN 'CLASSIFIED' ELSE responsible END"
# Overdue now: past its stage's deadline and still on its path (`store.registry.OPEN`).
_OVERDUE_ON = "stage_deadline < {today} AND " + registry.OPEN

# The Ha Noi day a step happened, as the index `audit_events_happened_idx` has it (migration happenedv18).
_HAPPENED_ON = "coalesce(e.occurred_on, (e.occurred_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date)"

_REPORT = f"""
WITH periods AS (
    -- One or more periods [starts, ends) from midnight to midnight in Ha Noi, as days (the board's page shows a period
    -- and the last four quarters, which overlap it).
    SELECT n, (starts AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS first_day, (ends AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS end_day
    FROM unnest($1::timestamptz[], $2::timestamptz[]) WITH ORDINALITY AS p(starts, ends, n)
),
counted_events AS (
    -- The events that count in a figure, each read once whatever the number of periods, with its day in Ha Noi.
    -- Lead ministries and the Assembly's committees are named by their codes (a committee overdue now is the registry's
    -- `responsible`, its code where the draft names it: one row a committee), the other bodies by their role in the
    -- process; whose a classified draft is stays out: its ministry's part is counted as CLASSIFIED, its committee's as
    -- NA_COMMITTEE.
    -- A step counts on the day it happened: the day it was entered as happening (entered afterwards, or imported), else
    -- the day it was recorded. Only the events and columns the figures below read: the index on (event, that day) finds them.
    -- A stage whose cut-off was missed, the draft slipping to a later session, finished late whatever the new session's
    -- cut-off gave it (found by a National Assembly Office's trial: counted on time against the deadline the slip gave).
    SELECT e.submission_id, e.seq, {_HAPPENED_ON} AS day, e.event, e.deadline, s.classified,
           e.event = 'DECISION' AND EXISTS (
               SELECT 1 FROM audit_events x WHERE x.submission_id = e.submission_id AND x.seq < e.seq AND x.event = 'SESSION_SLIPPED'
               AND x.stage = e.stage AND x.seq > coalesce((SELECT max(y.seq) FROM audit_events y WHERE y.submission_id = e.submission_id
                                                          AND y.seq < e.seq AND y.to_stage = e.stage AND y.stage <> e.stage), 0)) AS slipped,
           CASE WHEN e.actor = 'LEAD_MINISTRY' AND s.classified THEN 'CLASSIFIED'
                WHEN e.actor = 'LEAD_MINISTRY' THEN e.agency_code
                WHEN e.actor = 'NA_COMMITTEE' AND NOT s.classified THEN coalesce(e.agency_code, e.actor) ELSE e.actor END AS body
    FROM audit_events e JOIN submissions s USING (submission_id)
    WHERE e.event IN ('DECISION', 'POSTPONEMENT_DECIDED', 'POSTPONEMENT_REQUESTED')
      AND {_HAPPENED_ON} >= (SELECT min(first_day) FROM periods)
      AND {_HAPPENED_ON} < (SELECT max(end_day) FROM periods)
      AND ($4::text IS NULL OR (s.lead_ministry = $4 AND (NOT s.classified OR $5)))
      -- A withdrawal ends the draft, not the stage's work: no body finished it (found by a Government Office's trial: the lead
      -- ministry's withdrawal at APPRAISAL was counted as its finishing the Ministry of Justice's appraisal late).
      AND ((e.event = 'DECISION' AND e.deadline IS NOT NULL AND e.to_stage IS DISTINCT FROM e.stage AND e.outcome IS DISTINCT FROM 'WITHDRAW')
           OR (e.event = 'POSTPONEMENT_DECIDED' AND e.approved) OR (e.event = 'POSTPONEMENT_REQUESTED' AND e.late_request))
),
daily AS (
    -- Per agency and day: stages finished on time and late, late requests, and postponements granted, counted for the
    -- body that asked for them.
    SELECT body AS agency, day, count(*) FILTER (WHERE event = 'DECISION' AND day <= deadline AND NOT slipped) AS on_time,
           count(*) FILTER (WHERE event = 'DECISION' AND (day > deadline OR slipped)) AS late, 0 AS postponed,
           count(*) FILTER (WHERE event = 'POSTPONEMENT_REQUESTED') AS late_requests
    FROM counted_events WHERE event <> 'POSTPONEMENT_DECIDED'
    GROUP BY body, day
    UNION ALL
    SELECT asked.body, granted.day, 0, 0, count(*), 0
    FROM counted_events granted
    JOIN LATERAL (
        SELECT CASE WHEN r.actor = 'LEAD_MINISTRY' AND granted.classified THEN 'CLASSIFIED'
                    WHEN r.actor = 'LEAD_MINISTRY' THEN r.agency_code
                    WHEN r.actor = 'NA_COMMITTEE' AND NOT granted.classified THEN coalesce(r.agency_code, r.actor)
                    ELSE r.actor END AS body FROM audit_events r
        WHERE r.submission_id = granted.submission_id AND r.seq < granted.seq AND r.event = 'POSTPONEMENT_REQUESTED'
        ORDER BY r.seq DESC LIMIT 1
    ) asked ON true
    WHERE granted.event = 'POSTPONEMENT_DECIDED'
    GROUP BY asked.body, granted.day
),
counted AS (
    SELECT p.n, d.agency, sum(d.on_time) AS on_time, sum(d.late) AS late, sum(d.postponed) AS postponed,
           sum(d.late_requests) AS late_requests
    FROM periods p JOIN daily d ON d.day >= p.first_day AND d.day < p.end_day
    GROUP BY p.n, d.agency
),
overdue AS (
    -- Overdue on `today`, of the stages due before the period's end: a past period's report counts what it left overdue
    -- and still is, not a stage that fell due after it.
    SELECT p.n, {_OVERDUE_AGENCY} AS agency, count(*) AS overdue_now
    FROM periods p JOIN submissions ON stage_deadline < p.end_day
    WHERE {_OVERDUE_ON.format(today="$3")}
      AND ($4::text IS NULL OR (lead_ministry = $4 AND (NOT classified OR $5)))
    GROUP BY p.n, 2
)
-- A row written without its body (by hand: a draft always names it) is counted, not dropped nor failed on.
SELECT n, coalesce(agency, 'UNRECORDED') AS agency, coalesce(c.on_time, 0)::bigint AS on_time, coalesce(c.late, 0)::bigint AS late,
       coalesce(o.overdue_now, 0) AS overdue_now, coalesce(c.postponed, 0)::bigint AS postponed,
       coalesce(c.late_requests, 0)::bigint AS late_requests
FROM counted c FULL JOIN overdue o USING (n, agency)
ORDER BY n, agency
"""


class ReportRow(BaseModel):
    agency: str
    on_time: int
    late: int
    overdue_now: int
    postponed: int
    late_requests: int

    @computed_field(description="on_time / (on_time + late), 0 to 1; none when no stage finished")  # type: ignore[prop-decorator]
    @property
    def on_time_rate(self) -> float | None:
        finished = self.on_time + self.late
        return self.on_time / finished if finished else None


def report_period(since: date | None, until: date | None, *, today: date) -> tuple[date, date]:
    """The days a report covers, as the API and the CLI take them: from `since` (default 1 January of this year) to
    `until`, exclusive (default tomorrow). Raises Refused (INVALID) naming the day out of the calendar's reach
    (`date_in_range`), or `until` when the period is empty or reversed (`after_since`)."""
    for name, given in (("since", since), ("until", until)):
        if given is not None and (problem := out_of_reach(given)) is not None:
            raise Refused(name, "date_in_range", problem, RefusalKind.INVALID)
    first, last = since or date(today.year, 1, 1), until or today + timedelta(days=1)
    if last <= first:
        raise Refused("until", "after_since", f"{last} (the day after the last) must come after since ({first})",
                      RefusalKind.INVALID)
    return first, last


async def deadline_report(
    connection: asyncpg.Connection | asyncpg.Pool, *, since: date, until: date, today: date, lead_ministry: str | None = None,
    with_classified: bool = False,
) -> list[ReportRow]:
    """One row per agency (CLASSIFIED for a classified draft's ministry, UNRECORDED for a step recorded without its
    body), then the overall row named ALL; `until` is exclusive; optionally only the drafts one ministry leads, its
    classified ones left out (which would tell that it leads one) but `with_classified`, for the ministry itself."""
    [report] = await deadline_reports(connection, [(since, until)], today=today, lead_ministry=lead_ministry, with_classified=with_classified)
    return report


async def deadline_reports(
    connection: asyncpg.Connection | asyncpg.Pool, periods: list[tuple[date, date]], *, today: date, lead_ministry: str | None = None,
    with_classified: bool = False,
) -> list[list[ReportRow]]:
    """`deadline_report` for each of several periods, in one statement."""
    starts = [datetime.combine(since, time(0), tzinfo=VIETNAM) for since, _ in periods]
    ends = [datetime.combine(until, time(0), tzinfo=VIETNAM) for _, until in periods]
    found: list[list[ReportRow]] = [[] for _ in periods]
    for r in await connection.fetch(_REPORT, starts, ends, today, lead_ministry, with_classified):
        found[r["n"] - 1].append(ReportRow(**{k: v for k, v in dict(r).items() if k != "n"}))
    fields = ("on_time", "late", "overdue_now", "postponed", "late_requests")
    return [[*rows, ReportRow(agency="ALL", **{f: sum(getattr(r, f) for r in rows) for f in fields})] for rows in found]


_OVERDUE = f"""
SELECT {_OVERDUE_AGENCY} AS agency, count(*) FILTER (WHERE stage_deadline < $1) AS overdue
FROM submissions
WHERE {registry.OPEN}
GROUP BY 1
"""


async def overdue_by_agency(connection: asyncpg.Connection | asyncpg.Pool, *, today: date) -> dict[str, int]:
    """Drafts past their stage deadline on `today`, by the agency expected to act (the overdue gauge); every agency with an
    open draft is there, at zero when none of its drafts is overdue."""
    rows = await connection.fetch(_OVERDUE, today)
    return {row["agency"]: row["overdue"] for row in rows}


def write_csv(rows: list[ReportRow], out: IO[str]) -> None:
    writer = csv.writer(out)
    writer.writerow(["agency", "finished_on_time", "finished_late", "on_time_rate", "overdue_now", "postponed", "late_requests"])
    for r in rows:
        rate = "" if r.on_time_rate is None else f"{r.on_time_rate:.3f}"
        writer.writerow([r.agency, r.on_time, r.late, rate, r.overdue_now, r.postponed, r.late_requests])
