"""Consultation rounds as their draft sees them: opened as child workflows, awaited, and noticed when they end
without handing back their result (terminated, timed out, failed). Pure functions of the draft's state."""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from schemas.consultation import PUBLIC, ConsultationInput, ConsultationResult, RoundWindow
from schemas.enums import Actor, ConsultationKind, DeadlineAnchor, DocumentKind, EscalationLevel, EventKind
from schemas.messages import AgencyRemap, ConsultationRequest, DocumentRef, RoundCancellation
from schemas.records import ExecutionStatus
from schemas.refusal import Refused
from schemas.state import MAX_OPEN_ROUNDS, NEWEST_GENERATION, WATCHED_LEADS, DraftState, RoundWatch, SeenRequest
from schemas.time import in_hanoi
from schemas.views import OpenRound, Receipt
from workflows import sessions
from workflows.change import Applied, CancelRound, Change, Effect, Record, RemapRound, RescheduleRound, StartRound
from workflows.deadlines import start_of

# A round that has closed is checked a day later, then weekly, until it hands back its result or is found lost; from the
# thirty-second generation, every day from its opening (`ROUND_WATCH`).
ROUND_GRACE = timedelta(days=1)
ROUND_RECHECK = timedelta(days=7)
ROUND_WATCH = timedelta(days=1)
# How far apart the Temporal server's hosts may tell the time: a round's times are its own workflow's, not the draft's.
CLOCK_SKEW = timedelta(minutes=1)


def apply_consultation(change: Change, request: ConsultationRequest) -> None:
    """Reserve the round's ID and ask for its child workflow; `round_started` records it once the child runs."""
    s, now = change.state, change.now
    window = sessions.window_of(s, request.kind)
    assert window is not None
    closes_at = sessions.round_closes_at(s, window, request.window_days or window.days, now)
    s.rounds_opened = (*s.rounds_opened, request.round_id)
    change.effects.append(StartRound(
        ConsultationInput(submission_id=s.submission_id, parent_workflow_id=draft_workflow_id(s.submission_id), request=request,
                          lead_ministry=s.lead_ministry, closes_at=closes_at, classified=s.classified),
        workflow_id=round_workflow_id(s.submission_id, request.round_id, s.generation),
        summary=f"{request.kind.value} round {request.round_id} of {s.submission_id}",
        from_opening=(ruled := s.rulebook.window(request.kind)) is not None and ruled.anchor is not window.anchor,
    ))


def check_room(state: DraftState, starting: int) -> None:
    """Room for one more open round, counting the `starting` ones whose child workflow has not started yet (eighteenth
    generation): openings sent at once were each checked against the rounds already running, and a draft held 23 open
    rounds, a state its next run could not read (found by a breaker). Raises Refused `rounds_bound` (CONFLICT), as
    `rules.check_consultation` does."""
    if state.generation >= 18 and len(state.open_rounds) + starting >= MAX_OPEN_ROUNDS:
        raise Refused("round_id", "rounds_bound", f"a draft holds at most {MAX_OPEN_ROUNDS} open rounds ({starting} starting now); "
                      "send it again once one has closed")


def not_started(round_id: str) -> Refused:
    return Refused("round_id", "round_not_started", f"a round {round_id} of this submission exists already")


def opened_once(seen: SeenRequest | None, round_id: str) -> Receipt:
    """The receipt of the call that opened a round (`seen`, as the draft remembers its request), for a call that sent its
    request again (marked `duplicate`), once that first call has started the round or failed to. Raises Refused
    `round_not_started` as the first call was refused."""
    if seen is None or seen.receipt.first_seq is None:  # remembered with the receipt the round's start would complete
        raise not_started(round_id)
    return seen.receipt.model_copy(update={"duplicate": True})


