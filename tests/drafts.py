"""Builders of valid start requests and decisions for tests, read from the rulebook's own data."""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from activities.rulebook import shipped_working_calendar
from schemas.calendar import CalendarDay, TargetSession, WorkingCalendar, WorkingYear
from schemas.consultation import (
    Comment,
    CommentBody,
    CommentResponse,
    Compilation,
    CompilationBody,
    Opinion,
    OpinionBody,
    ResponseBody,
)
from schemas.enums import (
    SITTING_STAGES,
    Actor,
    ConsultationKind,
    DocumentKind,
    LawKind,
    Outcome,
    ProcessVersion,
    ProgrammeChangeKind,
    Response,
    Role,
    SessionProcedure,
    Stage,
)
from schemas.messages import (
    ConsultationRequest,
    Decision,
    DocumentRef,
    DossierFiling,
    PostponementDecision,
    PostponementRequest,
    ProgrammeChange,
    RoundCancellation,
    StartRequest,
    TextRef,
    VoteCount,
)
from schemas.records import PinnedRules
from schemas.rulebook import load_rulebook
from schemas.state import NEWEST_GENERATION, DraftState
from workflows import draft, rounds
from workflows.change import Applied, StartRound
from workflows.deadlines import VIETNAM, local_day, start_of

AGENCY = {
    Actor.MOJ: "BTP",
    Actor.VPCP: "VPCP",
    Actor.GOVERNMENT: "CP",
    Actor.NA_COMMITTEE: "UBPLTP",
    Actor.UBTVQH: "UBTVQH",
    Actor.NA: "QH",
    Actor.PRESIDENT: "CTN",
}


# The pure tests' clock, and the opening of the session their drafts aim at: fixed, so that what they compute is the same
# whatever the day they run.
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=VIETNAM)
OPENS_ON = date(2027, 5, 20)
# A moment at the first sitting of that session, when the Assembly may decide (`sittings.check_sitting`).
SITTING = datetime(2027, 5, 20, 9, 0, tzinfo=VIETNAM)


def session(number: int, days: int) -> TargetSession:
    """Session 16-`number`, opening `days` calendar days after the pure tests' day (`NOW`, in Ha Noi)."""
    return TargetSession(legislature=16, session=number, opens_on=local_day(NOW) + timedelta(days=days))


def session_of_its_own() -> TargetSession:
    """A session no other test announces (legislature 21), opening `opening_ahead()`: a draft started through a shared
    database aims at it, whatever sessions the tests before it announced there (`sessions_in_order`)."""
    return TargetSession(legislature=21, session=1, opens_on=opening_ahead())


def opening_ahead() -> date:
    """The opening of the session a draft started on the real clock (a Temporal server's, the API's) aims at by default:
    as far ahead of today in Ha Noi as `OPENS_ON` is of `NOW` (170 calendar days), so that no cut-off counted back from
    it has passed while a test runs, whatever the day the suite runs on."""
    return local_day(datetime.now(UTC)) + (OPENS_ON - NOW.date())


_OPENS_ON_FIELD = re.compile(r'"opens_on": "([0-9]{4}-[0-9]{2}-[0-9]{2})"')


def sessions_moved_ahead(text: str) -> str:
    """A JSON text (an example file) with each session's `opens_on` moved by as many days as `opening_ahead()` lies after
    `OPENS_ON`, the examples' 16-2: run on any day, the examples' sessions lie ahead as they did when written."""
    ahead = opening_ahead() - OPENS_ON
    return _OPENS_ON_FIELD.sub(lambda m: f'"opens_on": "{date.fromisoformat(m[1]) + ahead}"', text)


EXAMPLES = Path(__file__).resolve().parent.parent / "schemas" / "examples"


def example(name: str, submission_id: str, ministry: str = "BGDDT") -> str:
    """An example file with a fresh submission ID (and lead ministry), so that no other draft counts, and its sessions
    moved by as many days as the session the suite's drafts aim at lies ahead of the example's (16-2, 2027-05-20)."""
    text = sessions_moved_ahead((EXAMPLES / name).read_text(encoding="utf-8").replace("BGDDT-2026-017", submission_id))
    return text.replace('"BGDDT"', f'"{ministry}"')


def example_text(name: str) -> str:
    """An example file of `schemas/examples` (`name` with its `.json`), its sessions moved ahead (`sessions_moved_ahead`):
    what a test on a real clock sends."""
    return sessions_moved_ahead((EXAMPLES / name).read_text(encoding="utf-8"))


