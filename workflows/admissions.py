"""What only new input must meet, asked by an update's validator alone (`draft.Operation.admits`), never when a message
is applied: a history that recorded a message before the rule existed replays as it ran. Each is given the draft's state,
or None before its rulebook is pinned."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterator
from datetime import datetime

from pydantic import BaseModel

from schemas.consultation import MAX_ROUND_DOCUMENTS, PUBLIC, Answer, Opinion
from schemas.enums import PASSED_STAGES, ConsultationKind, DocumentKind, EventKind, Outcome, body_code_refusal, committee_refusal
from schemas.messages import (
    LONGEST_REQUEST_ID,
    Acting,
    ConsultationRequest,
    Decision,
    Disagreement,
    DossierFiling,
    PostponementDecision,
    PostponementRequest,
    ProgrammeChange,
    StartRequest,
)
from schemas.redaction import secret_in
from schemas.refusal import RefusalKind, Refused
from schemas.state import DraftState, dossier_key
from schemas.text import MISREAD, misread, shows_nothing
from workflows.deadlines import local_day
from workflows.rules import FATHERLAND_FRONT

INVALID, CONFLICT = RefusalKind.INVALID, RefusalKind.CONFLICT


# A path segment of "." or ".." is no name a URL can carry: HTTP clients collapse it (`.../consultations/..` is the draft's
# own path), so that a round so named, and its workflow `consultation-<submission>-..`, could not be addressed.
DOT_SEGMENTS = frozenset({".", ".."})


# The first character of each text in a message's JSON that is not ASCII, past leading spaces and escaped tabs or line
# breaks: a text that shows nothing begins with a mark of some script (or a format character, which no printable JSON
# holds), so only a message where such a first character is a mark is read text by text.
_FIRST_NOT_ASCII = re.compile(r'"(?:[ ]|\\[nt])*([^\x00-\x7f])')


def admits_no_secret(message: BaseModel, request_id: str | None = None, *, written: str | None = None) -> None:
    """No text or ID of new input holds an API token's secret (`legis_<id>_...`), nor its request ID (a raw Temporal
    client's update ID): what a draft or a round is told is kept in its history and audit trail and shown to its readers,
    its IDs in Temporal's (found by a trial: a token pasted as a submission ID or an official's name was shown to every
    agency, to webhooks and to Temporal). Raises Refused `not_a_secret` (INVALID) naming the field (`passed.2.official`,
    `request_id`), and the token by its ID only. `written`: the message's JSON, when the caller has it already."""
    texts = [("request_id", request_id)] if request_id is not None else []
    if "legis_" in (written or message.model_dump_json()):  # nearly every message is settled by this, in C
        texts += _texts(message.model_dump(mode="json"))
    for path, value in texts:
        if (token := secret_in(value)) is not None:
            raise Refused(path, "not_a_secret", f"holds an API token's secret, or a text of its shape ({token}): send what belongs "
                          "here; if it was a token, revoke it (`legis tokens revoke`), its secret has been seen", INVALID)


def admits_request_id(request_id: str | None) -> None:
    """A request ID of at most `LONGEST_REQUEST_ID` characters, the API's Idempotency-Key's and the CLI's --request-id's
    (`schemas.messages.RequestId`): the draft remembers its last 256 whole, across runs, and
    an update ID of another Temporal client is one too (the server takes 1,000 characters: the largest state then passed
    its 1 MB bound, found by a breaker). Raises Refused `string_too_long` (INVALID) naming `request_id`."""
    if request_id is not None and len(request_id) > LONGEST_REQUEST_ID:
        raise Refused("request_id", "string_too_long", f"a request ID (an update's ID) is at most {LONGEST_REQUEST_ID} characters, "
                      f"as an Idempotency-Key is; this one has {len(request_id)}", INVALID)


def admits_nothing_misread(message: BaseModel | dict | list, *, written: str | None = None) -> None:
    """No text of new input holds a bidirectional control, which would reorder what its readers see (a reason, a comment,
    a name: found by a fresh-user trial, "abc\u202edef" read "abcfed"), nor a Unicode line or paragraph separator
    (`schemas.text.misread`). Raises Refused `no_bidi_controls` or `no_line_separators` (INVALID) naming the field
    (`comments.0.text`) and the character's position. New input's alone, as `admits_no_secret`: a history that took one
    before the rule replays as it ran. `message` may be a JSON body as the API decoded it, before its model reads it;
    `written`, a model's JSON when the caller has it already."""
    if isinstance(message, BaseModel):
        if MISREAD.search(written or message.model_dump_json()) is None:
            return  # nearly every message is settled by this, in C
        message = message.model_dump(mode="json")
    for path, value in _texts(message):
        if (wrong := misread(value)) is not None:
            raise Refused(path or "body", *wrong, INVALID)