def round_started(state: DraftState, start: StartRound, now: datetime, request_id: str | None = None) -> Applied:
    """The round's child workflow runs: the draft awaits its result, and checks on it after it closes."""
    change = Change(state, now)
    s, request, closes_at = change.state, start.input.request, start.input.closes_at
    opened = OpenRound(round_id=request.round_id, kind=request.kind, workflow_id=start.workflow_id, opened_at=now,
                       closes_at=closes_at if change.gen2 else None)
    # Eleventh generation: the codes its compilation may come from, the one it opened with and the draft's now.
    leads = tuple(dict.fromkeys((start.input.lead_ministry, s.lead_ministry))) if s.generation >= 11 else ()
    # Eighteenth generation: a round whose child started after its draft ended (an opening taken in the task that ended
    # it) is cancelled at once (the shell cancels its child), where it was recorded open after the end (a breaker).
    ended = s.generation >= 18 and s.stage.is_terminal
    if not ended:
        # As its window was when it opened (found by breakers: a round carried into the twenty-fourth generation, or whose
        # draft switched procedure, took the window the draft would give now).
        s.open_rounds = (*s.open_rounds, RoundWatch(round=opened, check_at=_first_check(s, now, closes_at), consultees=_digest(request.consultees),
                                                    leads=leads, from_opening=start.from_opening))
    # Eighth generation: one consultee is named so (earlier ones recorded "1 consultees", as their histories say).
    asked = counted(len(request.consultees), "consultee", s.generation >= 8) if request.consultees else "the public"
    entry = change.record(EventKind.CONSULTATION_OPENED, actor=request.actor, agency_code=request.agency_code, role=request.role,
                          official=request.official,
                          label=f"round {request.round_id}: {request.kind.value} to {asked} until {sessions.last_day_of(closes_at)}")
    if ended:
        change.record(EventKind.CONSULTATION_CANCELLED, label=f"round {request.round_id} ({request.kind.value}) cancelled: the draft is "
                      f"{s.stage.value} and asks nobody's opinion any more")
    elif s.generation >= 10 and start.input.lead_ministry != s.lead_ministry:  # remapped while the round was starting
        change.effects.append(RemapRound(start.workflow_id, AgencyRemap(
            old_code=start.input.lead_ministry, new_code=s.lead_ministry, changed_by="legis", reason="remapped while the round opened")))
    follow_sessions(change)  # the session moved while the round was starting (a breaker)
    receipt = Receipt(submission_id=s.submission_id, request_id=request_id, first_seq=entry.seq,
                      events=sum(isinstance(e, Record) for e in change.effects), stage=s.stage,
                      to_stage=s.stage, stage_deadline=s.deadline, target_session=s.target.code, classified=s.classified)
    s.seen = tuple(r.model_copy(update={"receipt": receipt}) if r.request_id == request_id else r for r in s.seen)
    return Applied(s, change.effects, receipt)


def _first_check(state: DraftState, now: datetime, closes_at: datetime) -> datetime:
    """When a round is first checked: a day after its window closes; from the thirty-second generation a day after it
    opens, and daily after, so that a round whose workflow ended by hand (terminated) is found lost within a day, where
    it held its stage until its window's end, a year on for a long one (found by a breaker of a draft's long life)."""
    after = closes_at + ROUND_GRACE
    return min(now + ROUND_WATCH, after) if state.generation >= 32 else after


def watched_daily(state: DraftState) -> DraftState:
    """A state carried to a new run of the thirty-second generation: its open rounds are checked at once (due since they
    opened: a day after it, a round opened less than a day before was not, found by a re-check), then daily (`_first_check`)."""
    watches = tuple(w.model_copy(update={"check_at": min(w.check_at, w.round.opened_at)}) for w in state.open_rounds)
    return state.model_copy(update={"open_rounds": watches})


def holds_the_decision(state: DraftState, watch: RoundWatch) -> bool:
    """Whether an open round keeps the stage from being decided (`rules.check_decision`, `consultation_open`). From the
    thirty-second generation the delegations' round does not hold the revisions between sessions it is opened at: the revised draft goes
    to the deputies at least 45 days before the next session, and their comments come back at least 20 days before it
    (LAW_2015 Art. 75, DOMAIN.md), after the revision is decided; the round holds the stage that follows (found by a
    breaker: its window ran past the revision's cut-off, so that the draft could only slip)."""
    if state.generation < 32 or watch.round.kind is not ConsultationKind.NA_DELEGATIONS:
        return True
    window = state.rulebook.window(watch.round.kind)
    return window is None or state.stage not in window.stages


