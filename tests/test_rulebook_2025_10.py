"""Editions 2025.10 and 2015.10, from a Government Office's trial, in the draft core without a server: publication, which
the Government Office itself runs (it keeps the Official Gazette), climbs a ladder of its own with no rung naming the
Government Office, the late body; a draft pinned to an earlier edition keeps the ladder it pinned."""

from __future__ import annotations

import pytest

from schemas.enums import Actor, DocumentKind, EscalationLevel, ProcessVersion, Stage
from schemas.rulebook import edition, load_rulebook
from tests.drafts import core_request, core_state
from tests.test_escalation_levels import ladder_climbed

PINNED_BEFORE = {ProcessVersion.LAW_2025: "690ec13731d9", ProcessVersion.LAW_2015: "6d1f759e0da1"}


EDITION_10 = {ProcessVersion.LAW_2025: "36ddac9a9cc4", ProcessVersion.LAW_2015: "751ac7d32d4e"}


def test_editions_2025_10_and_2015_10_are_kept():
    assert [edition(version, EDITION_10[version]).version for version in ProcessVersion] == ["2015.10", "2025.10"]


@pytest.mark.parametrize("version", list(ProcessVersion))
@pytest.mark.parametrize("pinned_before", [False, True])
def test_the_government_offices_late_publication_is_not_escalated_to_itself(version, pinned_before):
    book = edition(version, PINNED_BEFORE[version]) if pinned_before else load_rulebook(version)
    publication = book.rule(Stage.PUBLICATION)
    assert [d.actor for d in publication.deciders] == [Actor.VPCP] and DocumentKind.GAZETTE_PUBLICATION in publication.required_documents
    state = core_state(core_request(version), at=Stage.PUBLICATION)
    levels, _ = ladder_climbed(state.model_copy(update={"rulebook": book}))
    climbed = [EscalationLevel.RESPONSIBLE_OFFICIAL, EscalationLevel.HEAD_OF_AGENCY]
    assert levels == climbed + ([EscalationLevel.VPCP, EscalationLevel.DEPUTY_PM] if pinned_before else [EscalationLevel.DEPUTY_PM])
