"""The twenty-first generation (found by a lead ministry's trial). Pure: the draft core, no server.

Each compilation of comments stands in the dossier beside the others of other names (the Fatherland Front's critique
compiled after the ministries' opinions put theirs out of the dossier sent to appraisal), and a return for revision from
a stage holding an approved postponement says that the date lapses with the stage."""

from __future__ import annotations

from datetime import timedelta

import pytest

from schemas.enums import Actor, DocumentKind, EventKind, Outcome, Role, Stage
from schemas.messages import DossierFiling
from schemas.state import MAX_COMPILATIONS, NEWEST_GENERATION, DraftState
from tests.drafts import core_request, core_state, decision, document, postponed
from workflows import draft


def filed(state: DraftState, *names: str) -> DraftState:
    for name in names:
        filing = DossierFiling(stage=state.stage, actor=Actor.LEAD_MINISTRY, agency_code=state.lead_ministry, role=Role.MINISTER,
                               official="Bộ trưởng", documents=(document(DocumentKind.COMMENTS_COMPILATION, name),))
        state = draft.perform(draft.FILE_DOSSIER, state, filing, state.stage_since).state
    return state


def compilations(state: DraftState) -> list[str]:
    return [doc.name.removeprefix("COMMENTS_COMPILATION ") for doc in state.dossier if doc.kind is DocumentKind.COMMENTS_COMPILATION]


def test_each_compilation_of_comments_stands_in_the_dossier_sent_to_appraisal():
    state = filed(core_state(core_request(), at=Stage.DRAFTING), "ý kiến các bộ", "phản biện xã hội MTTQ")
    assert compilations(state) == ["ý kiến các bộ", "phản biện xã hội MTTQ"]
    appraising = draft.perform(draft.DECIDE, state, decision(state.request, Stage.DRAFTING).model_copy(
        update={"documents": tuple(d for d in decision(state.request, Stage.DRAFTING).documents if d.kind is not DocumentKind.COMMENTS_COMPILATION)}),
        state.stage_since).state
    assert appraising.stage is Stage.APPRAISAL and compilations(appraising) == ["ý kiến các bộ", "phản biện xã hội MTTQ"]
    # A compilation filed again under its name, revised, is its new version, and the latest (found by a breaker: the bound
    # dropped a revision just filed as the oldest).
    revision = document(DocumentKind.COMMENTS_COMPILATION, "ý kiến các bộ").model_copy(update={"sha256": "ab" * 32})
    filing = DossierFiling(stage=Stage.DRAFTING, actor=Actor.LEAD_MINISTRY, agency_code=state.lead_ministry, role=Role.MINISTER,
                           official="Bộ trưởng", documents=(revision,))
    revised = draft.perform(draft.FILE_DOSSIER, state, filing, state.stage_since).state
    assert compilations(revised) == ["phản biện xã hội MTTQ", "ý kiến các bộ"] and revised.dossier_version == state.dossier_version + 1
    assert revision in revised.dossier


def test_the_dossier_keeps_the_latest_compilations_within_its_bound():
    state = filed(core_state(core_request(), at=Stage.DRAFTING), *(f"đợt {n}" for n in range(MAX_COMPILATIONS + 3)))
    assert compilations(state) == [f"đợt {n}" for n in range(3, MAX_COMPILATIONS + 3)]
    # One filed again is the latest, and the next new name drops the oldest of the others.
    revised = document(DocumentKind.COMMENTS_COMPILATION, "đợt 3").model_copy(update={"sha256": "cd" * 32})
    filing = DossierFiling(stage=Stage.DRAFTING, actor=Actor.LEAD_MINISTRY, agency_code=state.lead_ministry, role=Role.MINISTER,
                           official="Bộ trưởng", documents=(revised,))
    state = filed(draft.perform(draft.FILE_DOSSIER, state, filing, state.stage_since).state, "đợt mới")
    assert compilations(state) == [*(f"đợt {n}" for n in range(5, MAX_COMPILATIONS + 3)), "đợt 3", "đợt mới"] and revised in state.dossier
    assert len(state.dossier) <= DraftState.model_fields["dossier"].metadata[0].max_length


def test_the_twentieth_generation_keeps_the_latest_compilation_as_it_ran():
    state = filed(core_state(core_request(), at=Stage.DRAFTING, generation=20), "ý kiến các bộ", "phản biện xã hội MTTQ")
    assert compilations(state) == ["phản biện xã hội MTTQ"]