def follow_sessions(change: Change) -> None:
    """Sixteenth generation: an open round whose window counts back from the session the draft aims at (the Assembly's
    delegations' comments at least 20 days before it: LAW_2015 Art. 75, unverified for LAW_2025, as the rulebooks say)
    ends as that session now gives, whatever moved it (the calendar,
    a programme change, a slip to the next session): the draft records the new end and tells the round. A round whose
    window has ended is left as it closed. Before, the round kept the end it opened with."""
    s, now = change.state, change.now
    if s.generation < 16:
        return
    for watch in s.open_rounds:
        opened = watch.round
        window = s.rulebook.window(opened.kind)
        if window is None or window.anchor is not DeadlineAnchor.BEFORE_NA_SESSION or opened.closes_at is None or opened.closes_at <= now:
            continue
        # One running from its opening keeps its days, but ends by the session's opening (found by a breaker: a session
        # brought forward left it running weeks into the sitting whose draft it comments on).
        gives = min(opened.closes_at, start_of(s.target.opens_on)) if watch.from_opening else sessions.round_closes_at(s, window, window.days, now)
        if gives == opened.closes_at:
            continue
        # Brought so far forward that its last day has passed: the window ends now, never on a day gone by (a breaker).
        closes_at = max(gives, now)
        # Unless every consultee has answered: the round has closed then, which the draft learns with its result (a
        # breaker: the move read as made to a round closed already); the round keeps its end.
        until = "now" if closes_at == now else f"until {sessions.last_day_of(closes_at)} unless every consultee has answered"
        checked = min(watch.check_at, closes_at + ROUND_GRACE) if s.generation >= 32 else closes_at + ROUND_GRACE
        moved = watch.model_copy(update={"round": opened.model_copy(update={"closes_at": closes_at}), "check_at": checked})
        s.open_rounds = tuple(moved if w is watch else w for w in s.open_rounds)
        before = "by the opening of" if watch.from_opening else f"{window.days} days before"
        change.record(EventKind.CONSULTATION_RESCHEDULED, label=f"round {opened.round_id}: {opened.kind.value} {until}, {before} "
                      f"session {s.target.code} (opens {s.target.opens_on})")
        change.effects.append(RescheduleRound(opened.workflow_id, RoundWindow(closes_at=closes_at)))


