"""An ordinance the President disagrees with, in the draft core without a server (DOMAIN.md correction 9).

Law 64/2025/QH15 Art. 43(1), and Law 80/2015/QH13 Art. 80(1) alike: within 10 days of the ordinance's adoption
the President may ask the Standing Committee to reconsider it; adopted again, he promulgates it, or, if he still
disagrees, he refers it to the Assembly, which decides at its nearest session.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from pydantic import ValidationError

from cli.drafts import print_status
from cli.output import out
from schemas.calendar import SessionCalendar, StandingCommitteeMeeting, TargetSession
from schemas.enums import SITTING_STAGES, EventKind, LawKind, Outcome, ProcessVersion, Stage
from schemas.messages import Decision
from schemas.refusal import RefusalKind, Refused
from schemas.state import DraftState
from tests.drafts import NOW, PASSING_VOTE, core_request, core_state, decision, sitting
from workflows import draft, draft_views
from workflows.deadlines import VIETNAM, start_of
from workflows.draft_views import details, pending_decision

S = Stage
HELD = TargetSession(legislature=16, session=1, opens_on=date(2026, 4, 6))
NEAREST = TargetSession(legislature=16, session=2, opens_on=date(2027, 5, 20))
LATER = TargetSession(legislature=16, session=3, opens_on=date(2027, 10, 20))


def decide(state: DraftState, request, stage: Stage, outcome: Outcome = Outcome.APPROVE, **fields) -> DraftState:
    """Decided at `NOW`, or once the draft's stage began, or, at a sitting stage, once its session opened."""
    now = sitting(state) if stage in SITTING_STAGES else max(NOW, state.stage_since)
    return draft.perform(draft.DECIDE, state, decision(request, stage, outcome, **fields), now).state


def refused(state: DraftState, request, stage: Stage, outcome: Outcome, **fields) -> tuple[str, str]:
    with pytest.raises(Refused) as caught:
        decide(state, request, stage, outcome, **fields)
    return caught.value.field, caught.value.rule


def adopted_again(version=ProcessVersion.LAW_2025, target=NEAREST, sessions=(HELD, NEAREST, LATER)):
    """An ordinance the President sent back once, which the Standing Committee adopted again: at PROMULGATION."""
    request = core_request(version, law_kind=LawKind.ORDINANCE, target=target)
    state = core_state(request, at=S.PROMULGATION, sessions=sessions)
    state = decide(state, request, S.PROMULGATION, Outcome.RETURN_FOR_REVISION, return_to=S.STANDING_COMMITTEE_OPINION)
    return request, decide(state, request, S.STANDING_COMMITTEE_OPINION)


@pytest.mark.parametrize("version,article", [(ProcessVersion.LAW_2025, "Law 64/2025/QH15 Art. 43(1)"),
                                             (ProcessVersion.LAW_2015, "Law 80/2015/QH13 Art. 80(1)")])
def test_an_ordinance_the_president_still_disagrees_with_goes_to_the_assemblys_nearest_session(version, article):
    """Law 64/2025/QH15 Art. 43(1); Law 80/2015/QH13 Art. 80(1): "Trường hợp Chủ tịch nước vẫn không nhất trí thì Chủ tịch
    nước trình Quốc hội quyết định tại kỳ họp gần nhất"."""
    request, state = adopted_again(version)
    rule = state.rulebook.rule(S.PROMULGATION)
    assert (rule.refer_to, rule.unverified) == (S.NA_SESSION, False) and rule.source.startswith(article)
    assert refused(state, request, S.PROMULGATION, Outcome.RETURN_FOR_REVISION, return_to=S.STANDING_COMMITTEE_OPINION) == (
        "outcome", "reconsideration_once")

    state = decide(state, request, S.PROMULGATION, Outcome.REFER_TO_ASSEMBLY)
    assert (state.stage, state.target.code, state.deadline) == (S.NA_SESSION, "16-2", None)
    referral = state.recent[-1]
    assert (referral.outcome, referral.to_stage) == (Outcome.REFER_TO_ASSEMBLY, S.NA_SESSION)
    assert referral.label == "referred to the Assembly's nearest session, 16-2 (opens 2027-05-20)"

    # The Assembly decides; then the President promulgates: no second reconsideration, no second referral.
    state = decide(state, request, S.NA_SESSION, Outcome.VOTE, vote=PASSING_VOTE)
    assert state.stage is S.PROMULGATION and state.deadline == date(2027, 6, 4)  # 15 days from the vote at the opening
    for outcome, fields in ((Outcome.REFER_TO_ASSEMBLY, {}), (Outcome.RETURN_FOR_REVISION, {"return_to": S.STANDING_COMMITTEE_OPINION})):
        assert refused(state, request, S.PROMULGATION, outcome, **fields) == ("outcome", "assembly_decided")
    assert decide(decide(state, request, S.PROMULGATION), request, S.PUBLICATION).stage is S.PROMULGATED