def admits_texts_showing_something(message: BaseModel, *, written: str | None = None) -> None:
    """No text of new input that is given is made of characters that show nothing alone (`schemas.text.shows_nothing`: a
    zero-width space, an accent on nothing): a reason a refusal requires, a name, a comment would be recorded blank
    (found by a breaker: a refused postponement's reason of one U+200B passed `reason_required`). Raises Refused
    `not_blank` (INVALID) naming the field (`reasons`, `comments.0.text`). New input's alone, as `admits_no_secret`.
    `written`: the message's JSON, when the caller has it already."""
    written = written or message.model_dump_json()
    if written.isprintable() and not any(unicodedata.category(first)[0] == "M" for first in _FIRST_NOT_ASCII.findall(written)):
        return  # nearly every message is settled by this: no format character, no text beginning with a mark
    for path, value in _texts(message.model_dump(mode="json")):
        if shows_nothing(value):
            raise Refused(path, "not_blank", "must not be only spaces, or characters that show nothing (a zero-width space, an "
                          "accent on nothing)", INVALID)


def admits_body_code(message: BaseModel) -> None:
    """A body that is one agency acts under its own code (`schemas.enums.BODY_CODES`): MOJ as BTP, the Government, the
    Prime Minister and a Deputy Prime Minister as CP. Raises Refused `body_agency_code` (INVALID) naming `agency_code`,
    or a start's `passed.N.agency_code` (steps counted from 0, as the field's index). New input's alone, as
    `admits_no_secret`: a history that took one before the rule replays as it ran."""
    steps = message.passed if isinstance(message, StartRequest) else (message,) if isinstance(message, Acting) else ()
    for number, step in enumerate(steps):
        if (why := body_code_refusal(step.actor, step.agency_code, past=isinstance(message, StartRequest))) is not None:
            field = f"passed.{number}.agency_code" if isinstance(message, StartRequest) else "agency_code"
            raise Refused(field, "body_agency_code", why, INVALID)


def admits_examining_committee(request: StartRequest) -> None:
    """A start's `examining_committee` is one of the Assembly's Ethnic Council and committees (`schemas.enums.NA_COMMITTEES`):
    only it acts as NA_COMMITTEE on the draft, so a code of no committee (a ministry's, a typo) left the examination waiting
    for no one (found by a committee's trial). A committee merged in 2025 is named by the one that took over its field.
    Raises Refused `examining_committee_known` (INVALID). New input's alone: a draft started before the rule keeps its code."""
    if request.examining_committee is not None and (why := committee_refusal(request.examining_committee)) is not None:
        raise Refused("examining_committee", "examining_committee_known", why, INVALID)


def admits_version_in_force(request: StartRequest, now: datetime) -> None:
    """A draft follows the process version in force when it started, and keeps it (DOMAIN.md, "Two process versions"):
    its start, the first step of a draft entered under way or today (Ha Noi), is not on or after the day the version was
    replaced, and no step is dated before the version came into force (found by an operator's trial: a draft started
    today under LAW_2015 stood at a stage the law in force no longer has, with its limits, and a LAW_2025 draft was
    entered with a step of 2024). Raises Refused `version_in_force` (INVALID) naming `process_version`, or the step's
    `passed.N.occurred_on`. Days in Ha Noi."""
    version = request.process_version
    begins, replaced = version.in_force
    for number, step in enumerate(request.passed):
        if step.occurred_on is not None and step.occurred_on < begins:
            raise Refused(f"passed.{number}.occurred_on", "version_in_force", f"{step.occurred_on} is before {version.value} came into "
                          f"force on {begins}: a step taken then followed the law in force then", INVALID)
    started = request.passed[0].occurred_on if request.passed and request.passed[0].occurred_on else local_day(now)
    if replaced is not None and started >= replaced:
        raise Refused("process_version", "version_in_force", f"{version.value} was replaced on {replaced}: a draft started since "
                      f"({started}) follows the version in force then; a draft started under {version.value} is entered under way "
                      f"with the steps it passed, the first before {replaced}", INVALID)