def round_finished(state: DraftState, result: ConsultationResult, now: datetime, *, checked: bool = True) -> Applied:
    """A round handed back its result: who answered, who was silent, and the compilation. `checked`: against the round
    first (`not_the_rounds`); histories from before applied it as it came."""
    watch = next((w for w in state.open_rounds if w.round.round_id == result.round_id), None)
    if watch is None or state.stage.is_terminal:
        return Applied(state, [])
    change = Change(state, now)
    s = change.state
    if checked and (forged := not_the_rounds(watch, result)):
        # The signal is any client's to send: a result the round did not hand back is not applied, nor recorded (the audit
        # trail is the draft's, not a sender's); the round stays awaited and is checked on as before.
        change.log("consultation result ignored: not the round's", warning=True, round_id=result.round_id, reason=forged)
        return Applied(s, change.effects)
    s.open_rounds = tuple(w for w in s.open_rounds if w is not watch)
    prefix = f"round {result.round_id}"
    agrees = s.generation >= 10
    for answer in result.answers:
        change.record(EventKind.OPINION_RECEIVED, at=answer.at, occurred_on=answer.occurred_on, agency_code=answer.consultee, official=answer.official,
                      documents=answer.documents, reasons="; ".join(answer.comment_ids),
                      label=f"{prefix}: {answer.consultee}, {counted(answer.comment_count, 'comment', agrees)}")
    # From the twenty-ninth generation, the window's last day, as its opening says it: a round closes at the midnight ending
    # it, whose Ha Noi date is the day after (found by a breaker: "by 2026-12-23" for a window ending on the 22nd).
    closed_on = sessions.last_day_of(result.closed_at) if s.generation >= 29 else in_hanoi(result.closed_at).date()
    for consultee in result.silent:
        change.record(EventKind.CONSULTEE_SILENT, at=result.closed_at, agency_code=consultee,
                      label=f"{prefix}: {consultee} did not answer by {closed_on}")
    compiled = result.compilation
    # A compilation the round writes (none filed) is known by a hash of what it says; from the twenty-first generation,
    # of its round too (found by a re-check: two rounds compiled by one official with the same counts were one hash).
    said = (f"{s.submission_id}:{result.round_id}:" if s.generation >= 21 else "") + compiled.model_dump_json()
    document = compiled.document or DocumentRef(
        kind=DocumentKind.COMMENTS_COMPILATION, name=f"Bản tổng hợp, tiếp thu, giải trình ({result.round_id})",
        sha256=hashlib.sha256(said.encode()).hexdigest(),
    )
    seq = s.seq + 1
    change.record(EventKind.CONSULTATION_COMPILED, actor=compiled.actor, agency_code=compiled.agency_code, role=compiled.role,
                  official=compiled.official, documents=(document,), version=change.file((document,), seq),
                  label=f"{prefix}: {counted(len(result.answers), 'opinion', agrees)}, {len(result.silent)} silent; "
                        f"{counted(compiled.accepted, 'comment', agrees)} accepted, {compiled.explained} explained")
    return Applied(s, change.effects)


def counted(number: int, word: str, agrees: bool) -> str:
    """"1 comment", "2 comments"; where a draft's generation recorded "1 comments" (`agrees` false), as before."""
    return f"{number} {word}{'s' if number != 1 or not agrees else ''}"


def not_the_rounds(watch: RoundWatch, result: ConsultationResult) -> str:
    """Why `result` cannot be what the round `watch` awaits handed back ("" when it can): another kind, closed before it
    opened, consultees other than those asked (each asked is either answered or silent), or a compilation by another than
    the lead ministry under a code it has had since the round opened (where the round keeps them: `RoundWatch.leads`). Its compilation's time is
    the round's clock, which may run ahead of the draft's where time skips workflow by workflow (the tests): not checked."""
    opened = watch.round
    if result.kind is not opened.kind:
        return f"a {result.kind.value} result for a {opened.kind.value} round"
    if result.closed_at < result.opened_at or result.closed_at < opened.opened_at - CLOCK_SKEW:
        return f"closed at {result.closed_at.isoformat()}, before the round opened at {opened.opened_at.isoformat()}"
    answered = [a.consultee for a in result.answers if a.consultee != PUBLIC]
    if both := sorted(set(answered) & set(result.silent)):
        return f"lists as silent {', '.join(both)}, which answered"
    accounted = [*answered, *result.silent]
    if watch.consultees is not None and (len(set(accounted)) != len(accounted) or _digest(accounted) != watch.consultees):
        return "its consultees, answered or silent, are not those the round asked"
    compiled = result.compilation
    if watch.leads and (compiled.actor is not Actor.LEAD_MINISTRY or compiled.agency_code not in watch.leads):
        return f"compiled by {compiled.agency_code}, which has not led the draft since the round opened"
    return ""


def remapped(watch: RoundWatch, new_code: str) -> RoundWatch:
    """An open round of an eleventh-generation draft takes its compilation from the lead ministry's new code too (the
    old one's, made before the round heard of the remap, still stands); the last `WATCHED_LEADS` codes are kept."""
    if not watch.leads:
        return watch
    return watch.model_copy(update={"leads": (*(c for c in watch.leads if c != new_code), new_code)[-WATCHED_LEADS:]})


