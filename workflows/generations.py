"""Which behaviour a draft's run has, chosen by `workflow.patched` so that every history replays as it ran.

1. Drafts started before the draft core.
2. The draft core: the calendar read at the start, the next session after a debate, an approved postponement that
   stands when a session moves, rest days, rounds watched until they report.
3. A draft that stays overdue when its deadline moves keeps the escalation levels it reached (`Change.move_deadline`).
4. An approved postponement whose date is after the session's cut-off raises the conflict when it is approved
   (`Change.raise_conflict`), and new messages may not name a regular session above 12 (`rules.check_session_number`).
5. Rest days the Government announces count first in the message that brings them, once; a cut-off ahead of the draft
   (its sitting's, or a later stage's) they move while its deadline stays is recorded (DEADLINE_RECOUNTED), so that the
   registry and the board follow, and an open conflict is raised again only when they change it (`calendar_changes`).
6. The cut-off ahead of a draft that has a debate ahead (a two- or three-session procedure) counts the revision after
   the debate back from the next session announced, where the draft will aim, not from the session of the debate
   (`sessions.cutoff_ahead`; it moves what the registry, the board and the status show, and what DEADLINE_RECOUNTED
   records).
7. The Standing Committee meeting before a session is one that meets after the session announced before it opens
   (`sessions.meeting_before`): an ordinance aiming at a later session was counted back from the last meeting announced,
   one that prepared an earlier session, and shown overdue months before its time. A deadline the calendar no longer
   gives is lifted (`Change.recompute`), and a cut-off ahead a calendar change moves with nothing else recorded is
   recorded (DEADLINE_RECOUNTED), so that the registry and the board follow.
8. The Assembly decides at a sitting stage only at a sitting of the session the draft aims at (`sittings.check_sitting`:
   from its opening, within its phases where given, and after a debate at a later session): a vote dated before the
   opening was taken, and the promulgation's 15 days counted from it.
   A round still open when the draft ends (withdrawn, rejected) is recorded as cancelled (CONSULTATION_CANCELLED).
   MEETING_SCHEDULED is recorded only for a draft that still comes before the Standing Committee (its opinion, or a
   cut-off counted back from its meeting, ahead).
9. A calendar change raises an approved date's conflict with its sitting again only when the conflict changed (its
   cut-off, or the sitting it counts back from): a Standing Committee meeting announced for a law whose cut-off counts
   back from the session raised the same conflict to the Government Office once more (`calendar_changes`). A message
   that moves the session and the meetings applies the session's move first, so that MEETING_SCHEDULED names the meeting
   before the session as it now opens.
10. A round's ID is the draft's once whatever its letter case (`y-kien-bo` beside `Y-KIEN-BO` opened two rounds), and
   the lead ministry is not its own consultee (`rules.check_consultation`); a round's opinions and comments are counted
   in words that agree with their number ("1 comment", where it recorded "1 comments"); the event that moves a draft to
   a stage carries that stage's deadline (`Change.entered`); a law switched to one session at the sitting that debated
   it may be aimed at that session on a day within its phases, and no session announced later re-aims it
   (`sessions.passed_at_its_debate`); a remap of the lead ministry is told to the open rounds, which take the
   compilation from the new code (`RemapRound`).
11. A round's compilation is taken only from a code the lead ministry has had since the round opened (`RoundWatch.leads`,
   `rounds.not_the_rounds`): a remap signal any Temporal client may send to a round handed its compilation to another
   ministry, which the draft recorded; a round opened before its draft took it up keeps the lead ministry's code then
   (`rounds.taking_up_leads`). A deferral and an approved postponement carry the deadline they set
   (`to_stage_deadline`, `Change.dated`), as an event that moves the draft to a stage does.
12. A session a message names (a programme change's `to_session`, a carry-over's `carry_to`) is the session as the
   calendar announces it, or as the draft aims at or last debated it, found by its code (`sessions.as_named`), and one
   the draft does not know is in order with the sessions announced (`sessions.check_named`): a deferral naming an announced session with a mistyped
   opening day aimed the draft at that day, and compared it, until the calendar was told again. A decision entered
   afterwards is not dated before a decision already taken at its stage (`rules.check_occurred_on`,
   `DraftState.decided_here_on`): a passing vote dated the day before the failed vote recorded before it was taken.
13. A step of a draft entered under way that the Assembly took at a session after the one that debated the draft (a
   two- or three-session law's later vote or debate, an ordinance's vote after its referral), dated before the session
   the draft chose from the calendar, is taken as held at a session that has ended (`sittings.at_an_ended_session`),
   checked against the sittings the draft knows only: the calendar keeps no session that has ended, so the draft's
   start compared the step with whatever session was announced next and refused it. A debate so entered leaves the
   draft holding the session that debated it before, and a carry-over so entered goes to a session after its day.
   An alarm raised on a later day than it fell due (a draft entered already overdue, a worker down) carries the day it
   fell due (`occurred_on`, `draft.tick`): the deadline passed and every escalation level read as raised the day the
   draft was entered.
14. An approved date's conflict with its sitting lasts while the sitting's cut-off is ahead
   (`sessions.postponement_conflict`): once the cut-off has passed (a session brought forward), no date can meet it,
   so the conflict is neither raised again (by a calendar change or a later approval) nor warned of; the draft slips if
   the approved date passes too, as the status says. Before, each later approval and calendar change raised it to the
   Government Office once more, and a postponement could not resolve it (`not_in_past`). A decision (or a withdrawal from the
   programme) entered afterwards is not dated before a postponement asked or decided at its stage (`rules.check_occurred_on`,
   `DraftState.postponed_here_on`, the latest such day; a state carried from an older generation reads it from its recent
   events, `carried_into`): the stage was still open then. New rest days that put a standing conflict's cut-off in the
   past do not record it resolved (`calendar_changes._recount`).
15. A draft that misses its cut-off on a day before its alarm is raised (a draft entered under way past its cut-off, a
   worker down) records its slip to the next session with the day the cut-off passed (`occurred_on`, `draft.tick`), as
   the deadline passed beside it says: the slip read as happening the day the draft was entered. A start holding an API
   token's secret is refused (`draft.open_draft`, `admissions.admits_no_secret`), as the API and the CLI refuse it: one
   started by a raw Temporal client wrote the token to the audit trail and the registry.
16. An open round whose window counts back from the session the draft aims at (the Assembly's delegations') ends as
   that session now gives, whatever moved it (a calendar change, a programme change, a slip): the draft records the new
   end (CONSULTATION_RESCHEDULED) and tells the round (`rounds.follow_sessions`); before, the round kept the end it
   opened with, so that a session moved later cut the delegations' window short.
17. An alarm raised late is dated no earlier than the day its stage began, nor than the day its deadline was set
   (`draft.tick`, `DraftState.deadline_since`): a draft that reaches a stage whose cut-off has already passed (a session
   brought forward while it was at an earlier stage, or a decision entered afterwards), or whose cut-off a calendar or
   programme change puts behind it, records the deadline passed, its escalations and its slip on that day, where
   generations 13 to 16 dated them with the cut-off's day, before anything made the draft late (found by a fresh-user
   trial and a breaker: the audit trail read as the draft late, and escalated, before it was).
18. A deadline set after it had passed (a stage reached past its cut-off, a session brought forward past it) is missed
   from the moment it was set, and its escalation ladder counts its days from then (`follow_up.alarms`, `late_from`),
   where the seventeenth raised every level already due at once; and a deadline set, on entry under way or by a move,
   with the time of a warning already passed is warned at once by the last such warning, unless it was raised for the
   deadline before (`change.passed_unraised`), where earlier generations left every such warning unraised (found by an
   official's trial: a draft entered with its appraisal due in three days was never warned, and a session moved earlier
   escalated a draft to the Government Office and queued the Deputy Prime Minister on the day it became late). The
   rounds whose child workflow is starting count in the bound on open rounds (`rounds.check_room`): openings sent at
   once were each checked against the rounds already running, and a draft held 23, a state its next run could not read.
   A postponement is not approved to a date before what the rulebook and calendar give now (`rules.check_postponement_decision`):
   a session moved later after the request, the approval brought the deadline weeks earlier and the draft slipped.
   A round whose opening was taken in the task that ended its draft, its child starting after the end, is recorded
   cancelled and its child cancelled (`rounds.round_started`): it was recorded open after the end, and stayed so.
   An approved date's conflict with its sitting that the Standing Committee approved (an Assembly stage's) is raised to
   the National Assembly Office (`change.conflict_raised_to`), where every conflict went to the Government Office; a
   session moved so that the approved date no longer falls after its cut-off says the conflict has ended, to whom it was
   raised (`calendar_changes._conflict_ended`), where nothing said so.
19. A round's workflow ID is `consultation-<submission>:<round>` (`rounds.round_workflow_id`), which no two drafts'
   rounds share, where `consultation-<submission>-<round>` was draft MAT-2026's round 014-R1 and draft MAT-2026-014's
   round R1 alike (found by a breaker: a caller of the one read and wrote the other's round, a classified draft's, and
   took a round ID the other could then not open). Rounds opened before keep their IDs. The Standing Committee adopts an
   ordinance at its meeting: a decision at STANDING_COMMITTEE_OPINION dated before the meeting the ordinance's limits
   count back from is refused (`sittings.check_meeting`; found by a ministry's trial: adopted four months early).
20. After a debate a draft aims at the next regular session announced (`sessions.goes_to`), not at an extraordinary
   one, which takes the drafts the Standing Committee puts on it (found by a committee official's trial: a two-session
   law debated at a regular session was aimed at the extraordinary session announced 40 days on, overdue that day,
   escalated, and kept its place there). A draft that misses a cut-off still slips to the next session whose cut-off
   is ahead, an extraordinary one too.
21. Each compilation of comments stands in the dossier beside the others of other names, the latest `MAX_COMPILATIONS`
   (`Change.file`): the dossier kept the latest document of each kind, so that the Fatherland Front's critique compiled
   after the ministries' written opinions put their compilation out of the dossier sent to appraisal (found by a
   ministry's trial). A return for revision from a stage holding an approved postponement says that the date lapses
   with the stage (`draft.apply_decision`): the draft, back at the stage, was counted from the rulebook again with
   nothing recorded of the Prime Minister's date.
22. An ordinance the President sent back is reconsidered at the first Standing Committee meeting announced on or after
   the day it came back (`sittings.adopting_meeting`), not at the meeting before the session its limits count back from
   (found by a committee's trial: asked in December, tied to April's meeting and refused at January's). A remap
   (`legis remap-agency`) replaces the code of the committee that leads the examination as it does the lead ministry's
   (`DraftState.committee`; found by the same trial: a draft naming a committee merged in 2025 waited for it). A deferral
   by the authority that approved the date in force lapses that date, said in its history, and the deadline counts from
   the session the draft is deferred to (`draft.apply_programme_change`; found by the same trial: a law deferred to
   October was held to the examination date approved for May). The President's window to send an ordinance back ends off a
   rest day as its rule says (`rules.check_reconsideration`; found by a breaker: a window ending on a Saturday refused the
   Monday after). A state carried into the twenty-second generation whose ordinance it moves to another meeting records
   the move (`calendar_changes.taken_up`, DEADLINE_RECOUNTED), so that the board follows.
23. A calendar change that moves the meeting reconsidering an ordinance the President sent back (one announced before
   it, or it called off) records the move (DEADLINE_RECOUNTED), and the registry lists the ordinance under that meeting
   (`sittings.registry_cutoffs`, its `committee_meeting` too): the board kept the meeting taken off the calendar, or the
   one before the session, while the status named the next (found by a breaker and a re-check). A deferral that lapses an
   approved date while the draft stays aimed at its session (an extraordinary one) counts the deadline again: the lapsed
   date stood as the deadline with no postponement behind it (found by a breaker).
24. The latest decision, postponement asked, postponement decided and programme change are kept however many events
   follow them (`DraftState.latest`), and the rules that read them back read them there (`DraftState.last`): from the
   last 30 events alone, thirty filings at a stage let a postponement's decision be dated before its request and a
   decision before a deferral, and the status stopped saying a pending request was late or a postponement refused
   (found by a breaker). A state carried from an older generation keeps what its recent events hold. A round whose
   window the rulebook counts back from the next session (the delegations') runs from its opening, for the days its
   opener gives, where the stage's own limit does not count back from the session for the draft (a three-session law's
   first revision, LAW_2015 Art. 76(2), which sets no day count: `sessions.window_of`; found by a new engineer: held to
   20 days before the session and refused after them).
25. A Standing Committee meeting moved or called off so that a date the Standing Committee approved no longer falls
   after its cut-off says, with its MEETING_SCHEDULED, that the conflict raised for it has ended, naming the cut-off now
   counted and the one before (`calendar_changes`), as a session's move does; while an ordinance's limit waits for a
   meeting (none announced before its session), a date approved meanwhile is the deadline in force but no cut-off: the
   draft is late when it passes, and does not slip (`sessions.limit_waits_for_meeting`; found by a National Assembly
   Office's trial). A state of an older generation taking it up records what the board then shows (DEADLINE_RECOUNTED).
26. A stage none of whose warnings was raised, their times passed unraised (`DraftState.unraised`), is warned at once by
   its last warning already past when its deadline moves (`Change.move_deadline`): a draft entered under way overdue,
   then given two days more, was never warned (found by a Government Office's trial). A stage warned at all stays
   covered, as before (found by a breaker: an earlier, milder warning came after the last one raised). A state carried
   from an older generation counts what it marked as raised, as it did.
27. A stage entered has its warnings already past when it is entered pass unraised, but the last while its deadline is
   still ahead (`Change.enter`, `passed_unraised`), as a draft entered under way has them: a vote entered afterwards
   (`occurred_on`) recorded the promulgation's warnings, dated days before legis knew of the vote, past a deadline
   already passed, and the same vote imported among the start's steps recorded none (found by a National Assembly
   Office's trial); a stage entered past its deadline records it passed, not the warnings before it.

28. An update is applied in the task that accepted it before the next update's validator asks (`DraftLawWorkflow._perform`
   waits for nothing once the rulebook is pinned): updates that come together, each depending on the one before (a reset
   run's reapplied ones: a programme's approval then filings at DRAFTING), were all checked against the state before the
   first, and all but the first refused, lost from a draft whose audit trail kept them. A round the run opens again
   whose workflow runs already under its ID, as it does after a reset to a point before its opening, is taken as the
   draft's round (`draft_activities.start_round`), where the opening was refused and the round ran on unknown to the
   draft (found by a breaker of a draft's long life).
29. A decision entered afterwards (`occurred_on`), dated on or before the deadline whose passing slipped the draft at
   its stage (counted again from the session as the calendar now has it, if it moved), aims the draft again at the session
   it slipped from (slipped twice, the first whose deadline it met), while the draft still aims where its slips took it
   and that session is still announced and has not opened (`Change.slip_undone`, `DraftState.slipped_here`; a state carried
   from an older generation reads its slips from its recent events, `slips_here`): the Government decided in time, its
   decision was entered after the slip, and the draft stayed aimed a session later (found by a Government Office's trial).
   The same bytes filed again with their address, or a name corrected, are taken into the dossier, and filed again without
   them keep the address and size it holds (`Change.file`): told to file the draft's text again with its url for a public
   posting, a ministry did, and the dossier kept the text without it. A decision of the lead ministry, which files the
   dossier, carries no document a deciding body gives with its decision (`rules.check_decision`, `given_by_its_body`): the
   lead ministry's approval of the drafting put an "appraisal report" of its own in the dossier. A session brought forward
   so that the cut-off of an approved date's conflict has passed says, with the move, that the conflict raised for it has
   ended, as the office's inbox drops it (`calendar_changes._conflict_ended`). A round's cancellation taken while the
   round is still starting (a reset run applying its opening and its cancellation again in one task) waits for the start,
   then cancels it (`DraftLawWorkflow.cancel_consultation`), where it was refused and the round ran on (found by a breaker
   of a draft's long life). A consultee silent through a round's window is said silent by the window's last day
   (`rounds.round_finished`), where the Ha Noi date of the midnight that ended it, the day after, was written (found by a
   breaker of the board's notes).
30. A draft still on the Government's side of its path (the committee's examination and a sitting ahead), at a stage
   whose limit counts back from its regular session, when that session opens slips then to the next session announced whose cut-off is ahead
   (`sessions.opened_without`, `Change.slip`), a date approved that kept its place lapsing with it, and wakes for it: a
   date the Prime Minister approved after the session's opening kept a draft the Government had not decided aimed at a
   session already sitting, said "keeps the draft's place" until that date (found by a Government Office's trial).

31. A draft entered under way raises, before each step it passed that no step at a sitting follows, what time raised
   before that step's day at the stage it stood at where the stage's cut-off had passed by then, as a draft sent its
   steps one by one would have: it slips to
   the next session announced whose cut-off is ahead (`draft.open_draft`, `change.raise_due(until=...)`), where a
   Government decision dated after its session's cut-off left it aimed at that session (found by a Government Office's
   trial); its SUBMITTED names its lead ministry as who opened it (found by an inspector's audit: no one was named); and
   a vote among its steps counts at most the Assembly's 500 deputies (`admissions.admits_vote`, which an update's
   validator asks of every generation's new input). A draft that misses a cut-off after its first debate slips to the
   next regular session, as the debate aimed it (`sessions.session_to_slip_to`, `goes_to`), where it slipped onto an
   extraordinary session nobody had put it on (found by a National Assembly Office's trial).

32. A consultation round is checked every day from its opening (`rounds._first_check`), so that one whose workflow ended by
   hand (terminated) is found lost within a day (CONSULTATION_LOST, for the Government Office), where it held its stage
   until a day after its window's end, a year on for a long window (found by a breaker of a draft's long life); each new
   run (a renewal, a continue-as-new) checks its open rounds at once (`rounds.watched_daily`). The Assembly's delegations' round does
   not hold the revision between sessions (`rounds.holds_the_decision`): their comments come back after the revised draft
   is sent, and the round ran past the revision's cut-off, so that the draft could only slip. A message legis sends to every
   running draft (a calendar change, an agency remapped) is forgotten before any caller's request (`idempotency.remember`): each
   took a place among the last 256 requests, and a caller's retry inside them was applied twice.
A new draft takes the newest generation; a state carried to a new run takes up the newest there, from the second
generation on (a run already under way keeps its own).
"""