@pytest.mark.parametrize("generation", [NEWEST_GENERATION, 20])
def test_a_return_says_that_the_approved_date_lapses_with_the_stage(generation):
    request = core_request()
    state = core_state(request, at=Stage.GOVERNMENT_DECISION, generation=generation)
    approved = state.deadline + timedelta(days=10)
    state = postponed(state, approved, state.stage_since).state
    applied = draft.perform(draft.DECIDE, state, decision(request, Stage.GOVERNMENT_DECISION, Outcome.RETURN_FOR_REVISION,
                                                          return_to=Stage.GOVERNMENT_REVIEW), state.stage_since)
    returned = next(e.entry for e in applied.effects if isinstance(e, draft.Record) and e.entry.event is EventKind.DECISION)
    if generation >= 21:
        assert returned.label == (f"the date {approved} approved by PM lapses with the stage; ask it again if the draft needs it when it is "
                                  "back here"), returned.label
    else:
        assert returned.label is None
    assert applied.state.postponement is None


async def test_the_dossiers_versions_read_from_the_audit_trail_keep_each_compilation(time_skipping_env, ts_worker, pool):
    """What `legis versions`, the API and the public's documents read (`store.audit.versions`) keeps each compilation as the
    draft does; and the return's note is in the draft's history."""
    from store import audit
    from tests.drafts import start_request
    from tests.scenario_compiled_apart import compiled_apart_and_returned
    from workflows import client as drafts

    client, request = time_skipping_env.client, start_request()
    await drafts.start_submission(client, request, task_queue=ts_worker)
    await compiled_apart_and_returned(client, request)
    await drafts.draft(client, request.submission_id).result()
    versions = (await audit.versions(pool, request.submission_id)).versions
    kept = [doc.name for doc in versions[-1].documents if doc.kind is DocumentKind.COMMENTS_COMPILATION]
    # Both rounds' and the one DRAFTING's approval attached.
    assert kept == ["Bản tổng hợp, tiếp thu, giải trình (r1)", "Bản tổng hợp, tiếp thu, giải trình (r2)", "COMMENTS_COMPILATION"], kept
    history = await drafts.history(client, request.submission_id)
    returned = next(e for e in history.entries if e.outcome is Outcome.RETURN_FOR_REVISION)
    assert returned.label and "approved by PM lapses with the stage" in returned.label


@pytest.mark.parametrize("generation", [NEWEST_GENERATION, 20])
def test_a_decisions_receipt_says_the_slip_it_made_due(generation):
    """Found by an official's trial: the review approved past the Government's cut-off for the session, the draft recorded
    the decision, the deadline passed and its slip to the next session, yet the answer said one event, the session left
    and the cut-off passed. From the twenty-first generation the update raises what it made due, in its receipt, which a
    retry gets again."""
    from tests.drafts import session

    request = core_request(target=session(2, 30))
    state = core_state(request, at=Stage.GOVERNMENT_REVIEW, generation=generation, sessions=[session(2, 30), session(3, 200)])
    review = decision(request, Stage.GOVERNMENT_REVIEW)
    applied = draft.receive(draft.DECIDE, state, review, state.stage_since, "req-1")
    receipt = applied.receipt
    if generation >= 21:
        kinds = [e.entry.event for e in applied.effects if isinstance(e, draft.Record)]
        assert kinds == [EventKind.DECISION, EventKind.DEADLINE_PASSED, EventKind.SESSION_SLIPPED], kinds
        assert (receipt.events, receipt.target_session, receipt.stage_deadline) == (3, "16-3", applied.state.deadline)
        assert receipt.stage_deadline > state.stage_since.date()
        again = draft.receive(draft.DECIDE, applied.state, review, state.stage_since, "req-1").receipt
        assert again == receipt.model_copy(update={"duplicate": True})
    else:
        assert (receipt.events, receipt.target_session) == (1, "16-2")


