"""Real drafts off the straight path, in the time-skipping environment: consultation rounds as child
workflows, programme changes in flight, every Assembly procedure, ordinances, partial passage and
publication."""

from __future__ import annotations

from datetime import timedelta

import pytest
from pydantic import ValidationError
from temporalio.client import WorkflowUpdateFailedError

from activities.rulebook import shipped_working_calendar
from schemas.calendar import SessionCalendar, TargetSession
from schemas.enums import (
    ConsultationKind,
    DocumentKind,
    EventKind,
    LawKind,
    Outcome,
    ProcessVersion,
    ProgrammeChangeKind,
    ProgrammeTrack,
    Response,
    RestDay,
    SessionProcedure,
    Stage,
)
from schemas.messages import VoteCount
from schemas.time import VIETNAM
from tests.drafts import PASSING_VOTE, compilation, consultation, decision, opinion, programme_change, refusal_of, start_request
from tests.polling import eventually
from tests.scenarios import announce_following, past_window, until_sitting
from tests.test_calendar import cutoff
from tests.test_workflow_paths import approve_through, open_draft
from workflows import client as drafts
from workflows import round_client
from workflows.deadlines import off_rest_day, passes_at
from workflows.sessions import last_day_of

S = Stage
K = ProgrammeChangeKind


async def refused(call) -> dict:
    with pytest.raises(WorkflowUpdateFailedError) as failure:
        await call
    field, rule = refusal_of(failure.value)
    return {"field": field, "rule": rule}


async def status_after(client, call):
    """Send a message, then read where the draft stands."""
    receipt = await call
    return await drafts.status(client, receipt.submission_id)


def later_session(request, sessions_later: int = 1) -> TargetSession:
    target = request.target_session
    return target.model_copy(update={"session": target.session + sessions_later, "opens_on": target.opens_on + timedelta(days=180 * sessions_later)})