from __future__ import annotations

import re
from datetime import date

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from schemas.calendar import TargetSession, parse_session_code
    from schemas.enums import EventKind
    from schemas.state import LATEST_KINDS, MAX_SLIPS_HERE, DraftState, Slip
    from workflows import rounds
    from workflows.deadlines import local_day

DRAFT_CORE_PATCH = "draft-core"
# First-generation drafts started before publication in the Official Gazette was modelled end at PROMULGATED.
PUBLICATION_PATCH = "publication-stage"
REACHED_LEVELS_PATCH = "escalation-levels-kept"
APPROVED_DATES_PATCH = "approved-dates-checked"
CUTOFFS_RECOUNTED_PATCH = "cutoffs-recounted"
CUTOFFS_AFTER_DEBATE_PATCH = "cutoffs-after-debate"
MEETING_AFTER_SESSION_PATCH = "meeting-after-the-session-before"
AT_THE_SITTING_PATCH = "assembly-decides-at-its-sitting"
CONFLICT_ONCE_PATCH = "conflict-raised-when-it-changes"
ROUNDS_NAMED_ONCE_PATCH = "rounds-named-once-whatever-the-case"
COMPILED_BY_THE_LEAD_PATCH = "compiled-by-the-lead-ministry"
AS_ANNOUNCED_PATCH = "named-sessions-as-announced"
IMPORTED_SITTINGS_PATCH = "imported-sittings-after-their-debate"
CONFLICT_ENDS_PATCH = "conflict-ends-when-its-cutoff-passes"
SLIP_DATED_PATCH = "slip-dated-with-its-cutoff"
ROUNDS_FOLLOW_SESSIONS_PATCH = "rounds-follow-their-session"
ALARMS_WITHIN_STAGE_PATCH = "alarms-dated-within-their-stage"
LADDER_FROM_THE_DAY_LATE_PATCH = "escalation-ladder-from-the-day-late"
ROUND_IDS_PATCH = "round-workflow-ids-of-one-draft"
REGULAR_SESSION_NEXT_PATCH = "next-regular-session-after-a-debate"
COMPILATIONS_APART_PATCH = "compilations-kept-apart"
RECONSIDERED_AND_REMAPPED_PATCH = "reconsidered-at-the-next-meeting-committee-remapped"
MEETING_MOVES_RECORDED_PATCH = "reconsidering-meeting-moves-recorded"
LATEST_KEPT_PATCH = "latest-of-each-kind-kept"
MEETING_ENDS_CONFLICT_PATCH = "meeting-moved-ends-a-conflict-or-waits"
UNRAISED_WARNINGS_PATCH = "warnings-passed-unraised-kept-apart"
ENTERED_UNRAISED_PATCH = "warnings-past-at-entry-unraised"
APPLIED_IN_TURN_PATCH = "updates-applied-in-turn"
LATE_DECISIONS_AIM_AGAIN_PATCH = "late-decisions-aim-again"
SLIP_AT_OPENING_PATCH = "slip-when-the-session-opens"
IMPORTED_AS_SENT_PATCH = "imported-steps-as-if-sent"
ROUNDS_WATCHED_DAILY_PATCH = "rounds-watched-daily"
# Not a generation: the shell's renewal drains once the updates of its task are taken (`DraftLawWorkflow.renew_run`).
RENEW_AFTER_ITS_TASK_PATCH = "renewal-drains-after-its-task"
# Newest first. Each patch names the generation it brought for ever: a history that recorded it replays in that one.
GENERATIONS = ((32, ROUNDS_WATCHED_DAILY_PATCH), (31, IMPORTED_AS_SENT_PATCH), (30, SLIP_AT_OPENING_PATCH), (29, LATE_DECISIONS_AIM_AGAIN_PATCH), (28, APPLIED_IN_TURN_PATCH), (27, ENTERED_UNRAISED_PATCH), (26, UNRAISED_WARNINGS_PATCH), (25, MEETING_ENDS_CONFLICT_PATCH), (24, LATEST_KEPT_PATCH), (23, MEETING_MOVES_RECORDED_PATCH), (22, RECONSIDERED_AND_REMAPPED_PATCH), (21, COMPILATIONS_APART_PATCH), (20, REGULAR_SESSION_NEXT_PATCH), (19, ROUND_IDS_PATCH), (18, LADDER_FROM_THE_DAY_LATE_PATCH), (17, ALARMS_WITHIN_STAGE_PATCH), (16, ROUNDS_FOLLOW_SESSIONS_PATCH), (15, SLIP_DATED_PATCH), (14, CONFLICT_ENDS_PATCH), (13, IMPORTED_SITTINGS_PATCH), (12, AS_ANNOUNCED_PATCH), (11, COMPILED_BY_THE_LEAD_PATCH), (10, ROUNDS_NAMED_ONCE_PATCH), (9, CONFLICT_ONCE_PATCH), (8, AT_THE_SITTING_PATCH), (7, MEETING_AFTER_SESSION_PATCH), (6, CUTOFFS_AFTER_DEBATE_PATCH), (5, CUTOFFS_RECOUNTED_PATCH), (4, APPROVED_DATES_PATCH), (3, REACHED_LEVELS_PATCH), (2, DRAFT_CORE_PATCH))