def start_request(
    version: ProcessVersion = ProcessVersion.LAW_2025,
    procedure: SessionProcedure = SessionProcedure.ONE_SESSION,
    *,
    ministry: str = "BGDDT",
    opens_on: date | None = None,
    classified: bool = False,
    prefix: str = "T",
    law_kind: LawKind = LawKind.NEW_LAW,
    target: TargetSession | None = None,
) -> StartRequest:
    return StartRequest(
        submission_id=f"{prefix}-{version.value}-{uuid.uuid4().hex[:10]}",
        title="Luật Giáo dục nghề nghiệp (sửa đổi)",
        law_kind=law_kind,
        lead_ministry=ministry,
        process_version=version,
        target_session=target or TargetSession(legislature=16, session=2, opens_on=opens_on or opening_ahead()),
        session_procedure=procedure,
        classified=classified,
    )


def document(kind, label: str = "") -> DocumentRef:
    return DocumentRef(kind=kind, name=f"{kind.value} {label}".strip(), sha256=hashlib.sha256(f"{kind.value}{label}".encode()).hexdigest())


def published(kind, label: str = "") -> DocumentRef:
    """A document of the dossier with the address where the public reads it."""
    return document(kind, label).model_copy(update={"url": f"https://duthaoonline.quochoi.vn/{kind.value.lower()}"})


def decision(
    request: StartRequest,
    stage: Stage,
    outcome: Outcome = Outcome.APPROVE,
    *,
    vote: VoteCount | None = None,
    return_to: Stage | None = None,
    label: str = "",
) -> Decision:
    """A decision by the first decider the rulebook names for `stage`, with the documents it requires."""
    rule = load_rulebook(request.process_version).rule(stage)
    decider = rule.deciders[0]
    needs_documents = outcome in (Outcome.APPROVE, Outcome.VOTE)
    return Decision(
        stage=stage,
        outcome=outcome,
        actor=decider.actor,
        agency_code=request.lead_ministry if decider.actor is Actor.LEAD_MINISTRY else AGENCY[decider.actor],
        role=decider.roles[0],
        official="Nguyễn Văn A",
        reasons="" if outcome in (Outcome.APPROVE, Outcome.VOTE) else "cần chỉnh lý",
        documents=tuple(document(kind, label) for kind in rule.required_documents) if needs_documents else (),
        vote=vote,
        return_to=return_to,
    )


PASSING_VOTE = VoteCount(total_deputies=500, in_favour=251, against=200, abstaining=10)
FAILING_VOTE = VoteCount(total_deputies=500, in_favour=250, against=100, abstaining=20)


def programme_change(kind: ProgrammeChangeKind, **fields) -> ProgrammeChange:
    """A programme change by the Standing Committee's chair."""
    return ProgrammeChange(kind=kind, actor=Actor.UBTVQH, agency_code="UBTVQH", role=Role.NA_CHAIR, official="Chủ tịch Quốc hội",
                           reason="điều chỉnh chương trình lập pháp", **fields)


def consultation(request: StartRequest, round_id: str, consultees: tuple[str, ...] = ("BTC", "BNV", "BCA"),
                 kind: ConsultationKind = ConsultationKind.WRITTEN_OPINIONS, **fields) -> ConsultationRequest:
    return ConsultationRequest(round_id=round_id, kind=kind, consultees=consultees, actor=Actor.LEAD_MINISTRY,
                               agency_code=request.lead_ministry, role=Role.MINISTER, official="Bộ trưởng", **fields)


def cancellation(request: StartRequest, round_id: str) -> RoundCancellation:
    """The lead ministry cancels round `round_id`, opened by mistake."""
    return RoundCancellation(round_id=round_id, reason="Mở nhầm: mã cơ quan gõ sai", actor=Actor.LEAD_MINISTRY, agency_code=request.lead_ministry,
                             role=Role.MINISTER, official="Bộ trưởng")


def draft_text(request: StartRequest) -> DossierFiling:
    """The draft's text filed at DRAFTING by its lead ministry: what a public posting needs in the dossier."""
    return DossierFiling(stage=Stage.DRAFTING, actor=Actor.LEAD_MINISTRY, agency_code=request.lead_ministry, role=Role.MINISTER,
                         official="Bộ trưởng", documents=(DocumentRef(kind=DocumentKind.DRAFT_TEXT, name="Dự thảo Luật", sha256="7" * 64,
                                                                      url="https://duthaoonline.quochoi.vn/du-thao-luat"),))