async def test_a_consultation_round_records_opinions_and_silence_and_its_compilation(time_skipping_env, ts_worker):
    env, client = time_skipping_env, time_skipping_env.client
    request = start_request()
    with env.with_time_skipping_disabled():
        await open_draft(client, ts_worker, request)
        await approve_through(client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME])
        sid = request.submission_id

        assert (await refused(drafts.open_consultation(client, sid, consultation(request, "r1", window_days=10)))) == {
            "field": "window_days", "rule": "statutory_minimum"}
        view = await status_after(client, drafts.open_consultation(client, sid, consultation(request, "r1")))
        assert [r.round_id for r in view.open_consultations] == ["r1"]
        with pytest.raises(WorkflowUpdateFailedError) as again:
            await drafts.open_consultation(client, sid, consultation(request, "r1"))
        # A state of the draft, not the input's fault: exit 3 and 409 (found by a new user: exit 2, "invalid input").
        assert refusal_of(again.value)[1] == "unique_round" and again.value.cause.details[0]["kind"] == "CONFLICT"

        await round_client.submit_opinion(client, sid, "r1", opinion("BTC", "c2", "c10"))
        await round_client.submit_opinion(client, sid, "r1", opinion("BNV"))
        assert (await refused(round_client.submit_opinion(client, sid, "r1", opinion("BXD", "c1")))) == {"field": "consultee", "rule": "asked_only"}
        assert (await refused(round_client.submit_opinion(client, sid, "r1", opinion("BTC", "c3"))))["rule"] == "answered_once"
        assert (await refused(round_client.compile_round(client, sid, "r1", compilation(request))))["rule"] == "round_still_open"
        # The draft cannot leave drafting while the round awaits its compilation.
        assert (await refused(drafts.decide(client, sid, decision(request, S.DRAFTING))))["rule"] == "consultation_open"

    # BCA never answers: when the 15-day window closes it is recorded as silent.
    await past_window(env, request, "r1")
    shown = await eventually(lambda: round_client.consultation(client, sid, "r1"), lambda view: view.closed)
    assert shown.closed and shown.silent == ("BCA",) and shown.unanswered_comments == ("BTC/c2", "BTC/c10")
    with pytest.raises(WorkflowUpdateFailedError) as late:
        await round_client.submit_opinion(client, sid, "r1", opinion("BCA"))
    # The window closes at a Ha Noi midnight, the evening before in UTC: the day named is Ha Noi's.
    closed_on = shown.closes_at.astimezone(VIETNAM).date()
    assert refusal_of(late.value)[1] == "round_closed" and f"closed on {closed_on} (Ha Noi)" in str(late.value.cause)

    with pytest.raises(WorkflowUpdateFailedError) as partial:
        await round_client.compile_round(client, sid, "r1", compilation(request))
    # In their numbers' order, as `consult show` lists them (a fresh-user trial: "BTC/c10, BTC/c2").
    assert refusal_of(partial.value)[1] == "every_comment_answered" and "missing 2: BTC/c2, BTC/c10" in str(partial.value.cause)
    twice = compilation(request, ("BTC", "c2", Response.ACCEPTED), ("BTC", "c2", Response.EXPLAINED), ("BTC", "c10", Response.EXPLAINED))
    assert (await refused(round_client.compile_round(client, sid, "r1", twice)))["rule"] == "answered_once"
    await round_client.compile_round(client, sid, "r1", compilation(request, ("BTC", "c2", Response.ACCEPTED), ("BTC", "c10", Response.EXPLAINED)))
    status = await eventually(lambda: drafts.status(client, sid), lambda v: not v.open_consultations)
    assert status.stage is S.DRAFTING

    history = await drafts.history(client, sid)
    events = [e.event for e in history.entries]
    assert events.count(EventKind.OPINION_RECEIVED) == 2 and events.count(EventKind.CONSULTEE_SILENT) == 1
    compiled = next(e for e in history.entries if e.event is EventKind.CONSULTATION_COMPILED)
    versions = await drafts.versions(client, sid)
    # The workflow's recent events leave out documents (the audit trail keeps them); the dossier's version holds it.
    assert compiled.version == versions.versions[-1].number
    assert DocumentKind.COMMENTS_COMPILATION in {d.kind for d in versions.versions[-1].documents}
    assert "1 comment accepted, 1 explained" in compiled.label
    silent = next(e for e in history.entries if e.event is EventKind.CONSULTEE_SILENT)
    # The window's last day (twenty-ninth generation), not the Ha Noi date of the midnight that ended it.
    assert silent.agency_code == "BCA" and silent.label.endswith(f"did not answer by {last_day_of(shown.closes_at)}")
    view = await status_after(client, drafts.decide(client, sid, decision(request, S.DRAFTING)))
    assert view.stage is S.APPRAISAL


async def test_rounds_the_rules_refuse(time_skipping_env, ts_worker):
    client = time_skipping_env.client
    secret = start_request(classified=True)
    with time_skipping_env.with_time_skipping_disabled():
        await open_draft(client, ts_worker, secret)
        posting = consultation(secret, "public", (), kind=ConsultationKind.PUBLIC_POSTING)
        await approve_through(client, secret, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME])
        assert (await refused(drafts.open_consultation(client, secret.submission_id, posting)))["rule"] == "classified_not_posted"
        delegations = consultation(secret, "na", ("DBQH_HN", "DBQH_HCM"), kind=ConsultationKind.NA_DELEGATIONS)
        assert (await refused(drafts.open_consultation(client, secret.submission_id, delegations)))["rule"] == "consultation_stage"
    with pytest.raises(ValidationError, match="consultees"):
        consultation(secret, "empty", ())