def admits_after_programme_change(state: DraftState | None, message: BaseModel) -> None:
    """A decision, a postponement asked or decided, or a programme change entered afterwards (`occurred_on`) is not dated
    before a programme change already recorded at the draft's stage (the latest kept however many events followed it, from
    the twenty-fourth generation on; before, among its recent events): the stage was still open
    then (found by an official's trial: a decision dated the 3rd, entered after a deferral recorded on the 6th, left the
    history showing the stage deferred after it ended, and was counted on time against the deadline the deferral set).
    Raises Refused `not_before_programme_change` (INVALID) naming `occurred_on`. Days in Ha Noi."""
    day = getattr(message, "occurred_on", None)
    if state is None or day is None or not isinstance(message, (Decision, PostponementRequest, PostponementDecision, ProgrammeChange)):
        return
    changed = max((e.occurred_on or local_day(e.at) for e in state.kept_of(EventKind.PROGRAMME_CHANGED)
                   if e.stage is state.stage and e.at >= state.stage_since), default=None)
    if changed is not None and day < changed:
        raise Refused("occurred_on", "not_before_programme_change", f"{day} is before the programme change at {state.stage.value} on "
                      f"{changed}, already recorded: the stage was still open then", INVALID)


def admits_after_last_postponement(state: DraftState | None, request: PostponementRequest) -> None:
    """A postponement asked, entered afterwards (`occurred_on`), is not dated before one asked or decided at the stage
    already recorded (`DraftState.postponed_here_on`): one request at a time, in the order they came (found by a
    Government Office's trial: a request dated the 2nd was taken after one dated and refused the 3rd). Raises Refused
    `not_before_postponement` (INVALID) naming `occurred_on`. Days in Ha Noi."""
    if state is None or request.occurred_on is None or state.postponed_here_on is None or request.occurred_on >= state.postponed_here_on:
        return
    raise Refused("occurred_on", "not_before_postponement", f"{request.occurred_on} is before the postponement of {state.stage.value} asked or "
                  f"decided on {state.postponed_here_on}, already recorded: one request at a time, in the order they came", INVALID)


def _texts(value: object, path: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict | list):
        for key, item in value.items() if isinstance(value, dict) else enumerate(value):
            yield from _texts(item, f"{path}.{key}" if path else str(key))


def admits_round(state: DraftState | None, request: ConsultationRequest) -> None:
    """A new round's ID is not "." nor "..", a public posting names not the public (PUBLIC) among its consultees, a social critique asks the Fatherland Front alone (MTTQ; LAW_2025 Art.
    6(1), under the Law on the Fatherland Front), and a public posting needs the text posted in the dossier, so that the
    public reads what it comments on ("public posting of the draft", LAW_2025 Art. 33: DRAFT_TEXT; at the policy proposal
    the proposal's dossier, POLICY_PROPOSAL, from editions 2025.8: `ConsultationWindow.posted_text`): asked of new input
    only (`draft.Operation.admits`), so that a round opened so before the rule replays, decodes and is answered as it was."""
    _no_dot_segment("round_id", "round", request.round_id)
    if request.kind is ConsultationKind.PUBLIC_POSTING and PUBLIC in request.consultees:
        # A posting takes the public's comments on its public page, never as an opinion, so that a posting naming the public
        # awaited an answer no route could send (found by a public trial).
        raise Refused("consultees", "public_not_a_consultee", f"a public posting takes the public's comments on its public page: "
                      f"name here the bodies asked besides ({PUBLIC} is named in a WRITTEN_OPINIONS round, whose comments of the "
                      "public the lead ministry's system forwards)", INVALID)
    if request.kind is ConsultationKind.PUBLIC_POSTING and state is None:
        # Its dossier is read once the rulebook is pinned (found by a breaker: a draft entered under way, posted in its
        # first task, posted with no text); the handler does not ask this again.
        raise Refused("submission_id", "draft_not_ready", "the draft is pinning its rulebook; send the same request again in a moment",
                      RefusalKind.BUSY)
    # A classified draft's posting is refused for that (`check_consultation`), whatever its dossier holds.
    # What the public reads at the stage: the draft's text, or at the policy proposal the proposal (editions 2025.8 on,
    # `posted_text`: found by a reviewer of the stage table, a posting there asked for a text written only at drafting).
    if request.kind is ConsultationKind.PUBLIC_POSTING and not state.classified:
        window = state.rulebook.window(request.kind)
        posted = window.text_at(state.stage) if window is not None else DocumentKind.DRAFT_TEXT
        filed = next((d for d in state.dossier if d.kind is posted), None)
        if filed is None:
            raise Refused("kind", "draft_text_filed", f"a draft is posted for public comment at {state.stage.value} once the text posted is "
                          f"in the dossier: file its {posted.value} first (`legis file`, or the API's fileDossier)", CONFLICT)
        if filed.url is None:
            # Found by a public trial: a posting whose text had no address opened a page with nothing for the public to read.
            raise Refused("kind", "posted_text_published", f"the dossier's {posted.value} has no url, where the public reads it: file it "
                          "again with its url (the lead ministry's portal, the national legal database) before posting it", CONFLICT)
    if request.kind is ConsultationKind.SOCIAL_CRITIQUE and (others := [c for c in request.consultees if c != FATHERLAND_FRONT]):
        raise Refused("consultees", "fatherland_front_only", f"social critique (phản biện xã hội) is the Fatherland Front's "
                      f"({FATHERLAND_FRONT}), not {', '.join(others)}'s: ask them in a WRITTEN_OPINIONS round", INVALID)