@pytest.mark.parametrize("generation", [NEWEST_GENERATION, 20])
def test_one_filing_may_hold_compilations_of_other_names(generation):
    """Found by a breaker: the ministries' and the Fatherland Front's compilations were refused in one filing (`kind_once`),
    though the dossier keeps each; the same name twice is still refused, as is any kind twice in an earlier generation."""
    from schemas.refusal import Refused

    state = core_state(core_request(), at=Stage.DRAFTING, generation=generation)

    def filing(*names: str) -> DossierFiling:
        return DossierFiling(stage=Stage.DRAFTING, actor=Actor.LEAD_MINISTRY, agency_code=state.lead_ministry, role=Role.MINISTER,
                             official="Bộ trưởng", documents=tuple(document(DocumentKind.COMMENTS_COMPILATION, name) for name in names))

    if generation >= 21:
        draft.validate(draft.FILE_DOSSIER, state, filing("ý kiến các bộ", "phản biện xã hội MTTQ"), state.stage_since)
    for refused_filing in ((filing("ý kiến các bộ", "ý kiến các bộ"),) if generation >= 21 else (filing("ý kiến các bộ", "phản biện"),)):
        with pytest.raises(Refused) as refused:
            draft.validate(draft.FILE_DOSSIER, state, refused_filing, state.stage_since)
        assert (refused.value.field, refused.value.rule) == ("documents", "kind_once")


async def test_versions_compare_shows_a_second_compilation_added_not_the_first_changed(cli, tmp_path):
    """Found by a re-check: `legis versions --compare` keyed the dossier by kind, so a second compilation filed beside the
    first read as the first "changed" (its hash replaced), and the first was gone from it."""
    import json
    from datetime import UTC, datetime

    from schemas.messages import StartRequest
    from tests.drafts import EXAMPLES, start_request
    from workflows.deadlines import local_day

    plain = start_request()
    today = local_day(datetime.now(UTC))
    steps = [decision(plain, stage).model_copy(update={"occurred_on": today - timedelta(days=ago)})
             for stage, ago in ((Stage.POLICY_PROPOSAL, 30), (Stage.LEGISLATIVE_PROGRAMME, 20))]
    request = StartRequest.model_validate({**plain.model_dump(), "passed": [s.model_dump() for s in steps]})
    sid = request.submission_id
    (tmp_path / "start.json").write_text(request.model_dump_json(), encoding="utf-8")
    code, _, err = await cli("start", str(tmp_path / "start.json"))
    assert code == 0, err
    filing = json.loads((EXAMPLES / "dossier-filing.json").read_text(encoding="utf-8"))
    for n, (name, digest) in enumerate((("Tổng hợp ý kiến các bộ", "ab"), ("Tổng hợp phản biện xã hội MTTQ", "cd"))):
        (tmp_path / f"file{n}.json").write_text(json.dumps(
            filing | {"documents": [{"kind": "COMMENTS_COMPILATION", "name": name, "sha256": digest * 32}]}, ensure_ascii=False), encoding="utf-8")
        code, _, err = await cli("file", sid, str(tmp_path / f"file{n}.json"))
        assert code == 0, err
    code, out, _ = await cli("versions", sid, "--json")
    versions = json.loads(out)["versions"]
    last = versions[-1]
    assert sorted(d["sha256"][:2] for d in last["documents"] if d["kind"] == "COMMENTS_COMPILATION") == ["ab", "cd"]
    code, out, err = await cli("versions", sid, "--compare", str(last["number"] - 1), str(last["number"]), "--json")
    assert code == 0, err
    compiled = [d for d in json.loads(out)["documents"] if d["document"].startswith("COMMENTS_COMPILATION")]
    # The first compilation is the same in both versions; the second is added.
    assert sorted(d["change"] for d in compiled) == ["added", "same"], compiled


async def test_two_rounds_compilations_are_not_one_document_by_their_hash(time_skipping_env, ts_worker, pool):
    """Found by a re-check: the compilation a round makes when none is filed was known by a hash of its summary (actor,
    agency, role, official, counts) alone, so that two rounds compiled by one official with the same counts were one hash
    (`legis versions` listed one line twice); from the twenty-first generation the round is hashed with it."""
    from store import audit
    from tests.drafts import start_request
    from tests.scenario_compiled_apart import compiled_apart_and_returned
    from workflows import client as drafts

    client, request = time_skipping_env.client, start_request()
    await drafts.start_submission(client, request, task_queue=ts_worker)
    await compiled_apart_and_returned(client, request)
    await drafts.draft(client, request.submission_id).result()
    versions = (await audit.versions(pool, request.submission_id)).versions
    rounds = {doc.name: doc.sha256 for doc in versions[-1].documents if doc.name.startswith("Bản tổng hợp, tiếp thu, giải trình (")}
    assert len(rounds) == 2 and len(set(rounds.values())) == 2, rounds