async def test_programme_changes_defer_shorten_add_and_withdraw(time_skipping_env, ts_worker):
    client = time_skipping_env.client
    with time_skipping_env.with_time_skipping_disabled():
        shortened = start_request()
        await open_draft(client, ts_worker, shortened)
        sid = shortened.submission_id
        by_a_ministry = programme_change(K.SHORTENED).model_copy(update={"actor": "GOVERNMENT", "agency_code": "CP", "role": "PRIME_MINISTER"})
        assert (await refused(drafts.change_programme(client, sid, by_a_ministry)))["rule"] == "programme_authority"
        view = await status_after(client, drafts.change_programme(client, sid, programme_change(K.SHORTENED)))
        # Art. 51 skips the policy proposal: the draft goes straight to the programme.
        assert view.stage is S.LEGISLATIVE_PROGRAMME and view.track is ProgrammeTrack.SHORTENED
        assert (await refused(drafts.change_programme(client, sid, programme_change(K.SHORTENED))))["rule"] == "track_changes"

        view = await status_after(client, drafts.change_programme(client, sid, programme_change(K.ADD)))
        assert view.stage is S.DRAFTING
        deferred = await status_after(client, drafts.change_programme(client, sid, programme_change(K.DEFER, to_session=later_session(shortened))))
        assert deferred.target_session.code == "16-3" and deferred.stage is S.DRAFTING
        backwards = programme_change(K.DEFER, to_session=shortened.target_session)
        assert (await refused(drafts.change_programme(client, sid, backwards)))["rule"] == "later_session"
        withdrawn = await status_after(client, drafts.change_programme(client, sid, programme_change(K.WITHDRAW)))
        assert withdrawn.stage is S.WITHDRAWN

        history = await drafts.history(client, sid)
        changes = [e for e in history.entries if e.event is EventKind.PROGRAMME_CHANGED]
        assert [(e.stage, e.to_stage) for e in changes] == [
            (S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME), (S.LEGISLATIVE_PROGRAMME, S.DRAFTING), (S.DRAFTING, S.DRAFTING), (S.DRAFTING, S.WITHDRAWN)]
        assert all(e.actor.value == "UBTVQH" and e.reasons for e in changes)

        special = start_request(ProcessVersion.LAW_2015)
        await open_draft(client, ts_worker, special)
        assert (await refused(drafts.change_programme(client, special.submission_id, programme_change(K.SPECIAL))))["rule"] == "track_known"


async def test_a_special_track_skips_the_standing_committee(time_skipping_env, ts_worker):
    client = time_skipping_env.client
    request = start_request()
    with time_skipping_env.with_time_skipping_disabled():
        await open_draft(client, ts_worker, request)
        view = await status_after(client, drafts.change_programme(client, request.submission_id, programme_change(K.SPECIAL)))
        assert view.stage is S.LEGISLATIVE_PROGRAMME
        view = await approve_through(client, request, [S.LEGISLATIVE_PROGRAMME, S.DRAFTING, S.APPRAISAL, S.GOVERNMENT_REVIEW,
                                                       S.GOVERNMENT_DECISION, S.EXAMINATION])
        assert view.stage is S.NA_SESSION


async def test_a_one_session_draft_split_over_two_and_a_two_session_draft_accelerated(time_skipping_env, ts_worker):
    client = time_skipping_env.client
    before_assembly = [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME, S.DRAFTING, S.APPRAISAL, S.GOVERNMENT_REVIEW,
                       S.GOVERNMENT_DECISION, S.EXAMINATION, S.STANDING_COMMITTEE_OPINION]
    with time_skipping_env.with_time_skipping_disabled():
        split = start_request()
        await open_draft(client, ts_worker, split)
        await approve_through(client, split, before_assembly)
        no_session = programme_change(K.SWITCH_PROCEDURE, procedure=SessionProcedure.TWO_SESSIONS)
        assert (await refused(drafts.change_programme(client, split.submission_id, no_session)))["rule"] == "next_session_named"
        view = await status_after(client, drafts.change_programme(client, split.submission_id, no_session.model_copy(update={"to_session": later_session(split)})))
        # The session debated it; the vote waits for the next one, after the revision between sessions.
        assert view.stage is S.INTER_SESSION_REVISION and view.target_session.code == "16-3"
        assert view.stage_deadline == cutoff(later_session(split).opens_on, 45)
        view = await approve_through(client, split, [S.INTER_SESSION_REVISION, S.NA_SESSION])
        assert view.stage is S.PROMULGATION

        accelerated = start_request(procedure=SessionProcedure.TWO_SESSIONS)
        await open_draft(client, ts_worker, accelerated)
        await approve_through(client, accelerated, before_assembly)
        assert (await drafts.status(client, accelerated.submission_id)).stage is S.NA_FIRST_SESSION
        three = programme_change(K.SWITCH_PROCEDURE, procedure=SessionProcedure.THREE_SESSIONS)
        assert (await refused(drafts.change_programme(client, accelerated.submission_id, three)))["rule"] == "procedure_known"
        view = await status_after(client, drafts.change_programme(client, accelerated.submission_id,
                                             programme_change(K.SWITCH_PROCEDURE, procedure=SessionProcedure.ONE_SESSION)))
        assert view.stage is S.NA_SESSION