def admits_round_documents(kept: int, opinion: Opinion) -> None:
    """A round keeps at most `MAX_ROUND_DOCUMENTS` documents from its opinions: `kept`, those of the opinions it holds.
    Raises Refused `round_documents_bound` (INVALID) naming `documents`. New input's alone: a round that took more before
    the rule hands them back as it can."""
    if kept + len(opinion.documents) > MAX_ROUND_DOCUMENTS:
        raise Refused("documents", "round_documents_bound", f"a round keeps at most {MAX_ROUND_DOCUMENTS} documents from all its opinions; "
                      f"it keeps {kept}, and this opinion brings {len(opinion.documents)}: send it with fewer (a letter and its annexes "
                      "as one file)", INVALID)


def admits_public_comment_ids(public: list[Answer], opinion: Opinion) -> None:
    """The public's comments a lead ministry forwards to a round, a batch at a time, are numbered once in the round, whatever
    its kind (found by a breaker: a second batch numbered from 1 again was answered 200, and its texts not kept). Asked of
    new input only. Raises Refused `comment_id_distinct` (INVALID) naming `comments`."""
    taken = {i for answer in public for i in answer.comment_ids}
    if opinion.consultee == PUBLIC and (again := sorted({c.comment_id for c in opinion.comments} & taken)):
        raise Refused("comments", "comment_id_distinct", f"a comment ID of the public is used once per round; taken already: "
                      f"{', '.join(again[:20])}", INVALID)


def admits_documents(state: DraftState | None, message: Decision | DossierFiling) -> None:
    """A filing (or a decision's documents) names each kind once: the dossier keeps one document of each kind, the latest,
    so a second of a kind in one message would replace the first unseen (found by a new user: 50 documents of a kind,
    one kept); from the twenty-first generation, compilations of comments of other names stand apart (`dossier_key`: a
    breaker filed the ministries' and the Fatherland Front's in one message), each name once. Asked of new input only
    (`draft.Operation.admits`), so that a message that did so before replays."""
    apart = state is None or state.generation >= 21
    keys = Counter(dossier_key(d, compilations_apart=apart) for d in message.documents)
    if twice := sorted({(key[0] if isinstance(key, tuple) else key).value for key, n in keys.items() if n > 1}):
        raise Refused("documents", "kind_once", "a message files one document of each kind (a compilation of comments once under each "
                      f"name), the dossier keeping the latest of each; given more than once: {', '.join(twice)}", INVALID)


def admits_decision(state: DraftState | None, decision: Decision) -> None:
    """A decision's documents (`admits_documents`), and no withdrawal once the Assembly (or, for an ordinance, its Standing
    Committee) has adopted the text: it is promulgated within 15 days (Law 64/2025 Art. 43; found by a ministry's trial: the
    lead ministry's minister withdrew a law at PROMULGATION), as a programme change may not withdraw it then
    (`rules.check_programme_change`, `before_passage`); with no state, a step of a draft entered under way, at its own
    stage (a breaker: a start's last step withdrew a passed law). Raises Refused `before_passage` (CONFLICT) naming `outcome`."""
    admits_documents(state, decision)
    stage = state.stage if state is not None else decision.stage  # a step of a draft entered under way: its own stage
    if decision.outcome is Outcome.WITHDRAW and stage in PASSED_STAGES:
        raise Refused("outcome", "before_passage", f"the law has passed; it is at {stage.value}: it is promulgated and published, not "
                      "withdrawn", CONFLICT)


# The Assembly's deputies: at most five hundred (Law 57/2014/QH13 on the Organisation of the National Assembly, Art. 5).
MAX_DEPUTIES = 500