def test_the_assembly_may_reject_the_ordinance_it_was_referred():
    request, state = adopted_again()
    state = decide(decide(state, request, S.PROMULGATION, Outcome.REFER_TO_ASSEMBLY), request, S.NA_SESSION, Outcome.REJECT)
    assert state.stage is S.REJECTED


def test_no_referral_before_the_standing_committee_was_asked_to_reconsider():
    request = core_request(law_kind=LawKind.ORDINANCE, target=NEAREST)
    state = core_state(request, at=S.PROMULGATION, sessions=(NEAREST,))
    assert refused(state, request, S.PROMULGATION, Outcome.REFER_TO_ASSEMBLY) == ("outcome", "referral_after_reconsideration")


def test_a_law_passed_by_the_assembly_is_never_referred_back_to_it():
    request = core_request(target=NEAREST)
    state = core_state(request, at=S.PROMULGATION, sessions=(NEAREST,))
    assert refused(state, request, S.PROMULGATION, Outcome.REFER_TO_ASSEMBLY) == ("outcome", "referral_for_ordinances")


def test_a_referral_states_the_presidents_reasons():
    fields = decision(core_request(law_kind=LawKind.ORDINANCE), S.PROMULGATION, Outcome.REFER_TO_ASSEMBLY).model_dump()
    with pytest.raises(ValidationError, match="reasons: required when outcome is REFER_TO_ASSEMBLY"):
        Decision.model_validate(fields | {"reasons": ""})


def test_with_no_session_announced_after_the_referral_the_ordinance_waits_for_the_next_one():
    """The nearest session is one that opens after the referral: with only a session held before it, the ordinance
    waits, and aims at the first session the calendar announces."""
    request, state = adopted_again(target=HELD, sessions=(HELD,))
    state = decide(state, request, S.PROMULGATION, Outcome.REFER_TO_ASSEMBLY)
    assert state.stage is S.NA_SESSION and state.held == HELD and state.deadline is None
    assert state.recent[-1].label == "referred to the Assembly's nearest session: none announced after 16-1 yet"
    announced = draft.perform(draft.CALENDAR_CHANGED, state, SessionCalendar(sessions=(HELD, LATER), changed_by="VPQH"), NOW)
    assert announced.state.target == LATER
    assert [e.entry.event for e in announced.effects if hasattr(e, "entry")][-1] is EventKind.SESSION_RESCHEDULED


def test_a_draft_that_pinned_an_edition_without_the_referral_keeps_its_rules():
    """Running drafts keep what they pinned: under edition 2025.4 the President may send the ordinance back again, and
    REFER_TO_ASSEMBLY is not an outcome of its promulgation."""
    request, state = adopted_again()
    old_rule = state.rulebook.rule(S.PROMULGATION).model_copy(update={"refer_to": None, "outcomes": (Outcome.APPROVE, Outcome.RETURN_FOR_REVISION)})
    old = state.rulebook.model_copy(update={"version": "2025.4", "stages": tuple(
        old_rule if r.stage is S.PROMULGATION else r for r in state.rulebook.stages)})
    state = state.model_copy(update={"rulebook": old})
    assert refused(state, request, S.PROMULGATION, Outcome.REFER_TO_ASSEMBLY) == ("outcome", "outcome_allowed")
    again = decide(state, request, S.PROMULGATION, Outcome.RETURN_FOR_REVISION, return_to=S.STANDING_COMMITTEE_OPINION)
    assert again.stage is S.STANDING_COMMITTEE_OPINION


