"""The whole of a draft's state, in one model: what its workflow needs to decide, bounded whatever its age.

The full history lives in the audit trail in PostgreSQL; the state keeps counts, the latest events and
what is open (rounds, points, a pending postponement). Every collection has a maximum length, so that
the state a run hands to the next stays under `STATE_BOUND` bytes (a test builds the largest state the
limits allow and measures it).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, ValidatorFunctionWrapHandler, model_validator

from schemas.bounds import READ_BY_ITS_MODEL, over_bounds
from schemas.calendar import StandingCommitteeMeeting, TargetSession, WorkingCalendar
from schemas.enums import DocumentKind, EventKind, ProgrammeTrack, SessionProcedure, Stage
from schemas.messages import AgencyCode, DocumentRef, PostponementRequest, StartRequest, VoteCount
from schemas.refusal import Refused
from schemas.rulebook import Rulebook
from schemas.views import ApprovedPostponement, DossierVersion, HistoryEntry, OpenPoint, OpenRound, Receipt

# Temporal refuses payloads over 2 MB; the carried state stays well under, with room for the start request.
STATE_BOUND = 1024 * 1024
RECENT_EVENTS = 30
# What the latest events keep of their reasons; the audit trail keeps everything.
KEPT_REASONS = 500
RECENT_VERSIONS = 3
# Request IDs are remembered across runs for this many requests (a retry comes within minutes or days).
REMEMBERED_REQUESTS = 256
MAX_OPEN_ROUNDS = 20
MAX_ROUNDS = 300
MAX_OPEN_POINTS = 20
MAX_POINTS = 300
MAX_SESSIONS = 200
MAX_MEETINGS = 500
# The slips a stage keeps, its latest: a decision entered afterwards is compared with them (twenty-ninth generation).
MAX_SLIPS_HERE = 10
# The behaviour a new draft takes (`workflows.generations`).
NEWEST_GENERATION = 32
# The kinds of event whose latest the rules read back however many events followed it (twenty-fourth generation on).
LATEST_KINDS = (EventKind.DECISION, EventKind.POSTPONEMENT_REQUESTED, EventKind.POSTPONEMENT_DECIDED, EventKind.PROGRAMME_CHANGED)
# The compilations of comments a dossier keeps apart, by their names (twenty-first generation): the latest so many, in
# the dossier and in each of its recent versions, within the state's bound (30 took the largest state to 1.12 MB).
MAX_COMPILATIONS = 10
# The lead ministry's codes a round keeps (a remap adds one): its compilation is taken from one of them.
ROUND_LEADS = 8
# The draft keeps twice as many for each round, so that a code the round still takes (it hears the remaps later than the
# draft, and two at once in either order) is one the draft takes too.
WATCHED_LEADS = 2 * ROUND_LEADS


DossierKey = DocumentKind | tuple[DocumentKind, str]


def dossier_key(doc: DocumentRef, *, compilations_apart: bool = True) -> DossierKey:
    """What a document of the dossier replaces: the latest of its kind, but that each compilation of comments stands beside
    the others of other names (`compilations_apart`, the twenty-first generation on; found by a ministry's trial: the
    Fatherland Front's critique compiled after the ministries' opinions put theirs out of the dossier sent to appraisal)."""
    return (doc.kind, doc.name) if compilations_apart and doc.kind is DocumentKind.COMMENTS_COMPILATION else doc.kind


def filed_into(held: dict[DossierKey, DocumentRef], documents: tuple[DocumentRef, ...], *, compilations_apart: bool = True) -> None:
    """`documents` filed into a dossier held by `dossier_key`, in place: each replaces what it replaces, and of the
    compilations kept apart the latest `MAX_COMPILATIONS` stay."""
    for doc in documents:
        key = dossier_key(doc, compilations_apart=compilations_apart)
        if isinstance(key, tuple):
            held.pop(key, None)  # a compilation filed again is the latest: last in the order the bound keeps by (found by a breaker)
        held[key] = doc
    compilations = [key for key in held if isinstance(key, tuple)]
    for oldest in compilations[:max(0, len(compilations) - MAX_COMPILATIONS)]:
        del held[oldest]


class Slip(BaseModel):
    """A slip at the draft's current stage (twenty-ninth generation on), which a decision entered afterwards may undo."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    missed: TargetSession = Field(description="the session slipped from, as the draft aimed at it then")
    announced: bool = Field(description="whether the calendar announced it then: one taken off the calendar since is not aimed at again")
    deadline: date = Field(description="the deadline whose passing slipped the draft (Ha Noi day)")
    to: str = Field(max_length=16, description="the code of the session slipped to")


class SeenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    request_id: str
    digest: str = Field(description="SHA-256 (16 hex digits) of the message, to tell a retry from a reused ID")
    receipt: Receipt
    # Left out when none (as a state of an earlier release carries it), so that a worker of an earlier release reads it.
    update_id: str | None = Field(default=None, exclude_if=lambda given: given is None, max_length=300,
                                  description="the update that applied it, which Temporal may deliver again to the next run")
    # Left out when false, so that a worker of an earlier release reads it.
    broadcast: bool = Field(default=False, exclude_if=lambda told: not told, description="a message legis sends to every running draft "
                            "(a calendar change, an agency remapped), forgotten before any caller's request (thirty-second generation)")


class RoundWatch(BaseModel):
    """An open consultation round, and when the draft next checks that it is still running."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    round: OpenRound
    check_at: datetime
    seen_completed: bool = Field(default=False, description="found completed once without its result; lost if so again")
    # Left out when false, so that a worker of an earlier release still reads the states this one carries.
    from_opening: bool = Field(default=False, exclude_if=lambda kept: not kept, description="its window runs from its opening where the "
                               "rulebook counts one back from the session (`sessions.window_of`, twenty-fourth generation): it does not "
                               "follow the session, whatever the draft's procedure becomes")
    consultees: str | None = Field(default=None, description="SHA-256 (16 hex digits) of the consultees asked, sorted: a result "
                                   "must account for exactly them; none for a round opened before it was kept")
    # Left out when none, so that a worker of an earlier release still reads a tenth generation's states.
    leads: tuple[AgencyCode, ...] = Field(default=(), max_length=WATCHED_LEADS, exclude_if=lambda codes: not codes,
                                          description="the lead ministry's codes since the round opened, the latest last (the "
                                          f"last {WATCHED_LEADS}; the round keeps the last {ROUND_LEADS}): its compilation is taken "
                                          "from one of them only; for a round opened before the eleventh generation, the lead "
                                          "ministry's code when the draft took it up, or none")


class DraftState(BaseModel):
    """Everything a draft's workflow knows; the pure core (`workflows.draft`) takes it and returns the next one.

    Collections are tuples and are replaced, never changed in place, so that a shallow copy is a new state.
    """

    model_config = ConfigDict(extra="forbid")

    generation: int = Field(ge=1, le=NEWEST_GENERATION, description="1: started before the draft core, and replayed as it ran then; 2: before a draft "
                            "that stays overdue when its deadline moves kept the escalation levels it had reached; 3: before an approved date "
                            "after the session's cut-off was raised when approved; 4: before rest days counted first and a cut-off ahead "
                            "they move was recorded; 5: before the cut-off ahead counted the revision after a debate back from the next session; "
                            "6: before the meeting before a session had to meet after the session before it opens; 7: before the Assembly "
                            "decided only at a sitting of its session; 8: before a calendar change raised a conflict again only when it "
                            "changed it; 9: before a round's ID was one whatever its letter case; 10: before a round's compilation was checked against "
                            "the lead ministry's codes and a deferral or an approved postponement told the deadline it set; 11: before a session a "
                            "message names was taken as the draft knows it and a decision was not dated before one taken at its stage; 12: before a vote of a draft entered "
                            "under way, taken at a session after its debate, was checked against that debate's session and a late alarm "
                            "said the day it fell due; 13: before an approved date's conflict with its sitting ended when the "
                            "sitting's cut-off passed and a decision was not dated before a postponement at its stage; 14: before a "
                            "late slip said the day its cut-off passed; 15: before a round counted back from a session followed it when it moved; "
                            "16: before an alarm raised late was dated no earlier than its stage began or its deadline was set; 17: before a deadline set after "
                            "it had passed was missed from the moment it was set; 18: before a round's workflow ID was its draft's alone; 19: before "
                            "a draft debated aimed at the next regular session; 20: before each compilation of comments stood apart in the "
                            "dossier; 21: before an ordinance the President sent back was reconsidered at the next meeting, an examining "
                            "committee's code was remapped, a deferral by the authority that approved the date in force lapsed "
                            "it and the President's window ended off a rest day; 22: before a calendar change that moved the meeting reconsidering "
                            "an ordinance was recorded, and a deferral to the session the draft aims at counted its lapsed date again; 23: before "
                            "the latest event of four kinds was kept whatever followed it; 24: before a meeting moved ended the conflict "
                            "of a date approved against it; 25: before a warning passed unraised was told from one raised; 26: before a "
                            "stage's warnings past when it was entered passed unraised; 27: before an update was applied before the next one's "
                            "validator asked, and a round a reset run opens again was taken as running; 28: before a decision entered afterwards "
                            "aimed a draft again at the session its deadline slipped it from; 29: before a draft short of its session when it "
                            "opened slipped at the opening; 30: before an imported step taken after its stage's cut-off slipped the draft and "
                            "its SUBMITTED named its lead ministry; 31: before rounds were checked daily, the delegations' round let the revision "
                            "between sessions be decided and a broadcast was forgotten first; 32: the newest (`workflows.generations`)")
    request: StartRequest = Field(description="the start request, without its imported steps")
    rulebook: Rulebook
    working: WorkingCalendar = WorkingCalendar()
    publication: bool = Field(default=True, description="first-generation drafts started before publication was modelled end at PROMULGATED")
    lead_ministry: str
    # Left out when none, as `deadline_since` is.
    committee: str | None = Field(default=None, exclude_if=lambda code: code is None, description="the committee that leads the "
                                  "examination, where a remap replaced the start's (twenty-second generation): `examining_committee`")
    track: ProgrammeTrack = ProgrammeTrack.REGULAR
    procedure: SessionProcedure
    path: tuple[Stage, ...]
    stage: Stage
    stage_since: datetime
    deadline: date | None = None
    # Left out when none, so that a worker of an earlier release still reads a state that set none.
    deadline_since: datetime | None = Field(default=None, exclude_if=lambda moment: moment is None, description="when the "
                                            "deadline in force was set, if after the draft entered its stage (a postponement, a "
                                            "calendar or programme change; seventeenth generation): its alarms are not dated before")
    overdue: bool = False
    # Left out when false, as `deadline_since` is when none.
    late_before_move: bool = Field(default=False, exclude_if=lambda late: not late, description="the deadline in force was set "
                                   "while the draft was already late at its stage (eighteenth generation): its escalation ladder "
                                   "counts from the deadline's end, not from when it was set")
    fired: tuple[str, ...] = Field(default=(), max_length=64, description="alarms raised for the current stage and deadline")
    # Left out when none, so that a worker of an earlier release still reads the states this one carries.
    unraised: tuple[str, ...] = Field(default=(), max_length=64, exclude_if=lambda keys: not keys, description="of `fired`, the "
                                      "warnings whose time had passed when the deadline was set, left unraised (twenty-sixth "
                                      "generation): a stage none of whose warnings was raised is warned at once when its "
                                      "deadline moves")
    postponement: ApprovedPostponement | None = None
    pending_postponement: PostponementRequest | None = None
    dossier: tuple[DocumentRef, ...] = Field(default=(), max_length=64, description="the latest document of each kind; from the twenty-first "
                                                    "generation each compilation of comments apart, by its name (the latest MAX_COMPILATIONS)")
    filed_here: tuple[DocumentKind, ...] = Field(default=(), max_length=64, description="the kinds filed since the draft entered its "
                                                  "stage or since the last decision there (a rule's renewed documents "
                                                  "count only from these)")
    # Left out when none, so that a worker of an earlier release still reads the states this one carries.
    decided_here_on: date | None = Field(default=None, exclude_if=lambda day: day is None, description="the day (Ha Noi) of the last decision taken at the current "
                                         "stage (a vote failed, a carry-over); a decision entered afterwards is not dated before it")
    postponed_here_on: date | None = Field(default=None, exclude_if=lambda day: day is None, description="the day (Ha Noi) of the last "
                                           "postponement asked or decided at the current stage (fourteenth generation on); a decision "
                                           "entered afterwards is not dated before it")
    slipped_here: tuple[Slip, ...] = Field(
        default=(), max_length=MAX_SLIPS_HERE, exclude_if=lambda slips: not slips, description="the draft's slips at the current stage, "
        "oldest first (twenty-ninth generation on): a decision entered afterwards that met one's deadline aims the draft at that "
        "session again, while the draft still aims where the slips took it and the session has not opened")
    dossier_version: int = 0
    versions: tuple[DossierVersion, ...] = Field(default=(), max_length=RECENT_VERSIONS)
    returns: tuple[tuple[Stage, int], ...] = ()
    last_vote: VoteCount | None = None
    target: TargetSession
    held: TargetSession | None = Field(default=None, description="the last session at which the Assembly debated the draft; for an "
                                       "ordinance referred to the Assembly with no later session announced, the last one held")
    sessions: tuple[TargetSession, ...] = Field(default=(), max_length=MAX_SESSIONS, description="sessions announced, by opening date")
    meetings: tuple[StandingCommitteeMeeting, ...] = Field(default=(), max_length=MAX_MEETINGS)
    open_points: tuple[OpenPoint, ...] = Field(default=(), max_length=MAX_OPEN_POINTS)
    points_raised: tuple[str, ...] = Field(default=(), max_length=MAX_POINTS)
    open_rounds: tuple[RoundWatch, ...] = Field(default=(), max_length=MAX_OPEN_ROUNDS)
    rounds_opened: tuple[str, ...] = Field(default=(), max_length=MAX_ROUNDS)
    seq: int = Field(default=0, ge=0, description="events recorded so far; the next is seq + 1")
    recent: tuple[HistoryEntry, ...] = Field(default=(), max_length=RECENT_EVENTS)
    # Left out when none, so that a worker of an earlier release still reads a state that keeps none.
    latest: tuple[HistoryEntry, ...] = Field(default=(), max_length=len(LATEST_KINDS), exclude_if=lambda kept: not kept, description="the "
                                             "latest event of each of `LATEST_KINDS`, however many events followed it (twenty-fourth "
                                             "generation on): `recent` keeps the last 30 of any kind")
    seen: tuple[SeenRequest, ...] = Field(default=(), max_length=REMEMBERED_REQUESTS)

    def last(self, kind: EventKind) -> HistoryEntry | None:
        """The latest event of `kind` the draft keeps: in `latest` (twenty-fourth generation on), or among the recent."""
        return max((e for e in (*self.latest, *self.recent) if e.event is kind), key=lambda e: e.seq, default=None)

    def kept_of(self, kind: EventKind) -> tuple[HistoryEntry, ...]:
        """The events of `kind` the draft keeps (`latest` and `recent`), each once, in the order recorded."""
        return tuple(sorted({e.seq: e for e in (*self.latest, *self.recent) if e.event is kind}.values(), key=lambda e: e.seq))

    @property
    def examining_committee(self) -> str | None:
        """The committee that leads the examination (cơ quan chủ trì thẩm tra): the start's, or the code a remap gave it."""
        return self.committee or self.request.examining_committee

    @property
    def submission_id(self) -> str:
        return self.request.submission_id

    @property
    def classified(self) -> bool:
        return self.request.classified