def of_new_draft() -> tuple[int, bool]:
    """The generation of a draft's first run, and whether its path ends with publication."""
    generation = next((g for g, patch in GENERATIONS if workflow.patched(patch)), 1)
    return generation, generation >= 2 or workflow.patched(PUBLICATION_PATCH)


def of_carried(state: DraftState) -> DraftState:
    """A state carried to a new run, in the newest generation it may take up (the first stays the first)."""
    if state.generation < 2:
        return state
    generation = next((g for g, patch in GENERATIONS if g > state.generation and workflow.patched(patch)), state.generation)
    return carried_into(state, generation)


def carried_into(state: DraftState, generation: int) -> DraftState:
    """A state carried to a new run in `generation` (pure): what the newer rules keep that the older did not, read from the
    state; from the thirty-second generation, its open rounds checked at once (`rounds.watched_daily`: an operator's
    `legis renew` after ending a round by hand)."""
    taken_up = state if generation == state.generation else state.model_copy(update={"generation": generation})
    if state.generation < 11 <= generation:
        taken_up = rounds.taking_up_leads(taken_up)
    if state.generation < 14 <= generation:
        taken_up = taken_up.model_copy(update={"postponed_here_on": postponed_here(taken_up)})
    if state.generation < 24 <= generation:
        taken_up = taken_up.model_copy(update={"latest": tuple(e for kind in LATEST_KINDS if (e := state.last(kind)) is not None)})
    if state.generation < 29 <= generation:
        taken_up = taken_up.model_copy(update={"slipped_here": slips_here(taken_up)})
    if generation >= 32:
        taken_up = rounds.watched_daily(taken_up)
    return taken_up