def test_the_standing_committee_adopts_an_ordinance_at_its_meeting_not_before():
    """Found by a ministry's trial: with meeting UBTVQH-52 announced for the ordinance, whose limits count back from it,
    the Standing Committee's adoption sent months before was taken, and the President's 15 days ran from then. From the
    nineteenth generation it is refused before the meeting's day, taken on it; a draft of the eighteenth takes it."""
    opens_on = date(2027, 5, 20)
    request = core_request(law_kind=LawKind.ORDINANCE, opens_on=opens_on)
    meeting = StandingCommitteeMeeting(code="UBTVQH-52", meets_on=date(2027, 4, 12))
    for generation in (19, 18):
        state = core_state(request, at=Stage.STANDING_COMMITTEE_OPINION, meetings=[meeting], generation=generation)
        adopted = decision(request, Stage.STANDING_COMMITTEE_OPINION)
        if generation >= 19:
            with pytest.raises(Refused) as early:
                draft.validate(draft.DECIDE, state, adopted, NOW)
            assert (early.value.field, early.value.rule, early.value.kind) == ("occurred_on", "at_the_meeting", RefusalKind.CONFLICT)
            assert "UBTVQH-52 on 2027-04-12" in early.value.message
            dated = adopted.model_copy(update={"occurred_on": date(2027, 4, 11)})
            with pytest.raises(Refused) as misdated:
                draft.validate(draft.DECIDE, state, dated, start_of(date(2027, 4, 13)))
            assert (misdated.value.rule, misdated.value.kind) == ("at_the_meeting", RefusalKind.INVALID)
            on_the_day = start_of(meeting.meets_on) + timedelta(hours=15)
            assert draft.perform(draft.DECIDE, state, adopted, on_the_day).state.stage is Stage.PROMULGATION
        else:
            assert draft.perform(draft.DECIDE, state, adopted, NOW).state.stage is Stage.PROMULGATION
    # A law's opinion is not anchored to the meeting (DOMAIN.md correction 1): taken any day.
    law = core_request(opens_on=opens_on)
    state = core_state(law, at=Stage.STANDING_COMMITTEE_OPINION, meetings=[meeting])
    assert draft.perform(draft.DECIDE, state, decision(law, Stage.STANDING_COMMITTEE_OPINION), NOW).state.stage is Stage.NA_SESSION
    assert pending_decision(state).at_meeting is None


def test_an_ordinances_pending_decision_names_the_meeting_that_adopts_it():
    """Found by a National Assembly Office official's trial: an ordinance's status named no meeting (its deadline and next
    cut-off none) and only the refusal `at_the_meeting` said which; the pending decision names it, from the nineteenth
    generation, as an Assembly stage's names its session, and so do `legis status` and the Web UI's details."""
    request = core_request(law_kind=LawKind.ORDINANCE, opens_on=date(2027, 5, 20))
    meeting = StandingCommitteeMeeting(code="UBTVQH-52", meets_on=date(2027, 4, 12))
    state = core_state(request, at=Stage.STANDING_COMMITTEE_OPINION, meetings=[meeting])
    assert pending_decision(state).at_meeting == meeting
    assert "**Decided at the Standing Committee's meeting** UBTVQH-52 on 2027-04-12" in details(state)
    with out.capture() as captured:
        print_status(draft_views.status(state, "w", NOW))
    assert "at the Standing Committee's meeting UBTVQH-52 on 2027-04-12 (phiên họp Ủy ban Thường vụ Quốc hội)" in " ".join(captured.get().split())
    assert pending_decision(core_state(request, at=Stage.STANDING_COMMITTEE_OPINION, meetings=[meeting], generation=18)).at_meeting is None
    assert pending_decision(core_state(request, at=Stage.STANDING_COMMITTEE_OPINION)).at_meeting is None  # none announced
    assert pending_decision(core_state(request, at=Stage.EXAMINATION, meetings=[meeting])).at_meeting is None


