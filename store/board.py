"""Reads of the registry for the operators' board: sessions ahead and the drafts aimed at them, the list of drafts with
filters, an agency's inbox, and the deadline report per quarter.

A classified draft is left out of every read unless the reader is its lead ministry (`own_agency`): the board shows
nothing of it to anyone else, not even a redacted row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

import asyncpg

from activities.reports import ReportRow, deadline_reports
from schemas.enums import ASSEMBLY_STAGES, GOVERNMENT_CUTOFF_STAGES, EscalationLevel, EventKind, LawKind, ProcessVersion, Stage
from schemas.records import RegistryRow
from store import audit, registry
from store.registry import OPEN

# Rows one board page lists at most; the page says how many more there are.
PAGE_ROWS = 200
_COLUMNS = """submission_id, workflow_id, title, lead_ministry, process_version, target_session, stage, stage_since, stage_deadline,
              responsible, classified, ended"""
_VISIBLE = "(NOT classified OR lead_ministry = $1)"
# What a draft's mark is made of (`web.marks.standing_of_row`): its cut-off as it recorded it, and its session's kind.
# An ordinance is adopted by the Standing Committee at its meeting, and goes to the Assembly's session only once referred there
# (its path then holds an Assembly stage): until then it is on no session's agenda, whatever session its limits count back
# from (found by a National Assembly Office's trial: five ordinances, some adopted already, counted among a session's drafts).
# Known by the kind its start claimed; a draft started past the API and the CLI is taken for a law.
_OFF_SESSION = ("(stage <> ALL('{" + ",".join(s.value for s in sorted(ASSEMBLY_STAGES)) + "}') AND EXISTS (SELECT 1 FROM submission_ids i "
                "WHERE i.folded = lower(submissions.submission_id) AND i.submission_id = submissions.submission_id "
                "AND i.law_kind = 'ORDINANCE'))")
_MARKED = ("SELECT submission_id, process_version, target_session, stage, stage_deadline, cutoff, cutoff_stage, cutoff_sitting, committee_meeting, adopted_at, "
           f"cutoffs_recorded, coalesce(n.extraordinary, false) AS extraordinary, {registry.approved_standing('submissions')} AS approved_standing, "
           f"NOT {_OFF_SESSION} AS at_session, n.opens_on AS session_opens_on FROM submissions LEFT JOIN na_sessions n ON n.code = target_session "
           f"WHERE {_VISIBLE}")
# A draft's state in the list: under way, past its stage's deadline, or in a final state (or ended outside its rules).
DraftState = Literal["OPEN", "OVERDUE", "FINAL"]


@dataclass(frozen=True)
class Sitting:
    """A session of the Assembly (kỳ họp) or a meeting of its Standing Committee (phiên họp UBTVQH) ahead."""

    code: str
    opens_on: date
    kind: str  # REGULAR, EXTRAORDINARY or STANDING_COMMITTEE


async def sittings_ahead(db: asyncpg.Pool | asyncpg.Connection, today: date, *, sessions: int = 12, meetings: int = 12) -> list[Sitting]:
    """The sessions and meetings from `today` on, a session sitting now (its last phase not over) included, in order: the
    first `sessions` sessions and `meetings` meetings, each bounded apart (found by a National Assembly Office's trial: a
    year's monthly meetings took every place of one bound, and the session after them fell off the board)."""
    rows = await db.fetch(
        "(SELECT code, opens_on, CASE WHEN extraordinary THEN 'EXTRAORDINARY' ELSE 'REGULAR' END AS kind FROM na_sessions "
        " WHERE coalesce((phases -> -1 ->> 'ends_on')::date, opens_on) >= $1 ORDER BY opens_on, code LIMIT $2) "
        "UNION ALL (SELECT code, meets_on, 'STANDING_COMMITTEE' FROM standing_committee_meetings WHERE meets_on >= $1 "
        " ORDER BY meets_on, code LIMIT $3) "
        "ORDER BY opens_on, code", today, sessions, meetings)
    return [Sitting(**dict(row)) for row in rows]


async def drafts_aimed_at(db: asyncpg.Pool | asyncpg.Connection, sessions: list[str], meetings: list[str], *,
                          own_agency: str | None) -> list[asyncpg.Record]:
    """Drafts not in a final state (nor ended outside their rules) aimed at any of these sessions, or coming before any of these Standing Committee
    meetings (as each draft recorded it), with what their marks are made of: the cut-off each recorded and whether its
    session is extraordinary. A page marks thousands of them and shows a few (`rows` reads those whole)."""
    return await db.fetch(f"{_MARKED} AND ((target_session = ANY($2) AND NOT {_OFF_SESSION}) OR committee_meeting = ANY($3)) AND {OPEN}",
                          own_agency, sessions, meetings)


async def aimed_at_no_sitting_ahead(db: asyncpg.Pool | asyncpg.Connection, sessions: list[str], meetings: list[str], *,
                                   own_agency: str | None, limit: int) -> tuple[list[RegistryRow], int]:
    """Drafts not in a final state aimed at none of these sessions nor meetings (a session not on the calendar, one deferred
    to by a decision before it was announced; one already held, the next not announced yet; an ordinance whose meeting is
    not announced): the first `limit` by target session, and how many in all. An ordinance the Standing Committee adopted
    is aimed at no sitting: it is promulgated."""
    where = (f"WHERE {_VISIBLE} AND NOT ((target_session = ANY($2) AND NOT {_OFF_SESSION}) OR coalesce(committee_meeting = ANY($3), false)) "
             f"AND NOT ({_OFF_SESSION} AND stage IN ('PROMULGATION', 'PUBLICATION')) AND {OPEN}")
    rows = await db.fetch(f"SELECT {_COLUMNS} FROM submissions {where} ORDER BY target_session, submission_id LIMIT $4",
                          own_agency, sessions, meetings, limit)
    total = await db.fetchval(f"SELECT count(*) FROM submissions {where}", own_agency, sessions, meetings)
    return [RegistryRow(**dict(row)) for row in rows], total


async def marked(db: asyncpg.Pool | asyncpg.Connection, submission_id: str, *, own_agency: str | None) -> asyncpg.Record | None:
    """What one draft's mark is made of, as `drafts_aimed_at` reads it (for its own page); None when it is not open."""
    return await db.fetchrow(f"{_MARKED} AND submission_id = $2 AND {OPEN}", own_agency, submission_id)


async def in_other_case(db: asyncpg.Pool | asyncpg.Connection, submission_id: str, *, own_agency: str | None,
                        round_id: str | None = None) -> str | None:
    """The submission ID the registry holds that differs from `submission_id` only in letter case, if this reader may see
    its draft (by the registry's index on the folded ID); with `round_id`, the ID of a round of that very draft that
    differs from it only in letter case, as its audit trail names the rounds opened; None otherwise."""
    if round_id is not None:
        return await db.fetchval(f"SELECT r FROM (SELECT split_part(substr(label, 7), ':', 1) AS r FROM audit_events JOIN submissions "
                                 f"USING (submission_id) WHERE {_VISIBLE} AND submission_id = $2 AND event = 'CONSULTATION_OPENED') opened "
                                 "WHERE lower(r) = lower($3) AND r <> $3 LIMIT 1", own_agency, submission_id, round_id)
    return await db.fetchval(f"SELECT submission_id FROM submissions WHERE {_VISIBLE} AND lower(submission_id) = lower($2) "
                             "AND submission_id <> $2 LIMIT 1", own_agency, submission_id)


async def approved_standing(db: asyncpg.Pool | asyncpg.Connection, submission_id: str) -> bool:
    """Whether the draft's recorded cut-off is a date approved at its stage within the cut-off counted back from its
    sitting (`registry.approved_standing`)."""
    return bool(await db.fetchval(f"SELECT {registry.approved_standing('s')} FROM submissions s WHERE submission_id = $1", submission_id))


async def rows(db: asyncpg.Pool | asyncpg.Connection, submission_ids: list[str], *, own_agency: str | None) -> dict[str, RegistryRow]:
    """The registry rows of these drafts, by submission ID."""
    found = await db.fetch(f"SELECT {_COLUMNS} FROM submissions WHERE {_VISIBLE} AND submission_id = ANY($2)", own_agency, submission_ids)
    return {row["submission_id"]: RegistryRow(**dict(row)) for row in found}


@dataclass(frozen=True)
class DraftFilter:
    q: str | None = None
    ministry: str | None = None
    stage: Stage | None = None
    session: str | None = None
    state: DraftState | None = None


async def drafts(db: asyncpg.Pool | asyncpg.Connection, chosen: DraftFilter, today: date, *, own_agency: str | None,
                 offset: int = 0) -> tuple[list[RegistryRow], int]:
    """A page of drafts matching the filter, the nearest deadline first, and how many match in all."""
    pattern = None if chosen.q is None else registry.title_pattern(chosen.q)
    where = f"""FROM submissions WHERE {_VISIBLE}
        AND ($2::text IS NULL OR title_folded LIKE $2) AND ($3::text IS NULL OR lead_ministry = $3)
        AND ($4::text IS NULL OR stage = $4) AND ($5::text IS NULL OR target_session = $5)
        AND ($6::text IS NULL
             OR ($6 = 'FINAL' AND NOT {OPEN}) OR ($6 = 'OPEN' AND {OPEN})
             OR ($6 = 'OVERDUE' AND {OPEN} AND stage_deadline < $7))"""
    args = (own_agency, pattern, chosen.ministry, chosen.stage.value if chosen.stage else None, chosen.session, chosen.state, today)
    rows = await db.fetch(f"SELECT {_COLUMNS} {where} ORDER BY stage_deadline NULLS LAST, submission_id LIMIT {PAGE_ROWS} OFFSET $8",
                          *args, offset)
    total = await db.fetchval(f"SELECT count(*) {where}", *args)
    return [RegistryRow(**dict(row)) for row in rows], total


async def choices(db: asyncpg.Pool | asyncpg.Connection, *, own_agency: str | None) -> tuple[list[str], list[str]]:
    """The ministries and sessions the filters offer, the sessions in the order they open."""
    ministries = [r[0] for r in await db.fetch(f"SELECT DISTINCT lead_ministry FROM submissions WHERE {_VISIBLE} ORDER BY 1", own_agency)]
    # In the order the sessions open (found by a National Assembly Office's trial: 16-E1 after 16-4, 16-10 before 16-2), those
    # no longer on the calendar after them.
    sessions = [r[0] for r in await db.fetch(
        f"SELECT t.target_session FROM (SELECT DISTINCT target_session FROM submissions WHERE {_VISIBLE}) t "
        "LEFT JOIN na_sessions n ON n.code = t.target_session ORDER BY n.opens_on NULLS LAST, t.target_session", own_agency)]
    return ministries, sessions


async def one(db: asyncpg.Pool | asyncpg.Connection, submission_id: str, *, own_agency: str | None) -> RegistryRow | None:
    row = await db.fetchrow(f"SELECT {_COLUMNS} FROM submissions WHERE {_VISIBLE} AND submission_id = $2", own_agency, submission_id)
    return RegistryRow(**dict(row)) if row else None


async def inbox(db: asyncpg.Pool | asyncpg.Connection, agencies: list[str], *, own_agency: str | None) -> list[RegistryRow]:
    """Drafts waiting for one of these agencies (the lead ministry's code, or the deciding body), oldest deadline first."""
    rows = await db.fetch(
        f"SELECT {_COLUMNS} FROM submissions WHERE {_VISIBLE} AND responsible = ANY($2) AND {OPEN} "
        f"ORDER BY stage_deadline NULLS LAST, stage_since LIMIT {PAGE_ROWS}", own_agency, agencies)
    return [RegistryRow(**dict(row)) for row in rows]


async def led_while_others_decide(db: asyncpg.Pool | asyncpg.Connection, lead_ministry: str, stages: list[str]) -> list[RegistryRow]:
    """The open drafts `lead_ministry` leads at one of `stages` while another body decides (the Government at the policy
    proposal), whose consultation rounds it still opens and compiles; the longest there first, at most `ASKED_ELSEWHERE`."""
    rows = await db.fetch(
        f"SELECT {_COLUMNS} FROM submissions WHERE lead_ministry = $1 AND responsible <> $1 AND stage = ANY($2) AND {OPEN} "
        f"ORDER BY stage_since LIMIT {ASKED_ELSEWHERE}", lead_ministry, stages)
    return [RegistryRow(**dict(row)) for row in rows]


# A lead ministry's drafts others decide now, asked for their rounds on its inbox (each ask a query of the draft).
ASKED_ELSEWHERE = 20


@dataclass(frozen=True)
class PostponementAsked:
    """A draft whose stage's deadline a postponement asks to move, awaiting its decision."""

    row: RegistryRow
    new_deadline: date
    asked_by: str
    asked_on: date
    cutoff: date | None = None  # the cut-off of the draft's stage, counted back from `cutoff_sitting`
    cutoff_sitting: str | None = None
    late_request: bool = False  # asked in the rulebook's last days before the deadline (`late_request_days`), or after it
    extraordinary: bool = False  # the session the draft aims at is extraordinary: a draft keeps its place there, its cut-offs missed
    # The next cut-off where it is a later stage's (found by a Government Office's trial: a date asked at APPRAISAL after the
    # Government's decision's cut-off was said by `legis status`, not by the inbox that decides it).
    later_cutoff: date | None = None
    later_stage: Stage | None = None
    # The date asked is before the deadline in force, none approved at the stage: the calendar moved the deadline since it
    # was asked, and the draft refuses its approval (`rules.check_postponement_decision`, found by a Government Office's
    # trial: the inbox offered "Approve: the deadline becomes" that date, the status said it could not be).
    unapprovable: bool = False
    # Thirtieth generation: at the Government's decision, the draft's session, which opens on that day: a date asked past it
    # keeps the draft's place only until then (found by a re-check: "slips to a later session if the date passes").
    opens_on: date | None = None
    session: str | None = None


async def postponements_asked(db: asyncpg.Pool | asyncpg.Connection, *, own_agency: str | None) -> list[PostponementAsked]:
    """The open drafts whose latest postponement event at their current stage is a request (it awaits its decision),
    oldest deadline first; the rulebook says who may decide each (`web.inbox`)."""
    rows = await db.fetch(
        # With the cut-off: a date asked after it is said before it is approved (`web.inbox`).
        # The cut-off counted back from the sitting, where a date approved within it stands (`cutoff_counted`; none known for a
        # row written before it was recorded, found by a breaker: the approved date was named the cut-off).
        f"SELECT {_COLUMNS}, CASE WHEN {registry.approved_standing('s')} THEN cutoff_counted ELSE cutoff END AS cutoff, cutoff_stage, "
        "cutoff_sitting, e.requested_deadline, e.agency_code AS asked_by, "
        "coalesce(e.occurred_on, (e.occurred_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date) AS asked_on, e.late_request, "
        "coalesce((SELECT extraordinary FROM na_sessions WHERE code = s.target_session), false) AS extraordinary, "
        "(SELECT opens_on FROM na_sessions WHERE code = s.target_session) AS session_opens_on, "
        # An approval since the stage began stands while it is the deadline in force: a slip or a programme change lets it lapse
        # at the same stage (found by a breaker: after a slip the form offered an approval the draft refused).
        "e.requested_deadline < s.stage_deadline AND NOT EXISTS (SELECT 1 FROM audit_events d WHERE d.submission_id = s.submission_id "
        f"AND d.event = 'POSTPONEMENT_DECIDED' AND d.approved AND d.stage = s.stage AND d.requested_deadline = s.stage_deadline "
        f"AND {audit.after_stage_began('d', 's.submission_id')}) "
        "AS unapprovable FROM submissions s "
        "CROSS JOIN LATERAL (SELECT event, requested_deadline, agency_code, occurred_on, occurred_at, late_request FROM audit_events a "
        "WHERE a.submission_id = s.submission_id AND a.event IN ('POSTPONEMENT_REQUESTED', 'POSTPONEMENT_DECIDED') AND a.stage = s.stage "
        f"AND {audit.after_stage_began('a', 's.submission_id')} ORDER BY a.seq DESC LIMIT 1) e "
        # The drafts that ever asked, found by the events' index: a few among many, each then looked at.
        f"WHERE s.submission_id IN (SELECT submission_id FROM audit_events WHERE event = 'POSTPONEMENT_REQUESTED') AND {_VISIBLE} AND {OPEN} "
        f"AND e.event = 'POSTPONEMENT_REQUESTED' ORDER BY s.stage_deadline NULLS LAST, s.stage_since LIMIT {PAGE_ROWS}",
        own_agency)
    found = []
    for record in rows:
        fields = dict(record)
        asked = (fields.pop("requested_deadline"), fields.pop("asked_by"), fields.pop("asked_on"))
        cutoff, stage, sitting = fields.pop("cutoff"), fields.pop("cutoff_stage"), fields.pop("cutoff_sitting")
        here, late, extraordinary = stage == fields["stage"], bool(fields.pop("late_request")), fields.pop("extraordinary")
        unapprovable, opens_on = bool(fields.pop("unapprovable")), fields.pop("session_opens_on")
        opens_on = opens_on if Stage(fields["stage"]) in GOVERNMENT_CUTOFF_STAGES else None
        found.append(PostponementAsked(RegistryRow(**fields), *asked, cutoff=cutoff if here else None, cutoff_sitting=sitting,
                                       late_request=late, extraordinary=extraordinary, later_cutoff=None if here else cutoff,
                                       later_stage=None if here or stage is None else Stage(stage), unapprovable=unapprovable,
                                       opens_on=opens_on, session=fields["target_session"] if opens_on else None))
    return found


# A draft's points of disagreement by whose ruling they await, counted from its audit trail: each is raised to the first
# level of the rulebook's `arbitration` (the Deputy Prime Minister), escalated once to the second (the Prime Minister) or
# ruled by the level it is with. Whatever the stage: a point raised at GOVERNMENT_REVIEW stays open if the draft is sent
# back (found by a breaker: in no inbox, while it held the draft at DRAFTING).
_POINTS = """(SELECT count(*) FILTER (WHERE a.event = 'DISAGREEMENT_RAISED') - count(*) FILTER (WHERE a.event = 'DISAGREEMENT_ESCALATED')
                 - count(*) FILTER (WHERE a.event = 'DISAGREEMENT_RULED' AND a.actor = 'DEPUTY_PM') AS with_deputy,
                 count(*) FILTER (WHERE a.event = 'DISAGREEMENT_ESCALATED') - count(*) FILTER (WHERE a.event = 'DISAGREEMENT_RULED' AND a.actor = 'PM')
                 AS with_prime
          FROM audit_events a WHERE a.submission_id = s.submission_id
           AND a.event IN ('DISAGREEMENT_RAISED', 'DISAGREEMENT_ESCALATED', 'DISAGREEMENT_RULED'))"""
_DISPUTED = ("FROM submissions s CROSS JOIN LATERAL " + _POINTS + " p "
             "WHERE s.submission_id IN (SELECT submission_id FROM audit_events WHERE event = 'DISAGREEMENT_RAISED') AND " + OPEN + " "
             "AND CASE $2::text WHEN 'DEPUTY_PM' THEN p.with_deputy > 0 WHEN 'PM' THEN p.with_prime > 0 ELSE p.with_deputy + p.with_prime > 0 END")


async def disputed(db: asyncpg.Pool | asyncpg.Connection, *, own_agency: str | None, awaiting: str | None,
                   limit: int) -> tuple[list[tuple[RegistryRow, bool]], int]:
    """The open drafts with a point of disagreement awaiting the ruling of `awaiting` (DEPUTY_PM, PM; None: anyone's),
    oldest deadline first, at most `limit`, each with whether the reader may see it (another ministry's classified draft
    is not listed on a page); and how many there are in all. Which points, and their words, the draft says (`OpenPoint`)."""
    rows = await db.fetch(f"SELECT {_COLUMNS}, {_VISIBLE} AS visible, count(*) OVER () AS total {_DISPUTED} "
                          "ORDER BY s.stage_deadline NULLS LAST, s.stage_since LIMIT $3", own_agency, awaiting, limit)
    found = []
    for record in rows:
        fields = dict(record)
        visible, _ = fields.pop("visible"), fields.pop("total")
        found.append((RegistryRow(**fields), visible))
    return found, rows[0]["total"] if rows else 0


async def points_open(db: asyncpg.Pool | asyncpg.Connection, submission_id: str) -> bool:
    """Whether the draft has a point of disagreement awaiting anyone's ruling (`disputed`'s count)."""
    return bool(await db.fetchval(f"SELECT p.with_deputy + p.with_prime > 0 FROM submissions s CROSS JOIN LATERAL {_POINTS} p "
                                  "WHERE s.submission_id = $1", submission_id))


# What a draft raises to an office: an alarm's step up the ladder, an approved date's conflict with its cut-off, a round lost.
RAISED_EVENTS = ("ESCALATION", "POSTPONEMENT_CONFLICT", "CONSULTATION_LOST")
# An office follows what it raised higher up its ladder too, each draft with its latest step (found by a Government Office's
# trial: a draft escalated on to the Deputy Prime Minister still read "escalated to VPCP" there).
RAISED_ABOVE = {EscalationLevel.VPCP: (EscalationLevel.DEPUTY_PM,), EscalationLevel.VPQH: (EscalationLevel.UBTVQH,)}


@dataclass(frozen=True)
class Raised:
    """A draft whose current stage raised something to an office: the latest such event of the stage."""

    row: RegistryRow
    event: EventKind
    label: str
    on: date


def _raised(readable: str) -> str:
    """SQL: the open drafts `readable` admits whose current stage raised something to one of the levels $2 names, with
    the latest such event `e`: an escalation while the draft is overdue (an approved postponement since makes it on time),
    a conflict until a postponement is approved again, the approved date is within the cut-off or the cut-off has passed
    (the day `$4`, Ha Noi), a lost round while the stage lasts."""
    return (
        "FROM submissions s CROSS JOIN LATERAL (SELECT seq, event, label, occurred_on, occurred_at FROM audit_events a "
        f"WHERE a.submission_id = s.submission_id AND a.event = ANY($3) AND a.escalation_level = ANY($2) AND a.stage = s.stage "
        f"AND {audit.after_stage_began('a', 's.submission_id')} ORDER BY a.seq DESC LIMIT 1) e "
        # The drafts that ever raised one, found by the events' index: a few among many, each then looked at.
        f"WHERE s.submission_id IN (SELECT submission_id FROM audit_events WHERE event = ANY($3) AND escalation_level = ANY($2)) "
        f"AND {readable} AND {OPEN} AND (e.event <> 'ESCALATION' OR s.stage_deadline < $4) "
        # A refusal since leaves the approved date standing, and the conflict with it (found by a Government Office's trial: the
        # Prime Minister kept his date by refusing another, the status still said the conflict stood, the inbox dropped it);
        # an approval since either ends it or raises it anew.
        "AND (e.event <> 'POSTPONEMENT_CONFLICT' OR NOT EXISTS (SELECT 1 FROM audit_events d WHERE d.submission_id = s.submission_id "
        "AND d.event = 'POSTPONEMENT_DECIDED' AND d.approved AND d.seq > e.seq) "
        # Nor once its cut-off has passed: no date can meet it then, and the draft says it has ended (found by a breaker); nor
        # with no cut-off at all, the meeting it counted back from called off or moved away (found by a re-check: the draft
        # said the conflict had ended, the National Assembly Office's inbox still listed it).
        "AND s.cutoff IS NOT NULL AND (s.cutoff_stage IS DISTINCT FROM s.stage OR s.cutoff >= $4) "
        # Nor once the sitting has moved so that the approved date is within its cut-off: the registry's cut-off is then that
        # date (found by a Government Office's trial: the draft said the conflict had ended, the inbox still listed it).
        "AND (s.cutoff_stage IS DISTINCT FROM s.stage OR s.stage_deadline > s.cutoff))")


async def raised_to(db: asyncpg.Pool | asyncpg.Connection, level: EscalationLevel, *, own_agency: str | None,
                    today: date) -> tuple[list[Raised], int]:
    """The open drafts whose current stage raised to `level` (the Government Office, VPCP, or the National Assembly
    Office, VPQH, and what they raised higher, `RAISED_ABOVE`; the Deputy Prime Minister; the Standing Committee) what it still has to see to: an escalation while the draft is overdue (`today`, Ha Noi), an approved
    date's conflict with its cut-off until a postponement is approved again, a round lost; oldest deadline first, each
    with the latest such event of the stage; and how many other ministries' classified drafts besides, which the reader
    may not see (found by a National Assembly Office official's trial: a conflict "raised to the National Assembly
    Office" was on no page of the Office's)."""
    arguments = (own_agency, [level.value, *(above.value for above in RAISED_ABOVE.get(level, ()))], list(RAISED_EVENTS), today)
    rows = await db.fetch(
        f"SELECT {_COLUMNS}, e.event AS raised_event, e.label AS raised_label, "
        f"coalesce(e.occurred_on, (e.occurred_at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date) AS raised_on {_raised(_VISIBLE)} "
        f"ORDER BY s.stage_deadline NULLS LAST, s.stage_since LIMIT {PAGE_ROWS}", *arguments)
    unseen = await db.fetchval(f"SELECT count(*) {_raised('classified AND lead_ministry IS DISTINCT FROM $1')}", *arguments)
    found = []
    for record in rows:
        fields = dict(record)
        raised = (EventKind(fields.pop("raised_event")), fields.pop("raised_label") or "", fields.pop("raised_on"))
        found.append(Raised(RegistryRow(**fields), *raised))
    return found, unseen


async def law_kinds(db: asyncpg.Pool | asyncpg.Connection, submission_ids: list[str]) -> dict[str, LawKind]:
    """The kind of each draft of `submission_ids` its start claimed with its ID (through the API or the CLI, since revision
    lawkindv30); a draft not among them is not known here."""
    rows = await db.fetch("SELECT submission_id, law_kind FROM submission_ids WHERE folded = ANY($1) AND submission_id = ANY($2) "
                          "AND law_kind IS NOT NULL", [sid.lower() for sid in submission_ids], submission_ids)
    return {row["submission_id"]: LawKind(row["law_kind"]) for row in rows if row["law_kind"] in LawKind.__members__}


async def classified_asked_unseen(db: asyncpg.Pool | asyncpg.Connection, *, own_agency: str | None) -> list[tuple[str, ProcessVersion, Stage]]:
    """The submission ID, process version and stage of each open classified draft this reader may not see whose postponement awaits its
    decision, as `postponements_asked` finds them: the rulebook says who decides each (`web.inbox`), and the inbox counts
    those of the reader's (found by a ministry's trial: a Deputy Prime Minister's inbox said nothing waited)."""
    rows = await db.fetch(
        "SELECT s.submission_id, s.process_version, s.stage FROM submissions s CROSS JOIN LATERAL (SELECT event FROM audit_events a "
        "WHERE a.submission_id = s.submission_id AND a.event IN ('POSTPONEMENT_REQUESTED', 'POSTPONEMENT_DECIDED') AND a.stage = s.stage "
        f"AND {audit.after_stage_began('a', 's.submission_id')} ORDER BY a.seq DESC LIMIT 1) e "
        "WHERE s.submission_id IN (SELECT submission_id FROM audit_events WHERE event = 'POSTPONEMENT_REQUESTED') "
        f"AND s.classified AND s.lead_ministry IS DISTINCT FROM $1 AND {OPEN} AND e.event = 'POSTPONEMENT_REQUESTED'", own_agency)
    return [(row["submission_id"], ProcessVersion(row["process_version"]), Stage(row["stage"])) for row in rows]


async def classified_unseen(db: asyncpg.Pool | asyncpg.Connection, *, own_agency: str | None, today: date,
                            agencies: list[str] | None = None, due_before: date | None = None, stage: Stage | None = None) -> tuple[int, int]:
    """How many open classified drafts this reader may not see (another ministry's), and how many of them are overdue
    (their stage's last day before `today`, Ha Noi, and before `due_before` as a report's period counts them); with
    `agencies`, only those waiting for one of them; with `stage`, only those at it. The board shows nothing of them but
    these counts, so that a figure that includes them is not chased in vain; never counted by lead ministry, which would
    tell who leads them."""
    row = await db.fetchrow(
        f"SELECT count(*) AS unseen, count(*) FILTER (WHERE stage_deadline < least($2::date, $4::date)) AS overdue FROM submissions "
        f"WHERE classified AND lead_ministry IS DISTINCT FROM $1 AND {OPEN} AND ($3::text[] IS NULL OR responsible = ANY($3)) "
        "AND ($5::text IS NULL OR stage = $5)", own_agency, today, agencies, due_before, stage.value if stage else None)
    return row["unseen"], row["overdue"]


def quarters(until: date, count: int = 4) -> list[tuple[str, date, date]]:
    """The last `count` calendar quarters up to the one holding `until`: label, first day, the day after the last."""
    found = []
    year, quarter = until.year, (until.month - 1) // 3
    for _ in range(count):
        first = date(year, quarter * 3 + 1, 1)
        after = date(year + (quarter == 3), (quarter * 3 + 3) % 12 + 1, 1)
        found.append((f"{year} Q{quarter + 1}", first, after))
        year, quarter = (year, quarter - 1) if quarter else (year - 1, 3)
    return found[::-1]


async def quarterly(db: asyncpg.Pool, today: date, *, ministry: str | None, count: int = 4, period: tuple[date, date] | None = None,
                    with_classified: bool = False) -> tuple[list[tuple[str, ReportRow]], list[ReportRow] | None]:
    """The overall row of the deadline report for each of the last `count` quarters, and with `period` that period's
    report whole; all in one statement."""
    quarters_ = quarters(today, count)
    reports = await deadline_reports(db, [(first, after) for _, first, after in quarters_] + ([period] if period else []), today=today,
                                     lead_ministry=ministry, with_classified=with_classified)
    trend = [(label, report[-1]) for (label, _, _), report in zip(quarters_, reports, strict=False)]
    return trend, reports[-1] if period else None