_SLIPPED = re.compile(r"slipped from session (?P<missed>\S+) \(opens (?P<opens>\d{4}-\d{2}-\d{2})\) to (?P<to>\S+) \(opens .*")


def slips_here(state: DraftState) -> tuple[Slip, ...]:
    """The draft's slips at the stage it stands at, read from its recent events: what a state carried from before the
    twenty-ninth generation takes up as `slipped_here` (found by a breaker: renewed, a draft never took up a slip recorded
    before). Each SESSION_SLIPPED names the sessions; the deadline that passed is the one the DEADLINE_PASSED before it names."""
    found, passed = [], None
    for e in state.recent:
        if e.stage is not state.stage or e.at < state.stage_since:
            continue
        if e.event is EventKind.DEADLINE_PASSED:
            passed = e.deadline
        elif e.event is EventKind.SESSION_SLIPPED and passed is not None and (named := _SLIPPED.fullmatch(e.label or "")):
            legislature, number, extraordinary = parse_session_code(named["missed"])
            missed = TargetSession(legislature=legislature, session=number, extraordinary=extraordinary, opens_on=date.fromisoformat(named["opens"]))
            found.append(Slip(missed=missed, announced=any(t.code == missed.code for t in state.sessions), deadline=passed, to=named["to"]))
    return tuple(found[-MAX_SLIPS_HERE:])


def postponed_here(state: DraftState) -> date | None:
    """The day (Ha Noi) of the last postponement asked or decided at the stage the draft stands at, read from its recent
    events: what a state carried from before the fourteenth generation takes up as `postponed_here_on`."""
    asked = (EventKind.POSTPONEMENT_REQUESTED, EventKind.POSTPONEMENT_DECIDED)
    return max((e.occurred_on or local_day(e.at) for e in state.recent if e.event in asked and e.stage is state.stage
                and e.at >= state.stage_since), default=None)