def test_a_reconsideration_asked_too_late_names_the_adoption_and_the_last_day():
    """Found by a committee's trial: "reconsideration may be asked within 10 days of the ordinance's adoption" named neither
    day. The adoption's day and the last day of the window, in Ha Noi."""
    request = core_request(law_kind=LawKind.ORDINANCE)
    state = core_state(request, at=Stage.PROMULGATION)
    adopted = state.stage_since.astimezone(start_of(NOW.date()).tzinfo).date()
    late = decision(request, Stage.PROMULGATION, Outcome.RETURN_FOR_REVISION, return_to=Stage.STANDING_COMMITTEE_OPINION)
    with pytest.raises(Refused) as caught:
        draft.perform(draft.DECIDE, state, late, start_of(adopted + timedelta(days=11)) + timedelta(hours=9))
    assert (caught.value.rule, caught.value.kind) == ("reconsideration_window", RefusalKind.CONFLICT)
    assert f"adoption on {adopted}, by {adopted + timedelta(days=10)} (Ha Noi)" in caught.value.message, caught.value.message
    # Entered afterwards with a day past the window (found by an operator's trial: 409, where a day given is corrected, 422).
    dated = late.model_copy(update={"occurred_on": adopted + timedelta(days=11)})
    with pytest.raises(Refused) as caught:
        draft.perform(draft.DECIDE, state, dated, start_of(adopted + timedelta(days=12)))
    assert (caught.value.field, caught.value.rule, caught.value.kind) == ("occurred_on", "reconsideration_window", RefusalKind.INVALID)


def test_a_committee_filing_its_report_is_told_to_attach_it_to_its_decision():
    """Found by a committee's trial: the examination report filed by the committee was refused (`filing_authority`: only
    LEAD_MINISTRY files) with no word of where it goes."""
    from schemas.enums import Actor, DocumentKind, Role
    from schemas.messages import DossierFiling
    from tests.drafts import document

    state = core_state(core_request(), at=Stage.EXAMINATION)
    report = DossierFiling(stage=Stage.EXAMINATION, actor=Actor.NA_COMMITTEE, agency_code="UBPLTP", role=Role.COMMITTEE_CHAIR,
                           official="Chủ nhiệm", documents=(document(DocumentKind.EXAMINATION_REPORT),))
    with pytest.raises(Refused) as caught:
        draft.perform(draft.FILE_DOSSIER, state, report, NOW)
    assert caught.value.rule == "filing_authority" and "attaches its documents to its decision" in caught.value.message


def test_the_presidents_window_to_send_an_ordinance_back_is_shown_with_its_last_day():
    """Found by a committee's trial: the President's form offered "Trả lại để chỉnh lý" (returned for revision, as to its
    drafters) and did not say until when he may ask the Standing Committee to reconsider the ordinance."""
    from web.actor_names import outcome_name
    from web.render import translations

    request = core_request(law_kind=LawKind.ORDINANCE)
    state = core_state(request, at=Stage.PROMULGATION)
    last = pending_decision(state).reconsider_by
    # The day the window's own refusal names as the last (the test above), and the day after it is refused.
    assert last is not None and last >= state.stage_since.astimezone(start_of(NOW.date()).tzinfo).date() + timedelta(days=10)
    late = decision(request, Stage.PROMULGATION, Outcome.RETURN_FOR_REVISION, return_to=Stage.STANDING_COMMITTEE_OPINION)
    draft.perform(draft.DECIDE, state, late.model_copy(update={"occurred_on": last}), start_of(last) + timedelta(hours=9))
    with pytest.raises(Refused):
        draft.perform(draft.DECIDE, state, late.model_copy(update={"occurred_on": last + timedelta(days=1)}), start_of(last + timedelta(days=1)) + timedelta(hours=9))
    # Said on the CLI against today (found by a breaker: "may ask ... until" a day already past).
    for days_ago, said in ((0, "may ask the Standing Committee to reconsider the ordinance (RETURN_FOR_REVISION) until"),
                           (40, "time to ask the Standing Committee to reconsider the ordinance (RETURN_FOR_REVISION) ended on")):
        now = datetime.now(VIETNAM) - timedelta(days=days_ago)
        adopted = core_state(request, at=Stage.PROMULGATION, now=now)
        with out.capture() as captured:
            print_status(draft_views.status(adopted, "w", now))
        assert f"{said} {pending_decision(adopted).reconsider_by}" in " ".join(captured.get().split()), captured.get()
    assert outcome_name("RETURN_FOR_REVISION", translations("vi"), Stage.PROMULGATION) == "Đề nghị Ủy ban Thường vụ Quốc hội xem xét lại pháp lệnh"
    assert outcome_name("RETURN_FOR_REVISION", translations("vi"), Stage.APPRAISAL) == "Trả lại để chỉnh lý"
    # A law is promulgated: no window; nor once the ordinance was adopted again where the rulebook refers it to the Assembly.
    assert pending_decision(core_state(core_request(), at=Stage.PROMULGATION)).reconsider_by is None
    assert pending_decision(adopted_again()[1]).reconsider_by is None