async def test_three_sessions_under_law_2015(time_skipping_env, ts_worker):
    client = time_skipping_env.client
    with pytest.raises(ValidationError, match="THREE_SESSIONS exists only under LAW_2015"):
        start_request(ProcessVersion.LAW_2025, SessionProcedure.THREE_SESSIONS)
    request = start_request(ProcessVersion.LAW_2015, SessionProcedure.THREE_SESSIONS)
    with time_skipping_env.with_time_skipping_disabled():
        handle = await open_draft(client, ts_worker, request)
        await announce_following(client, request, 2)
        await approve_through(client, request, [S.LAW_MAKING_PROPOSAL, S.LEGISLATIVE_PROGRAMME, S.DRAFTING, S.APPRAISAL, S.GOVERNMENT_REVIEW,
                                                S.GOVERNMENT_DECISION, S.EXAMINATION, S.STANDING_COMMITTEE_OPINION, S.NA_FIRST_SESSION,
                                                S.INTER_SESSION_REVISION, S.NA_SECOND_SESSION, S.SECOND_INTER_SESSION_REVISION, S.NA_SESSION,
                                                S.PROMULGATION, S.PUBLICATION])
        assert (await handle.result()).stage is S.PROMULGATED


async def test_an_ordinance_the_president_sends_back_once_within_ten_days(time_skipping_env, ts_worker):
    env, client = time_skipping_env, time_skipping_env.client
    request = start_request(law_kind=LawKind.ORDINANCE)
    with env.with_time_skipping_disabled():
        handle = await open_draft(client, ts_worker, request)
        view = await approve_through(client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME, S.DRAFTING, S.APPRAISAL,
                                                       S.GOVERNMENT_REVIEW, S.GOVERNMENT_DECISION, S.EXAMINATION, S.STANDING_COMMITTEE_OPINION])
        # Adopted by the Standing Committee: no session of the Assembly.
        assert view.stage is S.PROMULGATION
        reconsider = decision(request, S.PROMULGATION, Outcome.RETURN_FOR_REVISION, return_to=S.STANDING_COMMITTEE_OPINION)
        view = await status_after(client, drafts.decide(client, request.submission_id, reconsider))
        assert view.stage is S.STANDING_COMMITTEE_OPINION
        await approve_through(client, request, [S.STANDING_COMMITTEE_OPINION])
    await env.fast_forward(handle, timedelta(days=11))
    assert (await refused(drafts.decide(client, request.submission_id, reconsider))) == {"field": "outcome", "rule": "reconsideration_window"}
    await approve_through(client, request, [S.PROMULGATION, S.PUBLICATION])
    assert (await handle.result()).stage is S.PROMULGATED

    law = start_request()
    with env.with_time_skipping_disabled():
        await open_draft(client, ts_worker, law)
        await approve_through(client, law, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME, S.DRAFTING, S.APPRAISAL, S.GOVERNMENT_REVIEW,
                                            S.GOVERNMENT_DECISION, S.EXAMINATION, S.STANDING_COMMITTEE_OPINION, S.NA_SESSION])
        back = decision(law, S.PROMULGATION, Outcome.RETURN_FOR_REVISION, return_to=S.STANDING_COMMITTEE_OPINION)
        assert (await refused(drafts.decide(client, law.submission_id, back)))["rule"] == "reconsideration_for_ordinances"