def taking_up_leads(state: DraftState) -> DraftState:
    """A state carried into the eleventh generation: its open rounds, which kept no codes, take the compilation from the
    lead ministry's code now (and those it has later), so that a forged remap signal lets no other ministry compile them."""
    watches = tuple(w if w.leads else w.model_copy(update={"leads": (state.lead_ministry,)}) for w in state.open_rounds)
    return state.model_copy(update={"open_rounds": watches})


def round_checked(state: DraftState, round_id: str, status: ExecutionStatus, now: datetime) -> Applied:
    """A round the draft still awaits was checked: running, or ended without handing back its result."""
    watch = next((w for w in state.open_rounds if w.round.round_id == round_id), None)
    if watch is None:
        return Applied(state, [])
    change = Change(state, now)
    s = change.state
    others = tuple(w for w in s.open_rounds if w is not watch)
    if status is ExecutionStatus.RUNNING or (status is ExecutionStatus.COMPLETED and not watch.seen_completed):
        # A round completes just after signalling its result: give the signal a day before calling it lost.
        again = (ROUND_WATCH if state.generation >= 32 else ROUND_RECHECK) if status is ExecutionStatus.RUNNING else ROUND_GRACE
        later = watch.model_copy(update={"check_at": now + again,
                                         "seen_completed": status is ExecutionStatus.COMPLETED})
        # Thirty-second generation: in its place, as opened (checked at each new run, it moved behind the others: a CI run).
        s.open_rounds = tuple(later if w is watch else w for w in s.open_rounds) if s.generation >= 32 else (*others, later)
        return Applied(s, change.effects)
    s.open_rounds = others
    change.record(EventKind.CONSULTATION_LOST, escalation_level=EscalationLevel.VPCP, deadline=s.deadline,
                  label=f"round {round_id} ended {status.value.lower()} without handing back its result; "
                        f"the stage is no longer held by it; for the Government Office")
    change.log("consultation round lost", warning=True, round_id=round_id, status=status.value)
    return Applied(s, change.effects)



def apply_cancellation(change: Change, cancellation: RoundCancellation) -> None:
    """The round's workflow is cancelled; its result, should it come all the same, is not applied (`round_finished`)."""
    s = change.state
    watch = next(w for w in s.open_rounds if w.round.round_id == cancellation.round_id)
    s.open_rounds = tuple(w for w in s.open_rounds if w is not watch)
    change.record(EventKind.CONSULTATION_CANCELLED, actor=cancellation.actor, agency_code=cancellation.agency_code, role=cancellation.role,
                  official=cancellation.official, reasons=cancellation.reason,
                  label=f"round {cancellation.round_id} ({watch.round.kind.value}) cancelled by {cancellation.agency_code}: it asks nobody's "
                        "opinion any more and the stage is no longer held by it")
    change.effects.append(CancelRound(watch.round.workflow_id))


def closing(state: DraftState) -> list[Effect]:
    """A draft in a final state asks nobody's opinion any more: its open rounds are cancelled."""
    return [CancelRound(w.round.workflow_id) for w in state.open_rounds]


def draft_workflow_id(submission_id: str) -> str:
    return f"draft-law-{submission_id}"


# Neither a submission ID nor a round ID holds it (`schemas.messages.SUBMISSION_ID`, `ROUND_ID`).
ROUND_ID_SEPARATOR = ":"


def round_workflow_id(submission_id: str, round_id: str, generation: int = NEWEST_GENERATION) -> str:
    """A round's workflow ID: `consultation-<submission>:<round>` from the nineteenth generation, which no two drafts'
    rounds share; before, `consultation-<submission>-<round>`, which draft MAT-2026's round 014-R1 and draft MAT-2026-014's
    round R1 shared (found by a breaker: a caller of the one read and wrote the other's round, a classified draft's, and
    took a round ID the other could then not open). `workflows.client.round_workflow` finds a round under either."""
    return f"consultation-{submission_id}{ROUND_ID_SEPARATOR if generation >= 19 else '-'}{round_id}"


def _digest(consultees) -> str:
    return hashlib.sha256("\n".join(sorted(consultees)).encode()).hexdigest()[:16]
