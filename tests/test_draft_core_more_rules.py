"""The draft core's random long lives (written by a breaker of a draft's long life) with rules the stateful test
(tests/test_draft_core.py) lacks: filings, arbitration, agency remaps, withdrawals, every message sent under a request ID and retried at any later
moment (not only the last), the carried state taken up as a new run takes it (`generations.carried_into` and
`calendar_changes.taken_up`), and what a reader asks of any state (status, history, versions, details, the memo)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import invariant, precondition, rule

from schemas.enums import Actor, DocumentKind, Outcome, Role, Stage
from schemas.messages import AgencyRemap, DossierFiling, Ruling
from schemas.refusal import Refused
from schemas.state import DraftState
from tests.drafts import decision, document
from tests.test_arbitration import DEPUTY_PM, PM, POINT
from tests.test_draft_core import DraftLife
from workflows import calendar_changes, draft, generations
from workflows import draft_views as views


class LongerLife(DraftLife):
    def send(self, op, message, *, request_id=None):
        self.sent = getattr(self, "sent", [])
        applied = super().send(op, message, request_id=request_id)
        if applied is not None and request_id is not None and not applied.receipt.duplicate:
            self.sent.append((op, message, request_id, applied.receipt))
        return applied

    @precondition(lambda self: not self.state.stage.is_terminal)
    @rule(n=st.integers(min_value=0, max_value=40))
    def file_documents(self, n):
        self.send(draft.FILE_DOSSIER, DossierFiling(stage=self.state.stage, actor=Actor.LEAD_MINISTRY, agency_code=self.request.lead_ministry,
                                                    role=Role.MINISTER, official="Bộ trưởng",
                                                    documents=(document(DocumentKind.DRAFT_TEXT, f"v{n}"),)),
                  request_id=f"file-{self.state.seq}-{n}")

    @precondition(lambda self: self.state.stage is Stage.GOVERNMENT_REVIEW and not self.state.open_points)
    @rule(escalate=st.booleans())
    def arbitrate(self, escalate):
        point = POINT.model_copy(update={"point_id": f"P{self.state.seq}"})
        if self.send(draft.RAISE_DISAGREEMENT, point, request_id=f"point-{self.state.seq}") is None:
            return
        if escalate:
            self.send(draft.RULE_ON_DISAGREEMENT, Ruling(point_id=point.point_id, escalate=True, **DEPUTY_PM), request_id=f"esc-{self.state.seq}")
            self.send(draft.RULE_ON_DISAGREEMENT, Ruling(point_id=point.point_id, ruling="Giao Bộ chủ trì", **PM), request_id=f"pm-{self.state.seq}")
        else:
            self.send(draft.RULE_ON_DISAGREEMENT, Ruling(point_id=point.point_id, ruling="Giao Bộ chủ trì", **DEPUTY_PM),
                      request_id=f"dpm-{self.state.seq}")

    @precondition(lambda self: not self.state.stage.is_terminal and getattr(self, "remaps", 0) < 2)
    @rule()
    def remap_the_lead_ministry(self):
        self.remaps = getattr(self, "remaps", 0) + 1
        new = f"BGDDT{self.remaps}"
        applied = self.send(draft.REMAP_AGENCY, AgencyRemap(old_code=self.request.lead_ministry, new_code=new, changed_by="op",
                                                            reason="hợp nhất bộ"), request_id=f"remap-{self.remaps}")
        if applied is not None:
            self.request = self.request.model_copy(update={"lead_ministry": new})

    @precondition(lambda self: not self.state.stage.is_terminal and self.state.stage not in (Stage.PROMULGATION, Stage.PUBLICATION))
    @rule(chance=st.integers(min_value=0, max_value=9))
    def withdraw(self, chance):
        if chance:  # seldom: a withdrawn draft ends its life
            return
        self.send(draft.DECIDE, decision(self.request, self.state.stage, Outcome.WITHDRAW).model_copy(
            update={"actor": Actor.LEAD_MINISTRY, "agency_code": self.request.lead_ministry, "role": Role.MINISTER, "reasons": "rút"}),
            request_id=f"withdraw-{self.state.seq}")

    @precondition(lambda self: bool(getattr(self, "sent", [])))
    @rule(which=st.integers(min_value=0, max_value=10_000))
    def retry_any_earlier_request(self, which):
        """A ministry's system retries any message it sent, at any later moment, under its request ID."""
        op, message, request_id, first = self.sent[which % len(self.sent)]
        before = self.state
        remembered = any(r.request_id == request_id for r in before.seen)
        try:
            applied = draft.perform(op, before, message, self.now, request_id)
        except Refused:
            assert not remembered
            return
        if remembered:
            assert applied.effects == [] and applied.state is before and applied.receipt.duplicate
            assert applied.receipt.model_copy(update={"duplicate": False}) == first
        else:
            self.absorb(applied, before)

    @precondition(lambda self: bool(self.state.open_rounds) and not self.state.stage.is_terminal)
    @rule(how=st.sampled_from(["compiled", "lost", "cancelled"]))
    def a_round_ends(self, how):  # a final draft's rounds are cancelled with it (kept for the run's closing)
        DraftLife.a_round_ends(self, how)

    @rule()
    def continue_as_new_as_the_workflow_does(self):
        carried = DraftState.model_validate_json(self.state.model_dump_json())
        taken = generations.carried_into(carried, carried.generation)
        applied = calendar_changes.taken_up(carried, taken, self.now)
        assert applied.effects == [], applied.effects  # same generation: nothing to count again
        self.state = applied.state

    @invariant()
    def every_reader_answers(self):
        s = self.state
        views.status(s, "draft-law-x", self.now)
        views.history(s)
        views.versions(s)
        views.details(s)
        views.memo(s)

    @invariant()
    def the_history_query_is_the_tail_of_the_audit_trail(self):
        entries = views.history(self.state).entries
        assert [e.seq for e in entries] == self.recorded[-len(entries):] if entries else True
        assert [e.event for e in entries] == self.events[-len(entries):] if entries else True


TestLongerLife = pytest.mark.timeout(900)(LongerLife.TestCase)
TestLongerLife.settings = settings(max_examples=60, stateful_step_count=60, deadline=None,
                                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