async def test_an_ordinance_the_president_still_disagrees_with_goes_to_the_assemblys_nearest_session(time_skipping_env, ts_worker):
    """Law 64/2025/QH15 Art. 43(1): adopted again after his request to reconsider it, an ordinance the President still
    disagrees with goes to the Assembly, which decides at its nearest session; then he promulgates it."""
    env, client = time_skipping_env, time_skipping_env.client
    request = start_request(law_kind=LawKind.ORDINANCE)
    with env.with_time_skipping_disabled():
        handle = await open_draft(client, ts_worker, request)
        await approve_through(client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME, S.DRAFTING, S.APPRAISAL, S.GOVERNMENT_REVIEW,
                                                S.GOVERNMENT_DECISION, S.EXAMINATION, S.STANDING_COMMITTEE_OPINION])
        refer = decision(request, S.PROMULGATION, Outcome.REFER_TO_ASSEMBLY)
        assert (await refused(drafts.decide(client, request.submission_id, refer)))["rule"] == "referral_after_reconsideration"
        back = decision(request, S.PROMULGATION, Outcome.RETURN_FOR_REVISION, return_to=S.STANDING_COMMITTEE_OPINION)
        await drafts.decide(client, request.submission_id, back)
        await approve_through(client, request, [S.STANDING_COMMITTEE_OPINION])
        assert (await refused(drafts.decide(client, request.submission_id, back)))["rule"] == "reconsideration_once"
        view = await status_after(client, drafts.decide(client, request.submission_id, refer))
        assert view.stage is S.NA_SESSION and view.target_session.opens_on > view.stage_since.date()
        await approve_through(client, request, [S.NA_SESSION])
        assert (await refused(drafts.decide(client, request.submission_id, back)))["rule"] == "assembly_decided"
        await approve_through(client, request, [S.PROMULGATION, S.PUBLICATION])
    assert (await handle.result()).stage is S.PROMULGATED
    referral = next(e for e in (await drafts.history(client, request.submission_id)).entries if e.outcome is Outcome.REFER_TO_ASSEMBLY)
    assert referral.to_stage is S.NA_SESSION and referral.label.startswith("referred to the Assembly's nearest session")


async def test_partial_passage_then_publication_within_three_days(time_skipping_env, ts_worker):
    env, client = time_skipping_env, time_skipping_env.client
    request = start_request()
    in_part = VoteCount(**PASSING_VOTE.model_dump(exclude={"parts_not_passed"}), parts_not_passed=("Điều 12", "Điều 15"))
    with pytest.raises(ValidationError, match="parts_not_passed"):
        VoteCount(total_deputies=500, in_favour=100, against=300, abstaining=0, parts_not_passed=("Điều 1",))
    with env.with_time_skipping_disabled():
        handle = await open_draft(client, ts_worker, request)
        await approve_through(client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME, S.DRAFTING, S.APPRAISAL, S.GOVERNMENT_REVIEW,
                                                S.GOVERNMENT_DECISION, S.EXAMINATION, S.STANDING_COMMITTEE_OPINION])
        await until_sitting(client, request.submission_id)
        view = await status_after(client, drafts.decide(client, request.submission_id, decision(request, S.NA_SESSION, Outcome.VOTE, vote=in_part)))
        assert view.stage is S.PROMULGATION and view.last_vote.parts_not_passed == ("Điều 12", "Điều 15")
        view = await approve_through(client, request, [S.PROMULGATION])
        assert view.stage is S.PUBLICATION
        entered = view.stage_since
        # Three days, or the next working day when the third is a rest day (Civil Code 2015 Art. 148(5)).
        assert view.stage_deadline == off_rest_day(entered.astimezone(VIETNAM).date() + timedelta(days=3), RestDay.NEXT_WORKING_DAY,
                                                   shipped_working_calendar())
    await env.fast_forward(handle, passes_at(view.stage_deadline) - entered + timedelta(days=1))
    history = await drafts.history(client, request.submission_id)
    passed = next(e for e in history.entries if e.event is EventKind.DEADLINE_PASSED)
    assert passed.stage is S.PUBLICATION and passed.at >= passes_at(view.stage_deadline)
    voted = next(e for e in history.entries if e.outcome is Outcome.VOTE)
    assert voted.label == "passed in part; not passed: Điều 12, Điều 15"
    await approve_through(client, request, [S.PUBLICATION])
    assert (await handle.result()).stage is S.PROMULGATED