def text_ref(text: str) -> TextRef:
    encoded = text.encode()
    return TextRef(sha256=hashlib.sha256(encoded).hexdigest(), size_bytes=len(encoded))


def opinion(consultee: str, *comment_ids: str) -> Opinion:
    return Opinion(consultee=consultee, official=f"Thứ trưởng {consultee}",
                   comments=tuple(Comment(comment_id=c, text=text_ref(f"đề nghị làm rõ {c}")) for c in comment_ids))


def compilation(request: StartRequest, *answers: tuple[str, str, Response]) -> Compilation:
    """The lead ministry's answers, each (consultee, comment ID, response)."""
    return Compilation(
        actor=Actor.LEAD_MINISTRY, agency_code=request.lead_ministry, role=Role.MINISTER, official="Bộ trưởng",
        responses=tuple(CommentResponse(consultee=who, comment_id=cid, response=response,
                                        explanation=None if response is Response.ACCEPTED else text_ref("đã quy định tại luật khác"))
                        for who, cid, response in answers),
    )


def opinion_body(consultee: str, *comment_ids: str) -> OpinionBody:
    """An opinion as a consultee's system sends it over HTTP, texts included."""
    return OpinionBody(consultee=consultee, official=f"Thứ trưởng {consultee}",
                       comments=tuple(CommentBody(comment_id=c, text=f"đề nghị làm rõ {c}") for c in comment_ids))


def compilation_body(request: StartRequest, *answers: tuple[str, str, Response]) -> CompilationBody:
    """A compilation as the lead ministry's system sends it over HTTP, each answer (consultee, comment ID, response)."""
    return CompilationBody(
        actor=Actor.LEAD_MINISTRY, agency_code=request.lead_ministry, role=Role.MINISTER, official="Bộ trưởng",
        responses=tuple(ResponseBody(consultee=who, comment_id=cid, response=response,
                                     explanation="" if response is Response.ACCEPTED else "đã quy định tại luật khác")
                        for who, cid, response in answers),
    )


# A one-session LAW_2025 draft's stages before the Assembly's.
BEFORE_THE_ASSEMBLY = [Stage.POLICY_PROPOSAL, Stage.LEGISLATIVE_PROGRAMME, Stage.DRAFTING, Stage.APPRAISAL, Stage.GOVERNMENT_REVIEW,
                       Stage.GOVERNMENT_DECISION, Stage.EXAMINATION, Stage.STANDING_COMMITTEE_OPINION]


def passed_through(request: StartRequest, stages: list[Stage], last_on: date) -> StartRequest:
    """`request` entered under way: each of `stages` approved (voted at NA_SESSION), 30 days apart, the last on `last_on`."""
    steps = [decision(request, stage, Outcome.VOTE if stage is Stage.NA_SESSION else Outcome.APPROVE,
                      vote=PASSING_VOTE if stage is Stage.NA_SESSION else None).model_copy(
                 update={"occurred_on": last_on - timedelta(days=30 * (len(stages) - 1 - i))}) for i, stage in enumerate(stages)]
    return StartRequest.model_validate({**request.model_dump(), "passed": [step.model_dump() for step in steps]})


def core_request(version: ProcessVersion = ProcessVersion.LAW_2025, procedure: SessionProcedure = SessionProcedure.ONE_SESSION,
                 **fields) -> StartRequest:
    """A start request for the draft core on the pure tests' clock (`NOW`), aimed at the session opening on `OPENS_ON`."""
    return start_request(version, procedure, **{"opens_on": OPENS_ON, **fields})


# The draft core without a server: a state built by the core's own operations, on a clock the test sets.
def pinned(request: StartRequest, *, sessions=(), meetings=(), working: WorkingCalendar | None = None) -> PinnedRules:
    return PinnedRules(rulebook=load_rulebook(request.process_version), sessions=tuple(sessions), meetings=tuple(meetings),
                       working=working or shipped_working_calendar())


def with_day_off(working: WorkingCalendar, day: date, *, off: bool = True) -> WorkingCalendar:
    """`working` with `day` made a day off (nghỉ bù), or with it given back."""
    year = working.year(day.year) or WorkingYear(year=day.year, announced=True, source="Bộ Nội vụ")
    kept = tuple(d for d in year.days_off if d.day != day)
    changed = year.model_copy(update={"days_off": (*kept, CalendarDay(day=day, name="nghỉ bù")) if off else kept, "announced": True})
    return WorkingCalendar(years=tuple(sorted((changed, *(y for y in working.years if y.year != day.year)), key=lambda y: y.year)))