class DraftLawInput(StartRequest):
    """The workflow's input: the upstream start request, plus the state a run hands to the next.

    Upstream systems send a plain StartRequest; `carried` is set only by the workflow itself when it
    continues as new. A carried state that does not validate (a worker of a later release wrote it, or a caller
    forged it) is read as none, and `unreadable_carried` says why: the workflow, which knows whether a run came
    before it, tells the two apart (`workflows.codec.unreadable_carried`).
    """

    carried: Annotated[DraftState | None, READ_BY_ITS_MODEL] = None
    _unreadable_carried: Refused | None = PrivateAttr(default=None)

    @model_validator(mode="wrap")
    @classmethod
    def _carried_read(cls, value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
        # Its bounds walked first, as a message's are (`schemas.bounds`): a state over them is read as unreadable at once,
        # and one a later release wrote over this release's bounds waits for a worker that reads it (found by a breaker:
        # the converter's walk of the whole input refused the run, which failed the draft's workflow for good).
        if isinstance(value, dict) and isinstance(carried := value.get("carried"), dict) and (errors := over_bounds(DraftState, carried, ("carried",))):
            read = handler({**value, "carried": None})
            read._unreadable_carried = Refused.of_errors(errors)
            return read
        try:
            return handler(value)
        except ValidationError as invalid:
            problems = invalid.errors(include_url=False, include_input=False)
            if not (isinstance(value, dict) and value.get("carried") is not None and all(p["loc"][:1] == ("carried",) for p in problems)):
                raise
            unreadable = Refused.invalid(invalid)
        read = handler({**value, "carried": None})
        read._unreadable_carried = unreadable
        return read

    @property
    def unreadable_carried(self) -> Refused | None:
        """Why the carried state given did not validate (its field and rule, never its value); None when it did."""
        return self._unreadable_carried