def admits_vote(decision: Decision) -> None:
    """A vote's total is all the Assembly's deputies, at most `MAX_DEPUTIES`: passing needs more than half of them
    (Constitution Art. 85), so a total mistyped larger or smaller decides the result (found by an upstream system's trial:
    600 and 1,000 were taken). Raises Refused `deputies_in_assembly` (INVALID) naming `vote.total_deputies`. New input's
    alone: the message's own bound, 1,000, stays what a history took."""
    if decision.vote is not None and decision.vote.total_deputies > MAX_DEPUTIES:
        raise Refused("vote.total_deputies", "deputies_in_assembly", f"{decision.vote.total_deputies} deputies: the Assembly has at most "
                      f"{MAX_DEPUTIES} (Law 57/2014/QH13 Art. 5); give all its deputies, not only those present", INVALID)


# What a decision entered afterwards may not be dated before, at its stage: the steps taken there that it ends.
_STAGE_RECORDS = {EventKind.DOSSIER_FILED: "the filing", EventKind.CONSULTATION_OPENED: "the consultation round opened",
                  EventKind.CONSULTATION_COMPILED: "the consultation round compiled",
                  EventKind.DISAGREEMENT_RAISED: "the point of disagreement raised",
                  EventKind.DISAGREEMENT_ESCALATED: "the point of disagreement escalated", EventKind.DISAGREEMENT_RULED: "the ruling"}
_RULES = {EventKind.DOSSIER_FILED: "not_before_filing", EventKind.CONSULTATION_OPENED: "not_before_round",
          EventKind.CONSULTATION_COMPILED: "not_before_round"}


def admits_after_stage_records(state: DraftState | None, decision: Decision) -> None:
    """A decision entered afterwards (`occurred_on`) is not dated before a filing, a consultation round opened or compiled,
    or a point of disagreement raised, escalated or ruled on, already recorded at the draft's stage (among the events it
    keeps): the stage was still open then, and the dossier or the points not yet as they stand (found by a Government
    Office's trial: a drafting approved on a day before the filing that completed its dossier counted the appraisal's 30
    days from a dossier not yet complete, Law 64/2025/QH15 Art. 34(1); a review approved on a day before the point ruled on
    at it; then by a re-check, a round compiled at the stage). Raises Refused `not_before_filing`, `not_before_round` or
    `not_before_point` (INVALID) naming `occurred_on`. Days in Ha Noi."""
    day = decision.occurred_on
    if state is None or day is None:
        return
    for kind, what in _STAGE_RECORDS.items():
        recorded = max((e.occurred_on or local_day(e.at) for e in state.kept_of(kind) if e.stage is state.stage and e.at >= state.stage_since),
                       default=None)
        if recorded is not None and day < recorded:
            rule = _RULES.get(kind, "not_before_point")
            raise Refused("occurred_on", rule, f"{day} is before {what} at {state.stage.value} on {recorded}, already recorded: the "
                          "stage was still open then; give the day the decision was taken", INVALID)


def admits_new_decision(state: DraftState | None, decision: Decision) -> None:
    """What a decision sent to a draft must meet as new input: `admits_vote`, `admits_after_stage_records`, then
    `admits_decision`."""
    admits_vote(decision)
    admits_after_stage_records(state, decision)
    admits_decision(state, decision)


def admits_point(state: DraftState | None, point: Disagreement) -> None:
    """A new point's ID is not "." nor ".." (as a round's: `admits_round`), nor one raised already in another letter case
    (found by fuzzing: P1 and p1 were two points, which officials read as one), and it names each party once: an agency
    does not disagree with itself (found by a breaker: a point between BGDDT and BGDDT held the review until it was ruled
    on); a ruling names a point already open, whatever it is."""
    _no_dot_segment("point_id", "point", point.point_id)
    named = next((raised for raised in (state.points_raised if state else ()) if raised.casefold() == point.point_id.casefold()), None)
    if named is not None and named != point.point_id:
        raise Refused("point_id", "unique_point", f"point {named} was raised already; {point.point_id} differs from it only in letter case", INVALID)
    if twice := sorted(code for code, n in Counter(point.parties).items() if n > 1):
        raise Refused("parties", "party_once", f"each agency that disagrees is named once; named more than once: {', '.join(twice)}", INVALID)


def admits_refusal_reason(_state: DraftState | None, decision: PostponementDecision) -> None:
    """A postponement refused says why: the body that asked reads it, and asks again for another date or not (found by a
    ministry's trial: a refusal with no word). Asked of new input only, so that a refusal recorded without one replays."""
    if not decision.approved and not decision.reason:
        raise Refused("reason", "reason_required", "required when approved is false: a refusal says why", INVALID)


def _no_dot_segment(field: str, what: str, value: str) -> None:
    if value in DOT_SEGMENTS:
        raise Refused(field, "not_dot_segment", f"a {what}'s ID may not be {value!r}: no URL can name it", INVALID)