async def test_a_draft_brought_to_an_extraordinary_session_keeps_its_place_past_the_cut_off(time_skipping_env, ts_worker):
    env, client = time_skipping_env, time_skipping_env.client
    request = start_request()
    with env.with_time_skipping_disabled():
        handle = await open_draft(client, ts_worker, request)
        view = await approve_through(client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME, S.DRAFTING, S.APPRAISAL, S.GOVERNMENT_REVIEW])
        assert view.stage is S.GOVERNMENT_DECISION
        soon = TargetSession(legislature=16, session=9, opens_on=view.stage_since.date() + timedelta(days=10), extraordinary=True)
        not_extraordinary = soon.model_copy(update={"extraordinary": False})
        early = programme_change(K.DEFER, to_session=not_extraordinary)
        assert (await refused(drafts.change_programme(client, request.submission_id, early)))["rule"] == "later_session"
        view = await status_after(client, drafts.change_programme(client, request.submission_id, programme_change(K.DEFER, to_session=soon)))
        assert view.target_session == soon and view.stage_deadline == cutoff(soon.opens_on, 45)
    await env.fast_forward(handle, timedelta(days=2))
    view = await drafts.status(client, request.submission_id)
    assert view.overdue and view.target_session == soon and view.stage is S.GOVERNMENT_DECISION
    events = [e.event for e in (await drafts.history(client, request.submission_id)).entries]
    assert EventKind.DEADLINE_PASSED in events and EventKind.SESSION_SLIPPED not in events
    changed = next(e for e in (await drafts.history(client, request.submission_id)).entries if e.event is EventKind.PROGRAMME_CHANGED)
    assert changed.label.startswith("brought to an extraordinary session")


async def test_delegations_comment_between_sessions_until_twenty_days_before_the_next(time_skipping_env, ts_worker):
    client = time_skipping_env.client
    request = start_request(procedure=SessionProcedure.TWO_SESSIONS)
    with time_skipping_env.with_time_skipping_disabled():
        await open_draft(client, ts_worker, request)
        await approve_through(client, request, [S.POLICY_PROPOSAL, S.LEGISLATIVE_PROGRAMME, S.DRAFTING, S.APPRAISAL, S.GOVERNMENT_REVIEW,
                                                S.GOVERNMENT_DECISION, S.EXAMINATION, S.STANDING_COMMITTEE_OPINION, S.NA_FIRST_SESSION])
        delegations = consultation(request, "dbqh", ("DBQH_HN", "DBQH_HCM"), kind=ConsultationKind.NA_DELEGATIONS)
        fixed = delegations.model_copy(update={"window_days": 40})
        assert (await refused(drafts.open_consultation(client, request.submission_id, fixed)))["rule"] == "window_fixed_by_session"
        # Debated at its first session, the draft waits for the next to be announced before the delegations' round.
        assert (await refused(drafts.open_consultation(client, request.submission_id, delegations)))["rule"] == "next_session_announced"
        following = later_session(request)
        await drafts.tell_calendar(client, request.submission_id, SessionCalendar(sessions=(request.target_session, following), changed_by="op"))
        view = await status_after(client, drafts.open_consultation(client, request.submission_id, delegations))
        assert view.stage is S.INTER_SESSION_REVISION and view.target_session == following
    shown = await round_client.consultation(client, request.submission_id, "dbqh")
    assert shown.closes_at == passes_at(cutoff(following.opens_on, 20))
    assert shown.awaiting == ("DBQH_HN", "DBQH_HCM")