def core_state(request: StartRequest | None = None, *, at: Stage | None = None, now: datetime = NOW, generation: int = NEWEST_GENERATION,
               **calendars) -> DraftState:
    """A new draft's state from `draft.open_draft`, approved stage by stage until it stands at `at`."""
    request = request or core_request()
    state = draft.open_draft(request, pinned(request, **calendars), now, generation=generation).state
    while at is not None and state.stage is not at:
        now = sitting(state, now) if state.stage in SITTING_STAGES else now
        vote = PASSING_VOTE if state.stage is Stage.NA_SESSION else None
        state = draft.perform(draft.DECIDE, state, decision(request, state.stage, Outcome.VOTE if vote else Outcome.APPROVE, vote=vote),
                              now).state
    return state


def sitting(state: DraftState, now: datetime = NOW) -> datetime:
    """`now`, or 9:00 in Ha Noi on the day the session the draft aims at opens if that is later: when the Assembly may
    decide the draft's stage (`sittings.check_sitting`)."""
    return max(now, start_of(state.target.opens_on) + timedelta(hours=9))


def refusal_of(failed: Exception) -> tuple[str, str]:
    """The (field, rule) of a draft's refusal, from the error a client gets back."""
    cause = getattr(failed, "cause", None)
    assert cause is not None and cause.type == "Refused", f"not a refusal: {failed!r}"
    return cause.details[0]["field"], cause.details[0]["rule"]


def patch_ids(events) -> set[str]:
    """The `workflow.patched` IDs a workflow's history events record."""
    return {json.loads(payload.data)["id"] for event in events if event.WhichOneof("attributes") == "marker_recorded_event_attributes"
            for payload in event.marker_recorded_event_attributes.details["patch-data"].payloads}


def postponement(request: StartRequest, new_deadline: date) -> PostponementRequest:
    """The Ministry of Justice asks to move the APPRAISAL deadline to `new_deadline`."""
    return PostponementRequest(stage=Stage.APPRAISAL, actor=Actor.MOJ, agency_code="BTP", role=Role.DEPUTY_MINISTER,
                               official="Thứ trưởng", new_deadline=new_deadline, reason="Cần lấy thêm ý kiến Hội đồng thẩm định")


def postponement_decision(approved: bool) -> PostponementDecision:
    """The Deputy Prime Minister decides the APPRAISAL postponement asked."""
    return PostponementDecision(stage=Stage.APPRAISAL, approved=approved, actor=Actor.DEPUTY_PM, agency_code="CP",
                                role=Role.DEPUTY_PRIME_MINISTER, official="Phó Thủ tướng",
                                reason="" if approved else "Thời hạn thẩm định đủ để hoàn thành")


def ask_postponement(state: DraftState, day: date, now: datetime = NOW, occurred_on: date | None = None) -> Applied:
    """The lead ministry asks to move the deadline of the draft's stage to `day`, in the draft core."""
    return draft.perform(draft.REQUEST_POSTPONEMENT, state, PostponementRequest(
        stage=state.stage, actor=Actor.LEAD_MINISTRY, agency_code=state.lead_ministry, role=Role.MINISTER,
        official="x", new_deadline=day, reason="chờ ý kiến các bộ", occurred_on=occurred_on), now)


def answer_postponement(state: DraftState, now: datetime = NOW, *, approved: bool = True, occurred_on: date | None = None) -> Applied:
    """The Prime Minister decides the postponement asked, in the draft core."""
    return draft.perform(draft.DECIDE_POSTPONEMENT, state, PostponementDecision(
        stage=state.stage, approved=approved, actor=Actor.PM, agency_code="CP", role=Role.PRIME_MINISTER, official="x",
        reason="" if approved else "chưa đủ căn cứ", occurred_on=occurred_on), now)


def postponed(state: DraftState, day: date, now: datetime = NOW) -> Applied:
    """A postponement of the draft's stage to `day`, asked by the lead ministry and approved by the Prime Minister."""
    return answer_postponement(ask_postponement(state, day, now).state, now)


def with_round_open(state: DraftState, asked: ConsultationRequest, now: datetime) -> DraftState:
    """`state` with the round `asked` opened at `now` and its child started, as the workflow does (`rounds.round_started`)."""
    opened = draft.perform(draft.OPEN_CONSULTATION, state, asked, now)
    [start] = [effect for effect in opened.effects if isinstance(effect, StartRound)]
    return rounds.round_started(opened.state, start, now).state
